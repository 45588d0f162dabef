import { AssertionError } from "node:assert";
import { findLeaks, renderLeaks, type LeakReport } from "./leaks.js";
import { hpy } from "./session/session.js";

/** Options of assertNoLeak. */
export interface NoLeakOptions {
  /** Runs of the scenario between snapshots (default 5). */
  iterations?: number;
  /** Leaked objects tolerated (default 0). */
  tolerance?: number;
  /** Record allocation sites, so the report says where leaked objects were made (slower). */
  track?: boolean;
}

/**
 * Fails when a scenario leaks: runs it once to warm up, then takes three snapshots of
 * this process with `iterations` runs between each, and reports the objects allocated
 * by the first batch that are still alive after the second — what keeps growing with
 * the iterations. The error message is the leak report (counts, sizes, paths).
 * Works in any test runner (node:test, Vitest, Jest): it throws an AssertionError.
 */
export async function assertNoLeak(scenario: () => unknown, options: NoLeakOptions = {}): Promise<LeakReport> {
  const iterations = options.iterations ?? 5;
  const tolerance = options.tolerance ?? 0;
  const h = hpy();
  try {
    if (options.track) await h.track();
    await scenario();
    const base = await h.heap();
    for (let i = 0; i < iterations; i++) await scenario();
    const target = await h.heap();
    for (let i = 0; i < iterations; i++) await scenario();
    const final = await h.heap();
    if (options.track) await h.untrack();
    const report = findLeaks(base, target, final);
    if (report.count > tolerance) {
      throw new AssertionError({ message: `The scenario leaks (${report.count} objects, tolerance ${tolerance}).\n${renderLeaks(report)}`, actual: report.count, expected: tolerance, operator: "<=" });
    }
    return report;
  } finally {
    h.close();
  }
}
