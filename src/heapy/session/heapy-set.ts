import { docOf, type Doc } from "../../doc.js";
import { CLASSIFIERS, type Classifier } from "../classify/classifiers.js";
import { Kind } from "../classify/kind.js";
import { partition } from "../classify/partition.js";
import { PartitionView } from "../render/partition-view.js";
import { PathsView } from "../render/paths.js";
import { ReferencePattern } from "../render/reference-pattern.js";
import { Stat } from "../stat/stat.js";
import { IdentitySet } from "../sets/identity-set.js";
import { knownWaste, type WasteView } from "../waste/known-waste.js";

/**
 * The sets a session hands out: an IdentitySet that also partitions itself, as
 * Heapy's sets do (`x.byclodo`, `x.by(h.Via)`), and prints as its partition by Clodo.
 * Every operation on it returns a HeapySet again.
 */
export class HeapySet extends IdentitySet {
  /** Wraps a set. */
  static from(set: IdentitySet): HeapySet {
    return set instanceof HeapySet ? set : new HeapySet(set);
  }

  protected override adopt(set: IdentitySet): this {
    return HeapySet.from(set) as this;
  }

  /** Members of both, or members of a kind: `heap.and(h.Clodo("Foo"))`. */
  override and(other: IdentitySet | Kind): this {
    return other instanceof Kind ? this.adopt(other.select(this)) : super.and(other);
  }

  /** Members not in the other set, or not of a kind. */
  override minus(other: IdentitySet | Kind): this {
    return other instanceof Kind ? super.minus(other.select(this)) : super.minus(other);
  }

  /**
   * The known-waste reports of the set: duplicated strings, detached DOM nodes,
   * empty and sparse collections, closures holding variables they do not use.
   */
  get waste(): WasteView {
    return knownWaste(this);
  }

  /** The partition by a classifier, ten rows shown at a time. */
  by(classifier: Classifier): PartitionView {
    return new PartitionView(partition(this, classifier));
  }

  get bytype(): PartitionView {
    return this.by(CLASSIFIERS.Type!);
  }
  get byclodo(): PartitionView {
    return this.by(CLASSIFIERS.Clodo!);
  }
  get bysize(): PartitionView {
    return this.by(CLASSIFIERS.Size!);
  }
  get byunity(): PartitionView {
    return this.by(CLASSIFIERS.Unity!);
  }
  get byid(): PartitionView {
    return this.by(CLASSIFIERS.Id!);
  }
  get byvia(): PartitionView {
    return this.by(CLASSIFIERS.Via!);
  }
  get byrcs(): PartitionView {
    return this.by(CLASSIFIERS.Rcs!);
  }

  /** The partition by Clodo as a Stat, to dump, load and diff (Heapy's `x.stat`). */
  get stat(): Stat {
    return Stat.fromPartition(this.byclodo.partition);
  }

  /** Appends this set's stat to a file (Heapy's `x.dump(file)`). */
  dump(file: string): void {
    this.stat.dump(file);
  }

  /** Shortest paths from the root to the members (Heapy's `sp` / `shpaths`). */
  get sp(): PathsView {
    return new PathsView(this);
  }

  /** The reference pattern of the set by Clodo, 7 levels deep (Heapy's `x.rp`). */
  get rp(): ReferencePattern {
    return this.getRp();
  }

  /** A reference pattern with a chosen depth and classifier (Heapy's `x.get_rp`). */
  getRp(depth = 7, classifier: Classifier = CLASSIFIERS.Clodo!): ReferencePattern {
    return new ReferencePattern(this, classifier, depth);
  }

  /** The sets of the partition by Clodo, largest first (Heapy's `x.parts`). */
  get parts(): HeapySet[] {
    const view = this.byclodo;
    return view.partition.rows.map((_, i) => HeapySet.from(view.row(i)));
  }

  /** Sum of the members' shallow sizes (Heapy's `indisize`, the same as `size`). */
  get indisize(): number {
    return this.size;
  }

  /** A one-line description: `<100 Foo>`, `<3 objects of 2 kinds>` (Heapy's `brief`). */
  get brief(): string {
    const rows = this.byclodo.partition.rows;
    if (rows.length === 1) return `<${this.count} ${rows[0]!.kind}>`;
    return `<${this.count} object${this.count === 1 ? "" : "s"}${rows.length > 1 ? ` of ${rows.length} kinds` : ""}>`;
  }

  /** The same as `sp` (Heapy's long name). */
  get shpaths(): PathsView {
    return this.sp;
  }

  /** The kind of the set by Clodo: the kinds its members have (Heapy's `x.kind`). */
  get kind(): Kind {
    return new Kind(CLASSIFIERS.Clodo!, this.byclodo.partition.rows.map((r) => r.kind));
  }

  /** The objects of row i of the partition by Clodo (Heapy's `x[i]`). */
  row(i: number): HeapySet {
    return HeapySet.from(this.byclodo.row(i));
  }

  /** Interactive help: `x.doc` lists the attributes, `x.doc.sp` explains one. */
  get doc(): Doc {
    return docOf("HeapySet", "x");
  }

  /** Heapy prints a set as its partition by Clodo. */
  override toString(): string {
    return String(this.byclodo);
  }
}
