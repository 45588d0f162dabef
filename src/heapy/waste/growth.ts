import { byLabel, className, type Classifier } from "../classify/classifiers.js";
import { nameFlags, prefixFlags } from "../graph/name-flags.js";
import { collectionName, storeSlots, tableEntries } from "./collections.js";
import { dominatorsOf } from "../graph/dominators.js";
import { ordinalOfId } from "../graph/id-index.js";
import { pathText } from "../render/paths.js";
import type { IdentitySet } from "../sets/identity-set.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { terminalText } from "../render/terminal-text.js";

/**
 * How many entries a collection holds, as far as a snapshot shows: a Map's or
 * Set's entries, an Array's elements that are objects (or, when it holds none, its
 * store's capacity in slots, which grows with an array of numbers), an object's own
 * properties and elements; -1 for what is not a program's collection.
 */
export function entriesOf(g: HeapGraph, n: number): number {
  if (g.nodeType[n] !== g.nodeTypes.object) return -1;
  const name = collectionName(g, n);
  if (name === "Map") return tableEntries(g, n, 3);
  if (name === "Set") return tableEntries(g, n, 2);
  if (prefixFlags(g, "system /")[g.nodeName[n]!]) return -1;
  const proto = nameFlags(g, "__proto__");
  let count = 0;
  for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) {
    const t = g.edgeType[e]!;
    if (t === g.edgeTypes.element || (t === g.edgeTypes.property && !proto[g.edgeName[e]!])) count++;
  }
  if (count === 0 && name === "Array") count = storeSlots(g, n);
  return count;
}

/** One collection that grew at every step. */
export interface GrowthEntry {
  id: number;
  className: string;
  /** Entries in each snapshot, oldest first. */
  entries: number[];
  /** Retained size in each snapshot. */
  retained: number[];
  /** The shortest path in the last snapshot. */
  path: string | null;
}

export interface GrowthReport {
  snapshots: number;
  entries: GrowthEntry[];
}

/**
 * Collections that grew between every two consecutive snapshots of one process
 * (matched by V8 id) and by at least `minGrowth` entries in all: the shape of an
 * unbounded cache, a listener list, a queue nobody drains. Largest growth first.
 */
export function growth(sets: readonly IdentitySet[], minGrowth = 10): GrowthReport {
  if (sets.length < 2) return { snapshots: sets.length, entries: [] };
  const last = sets[sets.length - 1]!;
  const graphs = sets.map((s) => s.graph);
  const found: GrowthEntry[] = [];
  last.forEach((n) => {
    const g = last.graph;
    const latest = entriesOf(g, n);
    if (latest < minGrowth) return;
    const id = g.nodeId[n]!;
    const entries: number[] = [];
    const nodes: number[] = [];
    for (let i = 0; i < sets.length; i++) {
      const m = i === sets.length - 1 ? n : ordinalOfId(graphs[i]!, id);
      if (m < 0 || !sets[i]!.has(m)) return;
      const count = entriesOf(graphs[i]!, m);
      if (i > 0 && count <= entries[i - 1]!) return;
      entries.push(count);
      nodes.push(m);
    }
    if (latest - entries[0]! < minGrowth) return;
    found.push({ id, className: className(g, n), entries, retained: nodes.map((m, i) => dominatorsOf(graphs[i]!).retainedSize[m]!), path: null });
  });
  found.sort((a, b) => b.entries.at(-1)! - b.entries[0]! - (a.entries.at(-1)! - a.entries[0]!) || b.retained.at(-1)! - a.retained.at(-1)! || a.id - b.id);
  // Paths only for what will be shown first: a path search per collection is the costly part.
  for (const e of found.slice(0, 100)) e.path = pathText(last.graph, ordinalOfId(last.graph, e.id));
  return { snapshots: sets.length, entries: found };
}

/** The growth report as text, the `limit` largest first. */
export function renderGrowth(report: GrowthReport, limit = 10): string {
  if (report.entries.length === 0) return `Growing collections: none grew at every step of the ${report.snapshots} snapshots.`;
  const lines = [`Growing collections: ${report.entries.length} grew at every step of the ${report.snapshots} snapshots.`];
  report.entries.slice(0, limit).forEach((e, i) => {
    lines.push(`${String(i + 1).padStart(4)}. ${terminalText(e.className)} @${e.id}: ${e.entries.join(" → ")} entries, retaining ${e.retained.join(" → ")} bytes`);
    if (e.path !== null) lines.push(`      at ${e.path}`);
  });
  if (report.entries.length > limit) lines.push(`      <${report.entries.length - limit} more; use --all or --json.>`);
  return lines.join("\n");
}

/**
 * Growth: how each collection changed since `earlier` (a set of an earlier
 * snapshot of the same process): "grew", "shrank", "unchanged", "new" (not in
 * `earlier`), "(not a collection)".
 */
export function growthClassifier(earlier: IdentitySet): Classifier {
  return {
    name: "Growth",
    kindHeader: "Kind (growth of collection)",
    classify(g, nodes) {
      const old = earlier.graph;
      return byLabel(nodes, (n) => {
        const now = entriesOf(g, n);
        if (now < 0) return "(not a collection)";
        const m = ordinalOfId(old, g.nodeId[n]!);
        if (m < 0 || !earlier.has(m)) return "new";
        const before = entriesOf(old, m);
        return now > before ? "grew" : now < before ? "shrank" : "unchanged";
      });
    },
  };
}

/** A growth report as a value that prints as text (`h.growing([s0, s1, s2])` in the REPL). */
export class GrowingView {
  constructor(
    readonly report: GrowthReport,
    private readonly limit = 10,
  ) {}

  get entries(): readonly GrowthEntry[] {
    return this.report.entries;
  }

  toString(): string {
    return renderGrowth(this.report, this.limit);
  }

  toJSON(): GrowthReport {
    return this.report;
  }
}
