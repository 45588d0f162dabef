/**
 * The fields of V8's number records ("digits,digits,digits\n,"), one at a time, for
 * the readers that take records straight into columns (see RecordReader). Methods
 * small enough to be inlined into their loops; the value travels in a field.
 */

const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** Reads one unsigned 32-bit field and the separator after it. */
export class RecordFields {
  /** The value the last call read. */
  value = 0;

  /**
   * A field the record goes on after: the digits at `buf[i]` and their comma. Returns
   * where the next field starts, or -1 for anything else (no digit, another separator,
   * a value over 2^32-1) or when the next would not start before `safe`, a comma's
   * index, which `i` must lie before (so the digit run ends inside the buffer).
   */
  field(buf: Uint8Array, i: number, safe: number): number {
    const j = this.digits(buf, i);
    return j >= 0 && buf[j] === COMMA && j + 1 < safe ? j + 1 : -1;
  }

  /** A record's last field: as field(), where V8 may write a newline before the comma; the next record may start at `safe`. */
  last(buf: Uint8Array, i: number): number {
    const j = this.digits(buf, i);
    if (j < 0) return -1;
    const sep = buf[j];
    if (sep === COMMA) return j + 1;
    return sep === NEWLINE && buf[j + 1] === COMMA ? j + 2 : -1;
  }

  /** The digits at `buf[i]`: the index after them, or -1 without a digit or past 2^32-1. */
  private digits(buf: Uint8Array, i: number): number {
    let x = buf[i]! - 48;
    if (x >>> 0 >= 10) return -1;
    for (;;) {
      const d = buf[++i]! - 48;
      if (d >>> 0 >= 10) break;
      x = x * 10 + d;
    }
    if (x > 0xffffffff) return -1;
    this.value = x;
    return i;
  }
}
