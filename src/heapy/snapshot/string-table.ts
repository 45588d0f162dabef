import { latin1Bytes, utf8Text } from "../../bytes.js";
import { typedArray } from "./memory.js";
import { nextString, StringKernel, type StringRun } from "./string-kernel.js";

const BACKSLASH = 0x5c;
/** Printable ASCII without quote or backslash: V8 writes such a string unescaped, so its bytes are its text. */
const PLAIN = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;
const QUOTE = 0x22;
/** Strings up to this many bytes are taken by StringTableBuilder.takeSimple. */
const SIMPLE_STRING = 128;

/**
 * The text of a JSON string's content. The reader refuses bad escapes, but a raw
 * control character (which JSON.parse refuses) is shown as its escape, and a table
 * from elsewhere that still fails gives its raw text: printing a name never throws.
 */
function decodeEscaped(text: string): string {
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    try {
      return JSON.parse(`"${text.replace(/[\x00-\x1f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`) as string;
    } catch {
      return text;
    }
  }
}

/** The text of a string from its raw JSON bytes (as StringTable.get gives it; a worker holding the bytes decodes the same). */
export function decodedText(raw: Uint8Array): string {
  const text = utf8Text(raw);
  return raw.indexOf(BACKSLASH) < 0 ? text : decodeEscaped(text);
}

/**
 * The snapshot's string table, kept as the raw JSON bytes of each string (without
 * quotes) plus offsets, and decoded on demand. Millions of names cost their bytes
 * plus four bytes each, not a JS string apiece.
 */
export class StringTable {
  /** Answers of indicesOf, kept because the graph layer asks for the same few names often. */
  private readonly lookups = new Map<string, readonly number[]>();

  /** starts[i]..starts[i+1] are the raw bytes of string i. */
  constructor(private readonly bytes: Uint8Array, private readonly starts: Uint32Array, readonly count: number) {}

  /** The decoded string at index i; out-of-range indices give a visible placeholder. */
  get(i: number): string {
    if (!(i >= 0 && i < this.count)) return `<missing string ${i}>`;
    return decodedText(this.bytes.subarray(this.starts[i]!, this.starts[i + 1]!));
  }

  /** Raw byte length of string i (an upper bound of its decoded length). */
  rawLength(i: number): number {
    return this.starts[i + 1]! - this.starts[i]!;
  }

  /**
   * The raw JSON bytes and offsets (string i is bytes[starts[i]] .. bytes[starts[i+1]]),
   * for hot loops that recognise names without decoding them. Read only.
   */
  rawView(): { bytes: Uint8Array; starts: Uint32Array } {
    return { bytes: this.bytes, starts: this.starts };
  }

  /** Whether string i begins with an ASCII digit (without decoding it). */
  startsWithDigit(i: number): boolean {
    const c = this.bytes[this.starts[i]!]!;
    return this.starts[i + 1]! > this.starts[i]! && c >= 0x30 && c <= 0x39;
  }

  /** Every index whose string equals s (V8 interns strings, so usually one or none). */
  indicesOf(s: string): readonly number[] {
    const known = this.lookups.get(s);
    if (known !== undefined) return known;
    const found = PLAIN.test(s) ? this.plainIndicesOf([s])[0]! : this.decodedIndicesOf(s);
    this.lookups.set(s, found);
    return found;
  }

  /**
   * Finds several names at once, for indicesOf to answer from memory: one pass over
   * the strings for all of them, where each would take a pass of its own. Names of
   * printable ASCII without quote or backslash (which V8 writes unescaped) are
   * compared on the bytes; others are left for indicesOf.
   */
  lookUp(names: readonly string[]): void {
    const wanted: string[] = [];
    for (const s of names) if (PLAIN.test(s) && !this.lookups.has(s) && !wanted.includes(s)) wanted.push(s);
    if (wanted.length === 0) return;
    const found = this.plainIndicesOf(wanted);
    for (let j = 0; j < wanted.length; j++) this.lookups.set(wanted[j]!, found[j]!);
  }

  /**
   * Each name's indices, in one pass: a string is compared on its bytes only with the
   * names of its own length. (Plain loops only: on Node 20, with V8's allocation
   * tracking on, a first form of this with spread, Array.from, a Set and array
   * callbacks crashed the process with SIGSEGV, every time, in test/live-heap.test.ts.)
   */
  private plainIndicesOf(names: readonly string[]): number[][] {
    const targets: Uint8Array[] = [];
    const found: number[][] = [];
    let longest = 0;
    for (const s of names) {
      const t = latin1Bytes(s);
      targets.push(t);
      found.push([]);
      if (t.length > longest) longest = t.length;
    }
    const byLength: number[][] = [];
    for (let len = 0; len <= longest; len++) byLength.push([]);
    for (let j = 0; j < targets.length; j++) byLength[targets[j]!.length]!.push(j);
    const { bytes, starts } = this;
    for (let i = 0; i < this.count; i++) {
      const from = starts[i]!;
      const len = starts[i + 1]! - from;
      if (len > longest) continue;
      const candidates = byLength[len]!;
      for (let c = 0; c < candidates.length; c++) {
        const j = candidates[c]!;
        const target = targets[j]!;
        let k = 0;
        while (k < len && bytes[from + k] === target[k]) k++;
        if (k === len) found[j]!.push(i);
      }
    }
    return found;
  }

