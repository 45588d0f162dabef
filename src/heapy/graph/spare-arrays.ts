import type { HeapGraph } from "../snapshot/heap-graph.js";

/**
 * Node-sized arrays a computation on a graph is done with, kept for the next one: a
 * fresh array's first writes fault in every page of it (about 45 ms for 51 MB on the
 * bench's machine, nine times what filling memory already touched takes), memory
 * that was touched costs nothing to take again. Held weakly, so that a garbage
 * collection may take them back first; then a fresh array is made.
 */
const SPARES = "spareArrays";

/** Offers arrays the caller is done with (and never uses again) to later computations on `g`. */
export function offerSpares(g: HeapGraph, ...arrays: ArrayBufferView[]): void {
  const spares = g.derived<WeakRef<ArrayBuffer>[]>(SPARES, () => []);
  // (Only this thread's own memory: a worker may still hold a shared buffer.)
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer) spares.push(new WeakRef(a.buffer));
}

/** An Int32Array of `length`, over a spare buffer when one is left (its contents whatever they were), else fresh. */
export function spareInt32(g: HeapGraph, length: number): Int32Array {
  const b = takeSpare(g, length * 4);
  return b === null ? new Int32Array(length) : new Int32Array(b, 0, length);
}

/** A Uint32Array of `length`, as spareInt32. */
export function spareUint32(g: HeapGraph, length: number): Uint32Array {
  const b = takeSpare(g, length * 4);
  return b === null ? new Uint32Array(length) : new Uint32Array(b, 0, length);
}

/** A spare buffer of `bytes` at least, no longer offered to anyone else; null when none is left. */
function takeSpare(g: HeapGraph, bytes: number): ArrayBuffer | null {
  if (!g.hasDerived(SPARES)) return null;
  const spares = g.derived<WeakRef<ArrayBuffer>[]>(SPARES, () => []);
  for (let i = spares.length - 1; i >= 0; i--) {
    const b = spares[i]!.deref();
    if (b !== undefined && b.byteLength < bytes) continue;
    spares.splice(i, 1);
    if (b !== undefined) return b;
  }
  return null;
}
