/** How many of the largest values a Leaders keeps. */
export const LEADERS = 64;

/**
 * The LEADERS nodes with the largest values offered, largest first (ties by lower
 * ordinal), gathered as the values are made (the dominators offer each retained size
 * once final) so that largest() need not read them all again.
 */
export class Leaders {
  private readonly nodes = new Uint32Array(LEADERS);
  private readonly values = new Float64Array(LEADERS);
  private count = 0;

  /** Offers a node's value; returns the least value the next offer can beat or tie (-1 while there is room). */
  offer(node: number, value: number): number {
    const { nodes, values } = this;
    let i = this.count;
    if (i === LEADERS) {
      if (value < values[i - 1]! || (value === values[i - 1]! && node > nodes[i - 1]!)) return values[i - 1]!;
      i--;
    } else this.count++;
    while (i > 0 && (values[i - 1]! < value || (values[i - 1]! === value && nodes[i - 1]! > node))) {
      nodes[i] = nodes[i - 1]!;
      values[i] = values[i - 1]!;
      i--;
    }
    nodes[i] = node;
    values[i] = value;
    return this.count === LEADERS ? values[LEADERS - 1]! : -1;
  }

  /** The nodes kept, largest first. */
  list(): Uint32Array {
    return this.nodes.slice(0, this.count);
  }
}

/**
 * The `k` nodes with the largest values among those `keep` accepts, largest first
 * (ties by lower ordinal). From `leaders` (Leaders.list of every node's value but
 * those `keep` refuses anyway) when enough of them pass, or when they are all the
 * nodes there are; else one pass with a small sorted buffer: O(n log k).
 */
export function largest(values: Float64Array, k: number, keep: (node: number) => boolean, leaders?: Uint32Array): number[] {
  const top: number[] = [];
  if (k <= 0) return top;
  if (leaders !== undefined) {
    for (let i = 0; i < leaders.length && top.length < k; i++) if (keep(leaders[i]!)) top.push(leaders[i]!);
    if (top.length === k || leaders.length < LEADERS) return top;
    top.length = 0;
  }
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
