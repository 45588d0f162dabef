import { docOf, type Doc } from "../../doc.js";
import { appendFileSync, closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { GuppyError } from "../../errors.js";
import type { Partition, PartitionRow } from "../classify/partition.js";

/**
 * A partition summary that outlives its snapshot (Heapy's Stat): counts and sizes per
 * kind, when it was made, and for differences the totals of the other side. It is
 * dumped in Heapy's text format, one record appended per dump, and loaded back.
 */
export class Stat {
  constructor(
    readonly rows: readonly PartitionRow[],
    readonly kindHeader: string,
    readonly kindName: string,
    /** Seconds since the epoch. */
    readonly timemade: number,
    /** For a difference A-B: the count and size of B. */
    readonly b?: { count: number; size: number },
  ) {}

  static fromPartition(p: Partition, timemade = Date.now() / 1000): Stat {
    return new Stat(p.rows, p.classifier.kindHeader, p.classifier.name, timemade);
  }

  get count(): number {
    return this.rows.reduce((s, r) => s + r.count, 0);
  }

  get size(): number {
    return this.rows.reduce((s, r) => s + r.size, 0);
  }

  /** Heapy's record: `.loader:`, `.format:`, ... one `.r: count size kind` per row, `.end:`. */
  toText(): string {
    const lines = [
      ".loader: _load_stat",
      `.format: ${this.b ? "DiffFormat" : "SetFormat"}`,
      `.timemade: ${this.timemade.toFixed(6)}`,
      `.count: ${this.count}`,
      `.size: ${this.size}`,
      `.kindname: ${this.kindName}`,
      `.kindheader: ${this.kindHeader}`,
      `.numrows: ${this.rows.length}`,
    ];
    if (this.b) lines.push(`.b_count: ${this.b.count}`, `.b_size: ${this.b.size}`);
    for (const r of this.rows) lines.push(`.r: ${r.count} ${r.size} ${r.kind.replace(/\n/g, " ")}`);
    lines.push(".end: .loader: _load_stat");
    return lines.join("\n") + "\n";
  }

  /**
   * Appends this record to a stat file (never rewrites what is there). After a dump
   * that a crash cut off mid-line, it starts on a line of its own, so the torn record
   * stays separate and is skipped on load.
   */
  dump(file: string): void {
    appendFileSync(file, endsMidLine(file) ? "\n" + this.toText() : this.toText());
  }

  /**
   * The difference this - other (Heapy's `a - b` of stats): per kind, the change in
   * count and size, kinds that did not change left out, largest absolute size first.
   */
  diff(other: Stat): Stat {
    if (other.kindHeader !== this.kindHeader) {
      throw new GuppyError("USAGE", `Stats of different classifiers cannot be compared ('${this.kindHeader}' and '${other.kindHeader}').`);
    }
    // Rows of one kind name (Heapy's stats can repeat one) count together, on both sides, as Heapy sums them.
    const byKind = (rows: readonly PartitionRow[]): Map<string, PartitionRow> => {
      const out = new Map<string, PartitionRow>();
      for (const r of rows) {
        const o = out.get(r.kind);
        out.set(r.kind, o ? { kind: r.kind, count: o.count + r.count, size: o.size + r.size } : r);
      }
      return out;
    };
    const mine = byKind(this.rows);
    const theirs = byKind(other.rows);
    const rows: PartitionRow[] = [];
    for (const r of mine.values()) {
      const o = theirs.get(r.kind);
      const row = { kind: r.kind, count: r.count - (o?.count ?? 0), size: r.size - (o?.size ?? 0) };
      if (row.count !== 0 || row.size !== 0) rows.push(row);
    }
    for (const o of theirs.values()) if (!mine.has(o.kind)) rows.push({ kind: o.kind, count: -o.count, size: -o.size });
    // Stable sort keeps the order above for equal magnitudes, as Heapy's does.
    rows.sort((x, y) => Math.abs(y.size) - Math.abs(x.size));
    return new Stat(rows, this.kindHeader, this.kindName, Date.now() / 1000, { count: other.count, size: other.size });
  }

  /** Interactive help: `s.doc` lists the attributes, `s.doc.diff` explains one. */
  get doc(): Doc {
    return docOf("Stat", "s");
  }

  toJSON(): { timemade: number; count: number; size: number; kindHeader: string; rows: readonly PartitionRow[]; b?: { count: number; size: number } } {
    return { timemade: this.timemade, count: this.count, size: this.size, kindHeader: this.kindHeader, rows: this.rows, ...(this.b ? { b: this.b } : {}) };
  }
}

/** The first line of every record, Heapy's and Guppy's alike. */
const LOADER = ".loader: _load_stat";
const END = `.end: ${LOADER}`;

/**
 * Parses the records of a stat file's text. A record is valid only from its `.loader`
 * line to its `.end` line, with every field well-formed: one cut off by a crash (the
 * file ends, or the next run's `.loader` comes before its `.end`, even in the middle of
 * a line) or damaged is skipped with a warning, and every other record is kept. Text
 * with no record at all is not a stat file (BAD_STAT_FILE).
 */
export function parseStats(text: string, onWarning: (w: string) => void = () => undefined): Stat[] {
  const stats: Stat[] = [];
  let open: { line: number; fields: Map<string, string>; rows: PartitionRow[]; bad: string | null } | null = null;
  let records = 0;
  let stray = 0;
  let line = 0;
  const skip = (at: number, why: string): void => onWarning(`Stat file line ${at}: a record ${why}; it was skipped.`);
  const take = (raw: string): void => {
    if (raw === "") return;
    if (raw.startsWith(".loader:")) {
      if (open !== null) skip(open.line, "was cut off (the next record starts before its .end)");
      open = { line, fields: new Map(), rows: [], bad: null };
      records++;
      return;
    }
    const colon = raw.indexOf(":");
    if (open === null && raw.startsWith(".format:")) {
      // A record whose .loader line a torn '.end: ' just before it took for the rest of its own.
      open = { line, fields: new Map(), rows: [], bad: null };
      records++;
    }
    if (open === null) {
      stray++;
      return;
    }
    if (!raw.startsWith(".") || colon < 0) {
      open.bad ??= "has a line not of the form '.key: value'";
      return;
    }
    const key = raw.slice(1, colon);
    if (key === "r") {
      // Untrimmed: a kind may be empty or end in spaces, as written.
      const m = /^ ?(-?\d{1,16}) (-?\d{1,16})(?: (.*))?$/.exec(raw.slice(colon + 1));
      if (m) open.rows.push({ count: Number(m[1]), size: Number(m[2]), kind: m[3] ?? "" });
      else open.bad ??= "has a row that is not 'count size kind'";
    } else if (key === "end") {
      const r = open;
      open = null;
      const stat = r.bad === null ? statOf(r.fields, r.rows) : r.bad;
      if (typeof stat === "string") skip(r.line, stat);
      else stats.push(stat);
    } else open.fields.set(key, raw.slice(colon + 1).trim());
  };
  for (const full of text.split("\n")) {
    line++;
    const raw = full.endsWith("\r") ? full.slice(0, -1) : full;
    // A line torn mid-way runs into the next run's first line: split it there
    // (every record's .end line ends in the same text, so that one alone is whole).
    const merged = raw.length > LOADER.length && raw.endsWith(LOADER) && raw !== END ? raw.length - LOADER.length : -1;
    if (merged >= 0) {
      take(raw.slice(0, merged));
      take(LOADER);
    } else take(raw);
  }
  if (open !== null) onWarning("The last record of the stat file is incomplete (a dump was cut off) and was skipped.");
  if (records === 0 && text.trim() !== "") throw new GuppyError("BAD_STAT_FILE", "This is not a stat file: it has no '.loader:' record.");
  if (stray > 0) onWarning(`The stat file has ${stray} line${stray === 1 ? "" : "s"} outside any record; ${stray === 1 ? "it was" : "they were"} skipped.`);
  return stats;
}

/** A record's Stat, or why it is damaged. */
function statOf(fields: Map<string, string>, rows: PartitionRow[]): Stat | string {
  const num = (key: string, fallback: number | null): number | null => {
    const v = fields.get(key);
    if (v === undefined) return fallback;
    const n = v === "" ? NaN : Number(v);
    return Number.isFinite(n) ? n : null;
  };
  const timemade = num("timemade", 0);
  // Beyond ±8.64e12 s a JavaScript Date is invalid, and printing the record would throw.
  if (timemade === null || Math.abs(timemade) > 8.64e12) return "has a '.timemade' that is not a time";
  const n = num("numrows", rows.length);
  if (n !== rows.length) return `announces ${fields.get("numrows")} rows but has ${rows.length}`;
  let b: { count: number; size: number } | undefined;
  if (fields.has("b_count")) {
    const count = num("b_count", null);
    const size = num("b_size", null);
    if (count === null || size === null) return "has a '.b_count' or '.b_size' that is not a number";
    b = { count, size };
  }
  return new Stat(rows, fields.get("kindheader") ?? "Kind", fields.get("kindname") ?? "", timemade, b);
}

/** Runs `read` on the file opened for reading; false when it cannot be opened or read. */
function readingFile(file: string, read: (fd: number) => boolean): boolean {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return false;
  }
  try {
    return read(fd);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

const LOADER_PREFIX = ".loader:";

/** Whether a file starts as a stat file does (Heapy's `.loader:` line). */
export function isStatFile(file: string): boolean {
  return readingFile(file, (fd) => {
    const head = Buffer.alloc(LOADER_PREFIX.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.toString("latin1") === LOADER_PREFIX;
  });
}

/** Whether the file exists, is not empty, and its last byte is not a newline. */
function endsMidLine(file: string): boolean {
  return readingFile(file, (fd) => {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  });
}

/** Loads every record of a stat file (Heapy's `h.load(file)` of stats). */
export function loadStats(file: string, onWarning?: (w: string) => void): Stat[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GuppyError(code === "ENOENT" ? "FILE_NOT_FOUND" : "FILE_UNREADABLE", code === "ENOENT" ? "No such stat file." : "The stat file cannot be read.", { file });
  }
  try {
    return parseStats(text, onWarning);
  } catch (e) {
    if (e instanceof GuppyError) throw new GuppyError(e.code, e.message, { file });
    throw e;
  }
}
