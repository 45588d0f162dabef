/**
 * Worker thread entry: the kernels (background.ts) queued for one graph, over its
 * shared columns, one after another (and, first, its edges section when the read
 * of the graph was lent this thread). Each reports through shared memory only:
 * state[0] is STARTED, then DONE or FAILED.
 */
import { parentPort, workerData } from "node:worker_threads";
import { CLOSE, DONE, FAILED, IDLE_CLOSE_MS, PENDING, STARTED, type KernelWork } from "./background.js";
import { search } from "./distance-search.js";
import { recogniseEphemeronNames } from "./ephemeron-names.js";
import { pairEphemerons } from "./ephemeron-pairs.js";
import { ownerSearch } from "./owner-search.js";
import { fillPredecessors } from "./predecessors.js";
import { parseEdges, type EdgeMessage } from "../snapshot/edge-parse.js";

/** The worker's shared cells: [0] the heartbeat every kernel's progress moves, [PENDING] its kernels to do. */
const beat = workerData as Int32Array;

/** Runs one kernel, saying in its state when it starts and how it ended. */
function run(work: KernelWork): void {
  const { state } = work;
  Atomics.store(state, 0, STARTED);
  Atomics.add(beat, 0, 1);
  Atomics.notify(state, 0);
  const tick = (): void => void Atomics.add(beat, 0, 1);
  try {
    if (work.kernel === "distances") search(work.input, { distances: work.distances, parentEdge: work.parentEdge ?? undefined, onProgress: tick });
    else if (work.kernel === "owners") ownerSearch(work.input, tick);
    else if (work.kernel === "pairs") pairEphemerons(work.input, tick);
    else if (work.kernel === "names") recogniseEphemeronNames(work.input, tick);
    else fillPredecessors(work.input, tick);
    Atomics.store(state, 0, DONE);
  } catch {
    Atomics.store(state, 0, FAILED);
  }
  Atomics.notify(state, 0);
}

/** One kernel fewer to do; true when that was the last, and the worker has closed (no sender will count on it again). */
function finished(): boolean {
  for (;;) {
    const pending = Atomics.load(beat, PENDING);
    const next = pending === 1 ? -1 : pending - 1;
    if (Atomics.compareExchange(beat, PENDING, pending, next) === pending) return next < 0;
  }
}

let idle: ReturnType<typeof setTimeout> | null = null;

/** An early worker (started before its graph was read) that no graph gives work ends on its own. */
function closeWhenIdle(): void {
  if (Atomics.load(beat, PENDING) !== 0) return;
  idle = setTimeout(() => {
    if (Atomics.compareExchange(beat, PENDING, 0, -1) === 0) process.exit(0);
  }, IDLE_CLOSE_MS).unref();
}
closeWhenIdle();

// Kernels come as messages and run in the order sent; after the last one the thread
// ends, so that an idle worker holds no graph's columns. An early worker may first be
// lent to the read of its graph's edges (ReadOptions.edgeThread): no kernel comes
// before that read is done, since the graph is made from it.
parentPort?.on("message", (work: KernelWork | EdgeMessage | typeof CLOSE) => {
  // A released hold left this worker idle, and closed it (or the read it was lent to failed).
  if (work === CLOSE) process.exit(0);
  if ("edgeWork" in work) {
    if (idle !== null) clearTimeout(idle);
    const post = (m: unknown): void => parentPort!.postMessage(m);
    void parseEdges(work.edgeWork, post).then((r) => {
      post(r);
      closeWhenIdle();
    });
    return;
  }
  run(work);
  if (finished()) process.exit(0);
});
