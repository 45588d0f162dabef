import { stat } from "node:fs/promises";
import { adoptWorker, closeEarlyWorker, edgeThreadOf, startEarlyWorker } from "../graph/background.js";
import { cacheIsStale, defaultCacheDir, writeGraphCache } from "../snapshot/graph-cache.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { PARALLEL_MIN_BYTES, readHeapSnapshot, type ReadOptions } from "../snapshot/reader.js";

/**
 * The snapshot files a session has loaded, each read once, and their binary caches.
 * Apart from the session so that a command that needs graphs and no sets (`guppy
 * dom`, `guppy summary`) loads this and not the session's classifiers, sets and views,
 * whose modules take about 30 ms to load (a tenth of a run on a 36 MB heap).
 */
export class GraphFiles {
  private readonly graphs = new Map<string, HeapGraph>();

  /** `cacheDir`: the folder of binary caches, null for none, undefined for the default (GUPPY_CACHE, else ~/.cache/guppy/snapshots). */
  constructor(private readonly cacheDir?: string | null) {}

  /** The loaded graph of a file (read on first use). */
  async graph(file: string, options: ReadOptions = {}): Promise<HeapGraph> {
    let g = this.graphs.get(file);
    if (g !== undefined) return g;
    // A file read in parallel is large enough for the graph's worker: started now, it
    // parses the edges while this thread reads the rest, then serves the graph.
    const size = await stat(file).then((s) => s.size, () => 0);
    const early = size >= PARALLEL_MIN_BYTES && options.parallel !== false ? startEarlyWorker() : null;
    try {
      const read = { ...(this.cacheDir === undefined ? {} : { cacheDir: this.cacheDir }), ...(early === null ? {} : { edgeThread: edgeThreadOf(early) }), ...options };
      g = await readHeapSnapshot(file, read);
    } catch (e) {
      if (early !== null) closeEarlyWorker(early);
      throw e;
    }
    if (early !== null) adoptWorker(g, early);
    this.graphs.set(file, g);
    return g;
  }

  /** The graphs loaded so far. */
  loaded(): IterableIterator<HeapGraph> {
    return this.graphs.values();
  }

  /**
   * Writes the binary cache of each graph whose cache is missing or lacks derived
   * arrays computed since; returns the caches written (see Session.saveCaches).
   */
  async saveCaches(onWriting?: (snapshot: string) => void): Promise<string[]> {
    const dir = this.cacheDir === undefined ? defaultCacheDir() : this.cacheDir;
    const written: string[] = [];
    for (const g of this.graphs.values()) {
      if (dir === null || !cacheIsStale(g)) continue;
      onWriting?.(g.file);
      const path = await writeGraphCache(g, dir);
      if (path !== null) written.push(path);
    }
    return written;
  }
}
