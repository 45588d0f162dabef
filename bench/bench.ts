/**
 * `npm run bench`: generates snapshots of about 10 MB, 100 MB and 1 GB (cached
 * outside the repo), then measures, each in a fresh process and in one run,
 * Guppy, Chrome DevTools' heap snapshot worker, and memlab: time to load and
 * compute dominators and retained sizes, and peak RSS. Prints a table and each
 * anchor's time and memory as a ratio of Guppy's.
 *
 * Options: --sizes 10,100,1000,2000,4000 (MB); --tools (below); --runs N (each
 * measurement N times, the median kept; default 1); --dir DIR (cache).
 * GUPPY_BENCH_DIR also sets the cache folder.
 *
 * Tools: "guppy" is load from JSON, dominators and retained sizes (the ratios are
 * against it); "guppy-seq" the same on one thread; "guppy+dist" adds distances,
 * which DevTools also computes; "guppy-full" adds the partition by constructor;
 * "guppy-cached" reopens from the binary cache (made beforehand, not timed) with all
 * derived arrays; "guppy-gz" and "guppy-gz-seq" are "guppy" and "guppy-seq" on the
 * snapshot gzipped (made beforehand at level 1, not timed); "heap-clodo" is `guppy heap --by clodo` (no dominators);
 * "export" is `guppy export` (load, then the Parquet tables; its own time and the bytes written are noted);
 * "pb-explore" (not run by default) is `guppy pb`'s first table from the cache and one expansion, each printed;
 * "devtools" is Chrome DevTools' heap snapshot worker; "memlab" is memlab's loader.
 */
import { execFile } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";

interface Result {
  ms: number;
  maxRssMiB: number;
  rootRetained: number;
  nodes: number;
  exportMs?: number;
  exportBytes?: number;
}

const here = fileURLToPath(new URL(".", import.meta.url));
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10,100,1000,2000,4000" },
    tools: { type: "string", default: "guppy,guppy-seq,guppy+dist,guppy-full,guppy-cached,guppy-gz,guppy-gz-seq,heap-clodo,export,devtools,memlab" },
    runs: { type: "string", default: "1" },
    dir: { type: "string", default: process.env.GUPPY_BENCH_DIR ?? join(homedir(), ".cache", "guppy-bench") },
  },
});
const sizes = values.sizes!.split(",").map(Number);
const tools = values.tools!.split(",");
const dir = values.dir!;
const runs = Math.max(1, Number(values.runs));
mkdirSync(dir, { recursive: true });

function node(args: string[], timeoutMs: number): Promise<{ ok: boolean; message: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, _stdout, stderr) => {
      if (!err) return resolve({ ok: true, message: "" });
      const killed = (err as { killed?: boolean }).killed;
      const oom = /heap out of memory|Invalid string length|Array buffer allocation failed/i.test(stderr);
      const last = stderr.trim().split("\n").filter((l) => l.trim() !== "").slice(-1)[0] ?? String(err.message);
      resolve({ ok: false, message: killed ? "timed out" : oom ? "out of memory" : last.slice(0, 120) });
    });
  });
}

async function snapshotOf(mb: number): Promise<string> {
  // The generator's version is in the name, so a changed generator makes new files.
  const file = join(dir, `bench-v2-${mb}mb-node${process.versions.node}.heapsnapshot`);
  if (!existsSync(file)) {
    process.stderr.write(`generating a ${mb} MB snapshot in ${file}…\n`);
    const r = await node(["--max-old-space-size=16000", join(here, "generate-heap.js"), String(mb), file], 30 * 60_000);
    if (!r.ok) throw new Error(`could not generate the ${mb} MB snapshot: ${r.message}`);
  }
  return file;
}

/** The snapshot gzipped beside it (level 1, as fast tools write them), made once; owner-only, as snapshots hold secrets. */
async function gzipOf(file: string): Promise<string> {
  const gz = `${file}.gz`;
  if (!existsSync(gz)) {
    process.stderr.write(`gzipping ${file} (not timed)…\n`);
    await pipeline(createReadStream(file), createGzip({ level: 1 }), createWriteStream(`${gz}.tmp`, { mode: 0o600 }));
    renameSync(`${gz}.tmp`, gz);
  }
  return gz;
}

