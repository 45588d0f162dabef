/**
 * Worker thread entry: the distance search (and the path tree, when one search gives
 * both) over the graph's shared columns, while the main thread computes dominators.
 * It reports through shared memory only, so the main thread can wait for it without
 * its event loop: state[0] is 1 once started, 2 when done, 3 when it failed;
 * state[1] counts progress, so a waiter can tell a stalled worker from a busy one.
 */
import { workerData } from "node:worker_threads";
import { DONE, FAILED, search, STARTED, type DistanceWork } from "./distance-search.js";

const work = workerData as DistanceWork;
const { state } = work;
Atomics.store(state, 0, STARTED);
Atomics.notify(state, 0);
try {
  search(work.input, { distances: work.distances, parentEdge: work.parentEdge ?? undefined, onProgress: () => Atomics.add(state, 1, 1) });
  Atomics.store(state, 0, DONE);
} catch {
  Atomics.store(state, 0, FAILED);
}
Atomics.notify(state, 0);
