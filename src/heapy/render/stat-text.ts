import { inspect } from "node:util";
import { GuppyError } from "../../errors.js";
import { Stat } from "../stat/stat.js";
import { DEFAULT_ROWS, renderPartition } from "./partition-table.js";
import { terminalText } from "./terminal-text.js";

/** Python's '%9.3g': three significant digits, trailing zeros dropped, exponent form for very large or small. */
export function g3(x: number): string {
  if (x === 0) return "0".padStart(9);
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(3)))));
  let s: string;
  if (exp < -4 || exp >= 3) {
    const [mant, e] = x.toExponential(2).split("e");
    const m = mant!.includes(".") ? mant!.replace(/0+$/, "").replace(/\.$/, "") : mant!;
    const n = Number(e);
    s = `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  } else {
    s = x.toFixed(Math.max(0, 2 - exp));
    if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  }
  return s.padStart(9);
}

/**
 * A stat as Heapy prints it: a partition table for a plain stat, and for a
 * difference A-B Heapy's summary (A, B and A-B counts and sizes, A-B as % of B)
 * followed by the differences by kind, largest absolute size first.
 */
export function renderStat(stat: Stat, options: { start?: number; limit?: number } = {}): string {
  if (!stat.b) return renderPartition(stat.rows, stat.kindHeader, options);
  const b = stat.b;
  const ofB = (size: number): string => (b.size !== 0 ? g3((size * 100) / b.size) : "   (n.a.)");
  const pad = (v: number, w: number): string => String(v).padStart(w);
  const lines = [
    "Summary of difference operation (A-B).",
    "        Count     Size",
    `  A    ${pad(stat.count + b.count, 6)} ${pad(stat.size + b.size, 8)}`,
    `  B    ${pad(b.count, 6)} ${pad(b.size, 8)}`,
    `  A-B  ${pad(stat.count, 6)} ${pad(stat.size, 8)}  = ${ofB(stat.size)} % of B`,
  ];
  if (stat.count === 0 && stat.size === 0) return lines.join("\n");
  lines.push("", "Differences by kind, largest absolute size diffs first.", ` Index  Count     Size  Cumulative  % of B ${terminalText(stat.kindHeader)}`);
  const start = options.start ?? 0;
  const limit = options.limit ?? DEFAULT_ROWS;
  let cumulative = 0;
  for (let i = 0; i < start && i < stat.rows.length; i++) cumulative += stat.rows[i]!.size;
  let shown = 0;
  for (let i = start; i < stat.rows.length; i++) {
    const r = stat.rows[i]!;
    cumulative += r.size;
    lines.push(`${pad(i, 6)} ${pad(r.count, 6)} ${pad(r.size, 8)} ${pad(cumulative, 9)} ${ofB(cumulative)} ${terminalText(r.kind)}`);
    shown++;
    const more = stat.rows.length - 1 - i;
    if (shown >= limit && more > 1) {
      lines.push(`<${more} more rows. Type e.g. '_.more' to view.>`);
      break;
    }
  }
  return lines.join("\n");
}

/**
 * A stat that prints as Heapy's table and pages as every table does (`more`, `prev`,
 * `top`, `all`); `diff` gives one too. What it holds is the Stat's.
 */
export class StatView extends Stat {
  constructor(
    stat: Stat,
    readonly start = 0,
    readonly limit = DEFAULT_ROWS,
  ) {
    super(stat.rows, stat.kindHeader, stat.kindName, stat.timemade, stat.b);
  }

  get more(): StatView {
    return new StatView(this, Math.min(this.start + this.limit, this.rows.length));
  }
  get prev(): StatView {
    return new StatView(this, Math.max(0, this.start - DEFAULT_ROWS));
  }
  get top(): StatView {
    return new StatView(this);
  }
  get all(): StatView {
    return new StatView(this, 0, Number.POSITIVE_INFINITY);
  }

  override diff(other: Stat): StatView {
    return new StatView(super.diff(other));
  }

  /** The number of rows (Heapy's `len(stat)`). */
  get length(): number {
    return this.rows.length;
  }

  /** The stat of row i alone (Heapy's `stat[i]`); -1 is the last row. */
  at(i: number): StatView {
    const n = this.rows.length;
    if (!Number.isInteger(i) || i >= n || i < -n) throw new GuppyError("USAGE", `at() takes a row index from 0 to ${n - 1} (or -1 for the last); got ${typeof i === "number" ? i : typeof i}.`);
    return this.slice(i < 0 ? n + i : i, (i < 0 ? n + i : i) + 1);
  }

  /** The stat of rows i to j-1 (Heapy's `stat[i:j]`), as Array.prototype.slice counts them. */
  slice(i = 0, j?: number): StatView {
    if (!Number.isInteger(i) || (j !== undefined && !Number.isInteger(j))) throw new GuppyError("USAGE", "slice() takes whole row indices (slice(0, 3)).");
    return new StatView(new Stat(this.rows.slice(i, j), this.kindHeader, this.kindName, this.timemade, this.b));
  }

  override toString(): string {
    if (this.start > 0 && this.start >= this.rows.length) return "No more rows.";
    return renderStat(this, { start: this.start, limit: this.limit });
  }

  [inspect.custom](): string {
    return String(this);
  }
}
