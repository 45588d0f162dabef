import assert from "node:assert/strict";
import { readlinkSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { dominatorsOf, distancesOf, hpy, readHeapSnapshot, retainersOf } from "../src/index.js";
import { cachePathOf, readGraphCache, writeGraphCache } from "../src/heapy/snapshot/graph-cache.js";
import type { HeapGraph } from "../src/heapy/snapshot/heap-graph.js";
import { guppy } from "./support/cli.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { damageSection } from "./support/cache-sections.js";

/** A private copy of a fixture (its own path, mtime and inode) and an empty cache folder. */
async function copyOf(name: "classes-in-map" | "allocation-traces" | "known-waste"): Promise<{ file: string; dir: string }> {
  const tmp = mkdtempSync(join(tmpdir(), "guppy-gcache-"));
  const file = join(tmp, `${name}.heapsnapshot`);
  copyFileSync(await fixtureSnapshot(name), file);
  return { file, dir: join(tmp, "cache") };
}

function sameGraph(a: HeapGraph, b: HeapGraph): void {
  for (const k of ["nodeType", "nodeName", "nodeId", "nodeSelfSize", "firstEdge", "edgeType", "edgeName", "edgeTarget", "samples", "locations", "nodeTraceId", "nodeDetachedness"] as const) {
    assert.deepEqual(b[k], a[k], k);
  }
  assert.equal(b.strings.count, a.strings.count);
  for (let i = 0; i < a.strings.count; i += 7) assert.equal(b.strings.get(i), a.strings.get(i));
  assert.deepEqual(b.header, a.header);
  assert.deepEqual(b.layout, a.layout);
  assert.deepEqual(b.traces, a.traces);
}

test("a cache holds the columns, strings, traces and computed derived arrays; reopening uses it and agrees", async () => {
  const { file, dir } = await copyOf("allocation-traces");
  const g = await readHeapSnapshot(file, { cacheDir: dir });
  assert.equal(g.hasCache(), false);
  const dom = dominatorsOf(g);
  const dist = distancesOf(g);
  const ret = retainersOf(g);
  const path = await writeGraphCache(g, dir);
  assert.equal(path, cachePathOf(file, dir));
  assert.equal(statSync(path!).mode & 0o777, 0o600, "the cache holds heap strings: owner only");
  const again = await readHeapSnapshot(file, { cacheDir: dir });
  assert.equal(again.hasCache(), true);
  sameGraph(g, again);
  // The derived arrays come from the cache, not from a new computation: the very arrays read back.
  assert.deepEqual(again.uncachedKeys(), []);
  assert.deepEqual(dominatorsOf(again).idom, dom.idom);
  assert.deepEqual(dominatorsOf(again).retainedSize, dom.retainedSize);
  assert.equal(dominatorsOf(again).unreachable, dom.unreachable);
  assert.deepEqual(distancesOf(again), dist);
  assert.deepEqual(retainersOf(again).retainerNode, ret.retainerNode);
  // Heapy on top reads the same either way.
  assert.equal(String(hpy().heap(again).byclodo), String(hpy().heap(g).byclodo));
});

test("a stale or corrupt cache is ignored, never trusted", async () => {
  const { file, dir } = await copyOf("classes-in-map");
  const g = await readHeapSnapshot(file, { cacheDir: dir });
  dominatorsOf(g);
  const path = (await writeGraphCache(g, dir))!;
  const good = readFileSync(path);
  const reload = async () => readGraphCache(file, dir);
  assert.notEqual(await reload(), null);
  // One byte changed inside a section read with the graph (not the header): its hash no longer matches.
  damageSection(path, "nodeName");
  assert.equal(await reload(), null);
  // Cut short.
  writeFileSync(path, good.subarray(0, good.length >> 1));
  assert.equal(await reload(), null);
  // Another format version or garbage.
  const older = Buffer.from(good);
  older.writeUInt32LE(0, 8);
  writeFileSync(path, older);
  assert.equal(await reload(), null);
  writeFileSync(path, "not a cache at all");
  assert.equal(await reload(), null);
  // A good cache of a file that has changed since (its mtime moved) is stale.
  writeFileSync(path, good);
  assert.notEqual(await reload(), null);
  const later = new Date(Date.now() + 5000);
  utimesSync(file, later, later);
  assert.equal(await reload(), null);
  // And a stale cache falls back to parsing, which gives the right graph.
  const parsed = await readHeapSnapshot(file, { cacheDir: dir });
  assert.equal(parsed.hasCache(), false);
  sameGraph(g, parsed);
});

test("the session saves caches of what it loaded, and only when they lack something", async () => {
  const { file, dir } = await copyOf("known-waste");
  const h = hpy({ cacheDir: dir });
  const heap = await h.load(file);
  const written = await h.saveCaches();
  assert.deepEqual(written, [cachePathOf(file, dir)]);
  assert.deepEqual(await h.saveCaches(), [], "nothing new computed: nothing written");
  heap.domisize; // computes the dominators
  assert.equal((await h.saveCaches()).length, 1, "the dominators are new: written again");
  const h2 = hpy({ cacheDir: dir });
  const again = await h2.load(file);
  assert.equal(again.graph.hasCache(), true);
  assert.equal(again.domisize, heap.domisize);
  assert.equal(String(again.byclodo), String(heap.byclodo));
  // cacheDir null: no cache read or written.
  const none = hpy({ cacheDir: null });
  assert.equal((await none.load(file)).graph.hasCache(), false);
  assert.deepEqual(await none.saveCaches(), []);
});

test("guppy commands write the cache when done and start from it next time", async () => {
  const { file, dir } = await copyOf("classes-in-map");
  const prev = process.env.GUPPY_CACHE;
  process.env.GUPPY_CACHE = dir;
  try {
    const first = await guppy("dom", file, "--json");
    assert.equal(first.code, 0);
    assert.deepEqual(readdirSync(dir), [cachePathOf(file, dir).slice(dir.length + 1)]);
    const second = await guppy("dom", file, "--json");
    assert.equal(second.stdout, first.stdout);
    const g = await readGraphCache(file, dir);
    assert.ok(g !== null && g.uncachedKeys().length === 0 && g.memoEntries().some(([k]) => k === "dominators"));
  } finally {
    if (prev === undefined) delete process.env.GUPPY_CACHE;
    else process.env.GUPPY_CACHE = prev;
  }
});

/** The descriptors this process has open on `path`. */
function openOn(path: string): number {
  return readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;
}

test("a graph from its cache reads its edges and derived arrays when first used, and holds the file open only until all are read", { skip: process.platform !== "linux" }, async () => {
  const { file, dir } = await copyOf("allocation-traces");
  const g = await readHeapSnapshot(file, { cacheDir: dir });
  const dom = dominatorsOf(g);
  distancesOf(g);
  retainersOf(g);
  const path = (await writeGraphCache(g, dir))!;
  const again = (await readGraphCache(file, dir))!;
  const unread = again.unreadParts();
  for (const part of ["edgeTarget", "edgeName", "edgeType", "firstEdge", "nodeId", "derived.dominators.retainedSize", "derived.retainers.retainerNode"]) assert.ok(unread.includes(part), part);
  assert.equal(openOn(path), 1, "open while parts are unread");
  // Heapy's first table by class reads none of the edges.
  assert.equal(String(hpy().heap(again).byclodo), String(hpy().heap(g).byclodo));
  assert.ok(again.unreadParts().includes("edgeName") && again.unreadParts().includes("derived.retainers.retainerNode"));
  // Renaming a new cache over the file (as every write does) does not change what the open graph reads.
  const other = await readHeapSnapshot(file, { cacheDir: null });
  dominatorsOf(other);
  assert.equal(await writeGraphCache(other, dir), path);
  assert.deepEqual(dominatorsOf(again).retainedSize, dom.retainedSize);
  assert.deepEqual(again.edgeTarget, g.edgeTarget);
  await again.readRest();
  assert.deepEqual(again.unreadParts(), []);
  assert.equal(openOn(path), 0, "closed once every part is read");
  assert.deepEqual(retainersOf(again).retainerNode, retainersOf(g).retainerNode);
  assert.deepEqual(again.edgeName, g.edgeName);
});
