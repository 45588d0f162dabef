import { globalObjectsOf, isNativeContext } from "./graph/globals.js";
import { Type } from "./classify/classifiers.js";
import { typeRowsOfAll } from "./classify/partition.js";
import { reachOf, type Reach } from "./graph/distances.js";
import { dominatorsOf } from "./graph/dominators.js";
import { largest } from "./graph/largest.js";
import { shallowSizes } from "./graph/shallow-sizes.js";
import type { PartitionRow } from "./classify/partition.js";
import { nodeLabel } from "./render/node-label.js";
import { renderPartition } from "./render/partition-table.js";
import type { HeapGraph } from "./snapshot/heap-graph.js";

/** One of the objects that retain the most. */
export interface Retainer {
  /** V8 heap object id (shown as @id, as in DevTools). */
  id: number;
  /** Node ordinal in this snapshot. */
  node: number;
  label: string;
  type: string;
  selfSize: number;
  retainedSize: number;
  /** Edges from the root (DevTools' distance); absent when the overview was made without distances. */
  distance?: number;
}

/** A first look at a snapshot: totals, the partition by V8 type, and the largest retainers. */
export interface Overview {
  file: string;
  nodeCount: number;
  edgeCount: number;
  /** Sum of shallow sizes: DevTools' total without native bytes outside the JS heap. */
  totalSize: number;
  extraNativeBytes: number;
  byType: PartitionRow[];
  largest: Retainer[];
  warnings: string[];
}

/**
 * The `top` objects with the largest retained sizes, largest first. Synthetic nodes
 * (the root and the GC root groups), native contexts and global objects are left out:
 * they retain everything and say nothing (which of them dominates the program's
 * objects changes with the runtime: Node 26's root leads to the native context).
 */
export function largestRetainers(g: HeapGraph, top: number): Retainer[] {
  return largestRetainersReached(g, top).rows;
}

/**
 * The largest retainers and the Reach that gave their distances, whose edges give
 * their paths too: it searches only as far as those objects.
 */
export function largestRetainersReached(g: HeapGraph, top: number): { rows: Required<Retainer>[]; reach: Reach } {
  const rows = largestRetainerRows(g, top);
  const reach = reachOf(g, rows.map((r) => r.node));
  return { rows: rows.map((r) => ({ ...r, distance: reach.distance[r.node]! })), reach };
}

/** The largest retainers without their distances: no search of the graph (a full one when some are reached only from the system roots). */
export function largestRetainerRows(g: HeapGraph, top: number): Retainer[] {
  const shallow = shallowSizes(g);
  const { retainedSize, largest: leaders } = dominatorsOf(g);
  const globals = globalObjectsOf(g);
  const synthetic = g.nodeTypes.synthetic;
  const keep = (n: number): boolean => g.nodeType[n] !== synthetic && n !== g.root && !globals[n] && !isNativeContext(g, n);
  return largest(retainedSize, top, keep, leaders).map((n) => ({
    id: g.nodeId[n]!,
    node: n,
    label: nodeLabel(g, n),
    type: g.typeName(n),
    selfSize: shallow[n]!,
    retainedSize: retainedSize[n]!,
  }));
}

/**
 * Builds the overview: totals, the partition by V8 type, the largest retainers.
 * `distances: false` leaves out the retainers' distances, which the text does not
 * show: placing them is a search from the root, of the whole graph when one of them
 * is reached only through the system roots.
 */
export function overview(g: HeapGraph, top = 10, options: { distances?: boolean } = {}): Overview {
  const { retainedSize } = dominatorsOf(g);
  return {
    file: g.file,
    nodeCount: g.nodeCount,
    edgeCount: g.edgeCount,
    totalSize: retainedSize[g.root]!,
    extraNativeBytes: g.extraNativeBytes,
    byType: typeRowsOfAll(g),
    largest: options.distances === false ? largestRetainerRows(g, top) : largestRetainers(g, top),
    warnings: [...g.warnings],
  };
}

/** The largest retainers as a table in the partition table's style. */
export function renderRetainers(rows: readonly Retainer[], totalSize: number): string {
  const lines = [" Index  Retained   %     Self          Id Object"];
  rows.forEach((r, i) => {
    const pct = totalSize === 0 ? 0 : Math.round((r.retainedSize * 100) / totalSize);
    lines.push(`${String(i).padStart(6)} ${String(r.retainedSize).padStart(9)} ${String(pct).padStart(3)} ${String(r.selfSize).padStart(8)} ${("@" + r.id).padStart(11)} ${r.label}`);
  });
  return lines.join("\n");
}

/** The overview as `guppy analyse` prints it: totals, the table by V8 type, the largest retainers. */
export function renderOverview(o: Overview): string {
  const native = o.extraNativeBytes > 0 ? ` (+ ${o.extraNativeBytes} native bytes outside the heap graph)` : "";
  return [
    `Heap snapshot ${o.file}: ${o.nodeCount} nodes, ${o.edgeCount} edges, total size ${o.totalSize} bytes${native}.`,
    "",
    renderPartition(o.byType, Type.kindHeader),
    "",
    "Largest retainers (retained size: the bytes freed if the object went away).",
    renderRetainers(o.largest, o.totalSize),
  ].join("\n");
}
