/**
 * Guppy's public API. Heapy's session (`hpy()`) builds on these; this entry point
 * exposes the snapshot engine: reading, the columnar graph, and its derived arrays.
 */
export { GuppyError, isGuppyError, type GuppyErrorCode } from "./errors.js";
export { readHeapSnapshot, readFromSource, type ReadOptions } from "./heapy/snapshot/reader.js";
export { openByteSource, bufferSource, type ByteSource } from "./heapy/snapshot/byte-source.js";
export { HeapGraph, type AllocationTraces, type NodeTypeCodes, type EdgeTypeCodes } from "./heapy/snapshot/heap-graph.js";
export { StringTable } from "./heapy/snapshot/string-table.js";
export type { SnapshotHeader, SnapshotLayout } from "./heapy/snapshot/meta.js";
export { retainersOf, type Retainers } from "./heapy/graph/retainers.js";
export { dominatorsOf, type Dominators } from "./heapy/graph/dominators.js";
export { distancesOf, NO_DISTANCE, BASE_SYSTEM_DISTANCE } from "./heapy/graph/distances.js";
export { shallowSizes } from "./heapy/graph/shallow-sizes.js";
export { essentialEdges } from "./heapy/graph/essential-edges.js";
export { overview, type Overview, type Retainer } from "./heapy/overview.js";
export { renderPartition, type PartitionRow } from "./heapy/render/partition-table.js";
