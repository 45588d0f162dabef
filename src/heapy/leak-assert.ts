import { AssertionError } from "node:assert";
import { GuppyError } from "../errors.js";
import { findLeaks, renderLeaks, type LeakReport } from "./leaks.js";
import { hpy } from "./session/session.js";

/** Options of assertNoLeak. */
export interface NoLeakOptions {
  /** Runs of the scenario between snapshots (default 5). */
  iterations?: number;
  /** Snapshots after the baseline, each after `iterations` runs (default 3, at least 2): a leak must grow in every interval. */
  intervals?: number;
  /** Leaked objects tolerated (default 0). */
  tolerance?: number;
  /** Record allocation sites, so the report says where leaked objects were made (slower). */
  track?: boolean;
}

/**
 * Fails when a scenario leaks: runs it once to warm up, takes a baseline snapshot of
 * this process, then `intervals` more with `iterations` runs before each, and reports
 * the objects allocated after the baseline that are still alive at the end, in groups
 * that grew in every interval — what keeps growing with the iterations (see
 * findLeaks). The error message is the leak report (counts, sizes, paths).
 * Works in any test runner (node:test, Vitest, Jest): it throws an AssertionError.
 */
export async function assertNoLeak(scenario: () => unknown, options: NoLeakOptions = {}): Promise<LeakReport> {
  const iterations = options.iterations ?? 5;
  const tolerance = options.tolerance ?? 0;
  const intervals = options.intervals ?? 3;
  if (!(Number.isInteger(intervals) && intervals >= 2)) throw new GuppyError("USAGE", `assertNoLeak's intervals must be a whole number, 2 or more; got ${intervals}.`);
  const h = hpy();
  try {
    if (options.track) await h.track();
    await scenario();
    const series = [await h.heap()];
    for (let k = 0; k < intervals; k++) {
      for (let i = 0; i < iterations; i++) await scenario();
      series.push(await h.heap());
    }
    if (options.track) await h.untrack();
    const report = findLeaks(...series);
    if (report.count > tolerance) {
      throw new AssertionError({ message: `The scenario leaks (${report.count} objects, tolerance ${tolerance}).\n${renderLeaks(report)}`, actual: report.count, expected: tolerance, operator: "<=" });
    }
    return report;
  } finally {
    h.close();
  }
}
