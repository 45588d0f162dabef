import type { HeapGraph } from "../snapshot/heap-graph.js";
import { isShared, typedArray } from "../snapshot/memory.js";
import { BitVector } from "./bit-vector.js";
import { grown } from "./grown.js";
import { V8_NAMES } from "./v8-names.js";

/**
 * DevTools' "user roots": the root's children that are not synthetic (the global
 * objects, reached by the root's shortcut edges), plus "(Document DOM trees)".
 */
export function isUserRoot(g: HeapGraph, node: number, domTreesNames: ReadonlySet<number>): boolean {
  return g.nodeType[node] !== g.nodeTypes.synthetic || domTreesNames.has(g.nodeName[node]!);
}

/** String indices naming "(Document DOM trees)". */
export function documentDomTreesNames(g: HeapGraph): Set<number> {
  return new Set(g.strings.indicesOf(V8_NAMES.documentDomTrees));
}

/** Whether the root has at least one user root (false for snapshots taken with internals exposed). */
export function hasUserRoots(g: HeapGraph): boolean {
  const dom = documentDomTreesNames(g);
  for (let e = g.firstEdge[g.root]!; e < g.firstEdge[g.root + 1]!; e++) {
    if (isUserRoot(g, g.edgeTarget[e]!, dom)) return true;
  }
  return false;
}

/**
 * DevTools' page-owned objects: everything reachable without weak edges from the
 * root's shortcut targets (the globals) and the "(Document DOM trees)" roots.
 * Dominators ignore edges from other objects into this set, so objects the
 * debugger also holds still show the page's own dominator.
 * One bit a node (BitVector words), an eighth of a byte array: the test at every edge,
 * here and in the dominators' search, reads an array small enough to stay in the cache.
 */
export function pageOwnedNodes(g: HeapGraph): Uint32Array {
  return g.derived("pageOwned", () => markPageOwned(g, pageOwnedArray(g)));
}

/**
 * Zeroed room for the page-owned bits: in shared memory when the columns are, for the
 * worker that marks the retaining edges (the dominators' search fills it as it goes).
 */
export function pageOwnedArray(g: HeapGraph): Uint32Array {
  return typedArray(Uint32Array, BitVector.wordsFor(g.nodeCount), isShared(g.firstEdge));
}

/** Sets the page-owned bits (see pageOwnedNodes) in `owned`, zeroed room from pageOwnedArray. */
function markPageOwned(g: HeapGraph, owned: Uint32Array): Uint32Array {
  const { firstEdge, edgeTarget, edgeType, nodeCount } = g;
  const { weak } = g.edgeTypes;
  markPageEntries(g, owned);
  // A set, not an order: a sweep in node order takes each marked node's edges, and a
  // node first marked behind the sweep is searched from at once (a stack). Each node
  // is marked once and its edges read once; the sweep reads more of them in memory
  // order than a search alone does (0.8 s -> 0.6 s at 1 GB).
  const stack = new Uint32Array(nodeCount);
  let top = 0;
  for (let s = 0; s < nodeCount; s++) {
    if ((owned[s >>> 5]! & (1 << (s & 31))) === 0) continue;
    let n = s;
    for (;;) {
      const end = firstEdge[n + 1]!;
      for (let e = firstEdge[n]!; e < end; e++) {
        const t = edgeTarget[e]!;
        if ((owned[t >>> 5]! & (1 << (t & 31))) !== 0 || edgeType[e] === weak) continue;
        owned[t >>> 5]! |= 1 << (t & 31);
        if (t < s) stack[top++] = t;
      }
      if (top === 0) break;
      n = stack[--top]!;
    }
  }
  return owned;
}

/**
 * Sets the bits of the page's entries, the targets of the root's shortcut edges (the
 * globals) and of its edges to "(Document DOM trees)", and returns those edges in order.
 */
export function markPageEntries(g: HeapGraph, owned: Uint32Array): number[] {
  const { firstEdge, edgeTarget, edgeType } = g;
  const { element, shortcut } = g.edgeTypes;
  const dom = documentDomTreesNames(g);
  const out: number[] = [];
  for (let e = firstEdge[g.root]!; e < firstEdge[g.root + 1]!; e++) {
    const t = edgeTarget[e]!;
    const type = edgeType[e]!;
    if (type !== shortcut && !(type === element && g.nodeType[t] === g.nodeTypes.synthetic && dom.has(g.nodeName[t]!))) continue;
    owned[t >>> 5]! |= 1 << (t & 31);
    out.push(e);
  }
  return out;
}

/**
 * Completes page-owned bits set for a set closed but for `from` (marked objects whose
 * edges were not followed): marks what they reach without weak edges. The dominators'
 * search marks as it goes and leaves this to the few objects it does not enter.
 */
export function markOwned(g: HeapGraph, owned: Uint32Array, from: Uint32Array): void {
  const { firstEdge, edgeTarget, edgeType } = g;
  const { weak } = g.edgeTypes;
  let stack = Uint32Array.from(from);
  let top = stack.length;
  while (top > 0) {
    const n = stack[--top]!;
    const end = firstEdge[n + 1]!;
    for (let e = firstEdge[n]!; e < end; e++) {
      const t = edgeTarget[e]!;
      if ((owned[t >>> 5]! & (1 << (t & 31))) !== 0 || edgeType[e] === weak) continue;
      owned[t >>> 5]! |= 1 << (t & 31);
      if (top === stack.length) stack = grown(stack);
      stack[top++] = t;
    }
  }
}