  private decodedIndicesOf(s: string): number[] {
    const plainLength = Buffer.byteLength(s, "utf8");
    const found: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const len = this.starts[i + 1]! - this.starts[i]!;
      // An escaped form is never shorter than the text it stands for.
      if (len < plainLength) continue;
      if (len > plainLength && this.bytes.subarray(this.starts[i]!, this.starts[i + 1]!).indexOf(BACKSLASH) < 0) continue;
      if (this.get(i) === s) found.push(i);
    }
    return found;
  }

  /** Bytes held, for memory accounting. */
  get byteSize(): number {
    return this.bytes.byteLength + this.starts.byteLength;
  }
}

/** Accumulates raw string bytes while the reader streams the `strings` section. */
export class StringTableBuilder {
  private bytes: Uint8Array;
  private used = 0;
  private starts: Uint32Array;
  private n = 0;

  /** Made at the first run of strings; null without WebAssembly (or `wasm` false). */
  private kernel: StringKernel | null | undefined;

  /**
   * `inShared`: the table in shared memory, for worker threads to read its bytes.
   * `wasm`: runs of short strings scanned by WebAssembly (see string-kernel).
   */
  constructor(byteCapacityHint: number, private readonly inShared = false, private readonly wasm = true) {
    this.bytes = this.array(Uint8Array, Math.max(1024, byteCapacityHint));
    this.starts = this.array(Uint32Array, 1024);
  }

  private array<T extends Uint8Array | Uint32Array>(Kind: { new (buffer: ArrayBuffer | SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
    return typedArray(Kind, length, this.inShared);
  }

  /** The first `length` entries, in a new array of the table's kind of memory. */
  private copy<T extends Uint8Array | Uint32Array>(Kind: { new (buffer: ArrayBuffer | SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, from: T, length: number): T {
    const out = this.array(Kind, length);
    out.set(from.subarray(0, length));
    return out;
  }

  get count(): number {
    return this.n;
  }

  /** Opens string number `count`. */
  begin(): void {
    if (this.n + 2 > this.starts.length) this.growStarts();
    this.starts[this.n] = this.used;
  }

  private growStarts(): void {
    const s = this.array(Uint32Array, this.starts.length * 2);
    s.set(this.starts);
    this.starts = s;
  }

  /**
   * Takes a whole short string without escapes from `src`, starting just after its
   * opening quote: returns the index of its closing quote, or -1, taking nothing,
   * when it has a backslash or does not end within SIMPLE_STRING bytes before `end`
   * (the caller then reads it with begin, append and end).
   */
  takeSimple(src: Uint8Array, from: number, end: number): number {
    if (this.n + 2 > this.starts.length) this.growStarts();
    if (this.used + SIMPLE_STRING > this.bytes.length) this.reserve(SIMPLE_STRING);
    const bytes = this.bytes;
    let at = this.used;
    const limit = Math.min(end, from + SIMPLE_STRING);
    for (let k = from; k < limit; k++) {
      const c = src[k]!;
      if (c === QUOTE) {
        this.starts[this.n] = this.used;
        this.used = at;
        this.starts[++this.n] = at;
        return k;
      }
      if (c === BACKSLASH) return -1;
      bytes[at++] = c;
    }
    return -1;
  }

  /**
   * Takes the run of short strings without escapes that starts in `src` just after
   * an opening quote at `from`, each followed by ',"' or ',\n"', as takeSimple
   * takes them one by one: returns the index of the last one's closing quote, or -1
   * when the first is not such a string.
   */
  takeRun(src: Uint8Array, from: number, end: number): number {
    if (this.kernel === undefined) this.kernel = this.wasm ? StringKernel.create(SIMPLE_STRING) : null;
    if (this.kernel !== null) return this.kernel.scan(src, from, end, this.base, this.takeKernelRun);
    let q = this.takeSimple(src, from, end);
    for (let next = q < 0 ? -1 : nextString(src, q, end); next >= 0; next = nextString(src, q, end)) {
      const r = this.takeSimple(src, next, end);
      if (r < 0) break;
      q = r;
    }
    return q;
  }

  private readonly base = (): number => this.used;

  /** A kernel call's strings into the table (their ends count from `used`). */
  private readonly takeKernelRun = (run: StringRun): void => {
    while (this.n + run.n + 2 > this.starts.length) this.growStarts();
    if (this.used + run.bytes.length > this.bytes.length) this.reserve(run.bytes.length);
    this.bytes.set(run.bytes, this.used);
    this.starts.set(run.ends, this.n + 1);
    this.n += run.n;
    this.used += run.bytes.length;
  };

  /** Room for `len` more bytes. */
  private reserve(len: number): void {
    const grown = this.array(Uint8Array, Math.max(this.bytes.length * 2, this.used + len));
    grown.set(this.bytes.subarray(0, this.used));
    this.bytes = grown;
  }

  /** Appends raw bytes to the open string. */
  append(src: Uint8Array, from: number, to: number): void {
    const len = to - from;
    if (this.used + len > this.bytes.length) this.reserve(len);
    // Most names are short: copied by hand, without a view object made for each.
    if (len <= 32) {
      const bytes = this.bytes;
      let at = this.used;
      for (let k = from; k < to; k++) bytes[at++] = src[k]!;
    } else this.bytes.set(src.subarray(from, to), this.used);
    this.used += len;
  }

  /** Closes the open string. */
  end(): void {
    this.n++;
    this.starts[this.n] = this.used;
  }

  finish(): StringTable {
    // Trim the capacity slack so the table holds only what it needs.
    const bytes = this.used * 2 < this.bytes.length ? this.copy(Uint8Array, this.bytes, this.used) : this.bytes;
    if (this.n === 0) this.starts[0] = 0;
    return new StringTable(bytes, this.copy(Uint32Array, this.starts, this.n + 1), this.n);
  }
}
