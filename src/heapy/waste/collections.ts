import { edgeNamed } from "../classify/classifiers.js";
import { nameFlags } from "../graph/name-flags.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";

/**
 * What a snapshot shows of JavaScript collections, shared by the fill and growth
 * analyses: an array's visible elements and its backing store, a Map's or Set's
 * table and its entries.
 */

/** Bytes of a FixedArray's header (map and length); each slot is 8 bytes. */
export const ARRAY_HEADER = 16;
export const SLOT = 8;
/** V8's OrderedHashMap/Set: 3 header slots, then b buckets, then 2b entries of 3 (Map) or 2 (Set) slots. */
const TABLE_HEADER_SLOTS = 3;

/** "Map", "Set" or "Array" for an object of that class (by its name's index, never decoding it), else null. */
export function collectionName(g: HeapGraph, n: number): "Map" | "Set" | "Array" | null {
  const name = g.nodeName[n]!;
  for (const c of ["Map", "Set", "Array"] as const) if (nameFlags(g, c)[name]) return c;
  return null;
}

/** The elements of an array that are heap objects (small integers have no edges). */
export function elementCount(g: HeapGraph, n: number): number {
  let elements = 0;
  for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) if (g.edgeType[e] === g.edgeTypes.element) elements++;
  return elements;
}

/** The slots of an object's elements store (its capacity), 0 when it has none of its own. */
export function storeSlots(g: HeapGraph, n: number): number {
  const store = edgeNamed(g, n, g.edgeTypes.internal, ["elements"]);
  return store < 0 ? 0 : Math.max(0, (g.nodeSelfSize[store]! - ARRAY_HEADER) / SLOT);
}

/** A Map's or Set's entry table, or -1. */
export function tableOf(g: HeapGraph, collection: number): number {
  return edgeNamed(g, collection, g.edgeTypes.internal, ["table"]);
}

/**
 * Entries of a Map (3 slots each) or Set (2) that hold objects: the table's numbered
 * slots grouped into entries by the table's layout (key and value count once).
 */
export function tableEntries(g: HeapGraph, collection: number, entrySlots: 2 | 3): number {
  const table = tableOf(g, collection);
  if (table < 0) return 0;
  const slots = (g.nodeSelfSize[table]! - ARRAY_HEADER) / SLOT;
  const buckets = (slots - TABLE_HEADER_SLOTS) / (1 + 2 * entrySlots);
  const entries = new Set<number>();
  let visible = 0;
  for (let e = g.firstEdge[table]!; e < g.firstEdge[table + 1]!; e++) {
    const slot = Number(g.edgeNameText(e));
    if (!Number.isInteger(slot)) continue;
    visible++;
    entries.add(Math.floor((slot - TABLE_HEADER_SLOTS - buckets) / entrySlots));
  }
  // A table whose size does not fit the layout (another V8): count slots, pairs for a Map.
  return Number.isInteger(buckets) ? entries.size : Math.ceil(visible / (entrySlots === 3 ? 2 : 1));
}
