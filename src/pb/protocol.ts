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
  totalRows: number;
  offset: number;
  rows: { index: number; kind: string; count: number; size: number }[];
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
