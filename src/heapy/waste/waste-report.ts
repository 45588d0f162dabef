import type { Classifier } from "../classify/classifiers.js";
import { pathText } from "../render/paths.js";
import { IdentitySet } from "../sets/identity-set.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { terminalText } from "../render/terminal-text.js";

/** One kind of waste found: the objects of one kind and the bytes they waste. */
export interface WasteEntry {
  /** The kind, as the analysis's classifier names it. */
  kind: string;
  count: number;
  /** Bytes that would be saved: see each analysis for what it counts. */
  bytes: number;
  /** The shortest path to the entry's largest object, or null when none reaches it. */
  path: string | null;
  set: IdentitySet;
}

/** A known-waste report: entries largest first. */
export interface WasteReport {
  title: string;
  count: number;
  bytes: number;
  entries: WasteEntry[];
  /** What the reader should know about the report's limits on this snapshot, if anything. */
  note: string | null;
}

/**
 * A known-waste analysis: a classifier whose kinds say which objects are waste and
 * how many bytes a kind's objects waste together.
 */
export interface WasteAnalysis {
  title: string;
  classifier: Classifier;
  /** The bytes the given objects of kind `label` waste, or null when the kind is not waste. */
  waste(g: HeapGraph, label: string, nodes: readonly number[]): number | null;
  note?(g: HeapGraph): string | null;
}

/** Runs an analysis over a set: its waste kinds, largest first, each with a path to its largest object. */
export function wasteReport(analysis: WasteAnalysis, set: IdentitySet, sizes: ArrayLike<number>): WasteReport {
  const g = set.graph;
  const nodes = set.ordinals();
  const { kinds, labels } = analysis.classifier.classify(g, nodes);
  const members: number[][] = labels.map(() => []);
  for (let i = 0; i < nodes.length; i++) members[kinds[i]!]!.push(nodes[i]!);
  const entries: WasteEntry[] = [];
  labels.forEach((kind, k) => {
    const of = members[k]!;
    if (of.length === 0) return;
    const bytes = analysis.waste(g, kind, of);
    if (bytes === null || bytes <= 0) return;
    let largest = of[0]!;
    for (const n of of) if (sizes[n]! > sizes[largest]!) largest = n;
    entries.push({ kind, count: of.length, bytes, path: pathText(g, largest), set: IdentitySet.of(g, of) });
  });
  entries.sort((a, b) => b.bytes - a.bytes || b.count - a.count || (a.kind < b.kind ? -1 : 1));
  return {
    title: analysis.title,
    count: entries.reduce((s, e) => s + e.count, 0),
    bytes: entries.reduce((s, e) => s + e.bytes, 0),
    entries,
    note: analysis.note?.(g) ?? null,
  };
}

/** A report as text: a summary line, then the entries (at most `limit`) with an example path each. */
export function renderWaste(report: WasteReport, limit = 10): string {
  const lines = [`${report.title}: ${report.entries.length === 0 ? "none found." : `${report.count} object${report.count === 1 ? "" : "s"} in ${report.entries.length} kind${report.entries.length === 1 ? "" : "s"}, ${report.bytes} bytes.`}`];
  if (report.note !== null) lines.push(`  (${report.note})`);
  report.entries.slice(0, limit).forEach((e, i) => {
    lines.push(`${String(i + 1).padStart(4)}. ${terminalText(e.kind)}: ${e.count} object${e.count === 1 ? "" : "s"}, ${e.bytes} bytes`);
    if (e.path !== null) lines.push(`      e.g. ${e.path}`);
  });
  if (report.entries.length > limit) lines.push(`      <${report.entries.length - limit} more kinds; use --all or --json.>`);
  return lines.join("\n");
}
