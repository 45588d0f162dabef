import { inspect } from "node:util";
import { DEFAULT_ROWS } from "./partition-table.js";

/**
 * A window of rows as Heapy prints them: ten at a time, `more` for the next page,
 * `prev` and `top` back, `all` for every row from the first, label included. Each
 * page is a new value; none is a cursor.
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

  /** The page before this one (at the first page, the first page). */
  get prev(): this {
    return this.page(Math.max(0, this.start - DEFAULT_ROWS), DEFAULT_ROWS);
  }

  /** The first page, with the label. */
  get top(): this {
    return this.page(0, DEFAULT_ROWS);
  }

  /** Every row from the first, with the label (Heapy's `_.all`). */
  get all(): this {
    return this.page(0, Number.POSITIVE_INFINITY);
  }

  /** The REPL and console.log show the view as Heapy's text. */
  [inspect.custom](): string {
    return String(this);
  }

  /** True when this view starts after the last row (a `more` too many). */
  protected get exhausted(): boolean {
    return this.start > 0 && this.start >= this.total;
  }
}
