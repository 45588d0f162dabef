import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_SYSTEM_DISTANCE, distancesOf, NO_DISTANCE } from "../src/heapy/graph/distances.js";
import { computeDominators, dominatorsOf } from "../src/heapy/graph/dominators.js";
import { essentialEdges } from "../src/heapy/graph/essential-edges.js";
import { largest, LEADERS, Leaders } from "../src/heapy/graph/largest.js";
import { retainersOf } from "../src/heapy/graph/retainers.js";
import { shallowSizes } from "../src/heapy/graph/shallow-sizes.js";
import { bufferSource } from "../src/heapy/snapshot/byte-source.js";
import { readFromSource, readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { synthSnapshot, type SynthNode } from "./support/synthetic.js";

// 0 root, 1 global (user root), 2 cache, 3 its array, 4 a string, 5 (GC roots), 6 held by GC roots only,
// 7 reachable only weakly.
const nodes: SynthNode[] = [
  { type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "1", to: 1 }, { type: "element", name: 1, to: 5 }] },
  {
    type: "object", name: "Window", size: 40,
    edges: [{ type: "property", name: "cache", to: 2 }, { type: "property", name: "self", to: 1 }, { type: "weak", name: "w", to: 7 }, { type: "shortcut", name: "alias", to: 4 }],
  },
  { type: "object", name: "Cache", size: 32, edges: [{ type: "property", name: "items", to: 3 }] },
  { type: "array", name: "", size: 800, edges: [{ type: "element", name: 0, to: 4 }] },
  { type: "string", name: "s", size: 56, edges: [] },
  { type: "synthetic", name: "(GC roots)", size: 0, edges: [{ type: "element", name: 0, to: 6 }, { type: "element", name: 1, to: 2 }] },
  { type: "hidden", name: "system / Thing", size: 24, edges: [] },
  { type: "object", name: "Weakling", size: 16, edges: [] },
];

async function known() {
  return readFromSource(bufferSource("known", [Buffer.from(synthSnapshot(nodes))]));
}

test("retainers list every edge into a node, with its owner", async () => {
  const g = await readHeapSnapshot(await fixtureSnapshot("cycles-and-chains"));
  const { firstRetainer, retainerEdge, retainerNode } = retainersOf(g);
  const count = new Uint32Array(g.nodeCount);
  for (let n = 0; n < g.nodeCount; n++) {
    for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) count[g.edgeTarget[e]!]!++;
  }
  for (let n = 0; n < g.nodeCount; n++) {
    assert.equal(firstRetainer[n + 1]! - firstRetainer[n]!, count[n]);
    for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) {
      const e = retainerEdge[s]!;
      assert.equal(g.edgeTarget[e], n);
      assert.ok(g.firstEdge[retainerNode[s]!]! <= e && e < g.firstEdge[retainerNode[s]! + 1]!);
    }
  }
});

/** The owner of an edge, by scanning the CSR offsets (fine for a test graph). */
function owner(g: { nodeCount: number; firstEdge: Uint32Array }, e: number): number {
  let n = 0;
  while (g.firstEdge[n + 1]! <= e) n++;
  return n;
}

test("essential edges: weak, self, non-root shortcuts and edges into the page from outside do not retain", async () => {
  const g = await known();
  const bits = essentialEdges(g);
  const essential: [number, number][] = [];
  for (let e = 0; e < g.edgeCount; e++) if (bits.get(e)) essential.push([owner(g, e), g.edgeTarget[e]!]);
  // Not: Window.self (self edge), Window.w (weak), Window.alias (shortcut off the root),
  // (GC roots)[1] -> Cache (from outside the page into a page-owned object).
  assert.deepEqual(essential, [[0, 1], [0, 5], [1, 2], [2, 3], [3, 4], [5, 6]]);
});

