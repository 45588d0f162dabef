import { GuppyError } from "../errors.js";
import { CLASSIFIERS } from "./classify/classifiers.js";
import { programHolds, programObject, runtimeDominated } from "./classify/program-held.js";
import { partition, type PartitionRow } from "./classify/partition.js";
import { BASE_SYSTEM_DISTANCE, distancesOf, prefetchDistances } from "./graph/distances.js";
import { dominatorsOf } from "./graph/dominators.js";
import { globalObjectsOf } from "./graph/globals.js";
import { retainersOf } from "./graph/retainers.js";
import { pathText } from "./render/paths.js";
import { HeapySet } from "./session/heapy-set.js";
import { IdentitySet } from "./sets/identity-set.js";
import { terminalText } from "./render/terminal-text.js";

/** One cause of a leak: leaked objects reached by the same shape of path. */
export interface LeakEntry {
  /** The shortest path's shape, indices as `[*]`: one entry per way of being held. */
  pattern: string;
  /** A real shortest path to one of the objects. */
  path: string;
  /** Objects of the entry (those not held by another leaked object). */
  count: number;
  /** What freeing the entry's objects would release, their leaked descendants included. */
  retainedSize: number;
  /** The entry's objects by class, largest first. */
  kinds: PartitionRow[];
  /** The first lines of the entry's reference pattern. */
  referencePattern: string;
  /** Where the leaked objects the entry keeps were allocated (the Prod kinds, largest first), when the snapshot has allocation traces. */
  sites: PartitionRow[];
  /** The entry's objects, as a set of the final snapshot. */
  set: HeapySet;
}

/** The result of comparing a series of snapshots. */
export interface LeakReport {
  /** Leaked objects in all: allocated after the baseline, still alive in the last snapshot, not the runtime's, in groups that grew in every interval. */
  count: number;
  /** Intervals between the snapshots compared (snapshots less one). */
  intervals: number;
  /** Total retained size of the entries. */
  retainedSize: number;
  entries: LeakEntry[];
}

/** A path's shape: element indices and internal slot numbers stand for any. */
export function pathPattern(path: string): string {
  return path.replace(/\[\d+\]/g, "[*]").replace(/<(internal|hidden|element|weak) \d+>/g, "<$1 *>");
}

/**
 * Heapy's relative heap made into leak detection over a series of snapshots of one
 * process: a baseline, then one after each of several repetitions of a scenario. A
 * scenario repeated N times leaks only what grows with N, so an object counts when it
 * was allocated after the baseline and the last snapshot still holds it, less what the
 * runtime keeps for itself (see programObject, programHolds and runtimeDominated:
 * objects only V8's feedback, allocation sites and code caches keep; objects reached
 * only through the system roots; interned strings); and a group of them is reported only
 * when every interval between snapshots left objects in it. What a process makes once
 * (a timer list, a compiled literal's boilerplate, a lazily built table) or keeps one
 * of at a time (a date-string cache, the last request) does not grow and is not a leak.
 * Objects are grouped by the shape of their shortest path, counting only objects no
 * other leaked object dominates (their descendants are in the retained size), so one
 * cause is one entry. Two snapshots are one interval, so every group shows.
 */
