/**
 * V8's number records parsed by WebAssembly: about twice as fast as the same loop in
 * JavaScript on this machine (225 MB snapshot: nodes 44 against 97 ms, edges 90
 * against 160 ms), since the byte loop then needs no checks of the engine's own. The
 * readers of record-fields.ts remain for engines without WebAssembly (--jitless) and
 * decide what these kernels accept: a kernel takes exactly the records they would
 * take, and stops where they would stop, so the cursor's general loop reports errors
 * as before.
 *
 * Each call copies a window of the chunk into the kernel's memory and the records'
 * fields come back in columns of that memory, which the caller copies into its own.
 */
import { Code, I32, I64, INPUT, instantiate, Op, OUTPUT, STATE, WINDOW } from "./wasm-code.js";

const COMMA = 0x2c;
const NEWLINE = 0x0a;
/** Records one call returns at most (more than a window holds of V8's). The state: [0] where it stopped, then what its kind reports. */
const CAPACITY = 1 << 15;

/** A column a kernel writes: one value a record, of 1 or 4 bytes. */
interface KernelColumn {
  bytes: 1 | 4;
  /** Its offset in the kernel's memory. */
  at: number;
}

/** The parts of a kernel's code that parse fields. */
class Fields {
  readonly q: number;
  readonly c: number;
  readonly x: number;

  constructor(private readonly code: Code, private readonly safe: number) {
    this.q = code.local(I32);
    this.c = code.local(I32);
    this.x = code.local(I64);
  }

  /**
   * The digits at q into x (at least one, at most 2^32-1), then, for a field a record
   * goes on after, its comma, before `safe`; for the last, "," or "\n,". Anything
   * else branches to `fail`. q ends after the separator.
   */
  field(last: boolean, fail: string): void {
    const { code, q, c, x } = this;
    code.get(q).load8().i32(48).op(Op.i32Sub).tee(c).i32(10).op(Op.i32GeU).brIf(fail);
    code.get(c).op(Op.i64ExtendI32U).set(x);
    code.get(q).i32(1).op(Op.i32Add).set(q);
    code.block("digits", () => {
      code.loop("digit", () => {
        code.get(q).load8().i32(48).op(Op.i32Sub).tee(c).i32(10).op(Op.i32GeU).brIf("digits");
        code.get(x).i64(10n).op(Op.i64Mul).get(c).op(Op.i64ExtendI32U).op(Op.i64Add).tee(x);
        code.i64(0xffffffffn).op(Op.i64GtU).brIf(fail);
        code.get(q).i32(1).op(Op.i32Add).set(q);
        code.br("digit");
      });
    });
    if (!last) {
      code.get(q).load8().i32(COMMA).op(Op.i32Ne).brIf(fail);
      code.get(q).i32(1).op(Op.i32Add).tee(q).get(this.safe).op(Op.i32GeU).brIf(fail);
      return;
    }
    code.get(q).load8().tee(c).i32(COMMA).op(Op.i32Eq);
    code.if(
      () => void code.get(q).i32(1).op(Op.i32Add).set(q),
      () => {
        code.get(c).i32(NEWLINE).op(Op.i32Ne).brIf(fail);
        code.get(q).load8(1).i32(COMMA).op(Op.i32Ne).brIf(fail);
        code.get(q).i32(2).op(Op.i32Add).set(q);
      },
    );
  }

  /** x as an i32 on the stack. */
  value(): void {
    this.code.get(this.x).op(Op.i32WrapI64);
  }
}

/** Stores the i32 that `value` pushes into record k's slot of `col`. */
function store(code: Code, k: number, col: KernelColumn, value: () => void): void {
  code.get(k);
  if (col.bytes === 4) code.i32(2).op(Op.i32Shl);
  value();
  if (col.bytes === 4) code.store32(col.at);
  else code.store8(col.at);
}

/** max = max(max, the local v), unsigned. */
function raise(code: Code, max: number, v: number): void {
  code.get(v).get(max).get(v).get(max).op(Op.i32GtU).op(Op.select).set(max);
}

/**
 * The frame of every kernel, (p, safe, limit, extra) -> records: records from p while
 * one starts before safe and fewer than limit are taken; `record` parses one from q
 * (branching to "done" on anything it cannot vouch for) and stores it at k. Where it
 * stopped goes to the state.
 */
