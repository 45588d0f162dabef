/**
 * Worker thread entry: one kernel (background.ts) over the graph's shared columns.
 * It reports through shared memory only: state[0] is STARTED, then DONE or FAILED.
 */
import { workerData } from "node:worker_threads";
import { DONE, FAILED, STARTED, type KernelWork } from "./background.js";
import { search } from "./distance-search.js";
import { ownerSearch } from "./owner-search.js";
import { fillPredecessors } from "./predecessors.js";

const work = workerData as KernelWork;
const { state } = work;
Atomics.store(state, 0, STARTED);
Atomics.notify(state, 0);
const tick = (): void => void Atomics.add(state, 1, 1);
try {
  if (work.kernel === "distances") search(work.input, { distances: work.distances, parentEdge: work.parentEdge ?? undefined, onProgress: tick });
  else if (work.kernel === "owners") ownerSearch(work.input, tick);
  else fillPredecessors(work.input, tick);
  Atomics.store(state, 0, DONE);
} catch {
  Atomics.store(state, 0, FAILED);
}
Atomics.notify(state, 0);
