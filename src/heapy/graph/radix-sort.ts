/**
 * The indices 0..keys.length-1 ordered by their u32 key, stable (equal keys keep
 * index order): two counting passes of 16 bits, O(n), no comparator calls.
 */
export function orderByKey(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let from = new Uint32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  let to = new Uint32Array(n);
  const count = new Uint32Array(65537);
  for (const shift of [0, 16]) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((keys[i]! >>> shift) & 0xffff) + 1]!++;
    for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
    for (let i = 0; i < n; i++) {
      const idx = from[i]!;
      to[count[(keys[idx]! >>> shift) & 0xffff]!++] = idx;
    }
    const t = from;
    from = to;
    to = t;
  }
  return from;
}
