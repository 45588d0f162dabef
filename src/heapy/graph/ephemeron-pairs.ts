/**
 * The pairing of WeakMap ephemeron names over plain typed arrays only (the string
 * table's raw bytes), so a worker thread can do it while the main thread builds the
 * dominator tree: the two names V8 gives the edges to one value share all but their
 * leading number.
 */

export const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** Where a name's part shared by a pair's two names starts: after its leading number. */
export function sharedStart(b: Uint8Array, from: number, to: number): number {
  let j = from;
  while (j < to && isDigit(b[j])) j++;
  return j;
}

/** What the pairing reads and where it writes. */
export interface PairInput {
  /** The string table's raw bytes and offsets (string i is bytes[starts[i]] .. bytes[starts[i + 1]]). */
  bytes: Uint8Array;
  starts: Uint32Array;
  count: number;
  /** Per string: 0, 1 for an ephemeron name recognised on its bytes, 2 for one to decode first. */
  isEphemeron: Uint8Array;
  /** Written: per string of kind 1, its pair number. */
  pair: Uint32Array;
  /** Written: [0], the number of pairs found. */
  pairCount: Uint32Array;
}

/**
 * Numbers the pairs among the names recognised on their bytes (kind 1), in string
 * order; names that need decoding (kind 2) are left for the caller to pair after.
 */
export function pairEphemerons(input: PairInput, onProgress?: () => void): void {
  const { bytes, starts, count, isEphemeron, pair } = input;
  let pairCount = 0;
  // An open-addressing table of (string index + 1, shared start, hash) in one array,
  // four ints a slot, so a probe touches one cache line and growing needs no byte of
  // the names; the shared parts are compared in place, never copied into strings.
  const STRIDE = 4;
  let slots = 1 << 12;
  let table = new Int32Array(slots * STRIDE);
  let used = 0;
  const sameShared = (a: number, aFrom: number, bFrom: number, bTo: number): boolean => {
    const aTo = starts[a + 1]!;
    if (aTo - aFrom !== bTo - bFrom) return false;
    for (let k = 0; k < aTo - aFrom; k++) if (bytes[aFrom + k] !== bytes[bFrom + k]) return false;
    return true;
  };
  const insert = (s: number, shared: number, hash: number): void => {
    const mask = slots - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const at = i * STRIDE;
      const t = table[at]!;
      if (t === 0) {
        table[at] = s + 1;
        table[at + 1] = shared;
        table[at + 2] = hash;
        used++;
        pair[s] = pairCount++;
        return;
      }
      if (table[at + 2] === hash && sameShared(t - 1, table[at + 1]!, shared, starts[s + 1]!)) {
        pair[s] = pair[t - 1]!;
        return;
      }
    }
  };
  const grow = (): void => {
    const old = table;
    slots *= 2;
    table = new Int32Array(slots * STRIDE);
    const mask = slots - 1;
    for (let at = 0; at < old.length; at += STRIDE) {
      if (old[at] === 0) continue;
      let k = old[at + 2]! & mask;
      while (table[k * STRIDE] !== 0) k = (k + 1) & mask;
      const to = k * STRIDE;
      table[to] = old[at]!;
      table[to + 1] = old[at + 1]!;
      table[to + 2] = old[at + 2]!;
    }
  };
  for (let s = 0; s < count; s++) {
    if (onProgress !== undefined && (s & 0xffff) === 0) onProgress();
    if (isEphemeron[s] !== 1) continue;
    const to = starts[s + 1]!;
    const shared = sharedStart(bytes, starts[s]!, to);
    let h = 0x811c9dc5;
    for (let k = shared; k < to; k++) h = Math.imul(h ^ bytes[k]!, 0x01000193);
    if (used * 2 >= slots) grow();
    insert(s, shared, h | 0);
  }
  input.pairCount[0] = pairCount;
}
