/**
 * A small set API for GSL's whole language (test/gsl/specs/*.gsl): sets of the
 * numbers 0..31 with Guppy-PE's operators as the methods standing for them in
 * JavaScript, and a map from those numbers with item access. A deliberately wrong
 * variant tests that the generated tests catch what differs.
 */

/** The numbers a BitSet can hold: 0..31, so the complement is finite. */
const UNIVERSE = 0xffffffff;

const popcount = (bits: number): number => {
  let n = 0;
  for (let b = bits >>> 0; b !== 0; b &= b - 1) n++;
  return n;
};

/** How compare() compares two sets. */
export type Comparison = "<" | "<=" | "==";

/** A set of numbers 0..31. */
export class BitSet {
  constructor(protected value: number) {}

  /** The set as a 32-bit mask. */
  get bits(): number {
    return this.value;
  }

  /** The set of the numbers given. */
  static of(...elements: number[]): BitSet {
    return new BitSet(elements.reduce((b, e) => b | (1 << e), 0) >>> 0);
  }

  and(y: BitSet): BitSet {
    return new BitSet((this.bits & y.bits) >>> 0);
  }
  or(y: BitSet): BitSet {
    return new BitSet((this.bits | y.bits) >>> 0);
  }
  minus(y: BitSet): BitSet {
    return new BitSet((this.bits & ~y.bits) >>> 0);
  }
  xor(y: BitSet): BitSet {
    return new BitSet((this.bits ^ y.bits) >>> 0);
  }
  complement(): BitSet {
    return new BitSet((~this.bits & UNIVERSE) >>> 0);
  }
  le(y: BitSet): boolean {
    return (this.bits & ~y.bits) >>> 0 === 0;
  }
  lt(y: BitSet): boolean {
    return this.le(y) && this.bits !== y.bits;
  }
  ge(y: BitSet): boolean {
    return y.le(this);
  }
  gt(y: BitSet): boolean {
    return y.lt(this);
  }
  equals(y: BitSet): boolean {
    return this.bits === y.bits;
  }
  has(e: number): boolean {
    return Number.isInteger(e) && e >= 0 && e < 32 && (this.bits & (1 << e)) !== 0;
  }
  get length(): number {
    return popcount(this.bits);
  }
  /** The index-th smallest element. */
  at(index: number): number {
    let seen = 0;
    for (let e = 0; e < 32; e++) if (this.has(e) && seen++ === index) return e;
    throw new RangeError(`no element at ${index}`);
  }
  /** Compares x with y as the operator named does. */
  compare(op: Comparison, y: BitSet): boolean {
    return op === "<" ? this.lt(y) : op === "<=" ? this.le(y) : this.equals(y);
  }
  /** x if it has elements, else y. */
  orElse<S extends BitSet>(y: S): BitSet {
    return this.length > 0 ? this : y;
  }
  /** The elements, smallest first, at most limit of them. */
  toArray(limit = 32): number[] {
    const out: number[] = [];
    for (let e = 0; e < 32 && out.length < limit; e++) if ((this.bits & (1 << e)) !== 0) out.push(e);
    return out;
  }
  /** The smallest element, or -1 for the empty set. */
  min(): number {
    return this.bits === 0 ? -1 : this.at(0);
  }
}

/** A BitSet that may change: `x |= y` as orAssign. */
export class MutBitSet extends BitSet {
  orAssign(y: BitSet): MutBitSet {
    this.value = (this.value | y.bits) >>> 0;
    return this;
  }
}

/** Names of the numbers 0..31. */
export class BitMap {
  readonly #names = new Map<number, string>();
  get(e: number): string | undefined {
    return this.#names.get(e);
  }
  set(e: number, name: string): BitMap {
    this.#names.set(e, name);
    return this;
  }
  delete(e: number): boolean {
    return this.#names.delete(e);
  }
  /** The set of the numbers that have names. */
  keys(): BitSet {
    return BitSet.of(...this.#names.keys());
  }
}

/** Like BitSet, but `&` answers a mask rather than a set and `in` refuses numbers above 15. */
export class WrongBitSet extends BitSet {
  override and(y: BitSet): BitSet {
    return ((this.bits & y.bits) >>> 0) as unknown as BitSet;
  }
  override has(e: number): boolean {
    if (e > 15) throw new RangeError("only 0..15");
    return super.has(e);
  }
}
