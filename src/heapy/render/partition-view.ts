import { docOf, type Doc } from "../../doc.js";
import type { Partition } from "../classify/partition.js";
import type { IdentitySet } from "../sets/identity-set.js";
import { Stat } from "../stat/stat.js";
import { DEFAULT_ROWS, renderPartition } from "./partition-table.js";

/**
 * A partition as Heapy shows it: ten rows at a time, `more` for the next page and
 * `all` for every row, `row(i)` for the objects of row i. Printing never pages
 * through a pager; each view is a value.
 */
export class PartitionView {
  constructor(
    readonly partition: Partition,
    readonly start = 0,
    readonly limit = DEFAULT_ROWS,
  ) {}

  /** The next page (Heapy's `_.more`). */
  get more(): PartitionView {
    return new PartitionView(this.partition, Math.min(this.start + this.limit, this.partition.rows.length), DEFAULT_ROWS);
  }

  /** Every row from this view's start (Heapy's `_.all`). */
  get all(): PartitionView {
    return new PartitionView(this.partition, this.start, Number.POSITIVE_INFINITY);
  }

  /** The partition as a Stat, to dump, load and diff (for any classifier, where `x.stat` is by class). */
  get stat(): Stat {
    return Stat.fromPartition(this.partition);
  }

  /** The objects of row i (Heapy's `x[i]`). */
  row(i: number): IdentitySet {
    return this.partition.rowSet(i);
  }

  /** Interactive help: `p.doc` lists the attributes, `p.doc.more` explains one. */
  get doc(): Doc {
    return docOf("PartitionView", "p");
  }

  toString(): string {
    if (this.start > 0 && this.start >= this.partition.rows.length) return "No more rows.";
    return renderPartition(this.partition.rows, this.partition.classifier.kindHeader, { start: this.start, limit: this.limit });
  }

  toJSON(): { classifier: string; count: number; size: number; rows: { index: number; kind: string; count: number; size: number }[] } {
    const rows = this.partition.rows;
    return {
      classifier: this.partition.classifier.name,
      count: rows.reduce((s, r) => s + r.count, 0),
      size: rows.reduce((s, r) => s + r.size, 0),
      rows: rows.map((r, index) => ({ index, ...r })),
    };
  }
}
