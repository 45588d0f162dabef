import { CLASSIFIERS } from "./classify/classifiers.js";
import { programHolds, programObject } from "./classify/program-held.js";
import { partition, type PartitionRow } from "./classify/partition.js";
import { BASE_SYSTEM_DISTANCE, distancesOf } from "./graph/distances.js";
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

/** The result of the three-snapshot comparison. */
export interface LeakReport {
  /** Leaked objects in all: allocated between base and target, still alive in final, not runtime-owned. */
  count: number;
  /** Total retained size of the entries. */
  retainedSize: number;
  entries: LeakEntry[];
}

/** A path's shape: element indices and internal slot numbers stand for any. */
export function pathPattern(path: string): string {
  return path.replace(/\[\d+\]/g, "[*]").replace(/<(internal|hidden|element|weak) \d+>/g, "<$1 *>");
}

/**
 * Heapy's relative heap made into leak detection: objects allocated between `base`
 * and `target` (by V8 object id) that `final` still holds, less what the runtime
 * keeps for itself (see programObject; objects reached only through the system
 * roots; objects no property, element, context variable or collection entry holds;
 * interned strings).
 * Each is grouped by the shape of its shortest
 * path, counting only objects no other leaked object dominates (their descendants
 * are in the retained size), so one cause is one entry.
 */
export function findLeaks(base: IdentitySet, target: IdentitySet, final: HeapySet): LeakReport {
  const g = final.graph;
  const grown = HeapySet.from(final.and(target.minus(base)));
  const distance = distancesOf(g);
  const { firstRetainer, retainerNode } = retainersOf(g);
  const heldByProgram = programHolds(g);
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
  const leaked = IdentitySet.where(
    g,
    (n) => grown.has(n) && !globals[n] && programObject(g, n) && distance[n]! < BASE_SYSTEM_DISTANCE && heldByProgram(n) && !interned(n),
  );
  const { idom } = dominatorsOf(g);
  const groups = new Map<string, { path: string; nodes: number[] }>();
  for (const n of leaked.ordinals()) {
    if (leaked.has(idom[n]!)) continue;
    const path = pathText(g, n);
    if (path === null) continue;
    const pattern = pathPattern(path);
    const group = groups.get(pattern);
    if (group) group.nodes.push(n);
    else groups.set(pattern, { path, nodes: [n] });
  }
  const entries: LeakEntry[] = [];
  for (const [pattern, { path, nodes }] of groups) {
    const set = HeapySet.from(IdentitySet.of(g, nodes));
    const rp = set.getRp(3).render(0, 6);
    entries.push({
      pattern,
      path,
      count: set.count,
      retainedSize: set.domisize,
      kinds: partition(set, CLASSIFIERS.Clodo!).rows.slice(0, 3),
      referencePattern: rp,
      // Sites of everything the entry keeps that leaked, not only of its top objects.
      sites: g.traces === null || g.nodeTraceId === null ? [] : partition(set.dominos.and(leaked), CLASSIFIERS.Prod!).rows.filter((r) => r.kind !== "(no allocation site)").slice(0, 3),
      set,
    });
  }
  entries.sort((a, b) => b.retainedSize - a.retainedSize || b.count - a.count || (a.pattern < b.pattern ? -1 : 1));
  return { count: leaked.count, retainedSize: entries.reduce((s, e) => s + e.retainedSize, 0), entries };
}

/** The report as text: a summary line, then each entry with its kinds, path and reference pattern. */
export function renderLeaks(report: LeakReport, limit = 10): string {
  if (report.entries.length === 0) return "No leaks found: nothing allocated between the first two snapshots is still held in the last.";
  const lines = [
    `Leaks: ${report.count} objects allocated between the first two snapshots are still alive in the last, in ${report.entries.length} group${report.entries.length === 1 ? "" : "s"}; ${report.retainedSize} bytes retained.`,
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
