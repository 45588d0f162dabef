import type { HeapGraph } from "../snapshot/heap-graph.js";
import { BitVector } from "./bit-vector.js";
import { kernelColumns } from "./kernel-columns.js";
import { markRetaining, type RetainInput } from "./retaining-edges.js";
import { pageOwnedNodes } from "./roots.js";
import { ephemeronsOf } from "./weakmap-edges.js";

/**
 * The edges that retain, for dominators and retained sizes, with DevTools' rules
 * (retaining-edges.ts): weak edges and self edges never retain; shortcut edges retain
 * only from the root; the WeakMap table's edge to a value does not retain (the key's
 * edge does); and an edge from an object the page does not own into one it owns does not.
 */
export function essentialEdges(g: HeapGraph): BitVector {
  return g.derived("essentialEdges", () => {
    const bits = new BitVector(g.edgeCount);
    markRetaining(retainInput(g), bits.words, null);
    return bits;
  });
}

/** What the rule needs of a graph: its columns, the page-owned objects and the WeakMap names. */
export function retainInput(g: HeapGraph): RetainInput {
  const { weak, internal, shortcut } = g.edgeTypes;
  const owned = pageOwnedNodes(g);
  const { isEphemeron, tableId } = ephemeronsOf(g);
  return { ...kernelColumns(g), nodeId: g.nodeId, weak, internal, shortcut, owned, isEphemeron, tableId };
}
