import { globalObjectsOf } from "../../src/heapy/graph/globals.js";
import type { HeapGraph } from "../../src/heapy/snapshot/heap-graph.js";
import type { Classifier } from "../../src/heapy/classify/classifiers.js";
import type { SynthNode } from "./synthetic.js";

/**
 * A Window holding an Array of three Foo (through the array's element store), each
 * Foo with its own property store, and a Bar that also refers to the first Foo.
 * Node ids are 2 × ordinal + 1 (Window @3, Array @5, Foos @7 @9 @11, Bar @13, store @17).
 */
export const WINDOW_FOOS: SynthNode[] = [
  { type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "1", to: 1 }, { type: "element", name: 1, to: 7 }] },
  { type: "object", name: "Window", size: 40, edges: [{ type: "property", name: "foos", to: 2 }, { type: "property", name: "bar", to: 6 }] },
  { type: "object", name: "Array", size: 32, edges: [{ type: "internal", name: "elements", to: 8 }] },
  { type: "object", name: "Foo", size: 24, edges: [{ type: "internal", name: "properties", to: 9 }] },
  { type: "object", name: "Foo", size: 24, edges: [{ type: "internal", name: "properties", to: 10 }] },
  { type: "object", name: "Foo", size: 24, edges: [{ type: "internal", name: "properties", to: 11 }] },
  { type: "object", name: "Bar", size: 56, edges: [{ type: "property", name: "foo", to: 3 }] },
  { type: "synthetic", name: "(GC roots)", size: 0, edges: [] },
  { type: "array", name: "(object elements)", size: 64, edges: [0, 1, 2].map((i) => ({ type: "element", name: i, to: 3 + i })) },
  { type: "array", name: "(object properties)", size: 16, edges: [] },
  { type: "array", name: "(object properties)", size: 16, edges: [] },
  { type: "array", name: "(object properties)", size: 16, edges: [] },
];

/** WINDOW_FOOS's reachable objects partitioned by class: Heapy's table, line by line. */
export const WINDOW_FOOS_BY_CLODO: readonly string[] = [
  "Partition of a set of 10 objects. Total size = 312 bytes.",
  " Index  Count   %     Size   % Cumulative  % Kind (class / dict of class)",
  "     0      3  30      120  38       120  38 Foo",
  "     1      1  10       96  31       216  69 Array",
  "     2      1  10       56  18       272  87 Bar",
  "     3      1  10       40  13       312 100 Window",
  "     4      1  10        0   0       312 100 (object elements) of Array",
  "     5      3  30        0   0       312 100 (object properties) of Foo",
];

/** A classifier of the user's own: objects of 1000 bytes or more are "big", the rest "small". */
export const BIG_OR_SMALL: Classifier = {
  name: "Big",
  kindHeader: "Kind (big or small)",
  classify(g, nodes) {
    const kinds = new Uint32Array(nodes.length);
    nodes.forEach((n, i) => (kinds[i] = g.nodeSelfSize[n]! >= 1000 ? 0 : 1));
    return { kinds, labels: ["big", "small"] };
  },
};

/** The program's global object that has a property `name` (V8 reaches it by a root shortcut or through a native context). */
export function globalWith(g: HeapGraph, name: string): number {
  const globals = globalObjectsOf(g);
  for (let n = 0; n < g.nodeCount; n++) {
    if (!globals[n]) continue;
    for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) if (g.edgeTypeName(e) === "property" && g.edgeNameText(e) === name) return n;
  }
  throw new Error(`no global object has a property ${name}`);
}
