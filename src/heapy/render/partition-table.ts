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

/**
 * Heapy's partition table, character for character: a label line, the column
 * header with the classifier's kind header, rows sorted by size (the caller's
 * order is kept), and after `limit` rows a `<N more rows. Type e.g. '_.more' to view.>`
 * line; like Heapy, a single remaining row is shown instead of announced.
 * `start` is the index of the first row to show (for `.more`).
 */
export function renderPartition(rows: readonly PartitionRow[], kindHeader: string, options: { start?: number; limit?: number } = {}): string {
  const count = rows.reduce((s, r) => s + r.count, 0);
  const size = rows.reduce((s, r) => s + r.size, 0);
  const start = options.start ?? 0;
  const limit = options.limit ?? DEFAULT_ROWS;
  const lines: string[] = [];
  if (start === 0) lines.push(`Partition of a set of ${count} object${count === 1 ? "" : "s"}. Total size = ${size} bytes.`);
  if (count === 0 && size === 0) return lines.join("\n");
  lines.push(` Index  Count   %     Size   % Cumulative  % ${terminalText(kindHeader)}`);
  let cumulative = 0;
  for (let i = 0; i < start && i < rows.length; i++) cumulative += rows[i]!.size;
  let shown = 0;
  for (let i = start; i < rows.length; i++) {
    const r = rows[i]!;
    cumulative += r.size;
    lines.push(
      `${pad(i, 6)} ${pad(r.count, 6)} ${pad(percent(r.count, count), 3)} ${pad(r.size, 8)} ${pad(percent(r.size, size), 3)} ${pad(cumulative, 9)} ${pad(percent(cumulative, size), 3)} ${terminalText(r.kind)}`,
    );
    shown++;
    const more = rows.length - 1 - i;
    if (shown >= limit && more > 1) {
      lines.push(`<${more} more rows. Type e.g. '_.more' to view.>`);
      break;
    }
  }
  return lines.join("\n");
}
