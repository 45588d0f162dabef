import assert from "node:assert/strict";
import { distancesOf } from "../../src/heapy/graph/distances.js";
import { dominatorsOf } from "../../src/heapy/graph/dominators.js";
import { shallowSizes } from "../../src/heapy/graph/shallow-sizes.js";
import type { HeapGraph } from "../../src/heapy/snapshot/heap-graph.js";
import type { DevToolsResult } from "./devtools.js";

/** Asserts that every node's idom, retained size, distance and shallow size equal DevTools'. */
export function assertAgreesWithDevTools(g: HeapGraph, dt: DevToolsResult): void {
  assert.equal(g.nodeCount, dt.nodeCount, "node count");
  const d = dominatorsOf(g);
  const dist = distancesOf(g);
  const shallow = shallowSizes(g);
  const diffs: string[] = [];
  for (let i = 0; i < g.nodeCount && diffs.length < 5; i++) {
    if (d.idom[i] !== dt.idom[i]) diffs.push(`node ${i} (${g.typeName(i)}): idom ${d.idom[i]} vs DevTools ${dt.idom[i]}`);
    if (d.retainedSize[i] !== dt.retainedSize[i]) diffs.push(`node ${i}: retained ${d.retainedSize[i]} vs DevTools ${dt.retainedSize[i]}`);
    if (dist[i] !== dt.distance[i]) diffs.push(`node ${i}: distance ${dist[i]} vs DevTools ${dt.distance[i]}`);
    if (shallow[i] !== dt.shallowSize[i]) diffs.push(`node ${i}: shallow ${shallow[i]} vs DevTools ${dt.shallowSize[i]}`);
  }
  assert.deepEqual(diffs, [], diffs.join("\n"));
}
