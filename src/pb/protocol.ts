/**
 * What the profile browser's server and page say to each other (JSON over HTTP):
 * shared by both, so they cannot disagree. No imports: the page is bundled for the browser.
 */

/** A file the profile browser was given, by its number (the page never names paths). */
export interface OpenFile {
  id: number;
  name: string;
  kind: "stat" | "snapshot";
}

/** One step of drilling down: the objects of `kind` under classifier `by`. */
export interface Step {
  by: string;
  kind: string;
}

/** Samples of a stat file as chart series: the kinds that are among the 10 largest at some sample, the rest together. */
export interface StatSeries {
  metric: "size" | "count";
  kindHeader: string;
  /** Seconds since the epoch, per sample. */
  times: number[];
  kinds: string[];
  /** values[k][i]: kind k at sample i when among that sample's 10 largest, else 0 (counted in rest). */
  values: number[][];
  rest: number[];
  totals: number[];
}

/** One page of a partition of a drilled-down set. */
export interface PartitionPage {
  count: number;
  size: number;
  kindHeader: string;
  /** Rows after the filter. */
  totalRows: number;
  /** Rows of the whole partition. */
  allRows: number;
  offset: number;
  /** `index` is the row's place in Heapy's table (by size), whatever the order shown; `retained` null until asked for. */
  rows: { index: number; kind: string; count: number; size: number; retained: number | null }[];
}

/** One kind's row of a stat record. */
export interface StatRow {
  kind: string;
  count: number;
  size: number;
}

/** One sample of a stat file. */
export interface StatRecord {
  timemade: number;
  count: number;
  size: number;
  kindHeader: string;
  rows: readonly StatRow[];
}

/** One object of a snapshot. `value` is the heap's own contents: only over the token'd API, never logged. */
export interface HeapObject {
  id: number;
  /** V8's node type: object, string, closure, array... */
  type: string;
  /** Its class or label; strings and numbers by type only (the contents are in `value`). */
  name: string;
  shallow: number;
  retained: number;
  /** DevTools' distance from the root; null when nothing reaches it. */
  distance: number | null;
  /** How many edges it has. */
  edges: number;
  /** For strings, numbers, regexps, bigints and symbols: the first 200 characters of the value. */
  value?: string;
  /** The value's whole length, when there is a value. */
  valueLength?: number;
}

/** An edge and the object at its other end (the target, or for retainers the owner). */
export interface ObjectEdge {
  /** V8's edge type: property, element, context, internal, hidden, shortcut, weak. */
  edgeType: string;
  /** The property name, index or variable name. */
  edgeName: string;
  weak: boolean;
  to: HeapObject;
}

/** A page of an object's edges. */
export interface ObjectPage {
  object: HeapObject;
  offset: number;
  total: number;
  edges: ObjectEdge[];
}

/** A page of an object's retainers, nearest to the root first. */
export interface RetainerPage {
  object: HeapObject;
  offset: number;
  total: number;
  retainers: ObjectEdge[];
}

/** How a table's rows are ordered: by one of its columns, largest (or last) first when descending. */
export interface PartitionSort {
  key: string;
  descending: boolean;
}

/** One line of a shortest-paths listing: the object it ends at and the path as Heapy writes it. */
export interface PathRow {
  index: number;
  id: number;
  text: string;
}

/** One row of a reference pattern, for a foldable tree: children are the rows after it one level deeper. */
export interface PatternNode {
  index: number;
  /** Heapy's name: `_`, `a`, `ab`... */
  name: string;
  depth: number;
  /** `-` followed, `+` depth limit, `S` stop kind, `R` nothing refers to it, `^` seen before (at row `seen`). */
  mark: string;
  seen?: number;
  kind: string;
  count: number;
  /** The row's line as Heapy prints it. */
  line: string;
}

/** One class of DevTools' Comparison view: objects by V8 id in this snapshot and not the base (new), or the other way (deleted). */
export interface ComparisonRow {
  kind: string;
  added: number;
  deleted: number;
  delta: number;
  allocSize: number;
  freedSize: number;
  sizeDelta: number;
}

/** A page of the comparison of a snapshot with a base snapshot, by class. */
export interface Comparison {
  kindHeader: string;
  totalRows: number;
  offset: number;
  rows: ComparisonRow[];
}
