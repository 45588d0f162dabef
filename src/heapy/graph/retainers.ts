import type { HeapGraph } from "../snapshot/heap-graph.js";

/** Reverse edges: the retainers of node n are slots firstRetainer[n] .. firstRetainer[n+1]-1. */
export interface Retainers {
  firstRetainer: Uint32Array;
  /** Edge ordinal of each retainer slot. */
  retainerEdge: Uint32Array;
  /** Node ordinal owning that edge. */
  retainerNode: Uint32Array;
}

/**
 * Builds the reverse CSR in two passes (count, then place). Within each node the
 * retainers come in increasing edge order.
 */
export function buildRetainers(g: HeapGraph): Retainers {
  const { nodeCount, edgeCount, firstEdge, edgeTarget } = g;
  const firstRetainer = new Uint32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) firstRetainer[edgeTarget[e]! + 1]!++;
  for (let n = 0; n < nodeCount; n++) firstRetainer[n + 1]! += firstRetainer[n]!;
  // `fill` walks a copy of the starts forward as slots are taken.
  const fill = firstRetainer.slice(0, nodeCount);
  const retainerEdge = new Uint32Array(edgeCount);
  const retainerNode = new Uint32Array(edgeCount);
  for (let n = 0; n < nodeCount; n++) {
    const end = firstEdge[n + 1]!;
    for (let e = firstEdge[n]!; e < end; e++) {
      const slot = fill[edgeTarget[e]!]!++;
      retainerEdge[slot] = e;
      retainerNode[slot] = n;
    }
  }
  return { firstRetainer, retainerEdge, retainerNode };
}

/** The graph's retainers, built on first use. */
export function retainersOf(g: HeapGraph): Retainers {
  return g.derived("retainers", () => buildRetainers(g));
}
