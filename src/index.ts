/**
 * Guppy's public API: Heapy's session (`hpy()`), its sets and classifiers, and the
 * snapshot engine under them (reading, the columnar graph, its derived arrays).
 */
import { hpy as sessionOf, type Session, type SessionOptions } from "./heapy/session/session.js";
import { SESSION_TOOLS } from "./session-tools.js";
export { Session, type PbHandle, type PbOptions, type SessionOptions } from "./heapy/session/session.js";

/**
 * A new Heapy session (Guppy-PE's `hpy()`): all state lives on it. Its `pb()` and
 * `monitor()` are the profile browser and the remote-monitor console.
 */
export function hpy(options: SessionOptions = {}): Session {
  return sessionOf({ ...SESSION_TOOLS, ...options });
}
export { HeapySet } from "./heapy/session/heapy-set.js";
export { LiveHeap } from "./heapy/capture/live-heap.js";
export { Kind, LabelKind, RangeKind, SoKind, SetKind, ANYTHING, NOTHING, type AltOp } from "./heapy/classify/kind.js";
export { callable, findex, refines, ERS, NODE_TYPES, type CallableClassifier, type ClodoClassifier, type TypeClassifier, type KindArg } from "./heapy/classify/classifier-value.js";
export { IdentitySet } from "./heapy/sets/identity-set.js";
export { CLASSIFIERS, Clodo, Id, IdSet, Module, Prod, Rcs, Size, Type, Unity, Via, className, combine, constructorOf, edgeAccessor, scriptOf, type Classifier, type Kinds } from "./heapy/classify/classifiers.js";
export { partition, type Partition } from "./heapy/classify/partition.js";
export { PartitionView } from "./heapy/render/partition-view.js";
export { pathText } from "./heapy/render/paths.js";
export { ShortestPath, ShortestPathsView, type ShpathsOptions } from "./heapy/render/shortest-paths-view.js";
export { Stat, loadStats, parseStats } from "./heapy/stat/stat.js";
export { renderStat, StatView } from "./heapy/render/stat-text.js";
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
export { idIndexOf, ordinalOfId } from "./heapy/graph/id-index.js";
export { findLeaks, renderLeaks, pathPattern, type LeakEntry, type LeakReport } from "./heapy/leaks.js";
export { assertNoLeak, type NoLeakOptions } from "./heapy/leak-assert.js";
export { Analyst } from "./heapy/monitor/analyst.js";
export { defineScenario, type GuppyScenario, type LeakNode, type LeakSnapshot, type Step } from "./run/scenario.js";
export { exportGraph, type ExportOptions, type ExportSummary } from "./heapy/tables/export.js";
export { NAMED_QUERIES } from "./tables/named-queries.js";
