import { closeSync, openSync, readSync, statSync } from "node:fs";
import { basename } from "node:path";
import { GuppyError } from "../errors.js";
import { callable } from "../heapy/classify/classifier-value.js";
import { partition, type Partition } from "../heapy/classify/partition.js";
import { classifierNamed, CLASSIFIER_NAMES } from "../heapy/session/classifier-names.js";
import { HeapySet } from "../heapy/session/heapy-set.js";
import type { Session } from "../heapy/session/session.js";
import type { Comparison, ComparisonRow, ObjectPage, OpenFile, PartitionPage, PartitionSort, PathRow, PatternNode, RetainerPage, StatRecord, StatSeries, Step } from "./protocol.js";
import { fullValue, nodeOfId, objectPage, retainedByKind, retainerPage } from "./objects.js";
import { sortedRows } from "./rows.js";

export type { Comparison, ComparisonRow, ObjectPage, OpenFile, PartitionPage, PartitionSort, PathRow, PatternNode, RetainerPage, StatRecord, StatSeries, Step } from "./protocol.js";
import { loadStats, type Stat } from "../heapy/stat/stat.js";

const TOP_KINDS = 10;
/** A step into a row of the reference pattern (its index as the kind), not a classifier's kind. */
export const PATTERN_STEP = "rp";
const PARTITION_COLUMNS = ["index", "count", "size", "retained", "kind"] as const;
const COMPARISON_COLUMNS = ["kind", "added", "deleted", "delta", "allocSize", "freedSize", "sizeDelta"] as const;
const CACHE_ENTRIES = 64;

/** Whether a file is a stat file (Heapy's text records) or a snapshot, by its first bytes. */
function kindOfFile(path: string): "stat" | "snapshot" {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GuppyError(code === "ENOENT" ? "FILE_NOT_FOUND" : "FILE_UNREADABLE", code === "ENOENT" ? "No such file." : `The file cannot be read (${code}).`, { file: path });
  }
  try {
    const head = new Uint8Array(16);
    const n = readSync(fd, head, 0, 16, 0);
    const text = new TextDecoder().decode(head.subarray(0, n)).trimStart();
    if (text.startsWith(".loader:") || n === 0) return "stat";
    if (text.startsWith("{") || (head[0] === 0x1f && head[1] === 0x8b)) return "snapshot";
    throw new GuppyError("WRONG_FORMAT", "This is neither a Heapy stat file nor a heap snapshot.", { file: path });
  } finally {
    closeSync(fd);
  }
}

/** A small map that forgets its oldest entries. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  /** The value if known, without making it. */
  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  async get(key: string, make: () => V | Promise<V>): Promise<V> {
    const known = this.map.get(key);
    if (known !== undefined) {
      this.map.delete(key);
      this.map.set(key, known);
      return known;
    }
    const v = await make();
    this.map.set(key, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return v;
  }
}

/**
 * What the profile browser's page asks, answered from the given files only: stat
 * files as series and records, snapshots as partitions of drilled-down sets, their
 * paths, reference patterns and dominated sets. Sets and partitions are cached, so
 * paging and going back are instant.
 */
export class Explorer {
  private readonly list: (OpenFile & { path: string })[];
  private readonly sets = new Lru<HeapySet>(CACHE_ENTRIES);
  private readonly partitions = new Lru<Partition>(CACHE_ENTRIES);
  /** Each stat file's records, with the size and time of the file they were read from. */
  private readonly stats = new Map<number, { records: Stat[]; size: number; mtimeMs: number }>();
  private readonly retained = new Lru<Float64Array>(CACHE_ENTRIES);
  private readonly comparisons = new Lru<ComparisonRow[]>(CACHE_ENTRIES);

  constructor(files: readonly string[], private readonly session: Session) {
    this.list = files.map((path, id) => ({ id, path, name: basename(path), kind: kindOfFile(path) }));
  }

  files(): OpenFile[] {
    return this.list.map(({ id, name, kind }) => ({ id, name, kind }));
  }

  classifiers(): string[] {
    return CLASSIFIER_NAMES;
  }

  private file(id: number, kind: OpenFile["kind"]): OpenFile & { path: string } {
    const f = this.list[id];
    if (f === undefined || f.kind !== kind) throw new GuppyError("USAGE", `There is no ${kind} file number ${id}.`);
    return f;
  }

  /**
   * A stat file's records, read again when the file has changed since (Heapy's Collect:
   * a `guppy record` still appending to it), so the page can follow it.
   */
  private records(id: number): Stat[] {
    const { path } = this.file(id, "stat");
    const { size, mtimeMs } = statSync(path);
    let cached = this.stats.get(id);
    if (cached === undefined || cached.size !== size || cached.mtimeMs !== mtimeMs) {
      cached = { records: loadStats(path), size, mtimeMs };
      this.stats.set(id, cached);
    }
    return cached.records;
  }

