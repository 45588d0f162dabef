import { docOf, type Doc } from "../../doc.js";
import { GuppyError } from "../../errors.js";
import type { Classifier } from "../classify/classifiers.js";
import { partition } from "../classify/partition.js";
import { globalObjectsOf, isNativeContext } from "../graph/globals.js";
import { retainersOf } from "../graph/retainers.js";
import type { IdentitySet } from "../sets/identity-set.js";
import { PagedView } from "./paged-view.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { DEFAULT_ROWS } from "./partition-table.js";
import { terminalText } from "./terminal-text.js";

const LINE_LENGTH = 80;
/** A pattern stops growing here, so a huge heap cannot make it unbounded. */
const MAX_ROWS = 500;

/** One line of a reference pattern: a set of referrers of one kind. */
export interface PatternRow<S extends IdentitySet = IdentitySet> {
  index: number;
  /** Heapy's name: `_` for the start, then a letter per level (`a`, `ab`, runs as `a3`). */
  name: string;
  depth: number;
  kind: string;
  set: S;
  /** `-` followed, `+` depth limit, `S` a stop kind (not followed), `R` nothing refers to it, `^` seen before. */
  mark: "-" | "+" | "S" | "R" | "^";
  /** For `^`: the index of the row that showed the same set. */
  seen?: number;
  /** References from each member into the row this one refers to (Heapy's `*N`). */
  refs: Map<number, number>;
}

/** Heapy's names for a path of child positions: letters, runs longer than two as letter + count. */
export function rowName(path: readonly number[]): string {
  if (path.length === 0) return "_";
  const letters = path.map((i) => String.fromCharCode(97 + (i % 26)));
  let out = "";
  for (let i = 0; i < letters.length; ) {
    let j = i;
    while (j < letters.length && letters[j] === letters[i]) j++;
    out += j - i > 2 ? `${letters[i]}${j - i}` : letters.slice(i, j).join("");
    i = j;
  }
  return out;
}

/** Strong (non-weak) referrers of a set that are objects (not synthetic roots). */
function strongReferrers(g: HeapGraph, set: IdentitySet): number[] {
  const { firstRetainer, retainerEdge, retainerNode } = retainersOf(g);
  const weak = g.edgeTypes.weak;
  const synthetic = g.nodeTypes.synthetic;
  const out = new Set<number>();
  for (const n of set.ordinals()) {
    for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) {
      const r = retainerNode[s]!;
      if (g.edgeType[retainerEdge[s]!] !== weak && g.nodeType[r] !== synthetic) out.add(r);
    }
  }
  return [...out];
}

/** Number of strong edges from `from` into `targets`. */
function edgesInto(g: HeapGraph, from: number, targets: IdentitySet | null): number {
  let k = 0;
  for (let e = g.firstEdge[from]!; e < g.firstEdge[from + 1]!; e++) {
    if (g.edgeType[e] === g.edgeTypes.weak) continue;
    if (targets === null || targets.has(g.edgeTarget[e]!)) k++;
  }
  return k;
}

/**
 * The kinds where a pattern stops (Heapy's `[S]`): objects every program shares and
 * whose referrers say nothing about the program — the global objects, native contexts
 * and compiled code.
 */
function isStop(g: HeapGraph, set: IdentitySet): boolean {
  const globals = globalObjectsOf(g);
  for (const n of set.ordinals()) {
    const stop = globals[n] === 1 || g.nodeType[n] === g.nodeTypes.code || isNativeContext(g, n);
    if (!stop) return false;
  }
  return true;
}

/** The rows of a reference pattern: a depth-first walk of the referrer sets, grouped by `classifier`. */
function patternRows<S extends IdentitySet>(set: S, classifier: Classifier, depth: number): PatternRow<S>[] {
  const g = set.graph;
  const rows: PatternRow<S>[] = [];
  const seen = new Map<string, number>();
  const kindOf = (s: IdentitySet): string => partition(s, classifier).rows[0]?.kind ?? "";
  const visit = (s: S, kind: string, path: number[], parent: S | null): void => {
    if (rows.length >= MAX_ROWS) return;
    const key = s.ordinals().join(",");
    const refs = new Map<number, number>();
    for (const n of s.ordinals()) refs.set(n, edgesInto(g, n, parent));
    const row: PatternRow<S> = { index: rows.length, name: rowName(path), depth: path.length, kind, set: s, mark: "-", refs };
    rows.push(row);
    const before = seen.get(key);
    if (before !== undefined) {
      row.mark = "^";
      row.seen = before;
      return;
    }
    seen.set(key, row.index);
    const referrers = strongReferrers(g, s);
    if (referrers.length === 0) {
      row.mark = "R";
      return;
    }
    if (row.depth > 0 && isStop(g, s)) {
      row.mark = "S";
      return;
    }
    if (row.depth >= depth) {
      row.mark = "+";
      return;
    }
    const p = partition(set.sibling(referrers), classifier);
    p.rows.forEach((r, i) => visit(p.rowSet(i), r.kind, [...path, i], s));
  };
  visit(set, set.count === 0 ? "" : kindOf(set), [], null);
  return rows;
}

