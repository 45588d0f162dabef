import { concatBytes, utf8Text } from "../../bytes.js";
import { GuppyError, type GuppyErrorCode } from "../../errors.js";
import type { ByteSource } from "./byte-source.js";
import type { StringTableBuilder } from "./string-table.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const NEWLINE = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** What a printable byte is, for error messages (never heap content beyond one byte). */
function describeByte(c: number): string {
  return c >= 0x21 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, "0")}`;
}

/** readNumberArray's state between chunks. st: 0 after '[', 1 in a number, 2 after a number, 3 after ',', 4 after '-'. */
interface NumberScan {
  readonly batch: Float64Array;
  readonly flush: (n: number) => void;
  readonly limit: number;
  readonly unsigned32: boolean;
  readonly records: RecordReader | null;
  n: number;
  v: number;
  neg: boolean;
  st: number;
}

/**
 * Reads whole records of a number array straight from the bytes into their columns,
 * where V8's writer fixes the layout ("digits,digits,digits\n,"): faster than numbers
 * through a batch. The cursor hands it the chunk at a record's start.
 */
export interface RecordReader {
  readonly width: number;
  /**
   * Takes the records that begin at `buf[i]` and end before the comma at `safe`, as
   * long as it can vouch for each (values within 2^32-1, a valid layout, room in its
   * columns), and returns where it stopped: a record's start. The cursor reads the
   * rest the general way, which reports whatever is wrong as it always does.
   */
  read(buf: Uint8Array, i: number, safe: number): number;
}

/**
 * A forward-only JSON walker over a ByteSource. It never holds more than one chunk:
 * number arrays stream into caller batches and strings into a StringTableBuilder.
 * Every failure is a GuppyError carrying the absolute byte offset.
 */
export class JsonCursor {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;
  /** Absolute offset of buf[0] in the decompressed input. */
  private base = 0;
  private eof = false;
  /** Which part of the file is being read, for truncation messages. */
  section = "the start of the file";
  /**
   * Escape checking inside a string that may span chunks: 0 outside an escape, 1 just
   * after a backslash, 2 in the hex digits of \u (hexLeft to go); escAt is where it began.
   */
  private esc = 0;
  private hexLeft = 0;
  private escAt = 0;
  /** The next backslash in the chunk at or after the last position asked about (end: none). */
  private nextBackslash = -1;

  /** `start`: the absolute offset of the source's first byte (a source opened mid-file). */
  constructor(private readonly source: ByteSource, private readonly onChunk: () => void, start = 0) {
    this.base = start;
  }

  /** Continues at absolute byte `offset` (a seekable source only), forgetting what was buffered. */
  async jump(offset: number): Promise<void> {
    if (this.source.seek === undefined) throw new Error("jump needs a seekable source");
    await this.source.seek(offset);
    this.buf = new Uint8Array(0);
    this.pos = this.end = 0;
    this.base = offset;
    this.eof = false;
    this.nextBackslash = -1;
  }

  /**
   * Discards input up to absolute byte `offset` (forward only): how a reader that
   * shares a sequential stream (gzip) with another gets to its own part.
   */
  async skipTo(offset: number): Promise<void> {
    while (this.base + this.end < offset) {
      this.pos = this.end;
      if (!(await this.fill())) throw this.truncated();
    }
    if (offset > this.base + this.pos) this.pos = offset - this.base;
  }

  /** Absolute byte offset of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Whether the input ended (used to recognise truncation for salvage). */
  get atEnd(): boolean {
    return this.eof && this.pos >= this.end;
  }

  /** A GuppyError at `at` (by default the next unread byte); null: no offset, for a record found wrong after it was read. */
  fail(code: GuppyErrorCode, message: string, at: number | null = this.offset): GuppyError {
    return new GuppyError(code, message, { file: this.source.name, ...(at === null ? {} : { offset: at }) });
  }

  private truncated(): GuppyError {
    return this.fail("TRUNCATED", `The file ends in the middle of ${this.section}: it was probably cut off while being written.`);
  }

  private unexpected(c: number, what: string, at: number): GuppyError {
    return this.fail("INVALID_JSON", `Expected ${what} but found ${describeByte(c)} in ${this.section}.`, at);
  }

  private tooLarge(v: number, end: number): GuppyError {
    return this.fail("TOO_LARGE", `A number in ${this.section} is too large (${v > 1e15 ? "over 15 digits" : v}).`, this.base + end - 1);
  }

  /** Loads the next chunk; false at end of input. */
  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    const chunk = await this.source.next();
    this.base += this.end;
    if (chunk === null) {
      this.eof = true;
      this.buf = new Uint8Array(0);
      this.pos = this.end = 0;
      return false;
    }
    this.buf = chunk;
    this.pos = 0;
    this.end = chunk.length;
    this.nextBackslash = -1;
    this.onChunk();
    return true;
  }

  /** The next non-space byte without consuming it, or -1 at end of input. */
  async peek(): Promise<number> {
    for (;;) {
      while (this.pos < this.end) {
        const c = this.buf[this.pos]!;
        if (!isSpace(c)) return c;
        this.pos++;
      }
      if (!(await this.fill())) return -1;
    }
  }

  /** Consumes the next non-space byte, which must be `byte`. */
  async expect(byte: number, what: string): Promise<void> {
    const c = await this.peek();
    if (c < 0) throw this.truncated();
    if (c !== byte) throw this.unexpected(c, what, this.offset);
    this.pos++;
  }

  /** Consumes one byte already seen by peek(). */
  skipByte(): void {
    this.pos++;
  }

  /** Reads a short JSON string (an object key); longer than `limit` bytes is an error. */
  async readShortString(limit = 4096): Promise<string> {
    await this.expect(QUOTE, "a string");
    const bytes: number[] = [];
    let escaped = false;
    for (;;) {
      if (this.pos >= this.end && !(await this.fill())) throw this.truncated();
      const c = this.buf[this.pos++]!;
      if (!escaped && c === QUOTE) break;
      escaped = !escaped && c === BACKSLASH;
      bytes.push(c);
      if (bytes.length > limit) throw this.fail("INVALID_JSON", `A key in ${this.section} is implausibly long.`);
    }
    const text = utf8Text(Uint8Array.from(bytes));
    try {
      return JSON.parse(`"${text}"`) as string;
    } catch {
      throw this.fail("INVALID_JSON", `A key in ${this.section} is not a valid JSON string.`);
    }
  }

  /**
   * Returns the raw text of the next value (object, array or scalar), at most
   * `limit` bytes; used for the small header and for sections we parse with JSON.parse.
   * Returns null (having skipped the value) when it is larger than the limit.
   */
  async captureValue(limit: number, maxDepth = Infinity): Promise<string | null> {
    const parts: Uint8Array[] = [];
    let size = 0;
    let over = false;
    await this.walkValue(maxDepth, (from, to) => {
      if (over) return;
      size += to - from;
      if (size > limit) {
        over = true;
        parts.length = 0;
        return;
      }
      parts.push(this.buf.slice(from, to));
    });
    return over ? null : utf8Text(concatBytes(parts));
  }

  /** Skips the next value, whatever it is. */
  async skipValue(): Promise<void> {
    await this.walkValue(Infinity, () => undefined);
  }

  /** Walks one balanced JSON value, reporting the byte ranges it covers chunk by chunk. */
  private async walkValue(maxDepth: number, take: (from: number, to: number) => void): Promise<void> {
    const first = await this.peek();
    if (first < 0) throw this.truncated();
    let depth = 0;
    let inString = false;
    let escaped = false;
    for (;;) {
      const buf = this.buf;
      const end = this.end;
      const from = this.pos;
      let i = from;
      let done = false;
      while (i < end) {
        const c = buf[i++]!;
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) {
            inString = false;
            if (depth === 0) {
              done = true;
              break;
            }
          }
        } else if (c === QUOTE) inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          // Bounded, because whoever reads the value later (JSON.stringify of the cache) recurses.
          if (++depth > maxDepth) throw this.fail("INVALID_JSON", `A value in ${this.section} is nested more than ${maxDepth} deep.`, this.base + i - 1);
        }
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          if (--depth <= 0) {
            if (depth < 0) throw this.unexpected(c, "a value", this.base + i - 1);
            done = true;
            break;
          }
        } else if (depth === 0 && (c === COMMA || isSpace(c))) {
          // End of a scalar at the top level: leave the delimiter unread.
          i--;
          done = true;
          break;
        }
      }
      take(from, i);
      this.pos = i;
      if (done) return;
      if (!(await this.fill())) {
        if (depth === 0 && !inString) return;
        throw this.truncated();
      }
    }
  }

  /**
   * Streams a JSON array of integers into `batch`, calling `flush(n)` whenever it
   * holds `batch.length` values and once more at the end with the remainder.
   * This is the hot loop of the whole reader: one pass, no allocation.
   * With `unsigned32`, a minus sign or a value above 2^32-1 is an error, so callers
   * storing into Uint32 columns need no checks of their own. `records` (with a batch
   * of whole records) takes the whole records it can itself; the batch then gets only
   * what it leaves, flushed at a record's end.
   */
  async readNumberArray(batch: Float64Array, flush: (n: number) => void, unsigned32 = false, records: RecordReader | null = null): Promise<void> {
    if (records !== null && batch.length % records.width !== 0) throw new Error("a record reader needs a batch of whole records");
    await this.expect(OPEN_BRACKET, "'['");
    await this.scanNumberArray(batch, flush, unsigned32, 0, records);
  }

  /**
   * readNumberArray for the rest of an array, from just after one of its commas (where
   * another thread's part of the array ended): the cursor must stand there.
   */
  async readNumberArrayRest(batch: Float64Array, flush: (n: number) => void, unsigned32 = false, records: RecordReader | null = null): Promise<void> {
    if (records !== null && batch.length % records.width !== 0) throw new Error("a record reader needs a batch of whole records");
    await this.scanNumberArray(batch, flush, unsigned32, 3, records);
  }

  private async scanNumberArray(batch: Float64Array, flush: (n: number) => void, unsigned32: boolean, st: number, records: RecordReader | null): Promise<void> {
    const scan: NumberScan = { batch, flush, limit: unsigned32 ? 0xffffffff : Number.MAX_SAFE_INTEGER, unsigned32, records, n: 0, v: 0, neg: false, st };
    // The loop over one chunk is a plain function; `scan` keeps its state between chunks.
    while (!this.scanNumbers(scan)) {
      if (!(await this.fill())) throw this.truncated();
    }
  }

  /** readNumberArray over the buffered chunk; true once past the array's ']'. */
  private scanNumbers(scan: NumberScan): boolean {
    const { batch, flush, limit, unsigned32, records } = scan;
    const cap = batch.length;
    const width = records?.width ?? 1;
    let { n, v, neg, st } = scan;
    const buf = this.buf;
    const end = this.end;
    let i = this.pos;
    const safe = end > i ? buf.lastIndexOf(COMMA, end - 1) : -1;
    while (i < end) {
      if (st === 3 || st === 0) {
        // V8 writes "digits," or "digits\n,": that layout gets a loop of its own, much
        // faster than the general one below. Anything else (a sign, other spaces) goes
        // back to the number's start for the general loop. It stops at the chunk's last
        // comma, so no digit run or look-ahead reads past the chunk (a read out of
        // bounds would slow every read of the loop).
        let taken = false;
        // A record reader gets the chunk once, at the first record boundary: the loop
        // below takes the numbers of a record the chunk's start cut, and stops there.
        let pending = records !== null;
        for (;;) {
          if (pending && n % width === 0) {
            pending = false;
            if (n > 0) {
              flush(n);
              n = 0;
            }
            const j = records!.read(buf, i, safe);
            if (j > i) {
              i = j;
              taken = true;
            }
          }
          const stop = pending ? n + width - (n % width) : -1;
          let aligned = false;
          while (i < safe) {
            let x = buf[i]! - 48;
            if (x >>> 0 >= 10) break;
            const from = i++;
            for (;;) {
              const d = buf[i]! - 48;
              if (d >>> 0 >= 10) break;
              x = x * 10 + d;
              i++;
            }
            const sepAt = i;
            const sep = buf[i]!;
            if (sep === COMMA) i++;
            else if (sep === NEWLINE && buf[i + 1] === COMMA) i += 2;
            else {
              i = from;
              break;
            }
            if (x > limit) throw this.tooLarge(x, sepAt + 1);
            batch[n++] = x;
            taken = true;
            aligned = n === stop;
            if (n === cap) {
              flush(n);
              n = 0;
            }
            if (aligned) break;
          }
          if (!aligned) break;
        }
        if (taken) st = 3;
        if (i === end) break;
      }
      let c = buf[i]!;
      if (((c - 48) >>> 0) < 10) {
        if (st === 2) throw this.unexpected(c, "',' or ']'", this.base + i);
        // The digits of one number in a tight loop: state is settled once per number, not per byte.
        v = v * 10 + (c - 48);
        i++;
        while (i < end) {
          const d = buf[i]! - 48;
          if ((d >>> 0) >= 10) break;
          v = v * 10 + d;
          i++;
        }
        st = 1;
        if (i === end) break;
        c = buf[i]!;
      }
      i++;
      if (c === COMMA) {
        if (st === 1) {
          if (v > limit) throw this.tooLarge(v, i);
          batch[n++] = neg ? -v : v;
          v = 0;
          neg = false;
          if (n === cap) {
            flush(n);
            n = 0;
          }
        } else if (st !== 2) throw this.unexpected(c, "a number", this.base + i - 1);
        st = 3;
      } else if (c === CLOSE_BRACKET) {
        if (st === 1) {
          if (v > limit) throw this.tooLarge(v, i);
          batch[n++] = neg ? -v : v;
        } else if (st === 3 || st === 4) throw this.unexpected(c, "a number", this.base + i - 1);
        this.pos = i;
        flush(n);
        return true;
      } else if (isSpace(c)) {
        if (st === 1) {
          // V8 writes a newline after each record's last number: the limit holds here too.
          if (v > limit) throw this.tooLarge(v, i);
          batch[n++] = neg ? -v : v;
          v = 0;
          neg = false;
          st = 2;
          if (n === cap) {
            flush(n);
            n = 0;
          }
        } else if (st === 4) throw this.unexpected(c, "a digit", this.base + i - 1);
      } else if (c === MINUS && (st === 0 || st === 3) && !unsigned32) {
        neg = true;
        st = 4;
      } else if (c === 0x2e || c === 0x65 || c === 0x45) {
        throw this.fail("INVALID_JSON", `A fractional number appears in ${this.section}, which holds whole numbers only.`, this.base + i - 1);
      } else {
        throw this.unexpected(c, st === 1 || st === 2 ? "',' or ']'" : "a number", this.base + i - 1);
      }
    }
    this.pos = i;
    scan.n = n;
    scan.v = v;
    scan.neg = neg;
    scan.st = st;
    return false;
  }

  /**
   * Passes over a JSON array of numbers to just after its ']', without reading the
   * numbers (a native search per chunk): for a section another thread parses, which
   * reports whatever is wrong inside it.
   */
  async skipNumberArray(): Promise<void> {
    await this.expect(OPEN_BRACKET, "'['");
    for (;;) {
      const at = this.buf.subarray(0, this.end).indexOf(CLOSE_BRACKET, this.pos);
      if (at >= 0) {
        this.pos = at + 1;
        return;
      }
      this.pos = this.end;
      if (!(await this.fill())) throw this.truncated();
    }
  }

  private badEscape(): GuppyError {
    return this.fail("INVALID_JSON", `A string in ${this.section} has an invalid escape sequence.`, this.escAt);
  }

  /**
   * Checks the escapes in buf[from..to) of the string being read, carrying state over
   * chunk ends, so that a name that cannot be decoded is refused here rather than
   * failing wherever it is first printed. Jumps between backslashes natively.
   */
  private checkEscapes(buf: Uint8Array, from: number, to: number): void {
    let i = from;
    while (i < to) {
      if (this.esc === 0) {
        if (this.nextBackslash < i) {
          const k = buf.indexOf(BACKSLASH, i);
          this.nextBackslash = k < 0 ? this.end : k;
        }
        if (this.nextBackslash >= to) return;
        this.escAt = this.base + this.nextBackslash;
        i = this.nextBackslash + 1;
        this.esc = 1;
      } else if (this.esc === 1) {
        const c = buf[i++]!;
        if (c === 0x75) {
          this.esc = 2;
          this.hexLeft = 4;
        } else if (c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) this.esc = 0;
        else throw this.badEscape();
      } else {
        const c = buf[i++]!;
        if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) throw this.badEscape();
        if (--this.hexLeft === 0) this.esc = 0;
      }
    }
  }

  /**
   * Streams a JSON array of strings into `out`, keeping each string's raw bytes.
   * On truncation it throws TRUNCATED after `out` holds every complete string.
   * Strings within the chunk at hand are read in one synchronous loop (a snapshot has
   * millions, most of them short); only a chunk's end waits for the next.
   */
  async readStringArray(out: StringTableBuilder): Promise<void> {
    await this.expect(OPEN_BRACKET, "'['");
    let first = true;
    // 0: before a string (or the ']' of an empty array), 1: inside one, 2: after one.
    let st = 0;
    // Count of backslashes that end the content so far, to tell \" from a closing quote.
    let trailing = 0;
    for (;;) {
      const buf = this.buf;
      const end = this.end;
      let i = this.pos;
      while (i < end) {
        if (st === 0) {
          const c = buf[i]!;
          if (isSpace(c)) {
            i++;
            continue;
          }
          if (c === CLOSE_BRACKET && first) {
            this.pos = i + 1;
            return;
          }
          if (c !== QUOTE) throw this.unexpected(c, "a string", this.base + i);
          // Most names are short, without escapes, and V8 separates them by ",\n": those are
          // taken in one loop, string after string (far fewer native calls per string).
          const q = out.takeRun(buf, i + 1, end);
          if (q >= 0) {
            first = false;
            i = q + 1;
            st = 2;
            continue;
          }
          i++;
          out.begin();
          st = 1;
          trailing = 0;
        } else if (st === 1) {
          const segStart = i;
          let q = buf.indexOf(QUOTE, segStart);
          while (q >= 0 && q < end) {
            let k = q - 1;
            while (k >= segStart && buf[k] === BACKSLASH) k--;
            let run = q - 1 - k;
            if (k < segStart) run += trailing;
            if ((run & 1) === 0) break;
            q = buf.indexOf(QUOTE, q + 1);
          }
          if (q >= 0 && q < end) {
            this.checkEscapes(buf, segStart, q);
            if (this.esc !== 0) throw this.badEscape();
            out.append(buf, segStart, q);
            out.end();
            first = false;
            i = q + 1;
            st = 2;
          } else {
            this.checkEscapes(buf, segStart, end);
            out.append(buf, segStart, end);
            let k = end - 1;
            while (k >= segStart && buf[k] === BACKSLASH) k--;
            trailing = k < segStart ? trailing + (end - segStart) : end - 1 - k;
            i = end;
          }
        } else {
          const c = buf[i]!;
          if (isSpace(c)) {
            i++;
            continue;
          }
          if (c === COMMA) {
            i++;
            st = 0;
          } else if (c === CLOSE_BRACKET) {
            this.pos = i + 1;
            return;
          } else throw this.unexpected(c, "',' or ']'", this.base + i);
        }
      }
      this.pos = i;
      if (!(await this.fill())) throw this.truncated();
    }
  }
}
