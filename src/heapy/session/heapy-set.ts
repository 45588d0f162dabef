import { inspect } from "node:util";
import { docOf, type Doc } from "../../doc.js";
import { GuppyError } from "../../errors.js";
import { ERS, callable, findex, resolveClassifier, type CallableClassifier } from "../classify/classifier-value.js";
import type { Classifier } from "../classify/classifiers.js";
import { Kind, LabelKind, NOTHING, SetKind, describe } from "../classify/kind.js";
import { partition, type Partition } from "../classify/partition.js";
import { PartitionView } from "../render/partition-view.js";
import { ShortestPathsView, type ShpathsOptions } from "../render/shortest-paths-view.js";
import { ReferencePattern, type RpOptions } from "../render/reference-pattern.js";
import { StatView } from "../render/stat-text.js";
import { Stat } from "../stat/stat.js";
import { IdentitySet } from "../sets/identity-set.js";
import { knownWaste, type WasteView } from "../waste/known-waste.js";
import { NAMED_CLASSIFIERS } from "./classifier-names.js";
import { NO_OWNER, ownersOf } from "../graph/shallow-sizes.js";
import { isStore } from "../classify/classifiers.js";
import type { Table } from "apache-arrow";
import { toArrow } from "../tables/arrow.js";
import { exportSet, type ExportSummary } from "../tables/export.js";

/** A classifier by the name users type ('Type', 'clodo', 'Dupstr'): Heapy's and the known-waste ones. */
function named(name: string): CallableClassifier | undefined {
  const key = Object.keys(NAMED_CLASSIFIERS).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (ERS[key] ?? callable(NAMED_CLASSIFIERS[key]!));
}

/** Up to this many members are named in `brief`. */
const BRIEF_MEMBERS = 3;

/**
 * The sets a session hands out (Heapy's IdentitySet): every set-valued result —
 * operations, rows of partitions and reference patterns, `parts`, `dominos`,
 * `referrers` — is one, with the whole API. A set has a classifier, its `er` (Clodo
 * unless `by(...)` chose another): it prints as its partition by `er`, `at(i)` is that
 * partition's row i, `length` its number of rows, and iterating gives the rows.
 */
export class HeapySet extends IdentitySet {
  /** The classifier that partitions the set when it prints, indexes and iterates (Heapy's `x.er`). */
  readonly er: CallableClassifier;
  private cached: Partition<HeapySet> | null = null;

  private constructor(set: IdentitySet, er: CallableClassifier) {
    super(set);
    this.er = er;
  }

  /** Wraps a set; `er` is its classifier (Clodo unless given). */
  static from(set: IdentitySet, er: CallableClassifier = ERS.Clodo!): HeapySet {
    return set instanceof HeapySet && set.er === er ? set : new HeapySet(set, er);
  }

  protected override adopt(set: IdentitySet): this {
    return HeapySet.from(set) as this;
  }

  /** Members of both, or the members of a kind: `heap.and(h.Clodo("Foo"))`, `heap.and(h.Type.string)`. */
  override and(other: IdentitySet | Kind): this {
    if (other instanceof Kind) return other.select(this);
    return super.and(setArg(other, "and"));
  }

  /** Members not in the other set, or not of a kind. */
  override minus(other: IdentitySet | Kind): this {
    if (other instanceof Kind) return super.minus(other.select(this));
    return super.minus(setArg(other, "minus"));
  }

  /** Members of either; with a kind, the symbolic union (a kind, as Heapy's `x | kind`). */
  override or(other: IdentitySet): this;
  override or(other: Kind): Kind;
  override or(other: IdentitySet | Kind): this | Kind {
    if (other instanceof Kind) return new SetKind(this).or(other);
    return super.or(setArg(other, "or"));
  }

  /** Members of exactly one; with a kind, the symbolic difference (a kind). */
  override xor(other: IdentitySet): this;
  override xor(other: Kind): Kind;
  override xor(other: IdentitySet | Kind): this | Kind {
    if (other instanceof Kind) return new SetKind(this).xor(other);
    return super.xor(setArg(other, "xor"));
  }

  /** Whether an object (a node ordinal) is a member, or every member of a set is (Heapy's `in`, `<=`). */
  override has(x: number | IdentitySet): boolean {
    if (typeof x === "number") return super.has(x);
    if (x instanceof IdentitySet) return x.le(this);
    throw new GuppyError("USAGE", `has() takes a node ordinal or a set (for kinds and classifiers ask them: kind.has(set), h.Size.has(set)); got ${describe(x)}.`);
  }

  /** The same objects with another classifier (Heapy's `x.by(er)`): `s.by(h.Type)`, `s.by("Type&Size")`. */
  by(classifier: Classifier | string): HeapySet {
    return HeapySet.from(this, resolveClassifier(classifier, named, "by()"));
  }