test("shallow sizes move an owned array onto its owner, never onto a synthetic node", async () => {
  const g = await known();
  assert.deepEqual([...shallowSizes(g)], [0, 40, 832, 0, 56, 0, 24, 16]);
  assert.deepEqual([...g.nodeSelfSize], [0, 40, 32, 800, 56, 0, 24, 16]);
});

test("dominators and retained sizes of a known graph, with a weakly held node hung under the root", async () => {
  const g = await known();
  const { idom, retainedSize, unreachable } = dominatorsOf(g);
  assert.deepEqual([...idom], [0, 0, 1, 2, 3, 0, 5, 0]);
  assert.deepEqual([...retainedSize], [968, 928, 888, 56, 56, 24, 24, 16]);
  assert.equal(unreachable, 1);
});

test("distances: user roots first, system roots offset, weakly held nodes have none", async () => {
  const g = await known();
  const B = BASE_SYSTEM_DISTANCE;
  assert.deepEqual([...distancesOf(g)], [B, 1, 2, 3, 2, B + 1, B + 2, NO_DISTANCE]);
});

test("largest picks the top values among those kept, largest first, ties by ordinal", () => {
  const values = Float64Array.from([5, 9, 1, 9, 7, 3]);
  assert.deepEqual(largest(values, 3, () => true), [1, 3, 4]);
  assert.deepEqual(largest(values, 2, (n) => n !== 1), [3, 4]);
  assert.deepEqual(largest(values, 10, (n) => n > 3), [4, 5]);
});

test("Leaders keep the largest values offered in any order, ties by lower ordinal, and largest() answers from them as from a scan", () => {
  // Few distinct values: many ties (the 64th place falls among 13 nodes of one value),
  // offered in node order, in reverse, and scrambled.
  const values = Float64Array.from({ length: 500 }, (_, i) => (i * 11) % 37);
  const all = [...values.keys()].sort((a, b) => values[b]! - values[a]! || a - b);
  let list: Uint32Array = new Uint32Array(0);
  for (const at of [(i: number) => i, (i: number) => values.length - 1 - i, (i: number) => (i * 263) % values.length]) {
    const leaders = new Leaders();
    let least = -1;
    for (let i = 0; i < values.length; i++) {
      const n = at(i);
      if (values[n]! >= least) least = leaders.offer(n, values[n]!);
    }
    list = leaders.list();
    assert.deepEqual([...list], all.slice(0, LEADERS));
  }
  for (const keep of [() => true, (n: number) => n % 3 !== 0, (n: number) => values[n]! < 30]) {
    for (const k of [1, 5, 20, LEADERS, 100]) assert.deepEqual(largest(values, k, keep, list), largest(values, k, keep), `k ${k}`);
  }
  // Fewer nodes than LEADERS: the list is all of them, and answers alone.
  const few = new Leaders();
  few.offer(2, 4);
  few.offer(0, 9);
  few.offer(1, 4);
  assert.deepEqual([...few.list()], [0, 1, 2]);
  assert.deepEqual(largest(Float64Array.from([9, 4, 4]), 5, (n) => n !== 0, few.list()), [1, 2]);
});

test("the dominators' largest retained sizes are the largest of all the retained sizes", async () => {
  for (const name of ["classes-in-map", "near-heap-limit"] as const) {
    const g = await readHeapSnapshot(await fixtureSnapshot(name));
    const { retainedSize, largest: leaders } = dominatorsOf(g);
    const all = [...retainedSize.keys()].filter((n) => n !== g.root).sort((a, b) => retainedSize[b]! - retainedSize[a]! || a - b);
    assert.deepEqual([...leaders], all.slice(0, LEADERS), name);
  }
});

test("dominators report their progress in order, from 0 towards 1", async () => {
  const g = await readHeapSnapshot(await fixtureSnapshot("classes-in-map"));
  const seen: number[] = [];
  computeDominators(g, (d) => seen.push(d));
  assert.ok(seen.length >= 3);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!);
  assert.ok(seen[0]! >= 0 && seen[seen.length - 1]! <= 1);
});