  /** The samples as series by size or count: each sample's 10 largest kinds, the rest summed. */
  statSeries(id: number, metric: "size" | "count"): StatSeries {
    const records = this.records(id);
    const kindIndex = new Map<string, number>();
    const values: number[][] = [];
    const rest: number[] = [];
    const totals: number[] = [];
    records.forEach((stat, i) => {
      const top = [...stat.rows].sort((a, b) => b[metric] - a[metric] || (a.kind < b.kind ? -1 : 1)).slice(0, TOP_KINDS);
      const total = metric === "size" ? stat.size : stat.count;
      let shown = 0;
      for (const row of top) {
        let k = kindIndex.get(row.kind);
        if (k === undefined) {
          k = values.length;
          kindIndex.set(row.kind, k);
          values.push(new Array<number>(records.length).fill(0));
        }
        values[k]![i] = row[metric];
        shown += row[metric];
      }
      rest.push(total - shown);
      totals.push(total);
    });
    return { metric, kindHeader: records[0]?.kindHeader ?? "Kind", times: records.map((r) => r.timemade), kinds: [...kindIndex.keys()], values, rest, totals };
  }

  /** One sample's rows, largest size first. */
  statRecord(id: number, index: number): StatRecord {
    const stat = this.records(id)[index];
    if (stat === undefined) throw new GuppyError("USAGE", `The stat file has no sample ${index}.`);
    return { timemade: stat.timemade, count: stat.count, size: stat.size, kindHeader: stat.kindHeader, rows: stat.rows };
  }

  /** The set reached by the steps from the snapshot's reachable objects, less what snapshot `minus` has (by object id). */
  async set(id: number, steps: readonly Step[], minus?: number): Promise<HeapySet> {
    const key = JSON.stringify([id, steps, minus ?? null]);
    return this.sets.get(key, async () => {
      if (steps.length > 0) {
        const parent = await this.set(id, steps.slice(0, -1), minus);
        const last = steps[steps.length - 1]!;
        // A row of the parent's reference pattern, by its index (the page's pattern tree opens them).
        if (last.by === PATTERN_STEP) {
          const row = parent.rp.rows[Number(last.kind)];
          if (row === undefined || !/^\d+$/.test(last.kind)) throw new GuppyError("USAGE", `The reference pattern has no row ${Number(last.kind)}.`);
          return HeapySet.from(row.set);
        }
        // The page drills into a row of a table it was shown: that partition is cached, and its row is the set.
        const classifier = classifierNamed(last.by);
        const shown = this.partitions.peek(JSON.stringify([id, steps.slice(0, -1), minus ?? null, classifier.name]));
        const row = shown?.rows.findIndex((r) => r.kind === last.kind) ?? -1;
        if (shown !== undefined && row >= 0) return HeapySet.from(shown.rowSet(row));
        // Through the classifier itself, not the session's registry: combined ones ("type,size") have no name there.
        return parent.and(callable(classifier)(last.kind));
      }
      const heap = await this.session.load(this.file(id, "snapshot").path);
      if (minus === undefined) return heap;
      if (minus === id) throw new GuppyError("USAGE", "A snapshot minus itself is empty; choose another snapshot.");
      return heap.minus(await this.session.load(this.file(minus, "snapshot").path));
    });
  }

  /**
   * Rows offset..offset+limit of the set's partition, with each kind's retained size
   * (null when not asked for and not known yet), those whose kind contains `filter`, in
   * Heapy's order (by size) or by a column.
   */
  async partition(id: number, steps: readonly Step[], by: string, offset: number, limit: number, minus?: number, filter = "", sort: PartitionSort | null = null, withRetained = true): Promise<PartitionPage> {
    const classifier = classifierNamed(by);
    const key = JSON.stringify([id, steps, minus ?? null, classifier.name]);
    const set = await this.set(id, steps, minus);
    const p = await this.partitions.get(key, () => partition(set, classifier));
    // The first table is out: what a graph from its cache has not read yet is read in the background, so the next clicks find it in memory.
    void set.graph.readRest();
    // Retained sizes take a walk of the whole dominator tree: the page asks for them after the first table.
    const retained = !withRetained && sort?.key !== "retained" ? this.retained.peek(key) ?? null : await this.retained.get(key, () => {
      // The partition's rows are by size; the classifier's labels are in its own order.
      const { kinds, labels } = classifier.classify(set.graph, set.ordinals());
      const byLabel = retainedByKind(set.graph, set.ordinals(), Int32Array.from(kinds), labels.length);
      const rowOfLabel = new Map(p.rows.map((r, i) => [r.kind, i]));
      const out = new Float64Array(p.rows.length);
      labels.forEach((label, k) => {
        const row = rowOfLabel.get(label);
        if (row !== undefined) out[row] = byLabel[k]!;
      });
      return out;
    });
    const all = p.rows.map((r, index) => ({ index, ...r, retained: retained === null ? null : retained[index]! }));
    const rows = sortedRows(all, PARTITION_COLUMNS, filter, sort);
    // The rows cover every member once: their sizes add up to the set's, without another pass over it.
    const size = p.rows.reduce((sum, r) => sum + r.size, 0);
    return { count: set.count, size, kindHeader: classifier.kindHeader, totalRows: rows.length, allRows: all.length, offset, rows: rows.slice(offset, offset + limit) };
  }

