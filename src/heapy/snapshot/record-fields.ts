/**
 * The fields of V8's number records ("digits,digits,digits\n,"), one at a time, for
 * the readers that take records straight into columns (see RecordReader). A method
 * small enough to be inlined into their loops; the value travels in a field.
 */

const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** Reads one unsigned 32-bit field and the separator after it. */
export class RecordFields {
  /** The value the last call read. */
  value = 0;

  /**
   * The digits at `buf[i]` and the comma after them; returns the index after the
   * comma, or -1 for anything else (no digit, another separator, a value over
   * 2^32-1). `i` must lie before a comma of `buf`, so the digit run ends inside it.
   */
  field(buf: Uint8Array, i: number): number {
    let x = buf[i]! - 48;
    if (x >>> 0 >= 10) return -1;
    for (;;) {
      const d = buf[++i]! - 48;
      if (d >>> 0 >= 10) break;
      x = x * 10 + d;
    }
    if (buf[i] !== COMMA || x > 0xffffffff) return -1;
    this.value = x;
    return i + 1;
  }

  /** A record's last field: as field(), where V8 writes a newline before the comma. */
  last(buf: Uint8Array, i: number): number {
    let x = buf[i]! - 48;
    if (x >>> 0 >= 10) return -1;
    for (;;) {
      const d = buf[++i]! - 48;
      if (d >>> 0 >= 10) break;
      x = x * 10 + d;
    }
    if (x > 0xffffffff) return -1;
    this.value = x;
    const sep = buf[i];
    if (sep === COMMA) return i + 1;
    return sep === NEWLINE && buf[i + 1] === COMMA ? i + 2 : -1;
  }
}
