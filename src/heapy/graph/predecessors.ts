/**
 * The dominators' predecessor lists over plain typed arrays only, so a worker thread
 * can build them on the graph's shared columns while the main thread runs the
 * dominators' depth-first search.
 *
 * Most nodes have one essential retainer (two in three on the bench's heaps), so a
 * node's head holds that retainer itself and only nodes with two or more have a list:
 * a fifth less memory at the dominators' peak, and no read of a list for most vertices.
 */
import { dropIntoOwned, markRetaining, type RetainInput } from "./retaining-edges.js";

/** A head: no essential retainer. (Below every ~node: ~NO_PREDECESSOR is 2^31 - 1, which no node ordinal reaches.) */
export const NO_PREDECESSOR = -0x80000000;

/** What the predecessor lists are made of, and where they go. */
export interface PredecessorInput {
  nodeCount: number;
  firstEdge: Uint32Array;
  edgeTarget: Uint32Array;
  /** The essential edges, one bit each (zeros, to be marked, when `rule` is given). */
  bits: Uint32Array;
  /**
   * counts[t]: t's essential retainers (zeros when `rule` is given); becomes each node's
   * head: NO_PREDECESSOR; ~r for the one retainer r; or the start of its list in `preds`.
   */
  heads: Int32Array;
  /**
   * Written: the lists, one after another in node order; each element is a retainer r,
   * the last of a list ~r. Room for listTotal(counts) at least.
   */
  preds: Int32Array;
  /** The rule to mark the edges by first, or null when they are marked and counted. */
  rule: RetainInput | null;
  /**
   * When given, the rule's page-owned bits are still being found by the thread that
   * made the lists' job: the edges are marked without them meanwhile, and [0] becomes
   * OWNED_FINAL once they are known (then what they rule out is dropped), or OWNED_FAILED.
   */
  ownedReady: Int32Array | null;
}

/** ownedReady[0] while the page-owned bits are being found, and once they are (see PredecessorInput). */
export const OWNED_PENDING = 0;
export const OWNED_FINAL = 1;
export const OWNED_FAILED = 2;

/** How long `preds` must be for these counts: nodes with one retainer need no room. */
export function listTotal(counts: Int32Array): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 1) total += counts[i]!;
  return total;
}

/**
 * For each node, the nodes that retain it through an essential edge: node t's are
 * ~heads[t] alone when that is a node (heads[t] < 0), none when it is NO_PREDECESSOR,
 * else preds[heads[t]] onwards up to the first negative element r, which is ~(the last).
 */
export function fillPredecessors(input: PredecessorInput, onProgress?: () => void): void {
  const { nodeCount, firstEdge, edgeTarget, bits, heads, preds, rule, ownedReady } = input;
  if (rule !== null) markRetaining(rule, bits, heads, onProgress, ownedReady !== null);
  if (rule !== null && ownedReady !== null) {
    if (awaitOwned(ownedReady, onProgress) !== OWNED_FINAL) throw new Error("the page-owned objects were not found");
    dropIntoOwned(rule, bits, heads);
  }
  // Each list's end, as offsets; a node with one retainer gets a negative head
  // (any: the fill below writes it), one with none NO_PREDECESSOR.
  let total = 0;
  for (let v = 0; v < nodeCount; v++) {
    const c = heads[v]!;
    if (c > 1) heads[v] = total += c;
    else heads[v] = c === 0 ? NO_PREDECESSOR : -1;
  }
  // Place each retainer at the end of its target's list, moving the end down, so that
  // afterwards the head is the list's start.
  for (let v = 0; v < nodeCount; v++) {
    if (onProgress !== undefined && (v & 0xffff) === 0) onProgress();
    const end = firstEdge[v + 1]!;
    for (let e = firstEdge[v]!; e < end; e++) {
      if ((bits[e >>> 5]! & (1 << (e & 31))) === 0) continue;
      const t = edgeTarget[e]!;
      const h = heads[t]!;
      if (h < 0) heads[t] = ~v;
      else preds[(heads[t] = h - 1)] = v;
    }
  }
  // The lists lie in node order, so each one's start follows the last of the one before.
  for (let v = 0; v < nodeCount; v++) {
    const h = heads[v]!;
    if (h > 0) preds[h - 1] = ~preds[h - 1]!;
  }
  if (total > 0) preds[total - 1] = ~preds[total - 1]!;
}

/** Waits for ownedReady[0] to leave OWNED_PENDING (beating meanwhile, so a waiter for these lists sees them alive). */
function awaitOwned(ownedReady: Int32Array, onProgress?: () => void): number {
  for (;;) {
    const s = Atomics.load(ownedReady, 0);
    if (s !== OWNED_PENDING) return s;
    onProgress?.();
    Atomics.wait(ownedReady, 0, OWNED_PENDING, 100);
  }
}
