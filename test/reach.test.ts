// One search for distances and paths, and searches that stop at the nodes a command
// prints: each must give what the whole searches give, node for node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { computeDistances, distancesOf, pathsOf, pathTreeOf, prefetchDistances, reachOf } from "../src/heapy/graph/distances.js";
import { computeDominators, dominatorsOf } from "../src/heapy/graph/dominators.js";
import { once } from "node:events";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { adoptWorker, closeEarlyWorker, DONE, edgeThreadOf, holdWorker, PENDING, startEarlyWorker } from "../src/heapy/graph/background.js";
import { essentialEdges } from "../src/heapy/graph/essential-edges.js";
import { hasUserRoots, pageOwnedNodes } from "../src/heapy/graph/roots.js";
import { ownersOf, prefetchOwners, shallowSizes } from "../src/heapy/graph/shallow-sizes.js";
import { ephemeronPairsOf, ephemeronsOf, prefetchEphemeronNames } from "../src/heapy/graph/weakmap-edges.js";
import { largestRetainers, overview } from "../src/heapy/overview.js";
import { pathText } from "../src/heapy/render/paths.js";
import { readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import type { HeapGraph } from "../src/heapy/snapshot/heap-graph.js";
import { chromiumMissing, chromiumSnapshot, PATHS_PAGE_SCRIPT } from "./support/chromium.js";
import { FIXTURES, fixtureSnapshot } from "./support/fixtures.js";
import { synthSnapshot, type SynthNode } from "./support/synthetic.js";

const open = (file: string): Promise<HeapGraph> => readHeapSnapshot(file, { cacheDir: null });

/** Every 53rd node and the ten largest retainers: near and far ones, reached or not. */
function sample(g: HeapGraph): number[] {
  const nodes = largestRetainers(g, 10).map((r) => r.node);
  for (let n = 1; n < g.nodeCount; n += 53) nodes.push(n);
  return nodes;
}

/** Checks the searches on a snapshot; says whether one search gave both distances and the path tree. */
async function check(file: string): Promise<boolean> {
  // The whole searches, each on its own (the readable one as DevTools' search never fills it).
  const whole = await open(file);
  const distances = computeDistances(whole);
  const tree = new Int32Array(whole.nodeCount).fill(-1);
  const readable = computeDistances(whole, { parentEdge: tree, readable: true });
  // distancesOf fills the path tree in the same search when the two searches agree.
  const fused = await open(file);
  assert.deepEqual(distancesOf(fused), distances);
  const oneSearch = fused.hasDerived("pathTree");
  assert.deepEqual(pathTreeOf(fused), tree);
  // And the other way round.
  const reversed = await open(file);
  assert.deepEqual(pathTreeOf(reversed), tree);
  assert.deepEqual(distancesOf(reversed), distances);
  // Searches that stop at a few nodes: their distances and paths are the whole searches'.
  const partial = await open(file);
  const nodes = sample(partial);
  const reach = reachOf(partial, nodes);
  assert.ok(!partial.hasDerived("distances") && !partial.hasDerived("pathTree"), "a partial search is not kept as the graph's");
  for (const n of nodes) {
    assert.equal(reach.distance[n], distances[n], `distance of node ${n}`);
    assert.equal(pathText(partial, n, "h.Root", reach.parentEdge), pathText(whole, n, "h.Root", tree), `path of node ${n}`);
  }
  // The paths alone (a command that prints no distances): the same paths, no whole search kept.
  const pathsOnly = await open(file);
  const parentEdge = pathsOf(pathsOnly, nodes);
  assert.ok(!pathsOnly.hasDerived("distances") && !pathsOnly.hasDerived("pathTree"));
  for (const n of nodes) assert.equal(pathText(pathsOnly, n, "h.Root", parentEdge), pathText(whole, n, "h.Root", tree), `path alone of node ${n}`);
  // Where one search gave both, the two searches agree; where they differ, it did not.
  if (oneSearch) assert.deepEqual(readable, distances);
  if (readable.some((d, n) => d !== distances[n])) assert.equal(oneSearch, false);
  return oneSearch;
}

for (const name of FIXTURES) {
  test(`one search gives distances and paths, and a search that stops at a few nodes gives theirs: ${name}`, async () => {
    const oneSearch = await check(await fixtureSnapshot(name));
    // A Node heap with user roots needs one search (a dump at the heap limit on Node 26 has none).
    if (name === "classes-in-map" || name === "closures") assert.ok(oneSearch, "one search gave both");
  });
}

test("a page without user roots: the path search and DevTools' distance search differ, and each partial search is its own", async (t) => {
  const missing = chromiumMissing();
  if (missing !== null) return t.skip(missing);
  assert.equal(await check(await chromiumSnapshot("paths", PATHS_PAGE_SCRIPT)), false);
});

test("a search for the largest retainers stops early: most of a heap is never visited", async () => {
  const g = await open(await fixtureSnapshot("cycles-and-chains"));
  const { distance } = reachOf(g, largestRetainers(g, 3).map((r) => r.node));
  const visited = distance.reduce((k, d) => k + (d >= 0 ? 1 : 0), 0);
  assert.ok(visited < g.nodeCount / 2, `visited ${visited} of ${g.nodeCount}`);
});

test("distances searched on a worker thread while dominators are built here equal the search made here, path tree too", async () => {
  for (const name of ["classes-in-map", "near-heap-limit"] as const) {
    const file = await fixtureSnapshot(name);
    const here = await open(file);
    const distances = distancesOf(here);
    const tree = pathTreeOf(here);
    // The parallel reader puts the columns in shared memory, which the worker searches.
    const g = await readHeapSnapshot(file, { cacheDir: null, parallel: true });
    prefetchDistances(g, 0);
    assert.ok(g.hasDerived("distanceSearch"), "a worker was started");
    dominatorsOf(g);
    assert.deepEqual(distancesOf(g), distances);
    assert.deepEqual(pathTreeOf(g), tree);
    // Columns in ordinary memory (one-thread reader): nothing is started, and nothing changes.
    const plain = await readHeapSnapshot(file, { cacheDir: null, parallel: false });
    prefetchDistances(plain, 0);
    assert.equal(plain.hasDerived("distanceSearch"), false);
    assert.deepEqual(distancesOf(plain), distances);
  }
});

test("dominators with a worker (the WeakMap names and pairs, the owners and the predecessor lists on a second thread) give what one thread gives, node for node", async () => {
  for (const name of FIXTURES) {
    const file = await fixtureSnapshot(name);
    const plain = await readHeapSnapshot(file, { cacheDir: null, parallel: false });
    const one = computeDominators(plain);
    // The parallel reader's columns are in shared memory; a threshold of 0 starts the workers on a small graph.
    const g = await readHeapSnapshot(file, { cacheDir: null, parallel: true });
    const two = computeDominators(g, undefined, 0);
    // (Without user roots, as at the heap limit, shallow sizes need no owners: nothing to search.)
    assert.equal(g.hasDerived("ownersSearch"), hasUserRoots(g), `${name}: the owners were searched on a worker`);
    assert.deepEqual(two.idom, one.idom, name);
    assert.deepEqual(two.retainedSize, one.retainedSize, name);
    assert.equal(two.unreachable, one.unreachable, name);
    // (The worker marked them before the page-owned objects were known, then dropped what those rule out.)
    assert.deepEqual(essentialEdges(g).words, essentialEdges(plain).words, `${name}: the retaining edges`);
    // (Found in the depth-first search, which marks what it reaches from the page's entries.)
    assert.deepEqual(pageOwnedNodes(g), pageOwnedNodes(plain), `${name}: the page-owned objects`);
    assert.deepEqual(ownersOf(g), ownersOf(plain), name);
    assert.deepEqual(shallowSizes(g), shallowSizes(plain), name);
    // The WeakMap names were recognised on the worker, and paired there too, as the distance search then needs.
    assert.ok(g.hasDerived("nameSearch"), `${name}: the WeakMap names were recognised on a worker`);
    assert.deepEqual(ephemeronsOf(g), ephemeronsOf(plain), name);
    assert.ok(g.hasDerived("pairSearch"), `${name}: the WeakMap names were paired on a worker`);
    assert.deepEqual(ephemeronPairsOf(g), ephemeronPairsOf(plain), name);
    // No path search next (the summary's text): the same tree, and no pairing started.
    const alone = await readHeapSnapshot(file, { cacheDir: null, parallel: true });
    const three = computeDominators(alone, undefined, 0, false);
    assert.deepEqual(three.idom, one.idom, name);
    assert.deepEqual(three.retainedSize, one.retainedSize, name);
    assert.equal(alone.hasDerived("pairSearch"), false, `${name}: no pairing without paths next`);
    assert.ok(alone.hasDerived("nameSearch"), `${name}: the WeakMap names were still recognised on a worker`);
    // The worker ends once its last kernel is done (an idle thread holds no graph's columns); the next kernel gets a new one.
    const holder = g.derived<{ current: { beat: Int32Array } | null }>("backgroundWorker", () => ({ current: null }));
    const first = holder.current!;
    for (let i = 0; i < 200 && Atomics.load(first.beat, PENDING) !== -1; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(Atomics.load(first.beat, PENDING), -1, `${name}: the worker closed`);
    prefetchDistances(g, 0);
    assert.notEqual(holder.current, first, `${name}: a new worker for the distances`);
    assert.deepEqual(distancesOf(g), distancesOf(plain), name);
  }
});

test("dominators with a worker: an edge from an object the page does not own into one it owns, objects the page owns that the search does not enter, the root held by the page, and a WeakMap name decided on its decoded text, all as on one thread", async () => {
  // The worker marks the retaining edges before the page-owned objects are known (this
  // thread's search finds them), right after the WeakMap names (one here with a key's
  // class named with a non-ASCII letter, decided on its decoded text): the edges, the
  // page-owned objects and the tree must end as one thread has them.
  // (Last, A holds the root, so the page owns it and all it reaches, X too.)
  for (const [key, rootHeld] of [["K", false], ["Kß", false], ["K", true]] as const) {
    const eph = `1 / part of key (${key} @9) -> value (V @17) pair in WeakMap (table @11)`;
    const nodes: SynthNode[] = [
      { type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "global", to: 1 }, { type: "element", name: 1, to: 2 }] },
      { type: "object", name: "global", size: 16, edges: [{ type: "property", name: "a", to: 3 }, { type: "property", name: "k", to: 4 }, { type: "property", name: "t", to: 5 }, { type: "shortcut", name: "z", to: 9 }, { type: "shortcut", name: "w", to: 12 }] },
      { type: "synthetic", name: "(GC roots)", size: 0, edges: [{ type: "element", name: 1, to: 6 }, { type: "element", name: 2, to: 11 }] },
      { type: "object", name: "A", size: 16, edges: [{ type: "property", name: "y", to: 7 }, ...(rootHeld ? [{ type: "property", name: "back", to: 0 }] : [])] },
      { type: "object", name: key, size: 16, edges: [{ type: "internal", name: eph, to: 8 }] },
      { type: "object", name: "WeakMap table", size: 16, edges: [{ type: "internal", name: eph, to: 8 }] },
      { type: "object", name: "X", size: 16, edges: [{ type: "property", name: "y", to: 7 }, { type: "property", name: "z2", to: 10 }, { type: "property", name: "z", to: 9 }, { type: "property", name: "w", to: 12 }, { type: "property", name: "root", to: 0 }] },
      { type: "object", name: "Y", size: 16, edges: [] },
      { type: "object", name: "V", size: 16, edges: [] },
      // Z: the page's through a shortcut edge only (which retains from the root alone), so
      // Z2 is the page's too; X and X2, not the page's, retain neither.
      { type: "object", name: "Z", size: 16, edges: [{ type: "property", name: "z2", to: 10 }] },
      { type: "object", name: "Z2", size: 16, edges: [] },
      { type: "object", name: "X2", size: 16, edges: [{ type: "property", name: "z", to: 9 }] },
      // W and W2 as Z and Z2, with X alone not retaining W.
      { type: "object", name: "W", size: 16, edges: [{ type: "property", name: "w2", to: 13 }] },
      { type: "object", name: "W2", size: 16, edges: [] },
    ];
    const file = join(mkdtempSync(join(tmpdir(), "guppy-owned-")), "owned.heapsnapshot");
    writeFileSync(file, synthSnapshot(nodes));
    const plain = await readHeapSnapshot(file, { cacheDir: null, parallel: false });
    const one = computeDominators(plain);
    for (let round = 0; round < 5; round++) {
      const g = await readHeapSnapshot(file, { cacheDir: null, parallel: true });
      const two = computeDominators(g, undefined, 0);
      assert.ok(g.hasDerived("nameSearch"), "the names were recognised on a worker");
      // (1: recognised on its bytes; 2: decided on its decoded text, on the worker too.)
      assert.equal(ephemeronsOf(g).isEphemeron[g.strings.indicesOf(eph)[0]!], key === "K" ? 1 : 2, key);
      // Y: A retains it, X (not the page's) does not; V: its key retains it, the table
      // does not; Z2: Z retains it, X does not; Z, retained by nothing, hangs from the
      // root, and is searched from there (Z2 under it).
      // When the page holds the root, X and X2 are the page's, and retain Y, Z and Z2 with
      // the others (so (GC roots), above X and X2, dominates Z and Z2).
      const at = `${key}${rootHeld ? ", the root held" : ""}`;
      assert.equal(two.idom[7], rootHeld ? 0 : 3, `${at}: Y's dominator`);
      assert.equal(two.idom[8], 4, `${at}: V's dominator`);
      assert.equal(two.idom[9], rootHeld ? 2 : 0, `${at}: Z's dominator`);
      assert.equal(two.idom[10], rootHeld ? 2 : 9, `${at}: Z2's dominator`);
      assert.equal(two.idom[11], 2, `${at}: X2's dominator`);
      assert.equal(two.idom[12], rootHeld ? 6 : 0, `${at}: W's dominator`);
      assert.equal(two.idom[13], 12, `${at}: W2's dominator`);
      assert.deepEqual(two.idom, one.idom, at);
      assert.deepEqual(two.retainedSize, one.retainedSize, at);
      assert.deepEqual(essentialEdges(g).words, essentialEdges(plain).words, at);
      assert.deepEqual(pageOwnedNodes(g), pageOwnedNodes(plain), at);
    }
  }
});

