// The leak corpus: real programs (Express and Fastify servers answering loopback requests,
// the TypeScript compiler type-checking a project, a worker pool), each with and without a
// planted leak, each run several times in a child process that writes a baseline and one
// snapshot after each of three batches of its scenario. `guppy leaks` at the default
// threshold 0 is a CI gate: it must pass every clean run and name every planted leak.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { guppy } from "./support/cli.js";
import { projectRoot } from "./support/paths.js";

const run = promisify(execFile);

/** Each program, its batch size, and how the planted leak's holder path ends. */
const CORPUS = [
  { program: "express-server", reps: 20, holder: /\.sessions\[\*\]$/ },
  { program: "fastify-server", reps: 20, holder: /\.contexts<Map entry>$/ },
  { program: "typescript-check", reps: 3, holder: /\.history\[\*\]$/ },
  { program: "worker-pool", reps: 20, holder: /\.tasks<Map entry>$/ },
] as const;
const RUNS = Number(process.env.GUPPY_CORPUS_RUNS ?? 3);
const INTERVALS = 3;

interface Outcome {
  program: string;
  leak: boolean;
  code: number;
  patterns: string[];
}

async function measure(program: string, reps: number, leak: boolean): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), `guppy-corpus-${program}-`));
  try {
    const out = join(dir, "s");
    const file = join(projectRoot(), "test", "fixtures", "corpus", `${program}.mjs`);
    await run(process.execPath, [file, out, leak ? "leak" : "clean", String(INTERVALS), String(reps)], { timeout: 120_000, killSignal: "SIGKILL" });
    const snapshots = Array.from({ length: INTERVALS + 1 }, (_, k) => `${out}.${k}`);
    const r = await guppy("leaks", ...snapshots, "--json");
    assert.ok(r.code === 0 || r.code === 1, `${program}: guppy leaks exited ${r.code}: ${r.stderr}`);
    const patterns = (JSON.parse(r.stdout) as { entries: { pattern: string }[] }).entries.map((e) => e.pattern);
    return { program, leak, code: r.code, patterns };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the jobs two at a time (the CI machine's cores), in order of submission. */
async function pooled<T>(jobs: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

test(`the leak corpus: ${CORPUS.length} programs × clean and planted leak × ${RUNS} runs, no false positive and no false negative at threshold 0`, { timeout: 900_000 }, async (t) => {
  const jobs = CORPUS.flatMap(({ program, reps }) => [false, true].flatMap((leak) => Array.from({ length: RUNS }, () => () => measure(program, reps, leak))));
  const outcomes = await pooled(jobs);
  const lines: string[] = [];
  let falsePositives = 0;
  let falseNegatives = 0;
  for (const { program, holder } of CORPUS) {
    const mine = outcomes.filter((o) => o.program === program);
    // A clean run that fails the gate, or a leak run's group that is not the planted leak.
    const fp = mine.filter((o) => !o.leak && o.code !== 0).length + mine.filter((o) => o.leak).reduce((s, o) => s + o.patterns.filter((p) => !holder.test(p)).length, 0);
    const fn = mine.filter((o) => o.leak && !(o.code === 1 && o.patterns.some((p) => holder.test(p)))).length;
    falsePositives += fp;
    falseNegatives += fn;
    lines.push(`${program.padEnd(17)} clean runs passing ${mine.filter((o) => !o.leak && o.code === 0).length}/${RUNS}, planted leaks found ${mine.filter((o) => o.leak && o.patterns.some((p) => holder.test(p))).length}/${RUNS}; false positives ${fp}, false negatives ${fn}`);
    for (const o of mine.filter((x) => x.code !== (x.leak ? 1 : 0) || x.patterns.some((p) => !holder.test(p)))) lines.push(`  ${o.leak ? "leak" : "clean"} run reported: ${o.patterns.join(" | ")}`);
  }
  lines.push(`total: ${falsePositives} false positives, ${falseNegatives} false negatives in ${outcomes.length} runs`);
  for (const l of lines) t.diagnostic(l);
  assert.equal(falsePositives, 0, lines.join("\n"));
  assert.equal(falseNegatives, 0, lines.join("\n"));
});
