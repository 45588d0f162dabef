import { DEFAULT_ROWS } from "./partition-table.js";

/**
 * A window of rows as Heapy prints them: ten at a time, `more` for the next page,
 * `all` for every row from here. Each page is a new value; none is a cursor.
 */
export abstract class PagedView {
  constructor(
    readonly start = 0,
    readonly limit = DEFAULT_ROWS,
  ) {}

  /** How many rows there are in all. */
  protected abstract get total(): number;

  /** The same rows seen from `start`, `limit` at a time. */
  protected abstract page(start: number, limit: number): this;

  /** The next page (Heapy's `_.more`); past the end it stays at the end. */
  get more(): this {
    return this.page(Math.min(this.start + this.limit, this.total), DEFAULT_ROWS);
  }

  /** Every row from this view's start (Heapy's `_.all`). */
  get all(): this {
    return this.page(this.start, Number.POSITIVE_INFINITY);
  }

  /** True when this view starts after the last row (a `more` too many). */
  protected get exhausted(): boolean {
    return this.start > 0 && this.start >= this.total;
  }
}
