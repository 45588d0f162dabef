import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { GuppyError } from "../errors.js";
import { DEFAULT_BROWSER, openPage } from "../run/browser.js";
import { drive } from "../run/driver.js";
import { analyseRun, renderRun, runJson } from "../run/report.js";
import { loadScenario } from "../run/scenario.js";
import type { CommandRun } from "./command-run.js";
import { loadHeap } from "./load.js";
import { createProgress } from "./progress.js";

export interface RunOptions {
  browser?: string;
  cdp?: string;
  repeat?: number;
  json: boolean;
  threshold: number;
  out?: string;
  all: boolean;
}

/** Rounds when neither the scenario nor --repeat says: enough to see what grows every round. */
const DEFAULT_ROUNDS = 3;

/** A folder name for this run's snapshots, unique to the second. */
function runFolder(): string {
  return `guppy-run-${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}`;
}

/**
 * `guppy run SCENARIO`: drives the scenario's page in Chromium, keeps the three
 * snapshots, and reports what the action left behind. Returns 1 when the leaks
 * retain more than --threshold bytes.
 */
export async function runCommand(file: string, opts: RunOptions, run: CommandRun): Promise<number> {
  if (!(opts.threshold >= 0)) throw new GuppyError("USAGE", "--threshold takes a number of bytes, 0 or more.");
  if (opts.browser !== undefined && opts.cdp !== undefined) throw new GuppyError("USAGE", "Give --browser PATH or --cdp URL, not both.");
  const scenario = await loadScenario(file);
  const rounds = opts.repeat ?? scenario.rounds ?? DEFAULT_ROUNDS;
  const outDir = resolve(opts.out ?? runFolder());
  mkdirSync(outDir, { recursive: true });
  const progress = createProgress(!opts.json);
  const driven = await openPage(opts.cdp !== undefined ? { cdp: opts.cdp } : { browser: opts.browser ?? DEFAULT_BROWSER });
  // Ctrl-C or a kill must not leave the browser running either.
  const onSignal = (signal: NodeJS.Signals): void => {
    void driven.close().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let result;
  try {
    result = await drive(driven.page, scenario, { rounds, outDir, onProgress: (text) => progress.stage(text) });
  } finally {
    progress.done();
    await driven.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const h = await run.session();
  const { snapshots } = result;
  const heaps = { base: await loadHeap(h, snapshots.base, opts.json), target: await loadHeap(h, snapshots.target, opts.json), final: await loadHeap(h, snapshots.final, opts.json) };
  const report = analyseRun(heaps, result.samples, rounds, snapshots, scenario.leakFilter);
  process.stdout.write((opts.json ? JSON.stringify(runJson(report, opts.threshold), null, 2) : renderRun(report, opts.all ? Number.POSITIVE_INFINITY : 10)) + "\n");
  return report.leakedBytes > opts.threshold ? 1 : 0;
}