export function findLeaks(...series: IdentitySet[]): LeakReport {
  if (series.length < 2) throw new GuppyError("USAGE", `Leak detection needs a baseline and at least one later snapshot; got ${series.length}.`);
  const final = HeapySet.from(series[series.length - 1]!);
  const g = final.graph;
  // interval[n]: after which repetition node n of the last snapshot was first seen (1…N), 0 for older ones.
  const intervals = series.length - 1;
  const interval = new Uint8Array(g.nodeCount);
  for (let k = intervals; k >= 1; k--) {
    const born = k === intervals ? final.minus(series[k - 1]!) : final.and(series[k]!.minus(series[k - 1]!));
    for (const n of born.ordinals()) interval[n] = k;
  }
  // Distances on the second core while this one builds retainers and dominators.
  prefetchDistances(g);
  const { firstRetainer, retainerNode } = retainersOf(g);
  const { idom } = dominatorsOf(g);
  const distance = distancesOf(g);
  const heldByProgram = programHolds(g);
  const runtimes = runtimeDominated(g);
  // Interned strings (in V8's string table) stay by design: literals, property names.
  const internedRoots = new Set(g.strings.indicesOf("(Internalized strings)"));
  const interned = (n: number): boolean => {
    for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) {
      const r = retainerNode[s]!;
      if (g.nodeType[r] === g.nodeTypes.synthetic && internedRoots.has(g.nodeName[r]!)) return true;
    }
    return false;
  };
  // A global object is the runtime's, whichever way it is reached (on Node 26 a native context holds it).
  const globals = globalObjectsOf(g);
  const candidates = IdentitySet.where(
    g,
    (n) => interval[n]! > 0 && !globals[n] && programObject(g, n) && distance[n]! < BASE_SYSTEM_DISTANCE && heldByProgram(n) && !interned(n) && !runtimes(n),
  );
  const groups = new Map<string, { path: string; nodes: number[] }>();
  for (const n of candidates.ordinals()) {
    if (candidates.has(idom[n]!)) continue;
    const path = pathText(g, n);
    if (path === null) continue;
    const pattern = pathPattern(path);
    const group = groups.get(pattern);
    if (group) group.nodes.push(n);
    else groups.set(pattern, { path, nodes: [n] });
  }
  const entries: LeakEntry[] = [];
  let count = 0;
  const every = (1 << intervals) - 1;
  for (const [pattern, { path, nodes }] of groups) {
    const set = HeapySet.from(IdentitySet.of(g, nodes));
    const kept = set.dominos.and(candidates);
    let seen = 0;
    for (const n of kept.ordinals()) seen |= 1 << (interval[n]! - 1);
    if (seen !== every) continue;
    count += kept.count;
    const rp = set.getRp(3).render(0, 6);
    entries.push({
      pattern,
      path,
      count: set.count,
      retainedSize: set.domisize,
      kinds: partition(set, CLASSIFIERS.Clodo!).rows.slice(0, 3),
      referencePattern: rp,
      // Sites of everything the entry keeps that leaked, not only of its top objects.
      sites: g.traces === null || g.nodeTraceId === null ? [] : partition(kept, CLASSIFIERS.Prod!).rows.filter((r) => r.kind !== "(no allocation site)").slice(0, 3),
      set,
    });
  }
  entries.sort((a, b) => b.retainedSize - a.retainedSize || b.count - a.count || (a.pattern < b.pattern ? -1 : 1));
  return { count, intervals, retainedSize: entries.reduce((s, e) => s + e.retainedSize, 0), entries };
}

/** The report as text: a summary line, then each entry with its kinds, path and reference pattern. */
export function renderLeaks(report: LeakReport, limit = 10): string {
  const grew = report.intervals === 1 ? "" : ` that grew in each of the ${report.intervals} intervals`;
  if (report.entries.length === 0) return `No leaks found: nothing allocated after the first snapshot is still held in the last${grew && ` in a group${grew}`}.`;
  const lines = [
    `Leaks: ${report.count} objects allocated after the first snapshot are still alive in the last, in ${report.entries.length} group${report.entries.length === 1 ? "" : "s"}${grew}; ${report.retainedSize} bytes retained.`,
  ];
  report.entries.slice(0, limit).forEach((e, i) => {
    const kinds = e.kinds.map((k) => `${k.count} ${terminalText(k.kind)}`).join(", ");
    lines.push("", `${String(i + 1).padStart(2)}. ${e.count} object${e.count === 1 ? "" : "s"} (${kinds}), retaining ${e.retainedSize} bytes`, `    held by: ${terminalText(e.pattern)}`);
    for (const site of e.sites) lines.push(`    allocated at: ${terminalText(site.kind)} (${site.count})`);
    for (const l of e.referencePattern.split("\n")) lines.push(`    ${l}`);
  });
  if (report.entries.length > limit) lines.push("", `<${report.entries.length - limit} more groups; use --all or --json.>`);
  return lines.join("\n");
}
