import { docOf, type Doc } from "../../doc.js";
import { GuppyError } from "../../errors.js";
import type { Partition } from "../classify/partition.js";
import type { IdentitySet } from "../sets/identity-set.js";
import { Stat } from "../stat/stat.js";
import { PagedView } from "./paged-view.js";
import { DEFAULT_ROWS, renderIdTable, renderPartition } from "./partition-table.js";
import { StatView } from "./stat-text.js";

/**
 * A partition as Heapy shows it: ten rows at a time, `more` for the next page and
 * `prev`/`top` back, `all` for every row from the first, `row(i)` for the objects of row i. Printing never pages
 * through a pager; each view is a value.
 */
export class PartitionView<S extends IdentitySet = IdentitySet> extends PagedView {
  constructor(
    readonly partition: Partition<S>,
    start = 0,
    limit = DEFAULT_ROWS,
  ) {
    super(start, limit);
  }

  protected get total(): number {
    return this.partition.rows.length;
  }

  protected page(start: number, limit: number): this {
    return new PartitionView<S>(this.partition, start, limit) as this;
  }

  /** The partition as a Stat, to dump, load and diff (for any classifier, where `x.stat` is by class). */
  get stat(): StatView {
    return new StatView(Stat.fromPartition(this.partition));
  }

  /** The objects of row i (Heapy's `x[i]`). */
  row(i: number): S {
    const n = this.partition.rows.length;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new GuppyError("USAGE", `row() takes a row index from 0 to ${n - 1}; got ${typeof i === "number" ? i : typeof i}.`);
    return this.partition.rowSet(i);
  }

  /** Interactive help: `p.doc` lists the attributes, `p.doc.more` explains one. */
  get doc(): Doc {
    return docOf("PartitionView", "p");
  }

  toString(): string {
    if (this.exhausted) return "No more rows.";
    const { rows, classifier } = this.partition;
    const page = { start: this.start, limit: this.limit };
    // By identity, Heapy prints its IdFormat table (one object a row, no counts); Id labels read "Foo @123".
    if (classifier.name === "Id") return renderIdTable(rows, rows.map((r) => r.kind.replace(/ @\d+$/, "")), page);
    return renderPartition(rows, classifier.kindHeader, { ...page, ...(classifier.formatKind ? { formatKind: classifier.formatKind.bind(classifier) } : {}) });
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