  /** The partition by `er`: rows of kind, count and size, largest first. */
  get partition(): Partition<HeapySet> {
    return (this.cached ??= partition(this as HeapySet, this.er));
  }

  /** The table as Heapy prints the set, ten rows at a time. */
  private get view(): PartitionView<HeapySet> {
    return new PartitionView(this.partition);
  }

  get bytype(): HeapySet {
    return this.by(ERS.Type!);
  }
  get byclodo(): HeapySet {
    return this.by(ERS.Clodo!);
  }
  get bysize(): HeapySet {
    return this.by(ERS.Size!);
  }
  get byunity(): HeapySet {
    return this.by(ERS.Unity!);
  }
  get byid(): HeapySet {
    return this.by(ERS.Id!);
  }
  get byidset(): HeapySet {
    return this.by(ERS.IdSet!);
  }
  get byvia(): HeapySet {
    return this.by(ERS.Via!);
  }
  get byrcs(): HeapySet {
    return this.by(ERS.Rcs!);
  }
  get bymodule(): HeapySet {
    return this.by(ERS.Module!);
  }
  get byprod(): HeapySet {
    return this.by(ERS.Prod!);
  }

  /** The next ten rows of the table (Heapy's `_.more`). */
  get more(): PartitionView<HeapySet> {
    return this.view.more;
  }
  /** The whole table from the start, label included (Heapy's `_.all`). */
  get all(): PartitionView<HeapySet> {
    return this.view.all;
  }
  /** The first page (a set's own table is its first page). */
  get top(): PartitionView<HeapySet> {
    return this.view.top;
  }
  /** The page before: for a set's own table, the first page. */
  get prev(): PartitionView<HeapySet> {
    return this.view.prev;
  }

  /** The number of rows of the partition by `er` (Heapy's `len(x)`). */
  get length(): number {
    return this.partition.rows.length;
  }

  /** The objects of row i of the partition by `er` (Heapy's `x[i]`); negative i counts from the end. */
  at(i: number): HeapySet {
    const n = this.length;
    if (!Number.isInteger(i) || i >= n || i < -n) throw new GuppyError("USAGE", `at() takes a row index from 0 to ${n - 1} (or -1 for the last); got ${typeof i === "number" ? i : describe(i)}.`);
    return this.rowAt(i < 0 ? n + i : i);
  }

  /** Row r of the partition, with this set's er, as Heapy's rows keep it (`x.bytype[0].er` is Type). */
  private rowAt(r: number): HeapySet {
    return HeapySet.from(this.partition.rowSet(r), this.er);
  }

  /** The same as at(i) (earlier name). */
  row(i: number): HeapySet {
    return this.at(i);
  }

  /** The union of rows i to j-1 (Heapy's `x[i:j]`), as Array.prototype.slice counts them. */
  slice(i = 0, j?: number): HeapySet {
    const n = this.length;
    for (const [name, v] of [["start", i], ["end", j]] as const) {
      if (v !== undefined && !Number.isInteger(v)) throw new GuppyError("USAGE", `slice() takes whole row indices (slice(0, 3)); ${name} is ${describe(v)}.`);
    }
    const clamp = (v: number): number => Math.max(0, Math.min(n, v < 0 ? n + v : v));
    const [from, to] = [clamp(i), clamp(j ?? n)];
    let out: IdentitySet = this.sibling([]);
    for (let r = from; r < to; r++) out = out.or(this.partition.rowSet(r));
    return HeapySet.from(out, this.er);
  }

  /** The rows of the partition by `er`, each a set (`for (const row of s.bytype)`). */
  *[Symbol.iterator](): IterableIterator<HeapySet> {
    for (let r = 0; r < this.length; r++) yield this.rowAt(r);
  }

  /** The sets of the partition by `er`, largest first (Heapy's `x.parts`). */
  get parts(): HeapySet[] {
    return [...this];
  }

  /** The kind of the set by `er`: the kinds its members have (Heapy's `x.kind`). */
  get kind(): Kind {
    const rows = this.partition.rows;
    return rows.length === 0 ? NOTHING : new LabelKind(this.er, rows.map((r) => r.kind));
  }

  /**
   * The known-waste reports of the set: duplicated strings, detached DOM nodes,
   * empty and sparse collections, closures holding variables they do not use.
   */
  get waste(): WasteView {
    return knownWaste(this);
  }

  /** The partition by `er` as a Stat, to dump, load and diff (Heapy's `x.stat`). */
  get stat(): StatView {
    return new StatView(Stat.fromPartition(this.partition));
  }

  /** The difference of the stats, this one's less the other's by this set's `er` (Heapy's `x.diff(y)`). */
  diff(other: IdentitySet): StatView {
    return this.stat.diff(HeapySet.from(setArg(other, "diff"), this.er).stat);
  }

