import { docOf, type Doc } from "../../doc.js";
import { GuppyError } from "../../errors.js";
import { edgeNamed, isStore, type Classifier } from "../classify/classifiers.js";
import { partition } from "../classify/partition.js";
import { globalObjectsOf, isNativeContext } from "../graph/globals.js";
import { retainersOf } from "../graph/retainers.js";
import { collectionName, elementCount, tableEntries } from "../waste/collections.js";
import type { IdentitySet } from "../sets/identity-set.js";
import { PagedView } from "./paged-view.js";
import { ShortestPathsView } from "./shortest-paths-view.js";
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
  /** Heapy's `*N`: len() of each member that is a container (Array elements, Map and Set entries). */
  lengths: Map<number, number>;
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

/** Heapy's len() of a container: an Array's elements that are objects, a Map's or Set's entries; null for the rest. */
function containerLength(g: HeapGraph, n: number): number | null {
  // V8's property and element stores stand for Python's dicts: their entries that are objects.
  if (isStore(g, n)) return entriesOf(g, n) || null;
  if (g.nodeType[n] !== g.nodeTypes.object) return null;
  const c = collectionName(g, n);
  if (c === "Array") {
    // Some writers list the elements on the array, others only on its elements store.
    const store = edgeNamed(g, n, g.edgeTypes.internal, ["elements"]);
    return elementCount(g, n) || (store < 0 ? 0 : entriesOf(g, store));
  }
  if (c === "Map") return tableEntries(g, n, 3);
  if (c === "Set") return tableEntries(g, n, 2);
  return null;
}

/**
 * A store's entries: its element, property and hidden edges (0 when V8 lists the
 * entries on the owner instead, and the store then shows no length).
 */
function entriesOf(g: HeapGraph, store: number): number {
  const T = g.edgeTypes;
  let k = 0;
  for (let e = g.firstEdge[store]!; e < g.firstEdge[store + 1]!; e++) if (g.edgeType[e] === T.element || g.edgeType[e] === T.property || g.edgeType[e] === T.hidden) k++;
  return k;
}

/** Heapy's get_rp options (`x.getRp({ depth: 3, imdom: true })`). */
export interface RpOptions<S extends IdentitySet = IdentitySet> {
  /** Levels of referrers (7). */
  depth?: number;
  /** Use the immediate dominators (Heapy's imdom, a subset of the referrers) instead of the referrers. */
  imdom?: boolean;
  /** List the rows breadth-first instead of depth-first. */
  bf?: boolean;
  /** Only referrers reachable from these objects count (another source than the root). */
  src?: S;
  /** Rows whose objects are all of this kind are not followed (`[S]`); globals, native contexts and code by default. */
  stopkind?: { select(set: S): S };
  /** Leave out of each row's referrers the objects of the rows above it. */
  nocyc?: boolean;
  /** The relation: "imdom", "gc" (every referrer, weak and V8's roots included) or a function from a set to its referrers. */
  ref?: "imdom" | "gc" | ((set: S) => S);
}

/** Nodes reachable from `from` over strong edges. */
function reachableFrom(g: HeapGraph, from: Uint32Array): Uint8Array {
  const seen = new Uint8Array(g.nodeCount);
  const stack = Array.from(from);
  for (const n of stack) seen[n] = 1;
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) {
      const t = g.edgeTarget[e]!;
      if (g.edgeType[e] === g.edgeTypes.weak || seen[t]) continue;
      seen[t] = 1;
      stack.push(t);
    }
  }
  return seen;
}

