import { byLabel, edgeNamed, type Classifier } from "../classify/classifiers.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import type { WasteAnalysis } from "./waste-report.js";

/** Bytes of a FixedArray's header (map and length); each slot is 8 bytes. */
const ARRAY_HEADER = 16;
const SLOT = 8;
/** An array is sparse when at least this many slots, and at least half of them, hold nothing. */
const SPARSE_MIN_SLOTS = 16;

/** Whether the snapshot records small integers (V8's "expose numeric values" option): only then are arrays of numbers visible. */
export function numbersCaptured(g: HeapGraph): boolean {
  return g.strings.indicesOf("smi number").length > 0;
}

/** Entries of a Map's or Set's table that hold objects: the table's numbered slots. */
function tableEntries(g: HeapGraph, collection: number): number {
  const table = edgeNamed(g, collection, g.edgeTypes.internal, ["table"]);
  if (table < 0) return 0;
  let slots = 0;
  for (let e = g.firstEdge[table]!; e < g.firstEdge[table + 1]!; e++) if (g.edgeNameText(e) !== "map") slots++;
  return slots;
}

/**
 * How full one collection is: "empty Array", "sparse Array" (a backing store at
 * least half unused), "empty Map", "empty Set", "used Array", "used Map", "used Set",
 * else "(not a collection)". What a snapshot shows of an array or a collection is
 * its heap objects; small integers are not objects, so without captured numeric
 * values an array of numbers can only be told by its store, and such arrays are
 * never called sparse.
 */
export function fillOf(g: HeapGraph, n: number, numbers: boolean): string {
  if (g.nodeType[n] !== g.nodeTypes.object) return "(not a collection)";
  const name = g.name(n);
  if (name === "Map" || name === "Set") {
    return tableEntries(g, n) === 0 && edgeNamed(g, n, g.edgeTypes.internal, ["table"]) >= 0 ? `empty ${name}` : `used ${name}`;
  }
  if (name !== "Array") return "(not a collection)";
  let elements = 0;
  for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) if (g.edgeType[e] === g.edgeTypes.element) elements++;
  const store = edgeNamed(g, n, g.edgeTypes.internal, ["elements"]);
  const slots = store < 0 ? 0 : Math.max(0, (g.nodeSelfSize[store]! - ARRAY_HEADER) / SLOT);
  if (elements === 0 && slots === 0) return "empty Array";
  const unused = slots - elements;
  if ((numbers || elements > 0) && unused >= SPARSE_MIN_SLOTS && unused * 2 >= slots) return "sparse Array";
  return "used Array";
}

/** The bytes a sparse array's store spends on nothing. */
function unusedStoreBytes(g: HeapGraph, n: number): number {
  let elements = 0;
  for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) if (g.edgeType[e] === g.edgeTypes.element) elements++;
  const store = edgeNamed(g, n, g.edgeTypes.internal, ["elements"]);
  return store < 0 ? 0 : Math.max(0, g.nodeSelfSize[store]! - ARRAY_HEADER - elements * SLOT);
}

/** Fill: arrays, Maps and Sets by how full they are (see fillOf). */
export const Fill: Classifier = {
  name: "Fill",
  kindHeader: "Kind (fill of collection)",
  classify(g, nodes) {
    const numbers = numbersCaptured(g);
    return byLabel(nodes, (n) => fillOf(g, n, numbers));
  },
};

/**
 * Empty and sparse collections: an empty Array, Map or Set wastes what it and its
 * store take; a sparse Array the unused part of its store.
 */
export const emptyCollections: WasteAnalysis = {
  title: "Empty and sparse collections",
  classifier: Fill,
  waste(g, label, nodes) {
    if (!label.startsWith("empty ") && label !== "sparse Array") return null;
    let bytes = 0;
    for (const n of nodes) {
      if (label === "sparse Array") bytes += unusedStoreBytes(g, n);
      else {
        bytes += g.nodeSelfSize[n]!;
        const table = edgeNamed(g, n, g.edgeTypes.internal, ["table"]);
        if (table >= 0) bytes += g.nodeSelfSize[table]!;
      }
    }
    return bytes;
  },
  note: (g) => (numbersCaptured(g) ? null : "numbers were not captured: Maps and Sets holding only small integers look empty, arrays of numbers are never called sparse"),
};
