import { GuppyError } from "../errors.js";
import type { PartitionSort } from "./protocol.js";

/**
 * A table's rows whose kind contains `filter` (case-insensitive), ordered by a column
 * (numbers numerically, the kind as text); ties keep the given order. The rows are not changed.
 */
export function sortedRows<R extends { kind: string }>(rows: readonly R[], columns: readonly (keyof R & string)[], filter: string, sort: PartitionSort | null): R[] {
  const needle = filter.toLowerCase();
  const kept = needle === "" ? rows.slice() : rows.filter((r) => r.kind.toLowerCase().includes(needle));
  if (sort === null) return kept;
  if (!(columns as readonly string[]).includes(sort.key)) throw new GuppyError("USAGE", `Rows cannot be sorted by '${sort.key}'; choose one of ${columns.join(", ")}.`);
  const key = sort.key as keyof R & string;
  const sign = sort.descending ? -1 : 1;
  const order = kept.map((r, i) => [r, i] as const);
  order.sort(([a, i], [b, j]) => {
    const x = a[key];
    const y = b[key];
    const c = typeof x === "number" && typeof y === "number" ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
    return sign * c || i - j;
  });
  return order.map(([r]) => r);
}
