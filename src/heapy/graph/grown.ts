/**
 * A work array twice as long (1024 at least), its contents kept: the searches' stacks
 * and lists start small and double when a heap needs more.
 */
export function grown(a: Uint32Array): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(Math.max(1024, a.length * 2));
  b.set(a);
  return b;
}