test("a held worker stays open between kernels queued apart, and ends once the hold is released and its kernels are done", async () => {
  const g = await readHeapSnapshot(await fixtureSnapshot(FIXTURES[0]!), { cacheDir: null, parallel: true });
  const holder = g.derived<{ current: { worker: Worker; beat: Int32Array } | null }>("backgroundWorker", () => ({ current: null }));
  const release = holdWorker(g);
  const held = holder.current!;
  assert.equal(Atomics.load(held.beat, PENDING), 1, "the hold counts as one");
  prefetchEphemeronNames(g, 0);
  const names = g.derived<{ work: { state: Int32Array } }>("nameSearch", () => assert.fail("no names job"));
  for (let i = 0; i < 400 && Atomics.load(names.work.state, 0) !== DONE; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(Atomics.load(names.work.state, 0), DONE, "the names kernel ran");
  // Done, and not closed: the next kernel goes to the same thread.
  assert.equal(Atomics.load(held.beat, PENDING), 1, "still held");
  prefetchOwners(g, 0);
  assert.equal(holder.current, held, "the next kernel went to the held worker");
  // (The worker never keeps a process alive; here the test waits for it to end.)
  held.worker.ref();
  const exited = once(held.worker, "exit");
  release();
  release();
  assert.deepEqual(ownersOf(g), ownersOf(await readHeapSnapshot(await fixtureSnapshot(FIXTURES[0]!), { cacheDir: null, parallel: false })));
  await exited;
  assert.equal(Atomics.load(held.beat, PENDING), -1, "closed");
  // A released hold on an idle worker closes it too.
  const idle = holdWorker(g);
  assert.notEqual(holder.current, held, "a closed worker is not reused");
  holder.current!.worker.ref();
  const idleExit = once(holder.current!.worker, "exit");
  idle();
  await idleExit;
});

test("a worker started before its graph was read serves the graph that adopts it, and closes when no graph takes it", async () => {
  const file = await fixtureSnapshot(FIXTURES[0]!);
  const g = await readHeapSnapshot(file, { cacheDir: null, parallel: true });
  const holder = g.derived<{ current: { worker: Worker; beat: Int32Array } | null }>("backgroundWorker", () => ({ current: null }));
  const early = startEarlyWorker();
  assert.equal(Atomics.load(early.beat, PENDING), 0, "idle, counted for nothing");
  adoptWorker(g, early, 0);
  prefetchEphemeronNames(g, 0);
  assert.equal(holder.current, early, "the first kernel went to the early worker");
  early.worker.ref();
  const exited = once(early.worker, "exit");
  const names = g.derived<{ work: { state: Int32Array } }>("nameSearch", () => assert.fail("no names job"));
  for (let i = 0; i < 400 && Atomics.load(names.work.state, 0) !== DONE; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(Atomics.load(names.work.state, 0), DONE, "the names kernel ran there");
  // After its last kernel it ends, as any graph worker does.
  await exited;
  // A graph too small for a worker does not take it: it closes.
  const small = startEarlyWorker();
  small.worker.ref();
  const smallExit = once(small.worker, "exit");
  adoptWorker(await readHeapSnapshot(file, { cacheDir: null, parallel: true }), small);
  await smallExit;
  assert.equal(Atomics.load(small.beat, PENDING), -1, "closed");
  // Nor does a read that failed.
  const unused = startEarlyWorker();
  unused.worker.ref();
  const unusedExit = once(unused.worker, "exit");
  closeEarlyWorker(unused);
  await unusedExit;
});

test("a worker started before the read parses the edges, then serves the graph's kernels; a failed read leaves it to be closed", async () => {
  const file = await fixtureSnapshot(FIXTURES[0]!);
  const plain = await readHeapSnapshot(file, { cacheDir: null, parallel: false });
  const early = startEarlyWorker();
  const thread = edgeThreadOf(early);
  let took = 0;
  const counted = { take: () => (took++, thread.take()), giveBack: (w: Worker) => thread.giveBack(w) };
  const g = await readHeapSnapshot(file, { cacheDir: null, parallel: true, edgeThread: counted });
  assert.equal(took, 1, "the read took the lent thread");
  for (const col of ["edgeType", "edgeName", "edgeTarget", "firstEdge"] as const) assert.deepEqual(g[col], plain[col], col);
  // Given back, not ended: still open and counted for nothing, then adopted by the graph.
  assert.equal(Atomics.load(early.beat, PENDING), 0);
  adoptWorker(g, early, 0);
  prefetchEphemeronNames(g, 0);
  const names = g.derived<{ work: { state: Int32Array } }>("nameSearch", () => assert.fail("no names job"));
  for (let i = 0; i < 400 && Atomics.load(names.work.state, 0) !== DONE; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(Atomics.load(names.work.state, 0), DONE, "the names kernel ran on the thread that read the edges");
  assert.deepEqual(ephemeronsOf(g), ephemeronsOf(plain));
  // Cut inside the edges: the same error as the reader's own thread gives; the session then closes the worker.
  const text = readFileSync(file);
  const cut = join(tmpdir(), `guppy-lent-cut-${process.pid}.heapsnapshot`);
  writeFileSync(cut, text.subarray(0, text.indexOf('"edges"') + Math.floor((text.indexOf('"strings"') - text.indexOf('"edges"')) / 2)));
  const own = await readHeapSnapshot(cut, { cacheDir: null, parallel: true }).then(() => assert.fail("read"), (e: unknown) => e);
  const lent = startEarlyWorker();
  const failed = await readHeapSnapshot(cut, { cacheDir: null, parallel: true, edgeThread: edgeThreadOf(lent) }).then(() => assert.fail("read"), (e: unknown) => e);
  assert.deepEqual(failed, own);
  lent.worker.ref();
  const exit = once(lent.worker, "exit");
  closeEarlyWorker(lent);
  await exit;
});

test("the arrays the dominators are done with hold the shallow sizes and serve the searches that follow, which find what fresh arrays find", async () => {
  const file = await fixtureSnapshot("cycles-and-chains");
  const fresh = await open(file);
  const used = await open(file);
  dominatorsOf(used);
  const offered = new Set(used.derived<WeakRef<ArrayBuffer>[]>("spareArrays", () => []).map((r) => r.deref()));
  // (The parents' array holds the shallow sizes now.)
  assert.equal(offered.size, 1, "the dominators' vertices are on offer");
  assert.equal(shallowSizes(used).buffer.byteLength, (used.nodeCount + 1) * 4, "the shallow sizes went where the dominators' parents were");
  const nodes: number[] = [];
  for (let n = 1; n < used.nodeCount; n += 53) nodes.push(n);
  const reach = reachOf(used, nodes);
  assert.ok(offered.has(reach.parentEdge.buffer as ArrayBuffer), "the path tree went into the vertices' array");
  assert.deepEqual(shallowSizes(used), shallowSizes(fresh));
  const expected = reachOf(fresh, nodes);
  for (const n of nodes) {
    assert.equal(reach.distance[n], expected.distance[n], `distance of node ${n}`);
    assert.equal(reach.parentEdge[n], expected.parentEdge[n], `path to node ${n}`);
  }
  assert.deepEqual(distancesOf(used), distancesOf(fresh));
  assert.deepEqual(pathTreeOf(used), pathTreeOf(fresh));
});

test("the overview without distances lists the same retainers, without their distances", async () => {
  const g = await open(await fixtureSnapshot("cycles-and-chains"));
  const rows = overview(g, 10, { distances: false }).largest;
  assert.ok(rows.every((r) => !("distance" in r)));
  assert.deepEqual(rows, largestRetainers(g, 10).map(({ distance: _d, ...r }) => r));
});
