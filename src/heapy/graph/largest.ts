/**
 * The `k` nodes with the largest values among those `keep` accepts, largest first
 * (ties by lower ordinal). One pass with a small sorted buffer: O(n log k).
 */
export function largest(values: Float64Array, k: number, keep: (node: number) => boolean): number[] {
  const top: number[] = [];
  if (k <= 0) return top;
  // The least value in a full buffer: most nodes fall below it, tested with one compare.
  let floor = -Infinity;
  for (let n = 0; n < values.length; n++) {
    const v = values[n]!;
    if (v <= floor) continue;
    if (!keep(n)) continue;
    let i = top.length;
    while (i > 0 && values[top[i - 1]!]! < v) i--;
    top.splice(i, 0, n);
    if (top.length > k) top.pop();
    if (top.length === k) floor = values[top[k - 1]!]!;
  }
  return top;
}
