/**
 * Worker thread entry: the kernels (background.ts) queued for one graph, over its
 * shared columns, one after another. Each reports through shared memory only:
 * state[0] is STARTED, then DONE or FAILED.
 */
import { parentPort, workerData } from "node:worker_threads";
import { DONE, FAILED, STARTED, type KernelWork } from "./background.js";
import { search } from "./distance-search.js";
import { pairEphemerons } from "./ephemeron-pairs.js";
import { ownerSearch } from "./owner-search.js";
import { fillPredecessors } from "./predecessors.js";

/** The heartbeat every kernel's progress moves. */
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
    else fillPredecessors(work.input, tick);
    Atomics.store(state, 0, DONE);
  } catch {
    Atomics.store(state, 0, FAILED);
  }
  Atomics.notify(state, 0);
}

// Kernels come as messages and run in the order sent.
parentPort?.on("message", (work: KernelWork) => run(work));
