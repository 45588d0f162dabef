/**
 * `npm run bench`: for each heap shape (bench/shapes.ts: two synthetic generators
 * sized by --sizes, and real programs' heaps made from packages in node_modules),
 * makes the snapshots once (cached outside the repo), then measures, each in a fresh
 * process and in one run, Guppy, Chrome DevTools' heap snapshot worker, memlab and
 * @vscode/v8-heap-parser: time to load and compute dominators and retained sizes, and
 * peak RSS; and the commands users run (`guppy dom FILE --top 5`, `guppy summary FILE`,
 * cache off) as whole processes. Prints one table, each row with the anchors' time and
 * peak RSS as multiples of its own.
 *
 * Options: --shapes generator,shape2,typescript,bundler,page; --sizes 10,100,1000,2000,4000
 * (MB, synthetic shapes); --tools (below); --runs N (each measurement N times, the
 * median kept, the tools taking turns; default 1); --dir DIR (cache). GUPPY_BENCH_DIR also sets the cache folder.
 *
 * Tools: "guppy" is load from JSON, dominators and retained sizes; "guppy-seq" the same
 * on one thread; "guppy+dist" adds distances, which DevTools also computes; "guppy-full"
 * adds the partition by constructor; "guppy-cached" reopens from the binary cache (made
 * beforehand, not timed) with all derived arrays; "guppy-gz" and "guppy-gz-seq" are
 * "guppy" and "guppy-seq" on the snapshot gzipped (made beforehand at level 1, not timed);
 * "heap-clodo" is `guppy heap --by clodo` (no dominators); "export" is `guppy export`
 * (load, then the Parquet tables; its own time and the bytes written are noted);
 * "pb-explore" (not run by default) is `guppy pb`'s first table from the cache and one
 * expansion; "cli-dom" and "cli-summary" are the CLI commands, whole processes;
 * "devtools" is Chrome DevTools' heap snapshot worker; "memlab" is memlab's loader;
 * "vscode" is @vscode/v8-heap-parser (WebAssembly).
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { timedNode } from "./child.js";
import { parseShapes, snapshotsOf, SHAPES, type ShapeName } from "./shapes.js";
import { formatRows, HEADER, type Measurement } from "./table.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const { values } = parseArgs({
  options: {
    shapes: { type: "string", default: SHAPES.join(",") },
    sizes: { type: "string", default: "10,100,1000,2000,4000" },
    tools: {
      type: "string",
      default: "guppy,guppy-seq,guppy+dist,guppy-full,guppy-cached,guppy-gz,guppy-gz-seq,heap-clodo,export,cli-dom,cli-summary,devtools,memlab,vscode",
    },
    runs: { type: "string", default: "1" },
    dir: { type: "string", default: process.env.GUPPY_BENCH_DIR ?? join(homedir(), ".cache", "guppy-bench") },
  },
});
const shapes = ((): ShapeName[] => {
  try {
    return parseShapes(values.shapes!);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(2);
  }
})();
const sizes = values.sizes!.split(",").map(Number);
const tools = values.tools!.split(",");
const dir = values.dir!;
const runs = Math.max(1, Number(values.runs));
mkdirSync(dir, { recursive: true });
const rssFile = join(dir, `rss-${process.pid}.txt`);

/** The CLI commands measured as whole processes, as a user runs them (the binary cache off). */
const cli: Record<string, (file: string) => string[]> = {
  "cli-dom": (file) => ["dom", file, "--top", "5"],
  "cli-summary": (file) => ["summary", file],
};
const guppyBin = join(here, "..", "..", "bin", "guppy.js");

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

