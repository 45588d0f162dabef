/**
 * The dominators' predecessor lists over plain typed arrays only, so a worker thread
 * can build them on the graph's shared columns while the main thread runs the
 * dominators' depth-first search.
 */
import { markRetaining, type RetainInput } from "./retaining-edges.js";

/** What the predecessor lists are made of, and where they go. */
export interface PredecessorInput {
  nodeCount: number;
  firstEdge: Uint32Array;
  edgeTarget: Uint32Array;
  /** The essential edges, one bit each (zeros, to be marked, when `rule` is given). */
  bits: Uint32Array;
  /** counts[t + 1]: t's essential retainers (zeros when `rule` is given); becomes firstPred (nodeCount + 1 offsets). */
  firstPred: Uint32Array;
  /** Written: the retainers, as many as the counts add up to. */
  preds: Uint32Array;
  /** The rule to mark the edges by first, or null when they are marked and counted. */
  rule: RetainInput | null;
}

/** The total of the counts: how long `preds` must be. */
export function predecessorTotal(counts: Uint32Array): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  return total;
}

/**
 * For each node, the nodes that retain it through an essential edge, as CSR: node t's
 * retainers are preds[firstPred[t]] .. preds[firstPred[t + 1] - 1].
 */
export function fillPredecessors(input: PredecessorInput, onProgress?: () => void): void {
  const { nodeCount, firstEdge, edgeTarget, bits, firstPred, preds, rule } = input;
  if (rule !== null) markRetaining(rule, bits, firstPred, onProgress);
  for (let v = 0; v < nodeCount; v++) firstPred[v + 1]! += firstPred[v]!;
  const total = firstPred[nodeCount]!;
  // Place each predecessor at the end of its target's range, moving the end down:
  // afterwards firstPred[t + 1] holds t's start, so one shift restores the offsets.
  for (let v = 0; v < nodeCount; v++) {
    if (onProgress !== undefined && (v & 0xffff) === 0) onProgress();
    const end = firstEdge[v + 1]!;
    for (let e = firstEdge[v]!; e < end; e++) {
      if ((bits[e >>> 5]! & (1 << (e & 31))) === 0) continue;
      preds[--firstPred[edgeTarget[e]! + 1]!] = v;
    }
  }
  firstPred.copyWithin(0, 1);
  firstPred[nodeCount] = total;
}
