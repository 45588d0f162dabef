/**
 * DevTools' rule for which edges retain (for dominators and retained sizes), over
 * plain typed arrays only: a worker thread marks the edges by it while the main
 * thread's depth-first search applies the same rule edge by edge.
 */
import type { KernelColumns } from "./kernel-columns.js";

/** What the rule reads. */
export interface RetainInput extends KernelColumns {
  nodeId: Uint32Array;
  weak: number;
  internal: number;
  shortcut: number;
  /** One bit per node, set when the page owns it (roots.ts pageOwnedNodes). */
  owned: Uint32Array;
  /** Per string, whether it names a WeakMap value's edge from its table, and the table's id (weakmap-edges.ts). */
  isEphemeron: Uint8Array;
  tableId: Float64Array;
}

/**
 * Whether edge `e` of node `n`, to `t`, retains: weak edges and self edges never do;
 * shortcut edges only from the root (elsewhere they duplicate a real path); the
 * WeakMap table's edge to a value does not (the key's edge does); and an edge from
 * an object the page does not own (`fromOwned` 0) into one it owns does not.
 */
export function retains(x: RetainInput, n: number, e: number, t: number, fromOwned: number): boolean {
  const type = x.edgeType[e]!;
  if (type === x.weak || t === n) return false;
  if (type === x.internal) {
    const s = x.edgeName[e]!;
    if (x.isEphemeron[s] !== 0 && x.tableId[s] === x.nodeId[n]) return false;
  }
  if (n === x.root) return true;
  return type !== x.shortcut && (fromOwned !== 0 || (x.owned[t >>> 5]! & (1 << (t & 31))) === 0);
}

/**
 * Sets the bit of every retaining edge in `words`, and counts each node's retainers at
 * counts[node] (when given). `ownedLater`: the page-owned bits are not known yet, so
 * every node is taken as owned (predecessors.ts dropIntoOwned then mends the lists).
 */
export function markRetaining(x: RetainInput, words: Uint32Array, counts: Int32Array | null, onProgress?: () => void, ownedLater = false): void {
  const { nodeCount, firstEdge, edgeTarget, owned } = x;
  for (let n = 0; n < nodeCount; n++) {
    if (onProgress !== undefined && (n & 0xffff) === 0) onProgress();
    const end = firstEdge[n + 1]!;
    const fromOwned = ownedLater ? 1 : owned[n >>> 5]! & (1 << (n & 31));
    for (let e = firstEdge[n]!; e < end; e++) {
      const t = edgeTarget[e]!;
      if (!retains(x, n, e, t, fromOwned)) continue;
      words[e >>> 5]! |= 1 << (e & 31);
      if (counts !== null) counts[t]!++;
    }
  }
}