/** The relation a pattern follows, by Heapy's options. */
function relationOf<S extends IdentitySet>(g: HeapGraph, options: RpOptions<S>): (set: S) => S {
  const { ref, imdom, src } = options;
  const base: (set: S) => S =
    typeof ref === "function" ? ref : imdom || ref === "imdom" ? (set) => set.imdom : ref === "gc" ? (set) => set.referrers : (set) => set.sibling(strongReferrers(g, set));
  if (src === undefined) return base;
  const reach = reachableFrom(g, src.ordinals());
  return (set) => {
    const r = base(set);
    return r.sibling([...r.ordinals()].filter((n) => reach[n] === 1));
  };
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

/** The rows of a reference pattern: a walk of the referrer sets (depth-first, or breadth-first with bf), grouped by `classifier`. */
function patternRows<S extends IdentitySet>(set: S, classifier: Classifier, options: RpOptions<S>): PatternRow<S>[] {
  const g = set.graph;
  const depth = options.depth ?? 7;
  const relation = relationOf(g, options);
  const rows: PatternRow<S>[] = [];
  const seen = new Map<string, number>();
  const kindOf = (s: IdentitySet): string => partition(s, classifier).rows[0]?.kind ?? "";
  const stopped = (s: S): boolean => (options.stopkind ? options.stopkind.select(s).count === s.count : isStop(g, s));
  // Each pending row: its set, kind, child positions, and the sets of the rows above it.
  type Pending = { s: S; kind: string; path: number[]; above: S[] };
  const visit = ({ s, kind, path, above }: Pending): Pending[] => {
    if (rows.length >= MAX_ROWS) return [];
    const key = s.ordinals().join(",");
    const lengths = new Map<number, number>();
    for (const n of s.ordinals()) {
      const len = containerLength(g, n);
      if (len !== null) lengths.set(n, len);
    }
    const row: PatternRow<S> = { index: rows.length, name: rowName(path), depth: path.length, kind, set: s, mark: "-", lengths };
    rows.push(row);
    const before = seen.get(key);
    if (before !== undefined) {
      row.mark = "^";
      row.seen = before;
      return [];
    }
    seen.set(key, row.index);
    let referrers = relation(s);
    if (options.nocyc) for (const a of [...above, s]) referrers = referrers.minus(a);
    if (referrers.count === 0) {
      row.mark = "R";
      return [];
    }
    if (row.depth > 0 && stopped(s)) {
      row.mark = "S";
      return [];
    }
    if (row.depth >= depth) {
      row.mark = "+";
      return [];
    }
    const p = partition(set.sibling(referrers.ordinals()), classifier);
    return p.rows.map((r, i) => ({ s: p.rowSet(i), kind: r.kind, path: [...path, i], above: [...above, s] }));
  };
  const first: Pending = { s: set, kind: set.count === 0 ? "" : kindOf(set), path: [], above: [] };
  if (options.bf) {
    const queue = [first];
    for (let i = 0; i < queue.length; i++) queue.push(...visit(queue[i]!));
  } else {
    const stack = [first];
    while (stack.length > 0) stack.push(...visit(stack.pop()!).reverse());
  }
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
    readonly options: RpOptions<S> = {},
    start = 0,
    limit = DEFAULT_ROWS,
    rows?: PatternRow<S>[],
  ) {
    super(start, limit);
    this.rows = rows ?? patternRows(set, classifier, options);
  }

  /** Levels of referrers followed. */
  get depth(): number {
    return this.options.depth ?? 7;
  }

  protected get total(): number {
    return this.rows.length;
  }

  protected page(start: number, limit: number): this {
    return new ReferencePattern(this.set, this.classifier, this.options, start, limit, this.rows) as this;
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

  /** The shortest paths from a row's objects to the pattern's set (Heapy's `rp.paths(key)`: `rp.paths("aa")`). */
  paths(key: number | string): ShortestPathsView<S> {
    return new ShortestPathsView(this.set, { src: this.row(key) });
  }

  /**
   * The pattern made again from its set, at its first page (Heapy's `rp.reset()`, which
   * forgets the rows generated and the printing position). A snapshot does not change, so
   * the rows are the same; patterns are values, so it returns the new one.
   */
  reset(): ReferencePattern<S> {
    return new ReferencePattern(this.set, this.classifier, this.options);
  }

  /** The rows' sets in order (Heapy's `for s in rp`). */
  *[Symbol.iterator](): IterableIterator<S> {
    for (const r of this.rows) yield r.set;
  }

  /** The number of rows (Heapy's `len(p)`). */
  get length(): number {
    return this.rows.length;
  }

  /**
   * @internal The text of one row, Heapy's layout: index, name, a fill to the depth
   * column, the mark, then the summary (the explorer shows rows one by one).
   */
  lineOf(row: PatternRow): string {
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
      const len = row.lengths.get(n);
      const text = `@${g.nodeId[n]}${len === undefined ? "" : `*${len}`}`;
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
