import type { HeapGraph } from "../snapshot/heap-graph.js";

// V8 names both edges to a WeakMap value "<n> / part of key (K @id) -> value (V @id) pair in WeakMap (table @id)".
const EPHEMERON = /^\d+( \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$/;

/**
 * The WeakMap ephemeron edges of a graph, recognised by name once per graph:
 * for each string index used as an internal edge name, whether it is an ephemeron
 * name, the V8 id of its WeakMap table, and a number shared by the two edges
 * (from the key and from the table) that lead to one value.
 */
export interface Ephemerons {
  /** Per string index: 1 when it names an ephemeron edge. */
  isEphemeron: Uint8Array;
  /** Per string index: the table's V8 id (valid where isEphemeron). */
  tableId: Float64Array;
  /** Per string index: the key/value pair number (valid where isEphemeron). */
  pair: Uint32Array;
  pairCount: number;
}

export function ephemeronsOf(g: HeapGraph): Ephemerons {
  return g.derived("ephemerons", () => {
    const { edgeCount, edgeType, edgeName, strings } = g;
    const internal = g.edgeTypes.internal;
    const seen = new Uint8Array(strings.count);
    const isEphemeron = new Uint8Array(strings.count);
    const tableId = new Float64Array(strings.count);
    const pair = new Uint32Array(strings.count);
    const pairs = new Map<string, number>();
    for (let e = 0; e < edgeCount; e++) {
      if (edgeType[e] !== internal) continue;
      const s = edgeName[e]!;
      if (seen[s]) continue;
      seen[s] = 1;
      // Cheap test before decoding: the name starts with a digit.
      if (!strings.startsWithDigit(s)) continue;
      const m = EPHEMERON.exec(strings.get(s));
      if (m === null) continue;
      isEphemeron[s] = 1;
      tableId[s] = Number(m[2]);
      let p = pairs.get(m[1]!);
      if (p === undefined) {
        p = pairs.size;
        pairs.set(m[1]!, p);
      }
      pair[s] = p;
    }
    return { isEphemeron, tableId, pair, pairCount: pairs.size };
  });
}
