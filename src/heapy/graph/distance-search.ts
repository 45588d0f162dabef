/**
 * The breadth-first search behind distances and path trees, over plain typed arrays
 * only (no HeapGraph, no strings), so that a worker thread can run it on the graph's
 * shared columns while the main thread computes something else.
 */
import type { KernelColumns } from "./kernel-columns.js";

/** Distance of nodes nothing reaches (DevTools' "no distance"). */
export const NO_DISTANCE = -5;
/** Added to distances of objects reached only through the system roots, as DevTools does. */
export const BASE_SYSTEM_DISTANCE = 100000000;
/** In a path tree: the node is where paths start (a page's global object), not reached by an edge. */
export const PATH_ORIGIN = -2;

/** What the search reads: the graph's columns and per-string tables made from its strings. */
export interface SearchInput extends KernelColumns {
  nodeType: Uint8Array;
  nodeName: Uint32Array;
  /** Type codes: edges weak, internal, element and hidden; nodes hidden and array. */
  codes: { weak: number; internal: number; element: number; hidden: number; hiddenNode: number; arrayNode: number };
  /** Per string index, 1 for "sloppy_function_map", "system / NativeContext", "(map descriptors)". */
  sloppyMap: Uint8Array;
  nativeContext: Uint8Array;
  mapDescriptors: Uint8Array;
  /** Per string index, the number a descriptor array's named edge reads as (NaN for none); null when no such edge. */
  descriptorIndex: Float64Array | null;
  /** WeakMap entries: per string index, an ephemeron name, and the pair its two edges share. */
  isEphemeron: Uint8Array;
  pair: Uint32Array;
  pairCount: number;
  /** Per string index, 1 for names of DevTools-console handles, taken last; null to take them in order. */
  consoleHandle: Uint8Array | null;
  /** The nodes at distance 1, each with the edge that reaches it (or PATH_ORIGIN), in order. */
  starts: Int32Array;
}

/** Where the search writes, and when it may stop. */
export interface SearchOutput {
  distances: Int32Array;
  /** Filled with the edge by which each node was first reached (-1 where none). */
  parentEdge?: Int32Array | undefined;
  /** Stop as soon as every node flagged here has been reached (`targetCount` of them). */
  targets?: Uint8Array | undefined;
  targetCount?: number | undefined;
  /** Called every 65536 nodes searched from. */
  onProgress?: () => void;
  /** Room for the search's queue, nodeCount entries (whatever they hold); else one is made. */
  queue?: Uint32Array | undefined;
}

/**
 * DevTools' distance search: from the starts at distance 1, then from the root for what
 * is left (offset by BASE_SYSTEM_DISTANCE when there were starts). Weak edges are not
 * followed, nor the links DevTools skips: a native context's sloppy_function_map, the
 * shared slots of map descriptor arrays, and the first of the two edges V8 writes to
 * each WeakMap value (so a value is as far as the farther of key and map). With
 * targets, it stops once it has reached them all: a breadth-first search visits in the
 * same order however far it goes, so what it has assigned by then is the whole search's.
 */
export function search(input: SearchInput, out: SearchOutput): void {
  const { firstEdge, edgeTarget, edgeType, edgeName, nodeType, nodeName, codes, sloppyMap, nativeContext, mapDescriptors, descriptorIndex, isEphemeron, pair, consoleHandle, starts } = input;
  const { distances, parentEdge, targets, onProgress } = out;
  const { weak, internal, element, hidden, hiddenNode, arrayNode } = codes;
  let remaining = targets === undefined ? -1 : out.targetCount ?? 0;
  distances.fill(NO_DISTANCE);
  parentEdge?.fill(-1);
  const queue = out.queue ?? new Uint32Array(input.nodeCount);
  // Which nodes have a distance, one bit each: most edges lead to one that has, and
  // this small array stays in the cache where the distances would be a random read
  // from memory per edge.
  const seen = new Uint32Array((input.nodeCount + 31) >>> 5);
  // Per key/value pair: 1 once the first of its two edges has been skipped.
  const pending = new Uint8Array(input.pairCount);
  const SLOPPY_CONTEXT = 1;
  const DESCRIPTORS = 2;
  const deferred: number[] = [];
  let taken = 0;

  const bfs = (length: number): void => {
    let head = 0;
    // The queue holds one level after another, each of nodes at one distance (a node the
    // console's handles reach is a level of its own): the distance is read once a level,
    // not at random for every node.
    let levelEnd = 0;
    let d = 0;
    while (head < length) {
      if (head === levelEnd) {
        d = distances[queue[head]!]! + 1;
        levelEnd = length;
      }
      const n = queue[head++]!;
      if (onProgress !== undefined && (head & 0xffff) === 0) onProgress();
      const t = nodeType[n]!;
      // The few nodes whose edges DevTools filters are recognised once, not per edge.
      const special = t === hiddenNode && nativeContext[nodeName[n]!] ? SLOPPY_CONTEXT : t === arrayNode && mapDescriptors[nodeName[n]!] ? DESCRIPTORS : 0;
      const end = firstEdge[n + 1]!;
      for (let e = firstEdge[n]!; e < end; e++) {
        const type = edgeType[e]!;
        if (type === weak) continue;
        const to = edgeTarget[e]!;
        if ((seen[to >>> 5]! & (1 << (to & 31))) !== 0) continue;
        const byIndex = type === element || type === hidden;
        if (special === SLOPPY_CONTEXT) {
          if (!byIndex && sloppyMap[edgeName[e]!]) continue;
        } else if (special === DESCRIPTORS) {
          const index = byIndex ? edgeName[e]! : descriptorIndex![edgeName[e]!]!;
          // (NaN, a name that is no number, is never skipped.)
          if (index >= 2 && index % 3 === 1) continue;
        }
        if (special !== DESCRIPTORS && type === internal && isEphemeron[edgeName[e]!]) {
          const p = pair[edgeName[e]!]!;
          pending[p] ^= 1;
          if (pending[p]) continue;
        }
        if (consoleHandle !== null && !byIndex && consoleHandle[edgeName[e]!]) {
          deferred.push(e, d);
          continue;
        }
        distances[to] = d;
        seen[to >>> 5]! |= 1 << (to & 31);
        if (parentEdge) parentEdge[to] = e;
        queue[length++] = to;
        if (targets !== undefined && targets[to] && --remaining === 0) return;
      }
      // The queue ran dry: what only the console's handles reach comes last.
      while (head === length && taken < deferred.length) {
        const e = deferred[taken++]!;
        const at = deferred[taken++]!;
        const to = edgeTarget[e]!;
        if ((seen[to >>> 5]! & (1 << (to & 31))) !== 0) continue;
        distances[to] = at;
        seen[to >>> 5]! |= 1 << (to & 31);
        if (parentEdge) parentEdge[to] = e;
        queue[length++] = to;
        if (targets !== undefined && targets[to] && --remaining === 0) return;
      }
    }
  };

  let length = 0;
  for (let i = 0; i < starts.length; i += 2) {
    const t = starts[i]!;
    if (distances[t] === 1) continue;
    distances[t] = 1;
    seen[t >>> 5]! |= 1 << (t & 31);
    if (parentEdge) parentEdge[t] = starts[i + 1]!;
    queue[length++] = t;
    if (targets !== undefined && targets[t]) remaining--;
  }
  if (remaining === 0) return;
  bfs(length);
  if (remaining === 0) return;
  const root = input.root;
  distances[root] = length > 0 ? BASE_SYSTEM_DISTANCE : 0;
  seen[root >>> 5]! |= 1 << (root & 31);
  queue[0] = root;
  bfs(1);
}
