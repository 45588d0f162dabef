import { latin1Bytes } from "../../bytes.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";

// V8 names both edges to a WeakMap value "<n> / part of key (K @id) -> value (V @id) pair in WeakMap (table @id)".
// This is DevTools' definition; recognise() below decides the same on raw bytes, faster.
const EPHEMERON = /^\d+( \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$/;

const PART_OF_KEY = latin1Bytes(" / part of key (");
const TABLE = latin1Bytes(" pair in WeakMap (table @");
const ARROW = latin1Bytes(") -> value (");
const BACKSLASH = 0x5c;
const AT = 0x40;
const SPACE = 0x20;
const CLOSE = 0x29;

/**
 * The WeakMap ephemeron edges of a graph, recognised by name once per graph: for
 * each string index, whether it is an ephemeron name (meaningful on internal edges)
 * and the V8 id of its WeakMap table. Dominators need only these.
 */
export interface Ephemerons {
  /** Per string index: 0, or 1 for an ephemeron name recognised on its bytes, 2 for one with escapes or non-ASCII (decoded). */
  isEphemeron: Uint8Array;
  /** Per string index: the table's V8 id (valid where isEphemeron). */
  tableId: Float64Array;
}

/** Which ephemeron edges lead to the same value: a number shared by the key's edge and the table's. Distances need it. */
export interface EphemeronPairs {
  /** Per string index: the key/value pair number (valid where isEphemeron). */
  pair: Uint32Array;
  pairCount: number;
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

function matchesAt(bytes: Uint8Array, at: number, lit: Uint8Array): boolean {
  for (let k = 0; k < lit.length; k++) if (bytes[at + k] !== lit[k]) return false;
  return true;
}

/** Where a name's part shared by a pair's two names starts: after its leading number. */
function sharedStart(b: Uint8Array, from: number, to: number): number {
  let j = from;
  while (j < to && isDigit(b[j])) j++;
  return j;
}

/**
 * Decides EPHEMERON on the raw bytes [from, to) of a name. Returns the table id;
 * -1 when it does not match, or -2 when the bytes hold escapes or non-ASCII and the
 * regex must decide.
 */
function recognise(b: Uint8Array, from: number, to: number): number {
  const j = sharedStart(b, from, to);
  if (j === from || !matchesAt(b, j, PART_OF_KEY)) return -1;
  // Tail: " pair in WeakMap (table @" digits ")".
  if (b[to - 1] !== CLOSE) return -1;
  let d = to - 1;
  while (d > from && isDigit(b[d - 1])) d--;
  if (d === to - 1) return -1;
  const tableAt = d - TABLE.length;
  const midFrom = j + PART_OF_KEY.length;
  if (tableAt < midFrom || !matchesAt(b, tableAt, TABLE)) return -1;
  // Middle: X " @" digits ") -> value (" Y " @" digits ")", X and Y anything.
  const v = tableAt - 1;
  if (b[v] !== CLOSE) return -1;
  let vd = v;
  while (vd > midFrom && isDigit(b[vd - 1])) vd--;
  if (vd === v || vd - 2 < midFrom || b[vd - 1] !== AT || b[vd - 2] !== SPACE) return -1;
  const yEnd = vd - 2;
  // One pass: reject escapes and non-ASCII, find a valid arrow.
  let arrow = false;
  for (let k = j; k < to; k++) {
    const c = b[k]!;
    if (c === BACKSLASH || c >= 0x80) return -2;
    if (c === CLOSE && !arrow && k + ARROW.length <= yEnd && k > midFrom && matchesAt(b, k, ARROW)) {
      let kd = k;
      while (kd > midFrom && isDigit(b[kd - 1])) kd--;
      arrow = kd < k && kd - 2 >= midFrom && b[kd - 1] === AT && b[kd - 2] === SPACE;
    }
  }
  if (!arrow) return -1;
  let id = 0;
  for (let k = d; k < to - 1; k++) id = id * 10 + (b[k]! - 0x30);
  return id;
}

/**
 * Decided per string, not per edge: a string matching the pattern that names no
 * internal edge is flagged too, and every reader tests the edge's type first, so one
 * pass over the strings does what a pass over every edge did.
 */
export function ephemeronsOf(g: HeapGraph): Ephemerons {
  return g.derived("ephemerons", () => {
    const { strings } = g;
    const { bytes, starts } = strings.rawView();
    const isEphemeron = new Uint8Array(strings.count);
    const tableId = new Float64Array(strings.count);
    for (let s = 0; s < strings.count; s++) {
      const from = starts[s]!;
      const to = starts[s + 1]!;
      if (from === to || !isDigit(bytes[from])) continue;
      const id = recognise(bytes, from, to);
      if (id >= 0) {
        isEphemeron[s] = 1;
        tableId[s] = id;
      } else if (id === -2) {
        const m = EPHEMERON.exec(strings.get(s));
        if (m === null) continue;
        isEphemeron[s] = 2;
        tableId[s] = Number(m[2]);
      }
    }
    return { isEphemeron, tableId };
  });
}

/** The pairs of ephemeron edges, by the part of their names the two share; computed on first use. */
export function ephemeronPairsOf(g: HeapGraph): EphemeronPairs {
  return g.derived("ephemeronPairs", () => {
    const { isEphemeron } = ephemeronsOf(g);
    const { strings } = g;
    const { bytes, starts } = strings.rawView();
    const pair = new Uint32Array(strings.count);
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
    const insert = (s: number, shared: number, hash: number): number => {
      const mask = slots - 1;
      for (let i = hash & mask; ; i = (i + 1) & mask) {
        const at = i * STRIDE;
        const t = table[at]!;
        if (t === 0) {
          table[at] = s + 1;
          table[at + 1] = shared;
          table[at + 2] = hash;
          used++;
          return (pair[s] = pairCount++);
        }
        if (table[at + 2] === hash && sameShared(t - 1, table[at + 1]!, shared, starts[s + 1]!)) return (pair[s] = pair[t - 1]!);
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
    // Names with escapes are rare; they are paired by their decoded shared part.
    const decodedPairs = new Map<string, number>();
    for (let s = 0; s < strings.count; s++) {
      if (isEphemeron[s] === 0) continue;
      if (isEphemeron[s] === 1) {
        const to = starts[s + 1]!;
        const shared = sharedStart(bytes, starts[s]!, to);
        let h = 0x811c9dc5;
        for (let k = shared; k < to; k++) h = Math.imul(h ^ bytes[k]!, 0x01000193);
        if (used * 2 >= slots) grow();
        insert(s, shared, h | 0);
        continue;
      }
      const key = EPHEMERON.exec(strings.get(s))![1]!;
      let p = decodedPairs.get(key);
      if (p === undefined) decodedPairs.set(key, (p = pairCount++));
      pair[s] = p;
    }
    return { pair, pairCount };
  });
}
