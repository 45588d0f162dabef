import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { largestRetainers, renderOverview } from "../src/heapy/overview.js";
import { GuppyError } from "../src/errors.js";
import { hpy, overview, pathText, readHeapSnapshot } from "../src/index.js";
import { readGraphCache, writeGraphCache } from "../src/heapy/snapshot/graph-cache.js";
import type { HeapGraph } from "../src/heapy/snapshot/heap-graph.js";
import { guppy } from "./support/cli.js";
import { mutants, type Mutant } from "./support/fuzz.js";

/**
 * Issue 15's fuzz suite: mutants of small snapshots (truncations, byte flips, header
 * tampering, huge numbers, bad UTF-8 and escapes, moved or doubled sections, gzip)
 * through both readers (and without the WebAssembly kernels) and what `summary`, `heap` and `dom` compute, and a sample
 * through the CLI. Every run ends in a result or a GuppyError, within a time bound,
 * and both readers give the same outcome. `npm run fuzz` runs many more cases
 * (GUPPY_FUZZ_CASES, GUPPY_FUZZ_SEED replay a run).
 */
const SEED = Number(process.env.GUPPY_FUZZ_SEED ?? 20261201);
const CASES = Number(process.env.GUPPY_FUZZ_CASES ?? 300);
const CLI_CASES = Number(process.env.GUPPY_FUZZ_CLI_CASES ?? 12);
/** Per case, generous for a loaded 2-core machine: a hang or a blow-up is far beyond it. */
const CASE_MS = 10_000;

const dir = mkdtempSync(join(tmpdir(), "guppy-fuzz-"));
const cacheDir = join(dir, "cache");

function fileOf(m: Mutant, i: number): string {
  const file = join(dir, `m${i}.heapsnapshot${m.bytes[0] === 0x1f && m.bytes[1] === 0x8b ? ".gz" : ""}`);
  writeFileSync(file, m.bytes);
  return file;
}

/** What the commands compute, as text: summary (overview), heap (by class), dom (largest retainers and their paths). */
function commands(g: HeapGraph): string {
  const summary = renderOverview(overview(g, 5));
  const heap = String(hpy({ cacheDir: null }).heap(g).byclodo);
  const dom = largestRetainers(g, 5).map((r) => `${r.label} ${r.retainedSize} ${pathText(g, r.node)}`);
  return [summary, heap, ...dom].join("\n");
}

/** "ok" and the commands' text, or the GuppyError's code; anything else fails the case. */
async function outcome(file: string, parallel: boolean, label: string, wasm = true): Promise<{ code: string; text: string; g: HeapGraph | null }> {
  try {
    const g = await readHeapSnapshot(file, { cacheDir: null, parallel, wasm });
    return { code: "ok", text: commands(g), g };
  } catch (e) {
    if (e instanceof GuppyError) {
      assert.ok(!e.message.includes("\n"), `${label}: one line`);
      assert.doesNotMatch(e.describe(), /secret/, `${label}: no heap strings in errors`);
      return { code: e.code, text: "", g: null };
    }
    assert.fail(`${label} (parallel: ${parallel}, wasm: ${wasm}): not a GuppyError: ${(e as Error)?.stack ?? String(e)}`);
  }
}

test(`fuzz: ${CASES} mutants through both readers and summary, heap and dom (seed ${SEED})`, { timeout: Math.max(120_000, CASES * 400) }, async () => {
  const codes = new Map<string, number>();
  let i = 0;
  for (const m of mutants(SEED, CASES)) {
    const file = fileOf(m, i);
    const t0 = Date.now();
    const seq = await outcome(file, false, m.label);
    const par = await outcome(file, true, m.label);
    assert.equal(par.code, seq.code, `${m.label}: the parallel reader agrees`);
    assert.equal(par.text, seq.text, `${m.label}: the same results either way`);
    // The JavaScript record readers decide what the WebAssembly kernels accept.
    const js = await outcome(file, false, m.label, false);
    assert.equal(js.code, seq.code, `${m.label}: the JavaScript readers agree`);
    assert.equal(js.text, seq.text, `${m.label}: the same results without the kernels`);
    // Every tenth readable mutant round-trips through the cache.
    if (seq.g !== null && i % 10 === 0) {
      const path = await writeGraphCache(seq.g, cacheDir);
      assert.ok(path !== null, m.label);
      const back = await readGraphCache(file, cacheDir);
      assert.ok(back !== null, `${m.label}: its cache reads back`);
      assert.equal(commands(back), seq.text, `${m.label}: the same from the cache`);
    }
    const took = Date.now() - t0;
    assert.ok(took < CASE_MS, `${m.label}: took ${took} ms`);
    codes.set(seq.code, (codes.get(seq.code) ?? 0) + 1);
    i++;
  }
  // The mutations reach both sides: some still read, and the refusals are of several kinds.
  assert.ok((codes.get("ok") ?? 0) > 0, JSON.stringify([...codes]));
  assert.ok(codes.size >= 6, JSON.stringify([...codes]));
});

test(`fuzz: a sample of ${CLI_CASES} mutants through the CLI exits 0, 1 or 2 with one line, never 70`, { timeout: 300_000 }, async () => {
  const sample = mutants(SEED + 7, CLI_CASES);
  const cmds = ["summary", "heap", "dom"];
  for (let i = 0; i < sample.length; i++) {
    const m = sample[i]!;
    const file = fileOf(m, 100_000 + i);
    const r = await guppy(cmds[i % cmds.length]!, file);
    assert.ok([0, 1, 2].includes(r.code), `${m.label}: exit ${r.code}: ${r.stderr}`);
    if (r.code !== 0) {
      assert.match(r.stderr, /^guppy: [A-Z_]+ /m, m.label);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${m.label}: no stack trace`);
    }
  }
});