  /** Appends this set's stat to a file (Heapy's `x.dump(file)`). */
  dump(file: string): void {
    if (typeof file !== "string" || file === "") throw new GuppyError("USAGE", `dump() takes the path of a stat file; got ${describe(file)}.`);
    this.stat.dump(file);
  }

  /**
   * Every shortest path from the root to the members nearest it (Heapy's `sp` /
   * `shpaths`): the search stops at the first level that reaches the set.
   */
  get sp(): ShortestPathsView<HeapySet> {
    return this.getShpaths();
  }

  /** The same as `sp` (Heapy's long name). */
  get shpaths(): ShortestPathsView<HeapySet> {
    return this.sp;
  }

  /**
   * Shortest paths from other sources, or avoiding objects or edges (Heapy's
   * `x.get_shpaths(src, avoid_nodes, avoid_edges)`): `x.getShpaths({ src: y })`.
   */
  getShpaths(options: ShpathsOptions<HeapySet> = {}): ShortestPathsView<HeapySet> {
    if (options === null || typeof options !== "object") throw new GuppyError("USAGE", `getShpaths() takes { src, avoidNodes, avoidEdges }; got ${describe(options)}.`);
    const { src, avoidNodes, avoidEdges } = options;
    return new ShortestPathsView(this as HeapySet, {
      src: src === undefined ? undefined : HeapySet.from(setArg(src, "getShpaths")),
      avoidNodes: avoidNodes === undefined ? undefined : HeapySet.from(setArg(avoidNodes, "getShpaths")),
      avoidEdges,
    });
  }

  /** Heapy's snake_case name: `x.get_shpaths(src, avoid_nodes, avoid_edges)`. */
  get_shpaths(src?: IdentitySet, avoidNodes?: IdentitySet, avoidEdges?: ArrayLike<number>): ShortestPathsView<HeapySet> {
    return this.getShpaths({ src: src as HeapySet | undefined, avoidNodes: avoidNodes as HeapySet | undefined, avoidEdges });
  }

  /** Shortest paths from the members' referrers to them (Heapy's `x.pathsin`). */
  get pathsin(): ShortestPathsView<HeapySet> {
    return this.getShpaths({ src: HeapySet.from(this.referrers) });
  }

  /** Shortest paths from the members to their referents (Heapy's `x.pathsout`). */
  get pathsout(): ShortestPathsView<HeapySet> {
    return HeapySet.from(this.referents).getShpaths({ src: this as HeapySet });
  }

  /** The reference pattern of the set by Clodo, 7 levels deep (Heapy's `x.rp`). */
  get rp(): ReferencePattern<HeapySet> {
    return this.getRp();
  }

  /**
   * A reference pattern with Heapy's options (`x.get_rp`): `x.getRp(3)`, `x.getRp(3, h.Type)`,
   * or `x.getRp({ depth, er, imdom, bf, src, stopkind, nocyc, ref })`.
   */
  getRp(depth: number | (RpOptions<HeapySet> & { er?: Classifier | string }) = 7, classifier: Classifier | string = ERS.Clodo!): ReferencePattern<HeapySet> {
    const options = typeof depth === "object" && depth !== null ? depth : { depth };
    const d = options.depth ?? 7;
    if (!Number.isInteger(d) || d < 0) throw new GuppyError("USAGE", `getRp() takes a depth, a whole number from 0 (7 by default); got ${describe(d)}.`);
    const { ref, src, stopkind } = options;
    if (ref !== undefined && ref !== "imdom" && ref !== "gc" && typeof ref !== "function") throw new GuppyError("USAGE", `getRp() takes ref "imdom", "gc" or a function from a set to a set; got ${describe(ref)}.`);
    if (src !== undefined && (!(src instanceof IdentitySet) || src.graph !== this.graph)) throw new GuppyError("USAGE", "getRp() takes src, a set of the same snapshot.");
    if (stopkind !== undefined && !(stopkind instanceof Kind)) throw new GuppyError("USAGE", `getRp() takes stopkind, a kind (h.Type.string, h.Clodo("Foo")); got ${describe(stopkind)}.`);
    const er = resolveClassifier(options.er ?? classifier, named, "getRp()");
    const wrap = typeof ref === "function" ? (x: HeapySet) => HeapySet.from(setArg(ref(x), "getRp() ref")) : ref;
    return new ReferencePattern(this as HeapySet, er, { ...options, depth: d, ref: wrap });
  }

  /** Heapy's snake_case name: `x.get_rp({ depth: 3 })` or `x.get_rp(3)`. */
  get_rp(depth?: number | (RpOptions<HeapySet> & { er?: Classifier | string }), classifier?: Classifier | string): ReferencePattern<HeapySet> {
    return this.getRp(depth, classifier);
  }

