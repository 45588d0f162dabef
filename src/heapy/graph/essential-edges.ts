import type { HeapGraph } from "../snapshot/heap-graph.js";
import { typedArray } from "../snapshot/memory.js";
import { BitVector } from "./bit-vector.js";
import { pageOwnedNodes } from "./roots.js";
import { ephemeronsOf } from "./weakmap-edges.js";

/**
 * The edges that retain, for dominators and retained sizes, with DevTools' rules:
 * weak edges and self edges never retain; shortcut edges retain only from the root
 * (elsewhere they duplicate a real path); the WeakMap table's edge to a value does
 * not retain (the key's edge does); and an edge from an object the page does not
 * own into one it owns does not retain.
 */
export function essentialEdges(g: HeapGraph): BitVector {
  return g.derived("essentialEdges", () => markEssentialEdges(g));
}

/**
 * essentialEdges, with each node's count of essential retainers at counts[node + 1]
 * when the edges are marked now (null when another analysis marked them already): the
 * dominators' predecessor lists then need no pass of their own to count. `inShared`
 * puts both in shared memory, for a worker thread to build those lists.
 */
export function essentialEdgesCounted(g: HeapGraph, inShared = false): { bits: BitVector; counts: Uint32Array | null } {
  if (g.hasDerived("essentialEdges")) return { bits: essentialEdges(g), counts: null };
  const counts = typedArray(Uint32Array, g.nodeCount + 1, inShared);
  const bits = markEssentialEdges(g, counts, inShared);
  g.preload("essentialEdges", bits);
  return { bits, counts };
}

function markEssentialEdges(g: HeapGraph, predecessors?: Uint32Array, inShared = false): BitVector {
  const { nodeCount, edgeCount, firstEdge, edgeTarget, edgeType, edgeName, nodeId } = g;
  const { internal, weak, shortcut } = g.edgeTypes;
  const owned = pageOwnedNodes(g);
  const { isEphemeron, tableId } = ephemeronsOf(g);
  const bits = new BitVector(edgeCount, inShared);
  const words = bits.words;
  const root = g.root;
  for (let n = 0; n < nodeCount; n++) {
    const end = firstEdge[n + 1]!;
    const fromOwned = owned[n]!;
    for (let e = firstEdge[n]!; e < end; e++) {
      const type = edgeType[e]!;
      if (type === weak) continue;
      if (type === internal && isEphemeron[edgeName[e]!] && tableId[edgeName[e]!] === nodeId[n]) continue;
      const t = edgeTarget[e]!;
      if (t === n) continue;
      if (n !== root) {
        if (type === shortcut) continue;
        if (owned[t] && !fromOwned) continue;
      }
      words[e >>> 5]! |= 1 << (e & 31);
      if (predecessors !== undefined) predecessors[t + 1]!++;
    }
  }
  return bits;
}
