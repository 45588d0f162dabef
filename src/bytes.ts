/**
 * Byte helpers that never draw on Node's shared Buffer pool. Guppy reads its own
 * process's heap; allocating from the pool would swap the pool's ArrayBuffer and show
 * up in that heap as if the program had allocated it.
 */
const decoder = new TextDecoder("utf-8");

/** Latin-1 (one byte per char) bytes of a string, in memory of their own (allocUnsafeSlow is never pooled). */
export function latin1Bytes(s: string): Uint8Array {
  const out = Buffer.allocUnsafeSlow(s.length);
  out.write(s, 0, "latin1");
  return out;
}

/** UTF-8 text of bytes. */
export function utf8Text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** One array holding the parts in order. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
