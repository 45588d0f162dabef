import type { HeapGraph } from "../snapshot/heap-graph.js";
import { dominatorsOf } from "./dominators.js";
import { essentialEdges } from "./essential-edges.js";
import { retainersOf } from "./retainers.js";

/**
 * Relations of node sets, given and returned as bitsets over all nodes (Uint32 words).
 * The sets layer wraps them; here they are plain passes over the columns.
 */

function newBits(g: HeapGraph): Uint32Array {
  return new Uint32Array((g.nodeCount + 31) >>> 5);
}

function has(bits: Uint32Array, n: number): boolean {
  return (bits[n >>> 5]! & (1 << (n & 31))) !== 0;
}

function add(bits: Uint32Array, n: number): void {
  bits[n >>> 5]! |= 1 << (n & 31);
}

/** Every node a member refers to by any edge (weak ones included, as V8 records them). */
export function referents(g: HeapGraph, members: Uint32Array): Uint32Array {
  const out = newBits(g);
  const { firstEdge, edgeTarget } = g;
  for (const n of members) for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e++) add(out, edgeTarget[e]!);
  return out;
}

/** Every node that refers to a member by any edge. */
export function referrers(g: HeapGraph, members: Uint32Array): Uint32Array {
  const out = newBits(g);
  const { firstRetainer, retainerNode } = retainersOf(g);
  for (const n of members) for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) add(out, retainerNode[s]!);
  return out;
}

/**
 * Heapy's `imdom`: the referrers of the members that a retaining path from the root
 * reaches without passing through any other referrer (a subset of the referrers).
 */
export function referrerDominators(g: HeapGraph, members: Uint32Array): Uint32Array {
  const pred = referrers(g, members);
  const bits = essentialEdges(g).words;
  const roots = searchRoots(g);
  const seen = reach(g, bits, roots, pred);
  const out = newBits(g);
  const { firstRetainer, retainerEdge, retainerNode } = retainersOf(g);
  for (const r of roots) if (has(pred, r)) add(out, r);
  for (let w = 0; w < pred.length; w++) {
    for (let word = pred[w]!; word !== 0; word &= word - 1) {
      const r = (w << 5) + (31 - Math.clz32(word & -word));
      for (let s = firstRetainer[r]!; s < firstRetainer[r + 1]!; s++) {
        const e = retainerEdge[s]!;
        if ((bits[e >>> 5]! & (1 << (e & 31))) !== 0 && has(seen, retainerNode[s]!)) {
          add(out, r);
          break;
        }
      }
    }
  }
  return out;
}

/** The immediate dominator of each member in the dominator tree (the root's is itself). */
export function immediateDominators(g: HeapGraph, members: Uint32Array): Uint32Array {
  const out = newBits(g);
  const { idom } = dominatorsOf(g);
  for (const n of members) add(out, idom[n]!);
  return out;
}

/**
 * The nodes reachable from `roots` over the edges set in `bits`, never entering
 * `removed` (a bitset, or null); an iterative depth-first search.
 */
function reach(g: HeapGraph, bits: Uint32Array, roots: ArrayLike<number>, removed: Uint32Array | null): Uint32Array {
  const { firstEdge, edgeTarget } = g;
  const seen = newBits(g);
  const stack = new Uint32Array(g.nodeCount);
  let top = 0;
  for (let i = 0; i < roots.length; i++) {
    const r = roots[i]!;
    if (has(seen, r) || (removed !== null && has(removed, r))) continue;
    add(seen, r);
    stack[top++] = r;
  }
  while (top > 0) {
    const n = stack[--top]!;
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e++) {
      if ((bits[e >>> 5]! & (1 << (e & 31))) === 0) continue;
      const t = edgeTarget[e]!;
      if (has(seen, t) || (removed !== null && has(removed, t))) continue;
      add(seen, t);
      stack[top++] = t;
    }
  }
  return seen;
}

/**
 * Where the search for what the root retains starts: the root, plus every node that
 * DevTools hangs directly under the root because no retaining path reaches it (nodes
 * with no retaining edge into them, and any cycle held only by itself).
 */
function searchRoots(g: HeapGraph): Uint32Array {
  return g.derived("dominationRoots", () => {
    const bits = essentialEdges(g).words;
    const { nodeCount, edgeTarget } = g;
    const retained = newBits(g);
    for (let e = 0; e < g.edgeCount; e++) if ((bits[e >>> 5]! & (1 << (e & 31))) !== 0) add(retained, edgeTarget[e]!);
    const roots: number[] = [g.root];
    for (let n = 0; n < nodeCount; n++) if (n !== g.root && !has(retained, n)) roots.push(n);
    // What these reach; the rest are self-held cycles, each hung under the root on its own.
    const seen = reach(g, bits, roots, null);
    for (let n = 0; n < nodeCount; n++) if (!has(seen, n)) roots.push(n);
    return Uint32Array.from(roots);
  });
}

/**
 * The nodes the members dominate as a whole (Heapy's `dominos`): the members and
 * everything that no retaining path reaches once they are gone. For one node this
 * is its dominator subtree, whose size is its retained size.
 */
export function dominated(g: HeapGraph, members: Uint32Array): Uint32Array {
  const nodeCount = g.nodeCount;
  const bits = essentialEdges(g).words;
  const removed = newBits(g);
  for (const n of members) add(removed, n);
  // Without the root nothing is held: the other search roots hang under it too.
  const seen = has(removed, g.root) ? newBits(g) : reach(g, bits, searchRoots(g), removed);
  // Unreached = dominated; words past the last node stay clear.
  const out = newBits(g);
  for (let w = 0; w < out.length; w++) out[w] = ~seen[w]!;
  const rest = nodeCount & 31;
  if (rest !== 0) out[out.length - 1]! &= (1 << rest) - 1;
  return out;
}