/** Runs a measurement `runs` times and keeps the run with the median time. */
async function measureMedian(tool: string, file: string): Promise<Result | string> {
  const results: Result[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await measure(tool, file);
    if (typeof r === "string") return r;
    results.push(r);
  }
  results.sort((a, b) => a.ms - b.ms);
  return results[Math.floor(results.length / 2)]!;
}

async function measure(tool: string, file: string): Promise<Result | string> {
  const out = join(dir, `result-${process.pid}.json`);
  rmSync(out, { force: true });
  // Every tool gets the same generous heap limit; what it uses is what it needs.
  const r = await node(["--max-old-space-size=20000", join(here, "run-tool.js"), tool, file, out], 20 * 60_000);
  if (!r.ok) return r.message;
  const result = JSON.parse(readFileSync(out, "utf8")) as Result;
  rmSync(out, { force: true });
  return result;
}

const fmt = (x: number, d = 1): string => x.toFixed(d);
const rows: string[] = [];
const header = "snapshot        nodes      tool          time s   peak RSS MiB   time ×Guppy   RSS ×Guppy";
for (const mb of sizes) {
  const file = await snapshotOf(mb);
  const fileMiB = statSync(file).size / 2 ** 20;
  const scan = await measureMedian("scan", file);
  const results = new Map<string, Result | string>();
  for (const tool of tools) {
    if (tool === "guppy-cached" || tool === "pb-explore") {
      process.stderr.write(`writing the cache of ${fmt(fileMiB, 0)} MiB (not timed)…\n`);
      const prep = await measure("cache-prep", file);
      if (typeof prep === "string") {
        results.set(tool, `no cache: ${prep}`);
        continue;
      }
    }
    process.stderr.write(`measuring ${tool} on ${fmt(fileMiB, 0)} MiB…\n`);
    const gz = tool.startsWith("guppy-gz");
    results.set(tool, await measureMedian(gz ? tool.replace("-gz", "") : tool, gz ? await gzipOf(file) : file));
  }
  const g = results.get("guppy");
  const base = typeof g === "object" ? g : null;
  const label = `${fmt(fileMiB, 0)} MiB`.padEnd(12);
  if (typeof scan === "object") rows.push(`${label} ${"".padStart(10)}   byte scan     ${fmt(scan.ms / 1000, 2).padStart(7)}   ${fmt(scan.maxRssMiB, 0).padStart(12)}`);
  for (const [tool, r] of results) {
    if (typeof r === "string") {
      rows.push(`${label} ${"".padStart(10)}   ${tool.padEnd(12)}  failed: ${r}`);
      continue;
    }
    const tr = base ? fmt(r.ms / base.ms, 2) : "-";
    const mr = base ? fmt(r.maxRssMiB / base.maxRssMiB, 2) : "-";
    rows.push(`${label} ${String(r.nodes).padStart(10)}   ${tool.padEnd(12)}  ${fmt(r.ms / 1000, 2).padStart(7)}   ${fmt(r.maxRssMiB, 0).padStart(12)}   ${tr.padStart(11)}   ${mr.padStart(10)}`);
    if (r.exportMs !== undefined && r.exportBytes !== undefined) {
      rows.push(`  note: the export itself took ${fmt(r.exportMs / 1000, 2)} s after loading and wrote ${fmt(r.exportBytes / 2 ** 20)} MiB of Parquet (${fmt(r.exportBytes / 2 ** 20 / fileMiB, 2)} × the snapshot)`);
    }
  }
  const dt = results.get("devtools");
  if (base && typeof dt === "object" && dt.rootRetained !== base.rootRetained) {
    rows.push(`  note: total retained differs: Guppy ${base.rootRetained}, DevTools ${dt.rootRetained}`);
  }
}
process.stdout.write([header, ...rows].join("\n") + "\n");
