import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { CDPSession, Page } from "playwright-core";
import { GuppyError } from "../errors.js";
import { scenarioPage } from "./page-proxy.js";
import { firstLine, type Scenario, type Step } from "./scenario.js";

/** What the DevTools protocol counts in the page after a collection (Memory.getDOMCounters). */
export interface DomCounters {
  documents: number;
  nodes: number;
  jsEventListeners: number;
}

/** The counters after one point of the run, and the listeners on `window` and `document` by event type ("window resize"). */
export interface Sample {
  counters: DomCounters;
  listeners: Record<string, number>;
}

/** The three snapshots of a run. With one round, target and final are one file. */
export interface RunSnapshots {
  base: string;
  target: string;
  final: string;
}

export interface DriveResult {
  snapshots: RunSnapshots;
  rounds: number;
  /** The baseline's sample, then one after each round. */
  samples: Sample[];
}

export interface DriveOptions {
  rounds: number;
  /** Where the snapshots are written. */
  outDir: string;
  /** A line saying what is happening (the step, the snapshot and its size). */
  onProgress?: (text: string) => void;
}

/** How long a page may take to load and each step to finish its isPageLoaded poll. */
const LOAD_MS = 30_000;
const POLL_MS = 200;

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * Runs a scenario on a page as memlab does: load, setup, a warm-up round of action
 * and back, a baseline snapshot, then
 * `rounds` of action and back with a snapshot after the first (target) and the last
 * (final), the DOM counters after each. A step that throws, a page that does not
 * load or crashes, is a one-line GuppyError naming what failed.
 */
export async function drive(page: Page, scenario: Scenario, options: DriveOptions): Promise<DriveResult> {
  const say = options.onProgress ?? (() => {});
  let crashed: (e: GuppyError) => void = () => {};
  const crash = new Promise<never>((_, reject) => (crashed = reject));
  crash.catch(() => {}); // observed by the steps that race it
  page.on("crash", () => crashed(new GuppyError("PAGE_FAILED", "The page crashed (its renderer process died).")));
  page.on("close", () => crashed(new GuppyError("PAGE_FAILED", "The page was closed while the scenario ran.")));

  const steps = scenarioPage(page);
  const settle = async (): Promise<void> => {
    if (scenario.isPageLoaded === null) {
      await page.waitForLoadState("load", { timeout: LOAD_MS });
      return;
    }
    const deadline = Date.now() + LOAD_MS;
    while (!(await scenario.isPageLoaded(steps.page))) {
      if (Date.now() > deadline) throw new Error(`isPageLoaded gave no true within ${LOAD_MS / 1000} s`);
      await page.waitForTimeout(POLL_MS);
    }
  };
  const step = async (name: string, f: Step | null, settleAfter = true): Promise<void> => {
    if (f === null) return;
    say(`Step: ${name}…`);
    try {
      await Promise.race([(async () => {
        await f(steps.page);
        if (settleAfter) await settle();
        await steps.release();
      })(), crash]);
    } catch (e) {
      if (e instanceof GuppyError) throw e;
      throw new GuppyError("STEP_FAILED", `The scenario's ${name} step failed: ${firstLine(e)}`);
    }
  };

  await step("beforeInitialPageLoad", scenario.beforeInitialPageLoad, false);
  say(`Loading ${scenario.url}…`);
  try {
    const response = await Promise.race([page.goto(scenario.url, { waitUntil: "load", timeout: LOAD_MS }), crash]);
    if (response !== null && response.status() >= 400) throw new GuppyError("PAGE_FAILED", `${scenario.url} answered HTTP ${response.status()}.`);
    await Promise.race([(async () => {
      if (scenario.isPageLoaded === null) await page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => {});
      else await settle();
    })(), crash]);
  } catch (e) {
    if (e instanceof GuppyError) throw e;
    throw new GuppyError("PAGE_FAILED", `${scenario.url} did not load: ${firstLine(e).replace(/^page\.goto: /, "")}`);
  }
  await step("setup", scenario.setup);

  const cdp = await page.context().newCDPSession(page);
  const snapshots: RunSnapshots = { base: join(options.outDir, "base.heapsnapshot"), target: join(options.outDir, "target.heapsnapshot"), final: join(options.outDir, "final.heapsnapshot") };
  if (options.rounds === 1) snapshots.target = snapshots.final;
  const samples: Sample[] = [];
  const snapshot = async (label: keyof RunSnapshots): Promise<void> => {
    say(`Snapshot ${label}…`);
    await Promise.race([takeSnapshot(cdp, snapshots[label], (bytes) => say(`Snapshot ${label}: ${mib(bytes)}`)), crash]);
  };
  // One round before the baseline, so one-time costs (prototypes made on first use,
  // Playwright's injected scripts, first-render caches) are not counted as leaks.
  await step("action (warm-up)", scenario.action);
  await step("back (warm-up)", scenario.back);
  await cdp.send("HeapProfiler.enable");
  await snapshot("base");
  samples.push(await sample(cdp));
  for (let round = 1; round <= options.rounds; round++) {
    const of = `round ${round} of ${options.rounds}`;
    await step(`action (${of})`, scenario.action);
    await step(`back (${of})`, scenario.back);
    if (round === options.rounds) await snapshot("final");
    else if (round === 1) await snapshot("target");
    else await cdp.send("HeapProfiler.collectGarbage");
    samples.push(await sample(cdp));
  }
  await cdp.detach().catch(() => {});
  return { snapshots, rounds: options.rounds, samples };
}

/** Collects garbage, then streams a heap snapshot of the page into `file`. */
async function takeSnapshot(cdp: CDPSession, file: string, onBytes: (bytes: number) => void): Promise<void> {
  await cdp.send("HeapProfiler.collectGarbage");
  const fd = openSync(file, "w");
  let bytes = 0;
  const onChunk = ({ chunk }: { chunk: string }): void => {
    bytes += writeSync(fd, chunk);
    onBytes(bytes);
  };
  cdp.on("HeapProfiler.addHeapSnapshotChunk", onChunk);
  try {
    await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  } finally {
    cdp.off("HeapProfiler.addHeapSnapshotChunk", onChunk);
    closeSync(fd);
  }
}

/** The page's DOM counters and its window and document listeners by event type, as they are now. */
async function sample(cdp: CDPSession): Promise<Sample> {
  const counters = (await cdp.send("Memory.getDOMCounters")) as DomCounters;
  const listeners: Record<string, number> = {};
  for (const target of ["window", "document"]) {
    const { result } = await cdp.send("Runtime.evaluate", { expression: target, objectGroup: "guppy-run" });
    if (result.objectId === undefined) continue;
    const { listeners: found } = await cdp.send("DOMDebugger.getEventListeners", { objectId: result.objectId });
    for (const l of found) listeners[`${target} ${l.type}`] = (listeners[`${target} ${l.type}`] ?? 0) + 1;
  }
  await cdp.send("Runtime.releaseObjectGroup", { objectGroup: "guppy-run" });
  return { counters: { documents: counters.documents, nodes: counters.nodes, jsEventListeners: counters.jsEventListeners }, listeners };
}
