/** A fixed-size set of small integers, one bit each; writers set `words` directly. */
export class BitVector {
  /** `words`: bits already set (a worker's, in shared memory); else a zeroed vector. */
  constructor(
    readonly size: number,
    readonly words: Uint32Array = new Uint32Array(BitVector.wordsFor(size)),
  ) {}
  /** How many words hold `size` bits. */
  static wordsFor(size: number): number {
    return (size + 31) >>> 5;
  }
  get(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
}
