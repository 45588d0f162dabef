import type { PartitionRow } from "../classify/partition.js";
import { terminalText } from "./terminal-text.js";

export type { PartitionRow };

/** Rows shown before `<N more rows...>`, as in Heapy. */
export const DEFAULT_ROWS = 10;

/** Python's '%.0f' (round half to even), which Heapy's percentages use. */
function percent(part: number, whole: number): number {
  if (whole === 0) return 0;
  const x = (part * 100) / whole;
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function pad(value: number | string, width: number): string {
  return String(value).padStart(width);
}

/** Heapy wraps tables at this width: a long kind name goes on in lines indented to the Kind column. */
const TABLE_WIDTH = 100;

/** A kind name wrapped at TABLE_WIDTH, continuation lines indented by `indent` (breaking at spaces, else anywhere). */
export function wrapKind(kind: string, indent: number): string {
  const width = TABLE_WIDTH - indent;
  if (indent + kind.length <= TABLE_WIDTH || width < 10) return kind;
  const out: string[] = [];
  let rest = kind;
  while (rest.length > width) {
    const space = rest.lastIndexOf(" ", width);
    const cut = space > 0 ? space : width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(space > 0 ? cut + 1 : cut);
  }
  out.push(rest);
  return out.join("\n" + " ".repeat(indent));
}

/**
 * Appends the rows from `start`, `limit` of them, each as its columns (`prefix`, given
 * the cumulative size) and its kind wrapped to the table; then how many more, unless
 * only one is left, which Heapy shows instead.
 */
function pageRows(lines: string[], rows: readonly PartitionRow[], start: number, limit: number, prefix: (i: number, r: PartitionRow, cumulative: number) => string, formatKind: (label: string) => string): void {
  let cumulative = 0;
  for (let i = 0; i < start && i < rows.length; i++) cumulative += rows[i]!.size;
  let shown = 0;
  for (let i = start; i < rows.length; i++) {
    const r = rows[i]!;
    cumulative += r.size;
    const columns = prefix(i, r, cumulative);
    lines.push(columns + wrapKind(terminalText(formatKind(r.kind)), columns.length));
    shown++;
    const more = rows.length - 1 - i;
    if (shown >= limit && more > 1) {
      lines.push(`<${more} more rows. Type e.g. '_.more' to view.>`);
      break;
    }
  }
}

/** One decimal, as Heapy's IdFormat prints percentages. */
function percent1(part: number, whole: number): string {
  return (whole === 0 ? 0 : (part * 100) / whole).toFixed(1);
}

/**
 * Heapy's table of a set by identity (IdFormat): `Set of N <Foo> objects` (`<mixed>`
 * when of several classes), then one row per object with its size, its share and the
 * cumulative share with one decimal, and its address (`@id`), with its class when the
 * set has several (`Foo: @id`). Row labels are Id's, `Foo @id`; `classes[i]` is row i's class.
 */
export function renderIdTable(rows: readonly PartitionRow[], classes: readonly string[], options: { start?: number; limit?: number } = {}): string {
  const size = rows.reduce((s, r) => s + r.size, 0);
  const start = options.start ?? 0;
  const limit = options.limit ?? DEFAULT_ROWS;
  const lines: string[] = [];
  const kinds = new Set(classes);
  if (start === 0) lines.push(`Set of ${rows.length} ${kinds.size === 1 ? `<${classes[0]}>` : "<mixed>"} object${rows.length === 1 ? "" : "s"}. Total size = ${size} bytes.`);
  if (rows.length === 0) return lines.join("\n");
  // As Heapy: objects of one class by address alone, of several with their class.
  const mixed = kinds.size > 1;
  lines.push(` Index     Size   %   Cumulative  %   ${mixed ? "Brief" : "Address"}`);
  const brief = (label: string): string => (mixed ? label.replace(/ (@\d+)$/, ": $1") : label.replace(/^.* (@\d+)$/, "$1"));
  pageRows(lines, rows, start, limit, (i, r, cumulative) => `${pad(i, 6)} ${pad(r.size, 8)} ${pad(percent1(r.size, size), 5)} ${pad(cumulative, 10)} ${pad(percent1(cumulative, size), 5)} `, brief);
  return lines.join("\n");
}

/**
 * Heapy's partition table, character for character: a label line, the column
 * header with the classifier's kind header, rows sorted by size (the caller's
 * order is kept), and after `limit` rows a `<N more rows. Type e.g. '_.more' to view.>`
 * line; like Heapy, a single remaining row is shown instead of announced.
 * `start` is the index of the first row to show (for `.more`).
 */
export function renderPartition(rows: readonly PartitionRow[], kindHeader: string, options: { start?: number; limit?: number; formatKind?: (label: string) => string } = {}): string {
  const formatKind = options.formatKind ?? ((label: string) => label);
  const count = rows.reduce((s, r) => s + r.count, 0);
  const size = rows.reduce((s, r) => s + r.size, 0);
  const start = options.start ?? 0;
  const limit = options.limit ?? DEFAULT_ROWS;
  const lines: string[] = [];
  if (start === 0) lines.push(`Partition of a set of ${count} object${count === 1 ? "" : "s"}. Total size = ${size} bytes.`);
  if (count === 0 && size === 0) return lines.join("\n");
  lines.push(` Index  Count   %     Size   % Cumulative  % ${terminalText(kindHeader)}`);
  pageRows(lines, rows, start, limit, (i, r, cumulative) => `${pad(i, 6)} ${pad(r.count, 6)} ${pad(percent(r.count, count), 3)} ${pad(r.size, 8)} ${pad(percent(r.size, size), 3)} ${pad(cumulative, 9)} ${pad(percent(cumulative, size), 3)} `, formatKind);
  return lines.join("\n");
}