  /** The snapshot's graph, for looking at single objects. */
  private async graph(id: number): Promise<HeapySet["graph"]> {
    return (await this.set(id, [])).graph;
  }

  /** Edges offset..offset+limit of object `objectId` with their targets and values. */
  async object(id: number, objectId: number, offset: number, limit: number): Promise<ObjectPage> {
    return objectPage(await this.graph(id), objectId, offset, limit);
  }

  /** Retainers offset..offset+limit of object `objectId`, nearest to the root first. */
  async retainers(id: number, objectId: number, offset: number, limit: number): Promise<RetainerPage> {
    return retainerPage(await this.graph(id), objectId, offset, limit);
  }

  /** The whole value of a string (or other primitive) object. */
  async value(id: number, objectId: number): Promise<{ id: number; value: string }> {
    const g = await this.graph(id);
    const value = fullValue(g, nodeOfId(g, objectId));
    if (value === null) throw new GuppyError("USAGE", `Object @${objectId} is not a string or number.`);
    return { id: objectId, value };
  }

  /**
   * DevTools' Comparison view, by class: what snapshot `id` has that `base` has not
   * (new, by V8 id) and the other way round (deleted), with their sizes.
   */
  async compare(id: number, base: number, offset: number, limit: number, filter = "", sort: PartitionSort | null = null): Promise<Comparison> {
    const classifier = classifierNamed("clodo");
    const all = await this.comparisons.get(JSON.stringify([id, base]), async () => {
      const added = partition(await this.set(id, [], base), classifier).rows;
      const deleted = partition(await this.set(base, [], id), classifier).rows;
      const rows = new Map<string, ComparisonRow>();
      const row = (kind: string): ComparisonRow => {
        let r = rows.get(kind);
        if (r === undefined) rows.set(kind, (r = { kind, added: 0, deleted: 0, delta: 0, allocSize: 0, freedSize: 0, sizeDelta: 0 }));
        return r;
      };
      for (const r of added) Object.assign(row(r.kind), { added: r.count, allocSize: r.size });
      for (const r of deleted) Object.assign(row(r.kind), { deleted: r.count, freedSize: r.size });
      for (const r of rows.values()) Object.assign(r, { delta: r.added - r.deleted, sizeDelta: r.allocSize - r.freedSize });
      // DevTools' first order: the largest growth first.
      return [...rows.values()].sort((a, b) => b.sizeDelta - a.sizeDelta || b.delta - a.delta || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
    });
    const rows = sortedRows(all, COMPARISON_COLUMNS, filter, sort);
    return { kindHeader: classifier.kindHeader, totalRows: rows.length, offset, rows: rows.slice(offset, offset + limit) };
  }

  /**
   * Heapy's shortest paths of the set (`x.sp`): every shortest path from the root to the
   * members nearest it, the first `limit` as Heapy prints them (`<... N more paths ...>`),
   * and each line's path with the object it ends at.
   */
  async paths(id: number, steps: readonly Step[], limit: number, minus?: number): Promise<{ text: string; numpaths: number; rows: PathRow[] }> {
    const sp = (await this.set(id, steps, minus)).sp;
    sp.maxpaths = limit;
    const rows: PathRow[] = [];
    for (let i = 0; i < Math.min(limit, sp.numpaths); i++) {
      const p = sp.at(i)!;
      rows.push({ index: i, id: p.id, text: p.text });
    }
    return { text: String(sp), numpaths: sp.numpaths, rows };
  }

  /** The set's reference pattern, as Heapy prints it and as rows for a tree. */
  async pattern(id: number, steps: readonly Step[], minus?: number): Promise<{ text: string; rows: PatternNode[] }> {
    const rp = (await this.set(id, steps, minus)).rp;
    const rows = rp.rows.map((r) => ({ index: r.index, name: r.name, depth: r.depth, mark: r.mark, ...(r.seen === undefined ? {} : { seen: r.seen }), kind: r.kind, count: r.set.count, line: rp.lineOf(r) }));
    return { text: rp.render(0, 20), rows };
  }

  /** What freeing the set would free: its retained size and the dominated objects by class. */
  async dominated(id: number, steps: readonly Step[], minus?: number): Promise<{ count: number; size: number; retained: number; table: string }> {
    const set = await this.set(id, steps, minus);
    const dominos = set.dominos;
    return { count: set.count, size: set.size, retained: dominos.size, table: String(dominos.byclodo) };
  }
}
