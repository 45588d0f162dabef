import type { HeapGraph } from "../snapshot/heap-graph.js";
import { isShared, typedArray } from "../snapshot/memory.js";
import { allShared, backgroundWorthy, joinKernel, queuedJob, shared, startKernel, type BackgroundJob, type KernelWork } from "./background.js";
import { EPHEMERON, recogniseEphemeronNames, type NameInput } from "./ephemeron-names.js";
import { lowerBound } from "./lower-bound.js";
import { pairEphemerons, type PairInput } from "./ephemeron-pairs.js";

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

/**
 * Decided per string, not per edge: a string matching the pattern that names no
 * internal edge is flagged too, and every reader tests the edge's type first, so one
 * pass over the strings does what a pass over every edge did.
 */
export function ephemeronsOf(g: HeapGraph): Ephemerons {
  return g.derived("ephemerons", () => {
    const { strings } = g;
    const job = queuedJob<NamesJob>(g, "nameSearch");
    if (job !== null) {
      // The worker's part of the table is the first (prefetchEphemeronNames); this thread takes the rest meanwhile.
      const { input } = job.work;
      recogniseEphemeronNames({ ...input, from: input.to, to: strings.count });
      if (joinKernel(job)) return { isEphemeron: input.isEphemeron, tableId: input.tableId };
    }
    // In shared memory when the strings are, for the kernels on a worker (the pairing
    // reads the flags; the retaining edges' marking reads both).
    const inShared = isShared(strings.rawView().bytes);
    const input = nameInput(g, typedArray(Uint8Array, strings.count, inShared), typedArray(Float64Array, strings.count, inShared), strings.count);
    recogniseEphemeronNames(input);
    return { isEphemeron: input.isEphemeron, tableId: input.tableId };
  });
}

type NamesJob = BackgroundJob<Extract<KernelWork, { kernel: "names" }>>;

/**
 * Starts recognising the WeakMap names on a worker thread (large graphs whose strings
 * are in shared memory), in the strings that hold the first half of the table's
 * bytes: ephemeronsOf recognises the rest on this thread meanwhile (the dominators'
 * first steps on both threads wait for all of them).
 */
export function prefetchEphemeronNames(g: HeapGraph, minNodes?: number): void {
  if (!backgroundWorthy(g, minNodes) || g.hasDerived("ephemerons") || g.hasDerived("nameSearch")) return;
  const { bytes, starts } = g.strings.rawView();
  if (!allShared([bytes, starts])) return;
  const count = g.strings.count;
  const half = Math.min(count, lowerBound(starts.subarray(0, count + 1), starts[count]! / 2));
  g.preload("nameSearch", startKernel(g, { kernel: "names", input: nameInput(g, shared(Uint8Array, count), shared(Float64Array, count), half), state: shared(Int32Array, 1) }) satisfies NamesJob);
}

/** The strings 0..to-1 of the graph's table, to recognise into these arrays. */
function nameInput(g: HeapGraph, isEphemeron: Uint8Array, tableId: Float64Array, to: number): NameInput {
  const { bytes, starts } = g.strings.rawView();
  return { bytes, starts, from: 0, to, isEphemeron, tableId };
}

type PairsJob = BackgroundJob<Extract<KernelWork, { kernel: "pairs" }>>;

/** The pairs of ephemeron edges, by the part of their names the two share; computed on first use, or taken from the worker prefetchEphemeronPairs started. */
export function ephemeronPairsOf(g: HeapGraph): EphemeronPairs {
  return g.derived("ephemeronPairs", () => {
    const job = queuedJob<PairsJob>(g, "pairSearch");
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
