/**
 * Runs of short strings without escapes, as V8 writes most of its string table
 * ('"name",\n"name",\n', or without the newlines as Chromium writes it), scanned by
 * WebAssembly: the bytes between the quotes and where each string ends.
 * StringTableBuilder.takeSimple decides what a kernel takes (a string of fewer than
 * `simple` bytes before its quote, and no backslash); the kernel stops where a run of
 * such strings would stop, and the cursor reads on.
 */
import { Code, I32, INPUT, instantiate, Op, OUTPUT, STATE, WINDOW } from "./wasm-code.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
/** The first window of a run: most runs end at a long or escaped string long before a full window (the input is copied in). */
const FIRST_WINDOW = 1 << 10;
const BYTES = OUTPUT;
const ENDS = BYTES + WINDOW + 64;
/** Strings one call takes at most: each takes four bytes of input at least ('"",\n'). */
const CAPACITY = WINDOW / 4;

/**
 * (p, end, limit, base) -> strings: from p, just after an opening quote, strings
 * while each ends within `simple` bytes and before end, and is followed by ',"' or
 * ',\n"' (see nextString).
 * Their bytes go to BYTES, each string's end (base + bytes so far) to ENDS. State:
 * [0] the last closing quote taken, [1] the bytes written.
 */
function runKernel(simple: number): Code {
  const code = new Code([I32, I32, I32, I32], [I32]);
  const [p, end, limit, base] = [0, 1, 2, 3];
  const k = code.local(I32), o = code.local(I32), j = code.local(I32), lim = code.local(I32), c = code.local(I32), q = code.local(I32), d = code.local(I32);
  code.block("done", () => {
    code.loop("string", () => {
      code.get(k).get(limit).op(Op.i32GeU).brIf("done");
      // lim = min(end, p + simple)
      code.get(p).i32(simple).op(Op.i32Add).tee(lim).get(end).get(lim).get(end).op(Op.i32LtU).op(Op.select).set(lim);
      code.get(p).set(j);
      // (Where this string's bytes go, less j.)
      code.get(o).get(p).op(Op.i32Sub).set(d);
      code.block("found", () => {
        code.loop("byte", () => {
          code.get(j).get(lim).op(Op.i32GeU).brIf("done");
          code.get(j).load8().tee(c).i32(QUOTE).op(Op.i32Eq).brIf("found");
          code.get(c).i32(BACKSLASH).op(Op.i32Eq).brIf("done");
          code.get(j).get(d).op(Op.i32Add).get(c).store8(BYTES);
          code.get(j).i32(1).op(Op.i32Add).set(j);
          code.br("byte");
        });
      });
      code.get(o).get(j).get(p).op(Op.i32Sub).op(Op.i32Add).set(o);
      code.get(k).i32(2).op(Op.i32Shl).get(base).get(o).op(Op.i32Add).store32(ENDS);
      code.get(k).i32(1).op(Op.i32Add).set(k);
      code.get(j).set(q);
      code.get(j).i32(3).op(Op.i32Add).get(end).op(Op.i32GeU).brIf("done");
      code.get(j).load8(1).i32(COMMA).op(Op.i32Ne).brIf("done");
      code.get(j).load8(2).tee(c).i32(QUOTE).op(Op.i32Eq);
      code.if(
        () => void code.get(j).i32(3).op(Op.i32Add).set(p),
        () => {
          code.get(c).i32(NEWLINE).op(Op.i32Ne).brIf("done");
          code.get(j).load8(3).i32(QUOTE).op(Op.i32Ne).brIf("done");
          code.get(j).i32(4).op(Op.i32Add).set(p);
        },
      );
      code.br("string");
    });
  });
  code.i32(STATE).get(q).store32();
  code.i32(STATE).get(o).store32(4);
  code.get(k);
  return code;
}

/**
 * Where the next string of a run begins after the closing quote at `q`: just after
 * its opening quote when ',"' or ',\n"' follows within `end`, else -1.
 */
export function nextString(src: Uint8Array, q: number, end: number): number {
  if (q + 3 >= end || src[q + 1] !== COMMA) return -1;
  const c = src[q + 2];
  if (c === QUOTE) return q + 3;
  return c === NEWLINE && src[q + 3] === QUOTE ? q + 4 : -1;
}

/** What a kernel call found: `n` strings, their bytes and ends (views of the kernel's memory, valid until the next call). */
export interface StringRun {
  n: number;
  bytes: Uint8Array;
  ends: Uint32Array;
}

/** A compiled kernel with its memory. */
export class StringKernel {
  private readonly memory: Uint8Array;
  private readonly state: Uint32Array;
  private readonly ends: Uint32Array;
  private readonly run: (p: number, end: number, limit: number, base: number) => number;

  private constructor(exports: Record<string, unknown>, memory: ArrayBuffer, private readonly simple: number) {
    this.memory = new Uint8Array(memory);
    this.state = new Uint32Array(memory, STATE, 16);
    this.ends = new Uint32Array(memory, ENDS, CAPACITY);
    this.run = exports["run"] as StringKernel["run"];
  }

  /** A kernel for strings shorter than `simple` bytes, or null where WebAssembly is not available. */
  static create(simple: number): StringKernel | null {
    const wasm = instantiate(() => ({ run: runKernel(simple) }), ENDS + CAPACITY * 4);
    return wasm === null ? null : new StringKernel(wasm.exports, wasm.memory, simple);
  }

  /**
   * The run of simple strings from `src[from]`, just after an opening quote, to at
   * most `end`, window by window: `take` gets each call's strings, whose ends count
   * from `base()`. Returns the index in `src` of the last closing quote taken, or -1.
   */
  scan(src: Uint8Array, from: number, end: number, base: () => number, take: (run: StringRun) => void): number {
    let last = -1;
    let window = FIRST_WINDOW;
    for (;;) {
      const w = Math.min(end, from + window);
      this.memory.set(src.subarray(from, w), INPUT);
      const n = this.run(INPUT, INPUT + (w - from), CAPACITY, base());
      if (n === 0) break;
      take({ n, bytes: this.memory.subarray(BYTES, BYTES + this.state[1]!), ends: this.ends.subarray(0, n) });
      last = this.state[0]! - INPUT + from;
      // On only where the window, not a string, may have ended the run (a string the
      // window cut begins within `simple` bytes of its end).
      const cut = w < end && last + 4 + this.simple > w;
      if (!cut && n < CAPACITY) break;
      from = nextString(src, last, end);
      if (from < 0) break;
      window = Math.min(WINDOW, window * 2);
    }
    return last;
  }
}
