/**
 * A minimal WebAssembly assembler for the reader's kernels (record-kernel.ts, string-kernel.ts):
 * structured control with named labels, the few i32/i64 instructions they use, and a
 * module of exported functions over one exported memory. Kernels are built at run
 * time for the file's layout, so no compiled binary ships and no toolchain is needed.
 */

/**
 * The kernels' memory, as each lays it out: the state a call leaves at STATE (16 words),
 * the window of input copied in at INPUT, and after it what the kernel writes.
 * WINDOW, the bytes of input one call takes at most, is small enough that the first
 * call, run before the engine optimises the kernel (it cannot replace a running call),
 * costs little, and that a kernel's memory adds little to the peak (a few hundred KiB).
 */
export const STATE = 0;
export const INPUT = 64;
export const WINDOW = 1 << 18;
/** Where a kernel's output may begin, past the window and a little slack. */
export const OUTPUT = INPUT + WINDOW + 64;

/** The value types the kernels use. */
export const I32 = 0x7f;
export const I64 = 0x7e;

/** Opcodes without immediates (WebAssembly core spec, section 5.4). */
export const Op = {
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32GeU: 0x4f,
  i64GtU: 0x56,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32DivU: 0x6e,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  i64Add: 0x7c,
  i64Mul: 0x7e,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
  select: 0x1b,
} as const;

function uleb(n: number, out: number[]): void {
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
}

function sleb(n: bigint, out: number[]): void {
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** One function's body, written instruction by instruction; branches name their label. */
export class Code {
  readonly bytes: number[] = [];
  private readonly labels: (string | null)[] = [];
  private readonly localTypes: number[] = [];

  /** `params`: the function's parameter types, locals 0.. in order. */
  constructor(readonly params: readonly number[], readonly results: readonly number[]) {}

  /** A new local of `type`: its index. */
  local(type: number): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }

  get(l: number): this {
    return this.op(0x20, ...this.index(l));
  }

  set(l: number): this {
    return this.op(0x21, ...this.index(l));
  }

  tee(l: number): this {
    return this.op(0x22, ...this.index(l));
  }

  i32(n: number): this {
    this.op(0x41);
    sleb(BigInt(n | 0), this.bytes);
    return this;
  }

  i64(n: bigint): this {
    this.op(0x42);
    sleb(BigInt.asIntN(64, n), this.bytes);
    return this;
  }

  /** i32.load8_u at the address on the stack plus `offset`. */
  load8(offset = 0): this {
    return this.memory(0x2d, 0, offset);
  }

  store8(offset = 0): this {
    return this.memory(0x3a, 0, offset);
  }

  store32(offset = 0): this {
    return this.memory(0x36, 2, offset);
  }

  block(label: string, body: () => void): this {
    return this.nest(0x02, label, body);
  }

  loop(label: string, body: () => void): this {
    return this.nest(0x03, label, body);
  }

  /** if (then) else (otherwise), on the i32 on the stack. */
  if(then: () => void, otherwise?: () => void): this {
    this.op(0x04, 0x40);
    this.labels.push(null);
    then();
    if (otherwise !== undefined) {
      this.op(0x05);
      otherwise();
    }
    this.labels.pop();
    return this.op(0x0b);
  }

  br(label: string): this {
    return this.op(0x0c, ...this.depth(label));
  }

  brIf(label: string): this {
    return this.op(0x0d, ...this.depth(label));
  }

  /** The encoded body: locals, then the instructions and the final end. */
  encode(): number[] {
    const out: number[] = [];
    uleb(this.localTypes.length, out);
    for (const t of this.localTypes) out.push(1, t);
    out.push(...this.bytes, 0x0b);
    const sized: number[] = [];
    uleb(out.length, sized);
    return [...sized, ...out];
  }

  private nest(opcode: number, label: string, body: () => void): this {
    this.op(opcode, 0x40);
    this.labels.push(label);
    body();
    this.labels.pop();
    return this.op(0x0b);
  }

  private depth(label: string): number[] {
    const at = this.labels.lastIndexOf(label);
    if (at < 0) throw new Error(`no label ${label}`);
    const out: number[] = [];
    uleb(this.labels.length - 1 - at, out);
    return out;
  }

  private index(l: number): number[] {
    const out: number[] = [];
    uleb(l, out);
    return out;
  }

  private memory(opcode: number, align: number, offset: number): this {
    this.op(opcode, align);
    uleb(offset, this.bytes);
    return this;
  }
}

function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  uleb(body.length, out);
  out.push(...body);
}

function name(s: string, out: number[]): void {
  uleb(s.length, out);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/**
 * A module of `functions`, each exported under its name, over one memory of `pages`
 * (64 KiB each) exported as "memory".
 */
export function moduleOf(functions: Readonly<Record<string, Code>>, pages: number): Uint8Array {
  const entries = Object.entries(functions);
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(entries.length, types);
  for (const [, f] of entries) {
    types.push(0x60);
    uleb(f.params.length, types);
    types.push(...f.params);
    uleb(f.results.length, types);
    types.push(...f.results);
  }
  section(1, types, out);
  const funcs: number[] = [];
  uleb(entries.length, funcs);
  entries.forEach((_, i) => uleb(i, funcs));
  section(3, funcs, out);
  const memory: number[] = [1, 0x00];
  uleb(pages, memory);
  section(5, memory, out);
  const exports: number[] = [];
  uleb(entries.length + 1, exports);
  entries.forEach(([n], i) => {
    name(n, exports);
    exports.push(0x00);
    uleb(i, exports);
  });
  name("memory", exports);
  exports.push(0x02, 0x00);
  section(7, exports, out);
  const code: number[] = [];
  uleb(entries.length, code);
  for (const [, f] of entries) code.push(...f.encode());
  section(10, code, out);
  return new Uint8Array(out);
}

/** The part of the WebAssembly API the kernels use (Node's types declare it without values). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/** An instance of `functions` over a memory of at least `bytes`, or null where WebAssembly is not available (Node's --jitless) or refuses the module. */
export function instantiate(functions: () => Readonly<Record<string, Code>>, bytes: number): { exports: Record<string, unknown>; memory: ArrayBuffer } | null {
  const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (typeof wasm !== "object") return null;
  try {
    const instance = new wasm.Instance(new wasm.Module(moduleOf(functions(), Math.ceil(bytes / 65536))));
    return { exports: instance.exports, memory: (instance.exports["memory"] as { buffer: ArrayBuffer }).buffer };
  } catch {
    return null;
  }
}
