/**
 * Memory for columns that worker threads may read: shared (SharedArrayBuffer) or the
 * thread's own. Shared memory costs the same; only workers need it.
 */

/** A zeroed buffer of `bytes`, shared with worker threads or not. */
export function bufferOf(bytes: number, inShared: boolean): ArrayBuffer | SharedArrayBuffer {
  return inShared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

type TypedKind<T> = { new (buffer: ArrayBuffer | SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };

/** A zeroed typed array of `length` elements, shared with worker threads or not. */
export function typedArray<T>(Kind: TypedKind<T>, length: number, inShared: boolean): T {
  return new Kind(bufferOf(length * Kind.BYTES_PER_ELEMENT, inShared));
}

/** Whether an array is in shared memory, so a worker thread can read it. */
export function isShared(a: ArrayBufferView): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}