  /**
   * The classifier that splits objects into this set and the rest (Heapy's `x.biper`):
   * `x.biper(0)` is the kind of x, `x.biper(1)` of everything else.
   */
  get biper(): CallableClassifier {
    return findex(new SetKind(this));
  }

  /** The objects that own the members that are V8 property or element stores (Heapy's `owners` of dicts). */
  get owners(): HeapySet {
    const owners = ownersOf(this.graph);
    const out: number[] = [];
    for (const n of this.ordinals()) if (owners[n] !== NO_OWNER && owners[n] !== n && isStore(this.graph, n)) out.push(owners[n]!);
    return this.sibling(out);
  }

  /** The property and element stores the members own (Heapy's `x.dictof`, the dicts of x). */
  get dictof(): HeapySet {
    const owners = ownersOf(this.graph);
    const g = this.graph;
    return HeapySet.from(IdentitySet.where(g, (n) => owners[n] !== NO_OWNER && owners[n] !== n && this.has(owners[n]!) && isStore(g, n)));
  }

  /** Where the only member was allocated (Heapy's `prod`), for snapshots with allocation traces. */
  get prod(): string {
    if (this.count !== 1) throw new GuppyError("USAGE", `prod needs a set of exactly one object; this one has ${this.count}.`);
    return this.byprod.partition.rows[0]!.kind;
  }

  /** Sum of the members' shallow sizes (Heapy's `indisize`, the same as `size`). */
  get indisize(): number {
    return this.size;
  }

  /**
   * A one-line description with the first members (Heapy's `brief`):
   * `<3000 Session: @91421, @91423, @91425...>`, `<2 (Window | Weakling): @3, @5>`.
   */
  get brief(): string {
    if (this.count === 0) return "<Nothing>";
    const rows = this.partition.rows;
    const kinds = rows.length === 1 ? rows[0]!.kind : `(${rows.slice(0, BRIEF_MEMBERS).map((r) => r.kind).join(" | ")}${rows.length > BRIEF_MEMBERS ? " | ..." : ""})`;
    const ids = [...this.ordinals().subarray(0, BRIEF_MEMBERS)].map((n) => `@${this.graph.nodeId[n]}`);
    return `<${this.count} ${kinds}: ${ids.join(", ")}${this.count > BRIEF_MEMBERS ? "..." : ""}>`;
  }

  /**
   * The members as an Apache Arrow table (await it), one row per object with the
   * columns of the exported `objects` table (id, type, class, name, shallow_size,
   * retained_size, distance, dominator_id, detachedness, allocation_site, entries,
   * reachable), in the set's order: `(await rel.toArrow()).toArray()`.
   */
  toArrow(): Promise<Table> {
    return toArrow(this);
  }

  /**
   * Writes the members as a new Parquet dataset at `dir` (await it), as `guppy export`
   * writes a snapshot: the objects, the references from them and their classes, one
   * partition named `name` (default: the folder's name) that `guppy sql` queries. The
   * folder must be new or empty (DIR_NOT_EMPTY otherwise); one that cannot be written
   * gives EXPORT_FAILED and leaves no partial dataset behind.
   */
  async export(dir: string, name?: string): Promise<ExportSummary> {
    if (name !== undefined && (typeof name !== "string" || name === "")) throw new GuppyError("USAGE", `export() takes a partition name (a string) after the folder; got ${describe(name)}.`);
    return exportSet(this, dir, name);
  }

  /** Interactive help: `x.doc` lists the attributes, `x.doc.sp` explains one. */
  get doc(): Doc {
    return docOf("HeapySet", "x");
  }

  /** Heapy prints a set as its partition by `er`, and the empty set as `<Nothing>`. */
  override toString(): string {
    return this.count === 0 ? "<Nothing>" : String(this.view);
  }

  /** As Heapy's repr: the table, and `h.Nothing` for the empty set. */
  [inspect.custom](): string {
    return this.count === 0 ? "h.Nothing" : String(this);
  }

  /** Count, size, the snapshot file, the classifier and the partition's rows by it (kinds, counts, sizes). */
  override toJSON(): { count: number; size: number; file: string; classifier: string; rows: { index: number; kind: string; count: number; size: number }[] } {
    return { ...super.toJSON(), classifier: this.er.name, rows: this.partition.rows.map((r, index) => ({ index, ...r })) };
  }
}

function setArg(x: unknown, op: string): IdentitySet {
  if (x instanceof IdentitySet) return x;
  throw new GuppyError("USAGE", `${op}() takes a set (s0, s0.at(0), h.heap(graph))${op === "and" || op === "minus" || op === "or" || op === "xor" ? " or a kind (h.Type.string, h.Clodo(\"Foo\"))" : ""}; got ${describe(x)}.`);
}
