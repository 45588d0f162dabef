import { COLLECTIONS, edgeAccessor, member } from "../classify/classifiers.js";
import { PATH_ORIGIN, pathTreeOf } from "../graph/distances.js";
import { globalName, globalObjectsOf } from "../graph/globals.js";
import { ephemeronsOf } from "../graph/weakmap-edges.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { terminalText } from "./terminal-text.js";


/** The node that owns edge e (binary search over the CSR offsets). */
export function edgeOwner(g: HeapGraph, e: number): number {
  let lo = 0;
  let hi = g.nodeCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (g.firstEdge[mid]! <= e) lo = mid;
    else hi = mid - 1;
  }
  // Nodes without edges share an offset with the next; the owner is the last of them.
  while (lo + 1 < g.nodeCount && g.firstEdge[lo + 1]! <= e) lo++;
  return lo;
}

/**
 * One step of a path as a JavaScript programmer would write it: `.prop`, `[3]`,
 * `<closure context>.x` (a closure's context, then the variable), `<Map entry>`,
 * `<Set entry>` (a key or value in a collection's table), `<WeakMap value>`, element
 * and property stores left out (`a[1]`), and V8's other links as `<internal name>`.
 */
function stepText(g: HeapGraph, from: number, e: number, previous: number, last: boolean): string {
  const T = g.edgeTypes;
  const t = g.edgeType[e]!;
  const name = g.edgeNameText(e);
  // From the root to what is not a global object (those start the path): the node by its name, without V8's " / url".
  if (from === g.root) return member(globalName(g, g.edgeTarget[e]!) || name);
  // A GC root's named parts ("(Stack roots)", "(Handle scope)") by name, not by their index.
  if (t === T.element && g.nodeType[from] === g.nodeTypes.synthetic && g.nodeType[g.edgeTarget[e]!] === g.nodeTypes.synthetic) return member(g.name(g.edgeTarget[e]!));
  // Inside a closure's context, variables read as members: `<closure context>.x`.
  if (t === T.context) return member(name);
  if (t === T.internal) {
    if (ephemeronsOf(g).isEphemeron[g.edgeName[e]!]) return "<WeakMap value>";
    if (name === "context" && g.nodeType[from] === g.nodeTypes.closure) return "<closure context>";
    const ofObject = g.nodeType[from] === g.nodeTypes.object;
    // V8's element and property stores are invisible to JavaScript: `a[1]`, not `a<elements>[1]`.
    if (ofObject && (name === "elements" || name === "properties")) return last ? `<${name}>` : "";
    // A collection's table shows as the entry it leads to, or as the table when the path ends there.
    if (ofObject && name === "table" && COLLECTIONS.has(g.name(from))) return last ? `<${g.name(from)} table>` : "";
  }
  if (previous >= 0 && g.edgeType[previous] === T.internal && g.edgeNameText(previous) === "table") {
    const owner = edgeOwner(g, previous);
    if (g.nodeType[owner] === g.nodeTypes.object && COLLECTIONS.has(g.name(owner))) return `<${g.name(owner)} entry>`;
  }
  return edgeAccessor(g, e);
}

/**
 * The shortest path from the root to `node` as text, `h.Root.global.cache<Map entry>`,
 * `h.Root.Window.items[0]`, or null if none; along `parent` (a path tree, or a Reach's
 * edges for a few nodes) when given.
 */
export function pathText(g: HeapGraph, node: number, root = "h.Root", parent: Int32Array = pathTreeOf(g)): string | null {
  const globals = globalObjectsOf(g);
  const edges: number[] = [];
  let start = root;
  for (let x = node; x !== g.root; ) {
    // A path through a global object reads from it, however the runtime reaches it
    // (a root shortcut, a native context, the GC roots' global handles).
    if (globals[x]) {
      start = root + member(globalName(g, x));
      break;
    }
    const e = parent[x]!;
    if (e === PATH_ORIGIN) {
      start += member(globalName(g, x));
      break;
    }
    if (e < 0) return null;
    edges.push(e);
    x = edgeOwner(g, e);
    if (edges.length > g.nodeCount) return null;
  }
  return edgesText(g, start, edges.reverse());
}

/** A path given by its edges, from the start node, as text after `start`: `h.Root.global` + `.cache<Map entry>`. */
export function edgesText(g: HeapGraph, start: string, edges: number[]): string {
  return terminalText(start + edges.map((e, i) => stepText(g, edgeOwner(g, e), e, i > 0 ? edges[i - 1]! : -1, i === edges.length - 1)).join(""));
}

/** Compares text with runs of digits as numbers, so `[2]` sorts before `[10]`. */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) return Number(x) - Number(y) || (x < y ? -1 : 1);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
