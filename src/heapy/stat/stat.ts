import { docOf, type Doc } from "../../doc.js";
import { appendFileSync, readFileSync } from "node:fs";
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

  /** Appends this record to a stat file (never rewrites what is there). */
  dump(file: string): void {
    appendFileSync(file, this.toText());
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

/**
 * Parses the records of a stat file's text. Records are appended whole, so anything
 * after the last `.end:` line is a dump that was cut off: it is skipped with a warning.
 */
export function parseStats(text: string, onWarning: (w: string) => void = () => undefined): Stat[] {
  const lastEnd = text.lastIndexOf("\n.end:");
  const cut = lastEnd < 0 ? (text.startsWith(".end:") ? text.indexOf("\n") + 1 : 0) : text.indexOf("\n", lastEnd + 1) + 1 || text.length;
  if (text.slice(cut).trim() !== "") onWarning("The last record of the stat file is incomplete (a dump was cut off) and was skipped.");
  return parseWhole(text.slice(0, cut));
}

function parseWhole(text: string): Stat[] {
  const stats: Stat[] = [];
  let fields = new Map<string, string>();
  let rows: PartitionRow[] = [];
  let open = false;
  let line = 0;
  const fail = (what: string): GuppyError => new GuppyError("BAD_STAT_FILE", `Stat file line ${line}: ${what}.`);
  for (const raw of text.split("\n")) {
    line++;
    if (raw === "") continue;
    const colon = raw.indexOf(":");
    if (!raw.startsWith(".") || colon < 0) throw fail("not a stat record line");
    const key = raw.slice(1, colon);
    const value = raw.slice(colon + 1).trim();
    if (key === "loader") {
      if (open) throw fail("a record starts before the previous one ended");
      open = true;
      fields = new Map();
      rows = [];
    } else if (!open) {
      throw fail("a line outside any record");
    } else if (key === "r") {
      const m = /^(-?\d+) (-?\d+) (.*)$/.exec(value);
      if (!m) throw fail("a row is not 'count size kind'");
      rows.push({ count: Number(m[1]), size: Number(m[2]), kind: m[3]! });
    } else if (key === "end") {
      const n = Number(fields.get("numrows") ?? rows.length);
      if (n !== rows.length) throw fail(`the record announces ${n} rows but has ${rows.length}`);
      const hasB = fields.has("b_count");
      stats.push(
        new Stat(rows, fields.get("kindheader") ?? "Kind", fields.get("kindname") ?? "", Number(fields.get("timemade") ?? 0), hasB ? { count: Number(fields.get("b_count")), size: Number(fields.get("b_size")) } : undefined),
      );
      open = false;
    } else {
      fields.set(key, value);
    }
  }
  return stats;
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