/** One measurement in a fresh process: run-tool's own figures, or the CLI's whole process. */
async function measure(tool: string, file: string): Promise<Measurement | string> {
  const command = cli[tool];
  if (command) {
    const r = await timedNode([guppyBin, ...command(file)], { timeoutMs: 20 * 60_000, rssFile, okCodes: [0, 1], env: { ...process.env, GUPPY_CACHE: "off" } });
    return r.ok ? { ms: r.wallMs, maxRssMiB: r.maxRssMiB, processMs: r.wallMs, processRssMiB: r.maxRssMiB, wholeProcess: true } : r.message;
  }
  const out = join(dir, `result-${process.pid}.json`);
  rmSync(out, { force: true });
  // Every tool gets the same generous heap limit; what it uses is what it needs.
  const r = await timedNode(["--max-old-space-size=20000", join(here, "run-tool.js"), tool, file, out], { timeoutMs: 20 * 60_000, rssFile });
  if (!r.ok) return r.message;
  const result = JSON.parse(readFileSync(out, "utf8")) as Omit<Measurement, "processMs" | "processRssMiB" | "wholeProcess">;
  rmSync(out, { force: true });
  return { ...result, processMs: r.wallMs, processRssMiB: r.maxRssMiB, wholeProcess: false };
}

/** The run with the median time. */
function median(results: Measurement[]): Measurement {
  const sorted = [...results].sort((a, b) => a.ms - b.ms);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** What a tool runs on: run-tool's tool and the file (the gzipped copy for -gz), prepared beforehand, untimed. */
async function prepare(tool: string, file: string, fileMiB: number): Promise<{ runAs: string; file: string } | string> {
  if (tool === "guppy-cached" || tool === "pb-explore") {
    process.stderr.write(`writing the cache of ${fileMiB.toFixed(0)} MiB (not timed)…\n`);
    const prep = await measure("cache-prep", file);
    if (typeof prep === "string") return `no cache: ${prep}`;
  }
  return tool.startsWith("guppy-gz") ? { runAs: tool.replace("-gz", ""), file: await gzipOf(file) } : { runAs: tool, file };
}

/**
 * Every tool on one snapshot, `runs` rounds of all tools in turn (so a machine's drift
 * spreads over all of them), each tool's median kept. A tool that fails is a row saying
 * why, never the end of the bench.
 */
async function measureAll(file: string): Promise<Map<string, Measurement | string>> {
  const fileMiB = statSync(file).size / 2 ** 20;
  const inputs = new Map<string, { runAs: string; file: string } | string>([["byte scan", { runAs: "scan", file }]]);
  for (const tool of tools) {
    try {
      inputs.set(tool, await prepare(tool, file, fileMiB));
    } catch (e) {
      inputs.set(tool, (e as Error).message.split("\n")[0]!.slice(0, 120));
    }
  }
  const samples = new Map<string, Measurement[] | string>([...inputs].map(([tool, input]) => [tool, typeof input === "string" ? input : []]));
  for (let round = 1; round <= runs; round++) {
    for (const [tool, input] of inputs) {
      const done = samples.get(tool)!;
      if (typeof input === "string" || typeof done === "string") continue;
      process.stderr.write(`measuring ${tool} on ${fileMiB.toFixed(0)} MiB${runs > 1 ? ` (round ${round} of ${runs})` : ""}…\n`);
      const r = await measure(input.runAs, input.file);
      if (typeof r === "string") samples.set(tool, r);
      else done.push(r);
    }
  }
  return new Map([...samples].map(([tool, s]) => [tool, typeof s === "string" ? s : median(s)]));
}

const lines: string[] = [HEADER];
for (const shape of shapes) {
  for (const snapshot of await snapshotsOf(shape, sizes, dir)) {
    if (snapshot.file === null) {
      lines.push(...formatRows(shape, "-", new Map([["(snapshot)", snapshot.failed!]])));
      continue;
    }
    const fileMiB = statSync(snapshot.file).size / 2 ** 20;
    lines.push(...formatRows(shape, `${fileMiB.toFixed(0)} MiB`, await measureAll(snapshot.file)));
  }
}
process.stdout.write(lines.join("\n") + "\n");
