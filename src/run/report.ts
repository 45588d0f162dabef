import { dominatorsOf } from "../heapy/graph/dominators.js";
import { ordinalOfId } from "../heapy/graph/id-index.js";
import { pageHeld } from "../heapy/graph/page-held.js";
import { findLeaks, renderLeaks, type LeakReport } from "../heapy/leaks.js";
import { HeapySet } from "../heapy/session/heapy-set.js";
import { IdentitySet } from "../heapy/sets/identity-set.js";
import type { HeapGraph } from "../heapy/snapshot/heap-graph.js";
import { detachedDom, isDetached } from "../heapy/waste/detached-dom.js";
import { growth, renderGrowth, type GrowthReport } from "../heapy/waste/growth.js";
import { renderFibers, unmountedFibers, type FiberReport } from "../heapy/waste/react-fibers.js";
import { renderWaste, wasteReport, type WasteReport } from "../heapy/waste/waste-report.js";
import type { RunSnapshots, Sample } from "./driver.js";
import type { LeakNode, Scenario } from "./scenario.js";

/** A counter of the page that grew after every round. */
export interface CounterGrowth {
  /** "DOM nodes", "event listeners", "documents", or "window resize listeners". */
  counter: string;
  /** The baseline's value, then one per round. */
  values: number[];
}

/** Everything `guppy run` found. */
export interface RunReport {
  snapshots: RunSnapshots;
  rounds: number;
  leaks: LeakReport;
  detachedDom: WasteReport;
  counters: CounterGrowth[];
  growth: GrowthReport;
  fibers: FiberReport;
  /** Bytes counted against the threshold: what the leak groups and the detached DOM nodes retain. */
  leakedBytes: number;
}

const COUNTERS = [
  ["nodes", "DOM nodes"],
  ["jsEventListeners", "event listeners"],
  ["documents", "documents"],
] as const;

/** Counters (DOM nodes, listeners, documents, listeners of window and document by type) that grew after every round. */
export function countersGrowth(samples: readonly Sample[]): CounterGrowth[] {
  if (samples.length < 2) return [];
  const series: CounterGrowth[] = COUNTERS.map(([key, counter]) => ({ counter, values: samples.map((s) => s.counters[key]) }));
  const keys = [...new Set(samples.flatMap((s) => Object.keys(s.listeners)))].sort();
  for (const key of keys) series.push({ counter: `${key} listeners`, values: samples.map((s) => s.listeners[key] ?? 0) });
  return series.filter((s) => s.values.every((v, i) => i === 0 || v > s.values[i - 1]!));
}

function leakNode(g: HeapGraph, n: number, retained: ArrayLike<number>): LeakNode {
  return { id: g.nodeId[n]!, name: g.name(n), type: g.layout.nodeTypes[g.nodeType[n]!] ?? "unknown", self_size: g.nodeSelfSize[n]!, retainedSize: retained[n]! };
}

/**
 * Applies a scenario's leakFilter (memlab's contract: called per leaked object of
 * the final snapshot, false drops it): returns the final set less what it dropped of
 * the objects allocated after the baseline, so the leak groups of every interval and
 * the action's leftovers see only what the filter kept.
 */
function filteredFinal(base: IdentitySet, final: IdentitySet, filter: NonNullable<Scenario["leakFilter"]>): IdentitySet {
  const g = final.graph;
  const candidates = final.minus(base);
  const { retainedSize } = dominatorsOf(g);
  const ids = new Set(candidates.ids());
  const snapshot = { getNodeById: (id: number) => (ordinalOfId(g, id) < 0 ? null : leakNode(g, ordinalOfId(g, id), retainedSize)) };
  const dropped: number[] = [];
  candidates.forEach((n) => {
    if (!filter(leakNode(g, n, retainedSize), snapshot, ids)) dropped.push(n);
  });
  return final.minus(IdentitySet.of(g, dropped));
}

function ownedByPage(set: HeapySet): HeapySet {
  const held = pageHeld(set.graph);
  return HeapySet.from(IdentitySet.where(set.graph, (n) => set.has(n) && held[n] === 1));
}

/**
 * The run's report from its three heaps (reachable sets of base, target, final)
 * and the counters sampled after each round.
 */
export function analyseRun(heaps: { base: HeapySet; target: HeapySet; final: HeapySet }, samples: readonly Sample[], rounds: number, snapshots: RunSnapshots, leakFilter: Scenario["leakFilter"]): RunReport {
  const { base } = heaps;
  // What the page holds: not the inspector's handles (Playwright's own objects), nor V8's literal templates.
  const owned = ownedByPage(heaps.final);
  const final = leakFilter ? filteredFinal(base, owned, leakFilter) : owned;
  const target = ownedByPage(heaps.target);
  const leaks = findLeaks(base, target, final);
  // The action's objects that outlived going back: allocated between base and target, alive in final.
  const left = final.and(target.minus(base));
  const g = final.graph;
  const detached = wasteReport(detachedDom, IdentitySet.where(g, (n) => left.has(n) && isDetached(g, n)), g.nodeSelfSize);
  const steps = snapshots.target === snapshots.final ? [base, final] : [base, heaps.target, final];
  return {
    snapshots,
    rounds,
    leaks,
    detachedDom: detached,
    counters: countersGrowth(samples),
    // Something that gained an entry per round at least.
    growth: growth(steps, Math.max(1, rounds)),
    fibers: unmountedFibers(left),
    // Detached DOM nodes are the browser's objects, which leak groups leave out.
    leakedBytes: leaks.retainedSize + detached.bytes,
  };
}

/** The report as text: where the snapshots are, then each finding. */
export function renderRun(report: RunReport, limit = 10): string {
  const { base, target, final } = report.snapshots;
  const counters =
    report.counters.length === 0
      ? "Counters: no DOM node, listener or document count grew after every round."
      : [`Counters that grew after every round (baseline, then after each of the ${report.rounds} rounds):`, ...report.counters.map((c) => `   ${c.counter}: ${c.values.join(" → ")}`)].join("\n");
  return [
    `Snapshots (for guppy pb, guppy repl): ${base} ${target === final ? "" : `${target} `}${final}`,
    `Rounds of action and back: ${report.rounds}.`,
    "",
    renderLeaks(report.leaks, limit),
    "",
    renderWaste(report.detachedDom, limit),
    "",
    counters,
    "",
    renderGrowth(report.growth, limit),
    "",
    renderFibers(report.fibers),
  ].join("\n");
}

/** The report as JSON: sets become their first ids. */
export function runJson(report: RunReport, threshold: number): unknown {
  return {
    ...report,
    threshold,
    leaks: { ...report.leaks, entries: report.leaks.entries.map(({ set, ...e }) => ({ ...e, ids: [...set.ids()].slice(0, 100) })) },
    detachedDom: { ...report.detachedDom, entries: report.detachedDom.entries.map(({ set, ...e }) => ({ ...e, ids: [...set.ids()].slice(0, 100) })) },
  };
}