/**
 * Heapy's reference pattern: a depth-first spanning tree of the referrers of a set,
 * grouped at each level by a classifier. Each row is a set of referrers of one kind
 * of the row above; a set shown before is not repeated (`[^ n]`).
 */
export class ReferencePattern<S extends IdentitySet = IdentitySet> extends PagedView {
  readonly rows: PatternRow<S>[];

  constructor(
    readonly set: S,
    readonly classifier: Classifier,
    readonly depth = 7,
    start = 0,
    limit = DEFAULT_ROWS,
    rows?: PatternRow<S>[],
  ) {
    super(start, limit);
    this.rows = rows ?? patternRows(set, classifier, depth);
  }

  protected get total(): number {
    return this.rows.length;
  }

  protected page(start: number, limit: number): this {
    return new ReferencePattern(this.set, this.classifier, this.depth, start, limit, this.rows) as this;
  }

  /** A row's set by index or by name (`p.row(4)`, `p.row("ab")`). */
  row(key: number | string): S {
    const row = typeof key === "number" ? this.rows[key] : this.rows.find((r) => r.name === key && r.mark !== "^") ?? this.rows.find((r) => r.name === key);
    if (row === undefined) throw new GuppyError("USAGE", `The reference pattern has no row ${typeof key === "number" ? key : `named '${key}'`}.`);
    return row.set;
  }

  /** A row's set by index (Heapy's `p[i]`); names work too, as for row(). */
  at(key: number | string): S {
    return this.row(key);
  }

  /** The number of rows (Heapy's `len(p)`). */
  get length(): number {
    return this.rows.length;
  }

  /** The text of one row, Heapy's layout: index, name, a fill to the depth column, the mark, then the summary. */
  private lineOf(row: PatternRow): string {
    const g = this.set.graph;
    const pre = `${String(row.index).padStart(2)}: ${row.name} `;
    const fillChar = row.index & 1 ? " " : "-";
    const fill = pre.length < 9 + row.depth ? fillChar.repeat(9 + row.depth - pre.length) : "";
    const mark = row.mark === "^" ? `[^ ${row.seen}]` : `[${row.mark}]`;
    const prefix = `${pre}${fill} ${mark} `;
    const budget = LINE_LENGTH - prefix.length;
    const head = `${row.set.count} ${terminalText(row.kind)}: `;
    const items: string[] = [];
    let used = 0;
    for (const n of row.set.ordinals()) {
      const text = `@${g.nodeId[n]}*${row.refs.get(n) ?? 0}`;
      if (used > 0 && used + text.length + 2 >= budget - head.length) {
        items[items.length - 1] += "...";
        break;
      }
      used += text.length + 2;
      items.push(text);
    }
    items.sort();
    let summary = head + items.join(", ");
    if (summary.length > budget) summary = `${summary.slice(0, Math.max(0, budget - 3))}...`;
    return prefix + summary;
  }

  /** The label and `limit` lines from `start`, then how many more (Heapy's printing). */
  render(start = 0, limit = DEFAULT_ROWS): string {
    const header = this.classifier.kindHeader.replace(/^Kind \((.*)\)$/, "$1");
    const lines = start === 0 ? [`Reference Pattern by <${header}>.`] : [];
    const end = Math.min(this.rows.length, start + limit);
    for (let i = start; i < end; i++) lines.push(this.lineOf(this.rows[i]!));
    if (end < this.rows.length) lines.push(`<${this.rows.length - end} more lines. Type e.g. '_.more' to view.>`);
    return lines.join("\n");
  }

  /** Interactive help: `p.doc` lists the attributes, `p.doc.row` explains one. */
  get doc(): Doc {
    return docOf("ReferencePattern", "p");
  }

  toString(): string {
    if (this.exhausted) return "No more lines.";
    return this.render(this.start, this.limit);
  }

  toJSON(): { classifier: string; rows: { index: number; name: string; depth: number; mark: string; seen?: number; kind: string; count: number; ids: number[] }[] } {
    const g = this.set.graph;
    return {
      classifier: this.classifier.name,
      rows: this.rows.map((r) => ({
        index: r.index,
        name: r.name,
        depth: r.depth,
        mark: r.mark,
        ...(r.seen !== undefined ? { seen: r.seen } : {}),
        kind: r.kind,
        count: r.set.count,
        ids: [...r.set.ordinals()].map((n) => g.nodeId[n]!),
      })),
    };
  }
}
