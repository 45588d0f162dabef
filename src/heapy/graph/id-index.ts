import type { HeapGraph } from "../snapshot/heap-graph.js";
import { lowerBound } from "./lower-bound.js";
import { orderByKey } from "./radix-sort.js";

/** Node ordinals sorted by V8 object id, for finding a node by id in O(log n). */
export interface IdIndex {
  /** Ids in increasing order. */
  ids: Uint32Array;
  /** ordinals[i] is the node whose id is ids[i]. */
  ordinals: Uint32Array;
}

/** The graph's id index, built on first use (a radix sort of node ordinals by id). */
export function idIndexOf(g: HeapGraph): IdIndex {
  return g.derived("idIndex", () => {
    const nodeId = g.nodeId;
    const ordinals = orderByKey(nodeId);
    const ids = new Uint32Array(g.nodeCount);
    for (let i = 0; i < g.nodeCount; i++) ids[i] = nodeId[ordinals[i]!]!;
    return { ids, ordinals };
  });
}

/** Lookups answered by a scan before the index is worth its sort (a scan is ~1/40 of the sort). */
const SCANS_BEFORE_INDEX = 16;

/**
 * The ordinal of the node with V8 id `id`, or -1 when this snapshot has none. The
 * first few lookups scan the ids (one object opened in the explorer needs no sort
 * of 13 M ids); later ones use the index.
 */
export function ordinalOfId(g: HeapGraph, id: number): number {
  if (!g.hasDerived("idIndex")) {
    const scans = g.derived("idScans", () => ({ count: 0 }));
    if (scans.count++ < SCANS_BEFORE_INDEX) return Number.isInteger(id) && id >= 0 && id <= 0xffffffff ? g.nodeId.indexOf(id) : -1;
  }
  const { ids, ordinals } = idIndexOf(g);
  const i = lowerBound(ids, id);
  return i < ids.length && ids[i] === id ? ordinals[i]! : -1;
}
