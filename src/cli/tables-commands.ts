import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GuppyError } from "../errors.js";
import { hpy } from "../heapy/session/session.js";
import { defaultCacheDir } from "../heapy/snapshot/graph-cache.js";
import type { HeapGraph } from "../heapy/snapshot/heap-graph.js";
import { openDataset, type Dataset } from "../tables/dataset.js";
import { exportGraph, type ExportSummary } from "../heapy/tables/export.js";
import { NAMED_QUERIES, queryText } from "../tables/named-queries.js";
import { runQuery } from "../tables/query.js";
import { renderResult, resultCsv, resultJson } from "../tables/result-text.js";
import { snapshotName } from "../heapy/tables/schema.js";
import { snapshotTables } from "../tables/snapshot-tables.js";
import { loadGraph } from "./load.js";
import { createProgress } from "./progress.js";

/**
 * Loads one snapshot in a session of its own, hands the graph to `use`, then writes
 * the snapshot cache and lets the graph go: exporting many snapshots holds one at a time.
 */
async function withGraph<T>(file: string, quiet: boolean, use: (g: HeapGraph) => Promise<T>): Promise<T> {
  const h = hpy();
  try {
    const result = await use(await loadGraph(file, quiet, h));
    await h.saveCaches();
    return result;
  } finally {
    h.close();
  }
}

function uniqueNames(files: readonly string[]): string[] {
  const names = files.map(snapshotName);
  names.forEach((n, i) => {
    const j = names.indexOf(n);
    if (j !== i) throw new GuppyError("USAGE", `${files[j]} and ${files[i]} would both be snapshot ${n}: rename one of them.`);
  });
  return names;
}

/** `guppy export FILE... --to DIR`: each snapshot's tables as Parquet partitions of the dataset DIR. */
export async function exportCommand(files: string[], opts: { to: string; json: boolean }): Promise<void> {
  const names = uniqueNames(files);
  const summaries: ExportSummary[] = [];
  for (let i = 0; i < files.length; i++) {
    const progress = createProgress(!opts.json);
    try {
      summaries.push(await withGraph(files[i]!, opts.json, (g) => exportGraph(g, opts.to, { name: names[i]!, onStage: (s) => progress.stage(s) })));
    } finally {
      progress.done();
    }
  }
  if (opts.json) {
    process.stdout.write(JSON.stringify({ dataset: opts.to, snapshots: summaries }, null, 2) + "\n");
    return;
  }
  const lines = [`Exported ${summaries.length} snapshot${summaries.length === 1 ? "" : "s"} to ${opts.to}:`];
  for (const s of summaries) lines.push(`  snapshot=${s.snapshot}: ${s.objects} objects, ${s.edges} references, ${s.classes} classes, ${s.bytes} bytes of Parquet`);
  process.stdout.write(lines.join("\n") + "\n");
}

/** `guppy sql QUERY INPUT...`: SQL over exported datasets (folders) and snapshot files (exported to the cache on the fly). */
export async function sqlCommand(query: string, inputs: string[], opts: { json: boolean; csv: boolean; limit: number; all: boolean }): Promise<void> {
  if (opts.json && opts.csv) throw new GuppyError("USAGE", "Give --json or --csv, not both.");
  const sql = queryText(query);
  if (sql === null) throw new GuppyError("USAGE", `No named query ${query}; the named queries are ${Object.keys(NAMED_QUERIES).map((n) => `@${n}`).join(", ")}.`);
  if (inputs.length === 0) throw new GuppyError("USAGE", "guppy sql needs a dataset folder (from guppy export) or snapshot files to query.");
  const quiet = opts.json || opts.csv;
  const snapshotFiles: string[] = [];
  const datasets: Dataset[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => null);
    if (info === null) throw new GuppyError("FILE_NOT_FOUND", "No such file or folder.", { file: input });
    if (info.isDirectory()) datasets.push(await openDataset(input));
    else snapshotFiles.push(input);
  }
  uniqueNames(snapshotFiles);
  // With caching off, the on-the-fly exports live only as long as the query.
  const cached = defaultCacheDir();
  const cacheDir = cached ?? (snapshotFiles.length > 0 ? await mkdtemp(join(tmpdir(), "guppy-tables-")) : null);
  try {
    for (const file of snapshotFiles) {
      const progress = createProgress(!quiet);
      try {
        const write = (dir: string, name: string): Promise<ExportSummary> => withGraph(file, quiet, (g) => exportGraph(g, dir, { name, onStage: (s) => progress.stage(s) }));
        datasets.push(await snapshotTables(file, cacheDir!, write));
      } finally {
        progress.done();
      }
    }
    const result = await runQuery(sql, datasets);
    const text = opts.json ? resultJson(result) + "\n" : opts.csv ? resultCsv(result) : renderResult(result, opts.all ? Number.POSITIVE_INFINITY : opts.limit) + "\n";
    process.stdout.write(text);
  } finally {
    if (cached === null && cacheDir !== null) await rm(cacheDir, { recursive: true, force: true });
  }
}
