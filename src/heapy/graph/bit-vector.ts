import { typedArray } from "../snapshot/memory.js";

/** A fixed-size set of small integers, one bit each; writers set `words` directly. */
export class BitVector {
  readonly words: Uint32Array;
  /** `inShared`: the words in shared memory, for a worker thread to read. */
  constructor(readonly size: number, inShared = false) {
    const length = (size + 31) >>> 5;
    this.words = typedArray(Uint32Array, length, inShared);
  }
  get(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
}
