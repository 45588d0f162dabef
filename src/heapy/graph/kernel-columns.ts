import type { HeapGraph } from "../snapshot/heap-graph.js";

/**
 * The graph's columns as a kernel reads them: plain typed arrays and numbers, so they
 * cross to a worker thread (in shared memory, not copied, when the reader put them there).
 */
export interface KernelColumns {
  nodeCount: number;
  root: number;
  firstEdge: Uint32Array;
  edgeTarget: Uint32Array;
  edgeType: Uint8Array;
  edgeName: Uint32Array;
}

/** A graph's KernelColumns. */
export function kernelColumns(g: HeapGraph): KernelColumns {
  return { nodeCount: g.nodeCount, root: g.root, firstEdge: g.firstEdge, edgeTarget: g.edgeTarget, edgeType: g.edgeType, edgeName: g.edgeName };
}