function kernel(record: (code: Code, f: Fields, k: number, extra: number) => void, finish: (code: Code) => void): Code {
  const code = new Code([I32, I32, I32, I32], [I32]);
  const [p, safe, limit, extra] = [0, 1, 2, 3];
  const k = code.local(I32);
  const f = new Fields(code, safe);
  code.block("done", () => {
    code.loop("record", () => {
      code.get(p).get(safe).op(Op.i32GeU).brIf("done");
      code.get(k).get(limit).op(Op.i32GeU).brIf("done");
      code.get(p).set(f.q);
      record(code, f, k, extra);
      code.get(k).i32(1).op(Op.i32Add).set(k);
      code.get(f.q).set(p);
      code.br("record");
    });
  });
  code.i32(STATE).get(p).store32();
  finish(code);
  code.get(k);
  return code;
}

function columnsOf(sizes: readonly (1 | 4)[]): KernelColumn[] {
  let at = OUTPUT;
  return sizes.map((bytes) => {
    const col = { bytes, at };
    at += CAPACITY * bytes;
    return col;
  });
}

/** A compiled kernel with its memory, and the loop that feeds it a chunk window by window. */
export class RecordKernel {
  private readonly memory: Uint8Array;
  private readonly state: Uint32Array;
  private readonly run: (p: number, safe: number, limit: number, extra: number) => number;
  /** The columns of the last call's records. */
  readonly out: (Uint8Array | Uint32Array)[];

  private constructor(exports: Record<string, unknown>, memory: ArrayBuffer, columns: readonly KernelColumn[], private readonly capacity: number) {
    this.memory = new Uint8Array(memory);
    this.state = new Uint32Array(memory, STATE, 16);
    this.run = exports["run"] as RecordKernel["run"];
    this.out = columns.map((c) => (c.bytes === 1 ? new Uint8Array(memory, c.at, CAPACITY) : new Uint32Array(memory, c.at, CAPACITY)));
  }

  /** A kernel, or null where WebAssembly is not available. */
  private static compile(code: () => Code, columns: readonly KernelColumn[], capacity = CAPACITY): RecordKernel | null {
    const last = columns[columns.length - 1]!;
    const wasm = instantiate(() => ({ run: code() }), last.at + CAPACITY * last.bytes);
    return wasm === null ? null : new RecordKernel(wasm.exports, wasm.memory, columns, capacity);
  }

  /**
   * Edge records "type,name,to": type (1 byte), name, and the target's ordinal, to/nf,
   * which must be whole and below the node count (`extra`). State: [1] the largest
   * type, [2] the largest name of an edge that names a string (not `element` or
   * `hidden`: those hold indices).
   */
  static edges(nf: number, element: number, hidden: number): RecordKernel | null {
    const columns = columnsOf([1, 4, 4]);
    const [type, name, target] = columns as [KernelColumn, KernelColumn, KernelColumn];
    let maxType = 0, maxName = 0;
    const record = (code: Code, f: Fields, k: number, nodeCount: number): void => {
      // (Called once, as the kernel's code is written: these locals are the kernel's.)
      const t = code.local(I32), nm = code.local(I32), ord = code.local(I32);
      maxType = code.local(I32);
      maxName = code.local(I32);
      f.field(false, "done");
      f.value();
      code.set(t);
      f.field(false, "done");
      f.value();
      code.set(nm);
      f.field(true, "done");
      f.value();
      code.i32(nf).op(Op.i32DivU).tee(ord).i32(nf).op(Op.i32Mul);
      f.value();
      code.op(Op.i32Ne).brIf("done");
      code.get(ord).get(nodeCount).op(Op.i32GeU).brIf("done");
      raise(code, maxType, t);
      // (What names an index is not a string's: no bound on the table.)
      const indexTypes = [element, hidden].filter((x) => x >= 0);
      if (indexTypes.length === 0) raise(code, maxName, nm);
      else {
        code.i32(1);
        for (const x of indexTypes) code.get(t).i32(x).op(Op.i32Ne).op(Op.i32And);
        code.if(() => raise(code, maxName, nm));
      }
      store(code, k, type, () => code.get(t));
      store(code, k, name, () => code.get(nm));
      store(code, k, target, () => code.get(ord));
    };
    return RecordKernel.compile(
      () => kernel(record, (code) => void code.i32(STATE).get(maxType).store32(4).i32(STATE).get(maxName).store32(8)),
      columns,
    );
  }

