import { typedArray } from "../snapshot/memory.js";

/** A fixed-size set of small integers, one bit each; writers set `words` directly. */
export class BitVector {
  readonly words: Uint32Array;
  /** `inShared`: the words in shared memory, for a worker thread to read; `words`: the bits a worker set. */
  constructor(readonly size: number, inShared = false, words?: Uint32Array) {
    this.words = words ?? typedArray(Uint32Array, BitVector.wordsFor(size), inShared);
  }
  /** How many words hold `size` bits. */
  static wordsFor(size: number): number {
    return (size + 31) >>> 5;
  }
  get(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
}
