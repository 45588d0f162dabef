/**
 * Where the edges section is split between its worker, which parses it from the
 * front, and the main thread, which takes the rest once its own part of the file is
 * done first. The two threads agree through one shared word: how many chunks the
 * worker has claimed, or -1 once the main thread has taken the tail, whose first
 * comma (at `cut`) the worker then reads as the end of its array.
 */

/** The shared state: Int32 [claimed chunks or -1], then Float64 [the cut's offset]. */
export const SPLIT_BYTES = 16;

const CLAIMED = 0;
const TAKEN = -1;

/** One side's view of the split of a section that begins at `start` and is read `chunk` bytes a time. */
export class EdgeSplit {
  private readonly word: Int32Array;
  private readonly at: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer, readonly start: number, readonly chunk: number) {
    this.word = new Int32Array(buffer, 0, 1);
    this.at = new Float64Array(buffer, 8, 1);
  }

  /**
   * The worker, before it reads `length` bytes at `offset` (chunks in order): how
   * many it may read. Through the cut's comma once the tail is taken, else all.
   */
  allow(offset: number, length: number): number {
    const k = Math.floor((offset - this.start) / this.chunk);
    for (;;) {
      const c = Atomics.load(this.word, CLAIMED);
      if (c === TAKEN) return Math.max(0, Math.min(length, this.at[0]! + 1 - offset));
      if (Atomics.compareExchange(this.word, CLAIMED, c, Math.max(c, k + 1)) === c) return length;
    }
  }

  /** The offset of the comma where the tail begins, or -1 while the worker has it all. */
  get cut(): number {
    return Atomics.load(this.word, CLAIMED) === TAKEN ? this.at[0]! : -1;
  }

  /** Where the worker's claimed chunks end: bytes it has read or is reading. */
  get claimedTo(): number {
    const c = Atomics.load(this.word, CLAIMED);
    return c === TAKEN ? this.at[0]! : this.start + c * this.chunk;
  }

  /**
   * The main thread: takes the section from the comma at `comma` on, if the worker
   * has not claimed the chunk it is in; true when taken.
   */
  take(comma: number): boolean {
    for (;;) {
      const c = Atomics.load(this.word, CLAIMED);
      if (c === TAKEN || this.start + c * this.chunk > comma) return false;
      // Written before the exchange that publishes it, so the worker reads it after.
      this.at[0] = comma;
      if (Atomics.compareExchange(this.word, CLAIMED, c, TAKEN) === c) return true;
    }
  }
}
