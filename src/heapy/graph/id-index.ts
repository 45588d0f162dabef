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

/** The ordinal of the node with V8 id `id`, or -1 when this snapshot has none. */
export function ordinalOfId(g: HeapGraph, id: number): number {
  const { ids, ordinals } = idIndexOf(g);
  const i = lowerBound(ids, id);
  return i < ids.length && ids[i] === id ? ordinals[i]! : -1;
}