  /**
   * Node records "type,name,id,self_size,edge_count,trace_node_id[,detachedness]"
   * (`detachedness`: the seventh field). Columns: type (1 byte), name, id, self size,
   * first edge (the running count of edges from `extra`, modulo 2^32 as a Uint32Array
   * stores it), trace id, detachedness (1 byte). State: [1] the largest type, [2] the
   * largest name, [3] whether a trace id and [4] whether a detachedness is not zero,
   * [5] and [6] the call's edges, low and high 32 bits.
   */
  static nodes(detachedness: boolean): RecordKernel | null {
    const columns = columnsOf([1, 4, 4, 4, 4, 4, 1]);
    const [type, name, id, size, first, trace, detached] = columns as [KernelColumn, KernelColumn, KernelColumn, KernelColumn, KernelColumn, KernelColumn, KernelColumn];
    let locals: { maxType: number; maxName: number; traces: number; detached: number; edges: number } | null = null;
    const record = (code: Code, f: Fields, k: number, base: number): void => {
      const v = [code.local(I32), code.local(I32), code.local(I32), code.local(I32), code.local(I32), code.local(I32), code.local(I32)];
      locals = { maxType: code.local(I32), maxName: code.local(I32), traces: code.local(I32), detached: code.local(I32), edges: code.local(I64) };
      const nfields = detachedness ? 7 : 6;
      for (let i = 0; i < nfields; i++) {
        f.field(i === nfields - 1, "done");
        f.value();
        code.set(v[i]!);
      }
      const [t, nm, nodeId, self, e, tr, det] = v as [number, number, number, number, number, number, number];
      const L = locals;
      raise(code, L.maxType, t);
      raise(code, L.maxName, nm);
      code.get(L.traces).get(tr).op(Op.i32Or).set(L.traces);
      store(code, k, type, () => code.get(t));
      store(code, k, name, () => code.get(nm));
      store(code, k, id, () => code.get(nodeId));
      store(code, k, size, () => code.get(self));
      store(code, k, first, () => code.get(base).get(L.edges).op(Op.i32WrapI64).op(Op.i32Add));
      store(code, k, trace, () => code.get(tr));
      if (detachedness) {
        code.get(L.detached).get(det).op(Op.i32Or).set(L.detached);
        store(code, k, detached, () => code.get(det));
      }
      code.get(L.edges).get(e).op(Op.i64ExtendI32U).op(Op.i64Add).set(L.edges);
    };
    return RecordKernel.compile(
      () =>
        kernel(record, (code) => {
          const L = locals!;
          code.i32(STATE).get(L.maxType).store32(4).i32(STATE).get(L.maxName).store32(8);
          code.i32(STATE).get(L.traces).store32(12).i32(STATE).get(L.detached).store32(16);
          code.i32(STATE).get(L.edges).op(Op.i32WrapI64).store32(20);
          code.i32(STATE).get(L.edges).i64(32n).op(Op.i64ShrU).op(Op.i32WrapI64).store32(24);
        }),
      columns,
    );
  }

  /** Records of `width` numbers into one column, record after record (`width` at most 16). */
  static flat(width: number): RecordKernel | null {
    if (width < 1 || width > 16) return null;
    // (One column of CAPACITY numbers: CAPACITY / width records a call.)
    const columns = columnsOf([4]);
    const [col] = columns as [KernelColumn];
    const record = (code: Code, f: Fields, k: number): void => {
      const at = code.local(I32);
      code.get(k).i32(width * 4).op(Op.i32Mul).set(at);
      for (let w = 0; w < width; w++) {
        f.field(w === width - 1, "done");
        code.get(at);
        f.value();
        code.store32(col.at + 4 * w);
      }
    };
    return RecordKernel.compile(() => kernel(record, () => undefined), columns, Math.floor(CAPACITY / width));
  }

  /** State slot `i` the last call left (see each kind). */
  reported(i: number): number {
    return this.state[i]!;
  }

  /**
   * Records from `buf[i]` that end before the comma at `safe`, at most `room`, window
   * by window: `take(n)` after each call copies its n records out of `out`. `extra` is
   * the kind's (see each). Returns where it stopped, a record's start, as a
   * RecordReader does.
   */
  scan(buf: Uint8Array, i: number, safe: number, room: number, extra: () => number, take: (n: number) => void): number {
    const state = this.state;
    while (i < safe && room > 0) {
      let w = safe;
      if (safe - i > WINDOW) {
        w = buf.lastIndexOf(COMMA, i + WINDOW);
        if (w <= i) break;
      }
      this.memory.set(buf.subarray(i, w + 1), INPUT);
      const n = this.run(INPUT, INPUT + (w - i), Math.min(this.capacity, room), extra());
      const stop = state[STATE]! - INPUT + i;
      if (n > 0) take(n);
      room -= n;
      // (A window's last record may run past its comma: the next window starts with it.)
      if (stop === i) break;
      i = stop;
    }
    return i;
  }
}
