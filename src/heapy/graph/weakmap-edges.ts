import { latin1Bytes } from "../../bytes.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { isShared, typedArray } from "../snapshot/memory.js";
import { allShared, backgroundWorthy, joinKernel, shared, startKernel, type BackgroundJob, type KernelWork } from "./background.js";
import { isDigit, pairEphemerons, sharedStart, type PairInput } from "./ephemeron-pairs.js";

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

function matchesAt(bytes: Uint8Array, at: number, lit: Uint8Array): boolean {
  for (let k = 0; k < lit.length; k++) if (bytes[at + k] !== lit[k]) return false;
  return true;
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
    // In shared memory when the strings are, for the pairing on a worker.
    const isEphemeron = typedArray(Uint8Array, strings.count, isShared(strings.rawView().bytes));
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

type PairsJob = BackgroundJob<Extract<KernelWork, { kernel: "pairs" }>>;

/** The pairs of ephemeron edges, by the part of their names the two share; computed on first use, or taken from the worker prefetchEphemeronPairs started. */
export function ephemeronPairsOf(g: HeapGraph): EphemeronPairs {
  return g.derived("ephemeronPairs", () => {
    const job = g.hasDerived("pairSearch") ? g.derived<PairsJob | null>("pairSearch", () => null) : null;
    const input = job !== null && joinKernel(job) ? job.work.input : pairInput(g, new Uint32Array(g.strings.count), new Uint32Array(1));
    if (job === null || input !== job.work.input) pairEphemerons(input);
    const { pair } = input;
    let pairCount = input.pairCount[0]!;
    // Names with escapes are rare; they are paired by their decoded shared part.
    const { isEphemeron } = input;
    const decodedPairs = new Map<string, number>();
    for (let s = 0; s < g.strings.count; s++) {
      if (isEphemeron[s] !== 2) continue;
      const key = EPHEMERON.exec(g.strings.get(s))![1]!;
      let p = decodedPairs.get(key);
      if (p === undefined) decodedPairs.set(key, (p = pairCount++));
      pair[s] = p;
    }
    return { pair, pairCount };
  });
}

/**
 * Starts pairing the WeakMap names on a worker thread (large graphs whose strings are
 * in shared memory), so that the distance search finds them ready: dominators call
 * it once the names are recognised, since paths and distances usually come next.
 */
export function prefetchEphemeronPairs(g: HeapGraph, minNodes?: number): void {
  if (!backgroundWorthy(g, minNodes) || g.hasDerived("ephemeronPairs") || g.hasDerived("pairSearch")) return;
  const { bytes, starts } = g.strings.rawView();
  const { isEphemeron } = ephemeronsOf(g);
  if (!allShared([bytes, starts, isEphemeron])) return;
  g.preload("pairSearch", startKernel(g, { kernel: "pairs", input: pairInput(g, shared(Uint32Array, g.strings.count), shared(Uint32Array, 1)), state: shared(Int32Array, 1) }) satisfies PairsJob);
}

function pairInput(g: HeapGraph, pair: Uint32Array, pairCount: Uint32Array): PairInput {
  const { bytes, starts } = g.strings.rawView();
  return { bytes, starts, count: g.strings.count, isEphemeron: ephemeronsOf(g).isEphemeron, pair, pairCount };
}
