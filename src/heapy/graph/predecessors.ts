/**
 * The dominators' predecessor lists over plain typed arrays only, so a worker thread
 * can build them on the graph's shared columns while the main thread runs the
 * dominators' depth-first search.
 *
 * Most nodes have one essential retainer (two in three on the bench's heaps), so a
 * node's head holds that retainer itself and only nodes with two or more have a list:
 * a fifth less memory at the dominators' peak, and no read of a list for most vertices.
 */
import { grown } from "./grown.js";
import { markRetaining, type RetainInput } from "./retaining-edges.js";

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
   * Whether the rule's page-owned bits are still being found (by the thread that made
   * the lists' job, in its depth-first search): the edges are marked as if the page
   * owned every object, and dropIntoOwned must follow once the bits are known.
   */
  ownedLater: boolean;
}

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
  const { nodeCount, firstEdge, edgeTarget, bits, heads, preds, rule, ownedLater } = input;
  if (rule !== null) markRetaining(rule, bits, heads, onProgress, ownedLater);
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

/**
 * After lists made with `ownedLater`, once the page-owned bits are known: takes out of
 * the lists (and the marked edges) what the rule then drops, the edges from objects
 * the page does not own into ones it owns. Only those objects' edges are read, a few
 * thousand in a Node heap, where the page owns nearly everything. A list holds its
 * retainers in descending order (the fill places them from its end, in node order), so
 * each is found by a binary search, however many retain its node (one node has five
 * million retainers in the TypeScript compiler's heap). A retainer taken out becomes
 * the node itself, which no semidominator search can take for a better one (an
 * unprocessed vertex answers its own DFS number); a node left with no other gets
 * NO_PREDECESSOR, as if counted without it.
 */
export function dropIntoOwned(x: RetainInput, bits: Uint32Array, heads: Int32Array, preds: Int32Array): void {
  const { nodeCount, firstEdge, edgeTarget, owned, root } = x;
  let targets = new Uint32Array(1024);
  let sources = new Uint32Array(1024);
  let drops = 0;
  for (let word = 0; word < owned.length; word++) {
    if (owned[word] === 0xffffffff) continue;
    const last = Math.min(nodeCount, (word + 1) << 5);
    for (let n = word << 5; n < last; n++) {
      if ((owned[word]! & (1 << (n & 31))) !== 0 || n === root) continue;
      const end = firstEdge[n + 1]!;
      for (let e = firstEdge[n]!; e < end; e++) {
        const t = edgeTarget[e]!;
        if ((bits[e >>> 5]! & (1 << (e & 31))) === 0 || (owned[t >>> 5]! & (1 << (t & 31))) === 0) continue;
        bits[e >>> 5]! &= ~(1 << (e & 31));
        if (drops === targets.length) {
          targets = grown(targets);
          sources = grown(sources);
        }
        targets[drops] = t;
        sources[drops++] = n;
      }
    }
  }
  // Where each retainer to take out lies (a run: an object may retain a node through
  // two edges), all found before any is written, while the lists are still in order.
  // (p ^ p >> 31: ~p for a list's last, marked negative, else p.)
  const from = new Uint32Array(drops);
  const to = new Uint32Array(drops);
  for (let d = 0; d < drops; d++) {
    const t = targets[d]!;
    const n = sources[d]!;
    const h = heads[t]!;
    if (h < 0) continue;
    const end = listEnd(heads, preds, t);
    let lo = h;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = preds[mid]!;
      if ((p ^ (p >> 31)) > n) lo = mid + 1;
      else hi = mid;
    }
    let k = lo;
    while (k < end && (preds[k]! ^ (preds[k]! >> 31)) === n) k++;
    from[d] = lo;
    to[d] = k;
  }
  for (let d = 0; d < drops; d++) {
    const t = targets[d]!;
    // (One retainer, this one: there is no list.)
    if (heads[t]! < 0) heads[t] = NO_PREDECESSOR;
    for (let k = from[d]!; k < to[d]!; k++) preds[k] = preds[k]! < 0 ? ~t : t;
  }
  // A list left with the node alone: read once a node, no further than its retainers taken out.
  const checked = new Uint32Array((nodeCount + 31) >>> 5);
  for (let d = 0; d < drops; d++) {
    const t = targets[d]!;
    if ((checked[t >>> 5]! & (1 << (t & 31))) !== 0) continue;
    checked[t >>> 5]! |= 1 << (t & 31);
    for (let k = heads[t]!; k >= 0; k++) {
      const p = preds[k]!;
      if ((p ^ (p >> 31)) !== t) break;
      if (p < 0) {
        heads[t] = NO_PREDECESSOR;
        break;
      }
    }
  }
}

/** Where node t's list ends: where the next node's begins (the lists lie in node order), or after the last's last. */
function listEnd(heads: Int32Array, preds: Int32Array, t: number): number {
  for (let u = t + 1; u < heads.length; u++) if (heads[u]! >= 0) return heads[u]!;
  let k = heads[t]!;
  while (preds[k]! >= 0) k++;
  return k + 1;
}
