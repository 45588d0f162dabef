import type { QueryResult } from "./query.js";

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

/**
 * A query's rows as a Heapy-style table: a count line, then an Index column and the
 * result's columns, numbers right-aligned and text left-aligned; after `limit` rows a
 * `<N more rows...>` line (a single remaining row is shown instead, as Heapy does).
 */
export function renderResult(result: QueryResult, limit = 10): string {
  const { columns, types, rows } = result;
  const shown = rows.length - limit > 1 ? rows.slice(0, limit) : rows;
  const text = shown.map((r) => r.map(cell));
  const right = types.map((t) => NUMERIC.test(t));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i]!.length)));
  const line = (index: string, values: string[]): string =>
    [index.padStart(6), ...values.map((v, i) => (right[i] ? v.padStart(widths[i]!) : i === values.length - 1 ? v : v.padEnd(widths[i]!)))].join(" ").trimEnd();
  const out = [`${rows.length} row${rows.length === 1 ? "" : "s"}.`];
  if (columns.length > 0) out.push(line("Index", columns));
  text.forEach((r, i) => out.push(line(String(i), r)));
  if (shown.length < rows.length) out.push(`<${rows.length - shown.length} more rows; use --all or --limit.>`);
  return out.join("\n");
}

/** RFC 4180 CSV with a header line. */
export function resultCsv(result: QueryResult): string {
  const field = (v: unknown): string => {
    const s = cell(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [result.columns, ...result.rows].map((r) => r.map(field).join(",")).join("\r\n") + "\r\n";
}

/** The rows as JSON objects by column name. */
export function resultJson(result: QueryResult): string {
  const rows = result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c, r[i] ?? null])));
  return JSON.stringify({ columns: result.columns.map((name, i) => ({ name, type: result.types[i] })), rows }, null, 2);
}
