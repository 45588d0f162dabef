import type { PartitionRow } from "./partition.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";

/**
 * Partitions all nodes by V8 node type, sizes being the given per-node sizes;
 * rows by size, largest first (ties by count, then name, so output is stable).
 */
export function partitionByType(g: HeapGraph, sizes: Uint32Array): PartitionRow[] {
  const types = g.layout.nodeTypes.length;
  const count = new Float64Array(types);
  const size = new Float64Array(types);
  const { nodeType, nodeCount } = g;
  for (let n = 0; n < nodeCount; n++) {
    const t = nodeType[n]!;
    count[t]!++;
    size[t]! += sizes[n]!;
  }
  const rows: PartitionRow[] = [];
  for (let t = 0; t < types; t++) if (count[t]! > 0) rows.push({ kind: g.layout.nodeTypes[t]!, count: count[t]!, size: size[t]! });
  return rows.sort((a, b) => b.size - a.size || b.count - a.count || (a.kind < b.kind ? -1 : 1));
}
