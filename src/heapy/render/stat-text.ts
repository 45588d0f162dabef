import type { Stat } from "../stat/stat.js";
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
