/** Guppy's measures, as run-tool runs them (one per process), with the byte scan, the floor. */
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { distancesOf, prefetchDistances } from "../src/heapy/graph/distances.js";
import { dominatorsOf } from "../src/heapy/graph/dominators.js";
import { readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { cacheIsStale, writeGraphCache } from "../src/heapy/snapshot/graph-cache.js";
import { retainersOf } from "../src/heapy/graph/retainers.js";
import { Clodo } from "../src/heapy/classify/classifiers.js";
import { partition } from "../src/heapy/classify/partition.js";
import { IdentitySet } from "../src/heapy/sets/identity-set.js";
import { hpy } from "../src/heapy/session/session.js";
import { exportGraph } from "../src/heapy/tables/export.js";
import { Explorer } from "../src/pb/explorer.js";

import type { Measured } from "./table.js";

/** The floor: read every byte and count commas, in JavaScript, with the reader's chunk size. */
async function scan(file: string): Promise<Measured> {
  let commas = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 8 << 20 })) {
    const b = chunk as Buffer;
    for (let i = 0; i < b.length; i++) if (b[i] === 44) commas++;
  }
  return { rootRetained: 0, nodes: commas };
}

/** Where the bench keeps binary caches (never the user's cache folder). */
const cacheDir = join(dirname(process.argv[4] ?? "."), "gcache");

/** The first measure: load (from JSON, no cache), dominators and retained sizes. */
async function guppy(file: string): Promise<Measured> {
  const g = await readHeapSnapshot(file, { cacheDir: null });
  const d = dominatorsOf(g);
  return { rootRetained: d.retainedSize[g.root]!, nodes: g.nodeCount };
}

/** The same on one thread (no worker parsing the edges), to show what the worker buys. */
async function guppySeq(file: string): Promise<Measured> {
  const g = await readHeapSnapshot(file, { cacheDir: null, parallel: false });
  const d = dominatorsOf(g);
  return { rootRetained: d.retainedSize[g.root]!, nodes: g.nodeCount };
}

/** Everything DevTools' initialisation also computes that Guppy has: distances too (on the second core while dominators are built). */
async function guppyAll(file: string): Promise<Measured> {
  const g = await readHeapSnapshot(file, { cacheDir: null });
  prefetchDistances(g);
  const d = dominatorsOf(g);
  distancesOf(g);
  return { rootRetained: d.retainedSize[g.root]!, nodes: g.nodeCount };
}

/** The scale issue's "fully analysed": load, dominators, retained sizes, partition by constructor. */
async function guppyFull(file: string): Promise<Measured> {
  const g = await readHeapSnapshot(file, { cacheDir: null });
  const d = dominatorsOf(g);
  partition(IdentitySet.all(g), Clodo);
  return { rootRetained: d.retainedSize[g.root]!, nodes: g.nodeCount };
}

/** `guppy heap --by clodo`: the reachable objects by class; no dominators, so only the columns that needs. */
async function heapClodo(file: string): Promise<Measured> {
  const h = hpy({ cacheDir: null });
  const heap = await h.load(file);
  partition(heap, Clodo);
  return { rootRetained: 0, nodes: heap.count };
}

/** Not measured: writes the cache the cached measure reads (dominators, retained sizes, distances, retainers). */
async function cachePrep(file: string): Promise<Measured> {
  const g = await readHeapSnapshot(file, { cacheDir });
  const d = dominatorsOf(g);
  distancesOf(g);
  retainersOf(g);
  if (cacheIsStale(g) && (await writeGraphCache(g, cacheDir)) === null) throw new Error("the cache could not be written");
  return { rootRetained: d.retainedSize[g.root]!, nodes: g.nodeCount };
}

/** Reopening with the cache: the graph and every derived array, ready. */
async function guppyCached(file: string): Promise<Measured> {
  const g = await readHeapSnapshot(file, { cacheDir });
  if (!g.hasCache()) throw new Error("no cache was read");
  const d = dominatorsOf(g);
  distancesOf(g);
  return { rootRetained: d.retainedSize[g.root]!, nodes: g.nodeCount };
}

/** `guppy export`: load (from JSON), then the Parquet tables of every node and edge, into a folder removed afterwards. */
async function exportTables(file: string): Promise<Measured> {
  const g = await readHeapSnapshot(file, { cacheDir: null });
  const out = mkdtempSync(join(dirname(process.argv[4] ?? "."), "export-"));
  try {
    const t0 = performance.now();
    const summary = await exportGraph(g, out, { name: "bench" });
    return { rootRetained: dominatorsOf(g).retainedSize[g.root]!, nodes: g.nodeCount, exportMs: performance.now() - t0, exportBytes: summary.bytes };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The explorer from the cache (made beforehand): `guppy pb`'s first table (the partition
 * by class, its first 100 rows) and then one expansion at once (the root's edges, each
 * target with its sizes and distance); the measure is both together. Noted besides: a
 * later expansion, once the explorer's background read of the rest of the cache is done.
 */
async function pbExplore(file: string): Promise<Measured> {
  const t0 = performance.now();
  const explorer = new Explorer([file], hpy({ cacheDir }));
  const table = await explorer.partition(0, [], "clodo", 0, 100, undefined, "", null, false);
  const t1 = performance.now();
  const g = (await explorer.set(0, [])).graph;
  await explorer.object(0, g.nodeId[g.root]!, 0, 100);
  const t2 = performance.now();
  // A later click: once the background read of the rest of the cache is done, another object.
  await g.readRest();
  const t3 = performance.now();
  await explorer.object(0, g.nodeId[g.edgeTarget[g.firstEdge[g.root]!]!]!, 0, 100);
  const laterMs = performance.now() - t3;
  return { rootRetained: dominatorsOf(g).retainedSize[g.root]!, nodes: table.count, firstTableMs: t1 - t0, expansionMs: t2 - t1, laterExpansionMs: laterMs };
}

export const guppyTools: Record<string, (f: string) => Promise<Measured>> = {
  scan,
  guppy,
  "guppy-seq": guppySeq,
  "guppy+dist": guppyAll,
  "guppy-full": guppyFull,
  "heap-clodo": heapClodo,
  "cache-prep": cachePrep,
  "guppy-cached": guppyCached,
  export: exportTables,
  "pb-explore": pbExplore,
};
