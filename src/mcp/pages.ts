import { GuppyError } from "../errors.js";

/** Rows per page unless the agent says otherwise. */
export const DEFAULT_PAGE_ROWS = 20;
/** Rows per page at most, whatever the agent asks: the size cap would cut more anyway, and rendering them costs. */
export const MAX_PAGE_ROWS = 1000;
/** The answer's text is cut to this many characters unless the agent says otherwise. */
export const DEFAULT_MAX_CHARS = 8000;

/** How the agent pages: where to start (a cursor this server gave), how many rows, how many characters at most. */
export interface PageRequest {
  cursor?: string | undefined;
  limit?: number | undefined;
  max_chars?: number | undefined;
}

/**
 * One answer's rows before paging: the text lines above the rows, and the rows from
 * `offset` on (each row's text may span lines) with their structured copies. Rows
 * past the page need not be given: `total` says how many there are in all.
 */
export interface Listing<T> {
  head: string[];
  rows: string[];
  items: (start: number, count: number) => T[];
  total: number;
  offset: number;
  /** The line after a page that is not the last (rows left, the cursor to pass); a generic one when not given. */
  moreLine?: (left: number, cursor: string) => string;
}

/** An MCP tool answer: Heapy's text and its structured copy. */
export interface Answer {
  text: string;
  structured: Record<string, unknown>;
}

const CURSOR = /^rows:(\d+)$/;

/** The row a cursor starts at (0 without one); a cursor this server did not give is bad input. */
export function cursorOffset(cursor: string | undefined): number {
  if (cursor === undefined || cursor === "") return 0;
  const m = CURSOR.exec(cursor);
  if (m === null) throw new GuppyError("USAGE", `The cursor '${cursor.slice(0, 40)}' is not one this server gave; pass nextCursor from the previous answer.`);
  return Number(m[1]);
}

/** The rows a request asks for: its limit, at least 1 and at most MAX_PAGE_ROWS. */
export function pageRows(req: PageRequest): number {
  return Math.min(MAX_PAGE_ROWS, Math.max(1, Math.floor(req.limit ?? DEFAULT_PAGE_ROWS)));
}

/**
 * Cuts a listing to one page: at most `limit` rows, and as many as fit in
 * `max_chars` (at least one row, itself cut if it alone is too long), then a line
 * saying how to get the rest. The structured copy carries the same rows, the totals
 * and `nextCursor` (absent on the last page).
 */
export function page<T>(listing: Listing<T>, req: PageRequest, summary: Record<string, unknown> = {}): Answer {
  const maxChars = Math.max(200, Math.floor(req.max_chars ?? DEFAULT_MAX_CHARS));
  const limit = pageRows(req);
  const footerRoom = 100;
  const lines = [...listing.head];
  let used = lines.reduce((s, l) => s + l.length + 1, 0);
  let shown = 0;
  for (const row of listing.rows.slice(0, limit)) {
    if (shown > 0 && used + row.length + 1 > maxChars - footerRoom) break;
    const text = row.length + used + 1 > maxChars - footerRoom ? `${row.slice(0, Math.max(0, maxChars - footerRoom - used - 2))}…` : row;
    lines.push(text);
    used += text.length + 1;
    shown++;
  }
  const end = listing.offset + shown;
  const nextCursor = end < listing.total ? `rows:${end}` : undefined;
  const left = listing.total - end;
  if (nextCursor !== undefined) lines.push(listing.moreLine?.(left, nextCursor) ?? `<${left} more row${left === 1 ? "" : "s"}: call again with cursor "${nextCursor}".>`);
  let text = lines.join("\n");
  if (text.length > maxChars) text = `${text.slice(0, maxChars - 1)}…`;
  return {
    text,
    structured: { ...summary, offset: listing.offset, total: listing.total, rows: listing.items(listing.offset, shown), ...(nextCursor !== undefined ? { nextCursor } : {}) },
  };
}

/**
 * A whole rendered report paged by its entries: after the first `headLines` lines, a
 * row starts at each numbered line (`  3. ...`) or unindented line, and takes the
 * indented and blank lines after it, so an entry is never split across pages.
 */
export function entriesListing<T = string>(text: string, headLines: number, offset: number, items?: (start: number, count: number) => T[]): Listing<T | string> {
  const all = text.split("\n");
  const body: string[] = [];
  for (const line of all.slice(headLines)) {
    if (body.length === 0 && line === "") continue;
    if (body.length === 0 || /^\s*\d+\. /.test(line) || /^\S/.test(line)) body.push(line);
    else body[body.length - 1] += `\n${line}`;
  }
  const head = offset === 0 ? all.slice(0, headLines) : [];
  return { head, rows: body.slice(offset), items: items ?? ((start, count) => body.slice(start, start + count)), total: body.length, offset };
}

/**
 * Text rendered for rows offset.. by one of Heapy's renderers, split into the lines
 * above the rows (`isHead`) and the rows, without the renderer's own "<N more ...>"
 * line (paging is by cursor here).
 */
export function renderedRows(text: string, isHead: (line: string) => boolean): { head: string[]; rows: string[] } {
  const lines = text.split("\n").filter((l) => !/^\s*<\d+ more .*>$/.test(l));
  const head: string[] = [];
  let i = 0;
  while (i < lines.length && isHead(lines[i]!)) head.push(lines[i++]!);
  return { head, rows: lines.slice(i) };
}
