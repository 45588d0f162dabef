/**
 * The `k` nodes with the largest values among those `keep` accepts, largest first
 * (ties by lower ordinal). One pass with a small sorted buffer: O(n log k).
 */
export function largest(values: Float64Array, k: number, keep: (node: number) => boolean): number[] {
  const top: number[] = [];
  for (let n = 0; n < values.length; n++) {
    const v = values[n]!;
    if (top.length === k && v <= values[top[k - 1]!]!) continue;
    if (!keep(n)) continue;
    let i = top.length;
    while (i > 0 && values[top[i - 1]!]! < v) i--;
    top.splice(i, 0, n);
    if (top.length > k) top.pop();
  }
  return top;
}
