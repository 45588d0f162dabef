import { Worker } from "node:worker_threads";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { isShared, typedArray } from "../snapshot/memory.js";
import type { EdgeThread } from "../snapshot/parallel-edges.js";
import type { SearchInput } from "./distance-search.js";
import type { NameInput } from "./ephemeron-names.js";
import type { PairInput } from "./ephemeron-pairs.js";
import type { OwnerInput } from "./owner-search.js";
import type { PredecessorInput } from "./predecessors.js";

/**
 * Kernels over a graph's shared columns, run on a worker thread while this one goes
 * on: the distance search, the owners search, the predecessor lists, the WeakMap
 * names and their pairs. The worker
 * answers through shared memory only, so this thread can wait for it without its
 * event loop (each kernel's state[0]: STARTED, DONE or FAILED; the worker's
 * heartbeat grows as it works, so a waiter tells a stalled worker from a busy one).
 */
export type KernelWork =
  | { kernel: "distances"; input: SearchInput; distances: Int32Array; parentEdge: Int32Array | null; state: Int32Array }
  | { kernel: "owners"; input: OwnerInput; state: Int32Array }
  | { kernel: "predecessors"; input: PredecessorInput; state: Int32Array }
  | { kernel: "pairs"; input: PairInput; state: Int32Array }
  | { kernel: "names"; input: NameInput; state: Int32Array };

export const STARTED = 1;
export const DONE = 2;
export const FAILED = 3;

/** Below this many nodes a kernel takes milliseconds: no thread for it. */
export const BACKGROUND_MIN_NODES = 1 << 18;
/** A worker whose progress stands still this long is given up on, and the work done here. */
const STALL_MS = 30_000;

/** A kernel queued on a graph's worker thread. */
export interface BackgroundJob<W extends KernelWork = KernelWork> {
  work: W;
  worker: Worker;
  /** The worker's shared cells: [0], its heartbeat, grows while any of its kernels works; [1], see PENDING. */
  beat: Int32Array;
}

/**
 * beat[PENDING]: the kernels sent to the worker and not finished (and the holds on
 * it), or -1 once it has closed. The worker closes when its last kernel is done (so an
 * idle thread never holds a graph's columns), or when the last hold is released on an
 * idle worker; a sender adds one while it is not closed, and otherwise starts a new
 * worker. All change it by compare-and-exchange, so no kernel is ever sent to a
 * worker that has closed.
 */
export const PENDING = 1;

/** A graph's current worker thread, if any. */
interface GraphWorker {
  current: { worker: Worker; beat: Int32Array } | null;
}

/** A zeroed typed array in shared memory, for a kernel to read or write. */
export function shared<T extends Int32Array | Uint32Array | Uint8Array | Float64Array>(Kind: { new (b: ArrayBuffer | SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return typedArray(Kind, length, true);
}

/** Whether every array is in shared memory (the parallel reader's columns are), so a worker can read it. */
export function allShared(arrays: readonly ArrayBufferView[]): boolean {
  return arrays.every(isShared);
}

/** Whether the graph is worth a thread and its columns can be shared with one. */
export function backgroundWorthy(g: HeapGraph, minNodes = BACKGROUND_MIN_NODES): boolean {
  return g.nodeCount >= minNodes && allShared([g.firstEdge, g.edgeTarget, g.edgeType, g.edgeName, g.nodeType, g.nodeName]);
}

/**
 * Queues a kernel on the graph's worker thread (started when there is none, or it has
 * closed): kernels run one after another there, so two of them never share the second
 * core with this thread (on two cores, that would slow this one down more than it saves).
 */
export function startKernel<W extends KernelWork>(g: HeapGraph, work: W): BackgroundJob<W> {
  const current = claimWorker(g);
  current.worker.postMessage(work);
  return { work, worker: current.worker, beat: current.beat };
}

/** What a hold's release sends a worker it leaves idle. */
export const CLOSE = "close";

/**
 * Keeps the graph's worker open, started if need be, until the returned function is
 * called, for a caller that will queue kernels one after another with work of its own
 * between them: without the hold, a worker that finished the first before the next
 * came would close, and a new one take the time to start again (tens of milliseconds).
 */
export function holdWorker(g: HeapGraph): () => void {
  const { worker, beat } = claimWorker(g);
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    for (;;) {
      const pending = Atomics.load(beat, PENDING);
      // The hold was the last count: the worker is idle, so it is closed and told to end.
      if (pending === 1) {
        if (Atomics.compareExchange(beat, PENDING, 1, -1) !== 1) continue;
        worker.postMessage(CLOSE);
        return;
      }
      if (Atomics.compareExchange(beat, PENDING, pending, pending - 1) === pending) return;
    }
  };
}

/** The graph's worker counted for one more kernel or hold: the current one when it has not closed, else a new one. */
function claimWorker(g: HeapGraph): { worker: Worker; beat: Int32Array } {
  const holder = g.derived<GraphWorker>("backgroundWorker", () => ({ current: null }));
  const current = holder.current;
  if (current !== null && claim(current.beat)) return current;
  return (holder.current = spawnWorker(1));
}

/** A new worker thread, counted for `pending` kernels. */
function spawnWorker(pending: number): { worker: Worker; beat: Int32Array } {
  const beat = shared(Int32Array, 2);
  beat[PENDING] = pending;
  // Guppy's compiled code needs none of the program's flags (as for the edge reader).
  const worker = new Worker(new URL("./graph-worker.js", import.meta.url), { execArgv: [], workerData: beat });
  // It never keeps the process alive, and answers through shared memory: one that dies stalls, and waiters compute themselves.
  worker.unref();
  worker.on("error", () => {});
  // Ended however it ended (a crash too), it is closed: no kernel or read is sent to it again.
  worker.once("exit", () => Atomics.store(beat, PENDING, -1));
  return { worker, beat };
}

/** A graph worker started before its graph exists (see adoptWorker). */
export interface EarlyWorker {
  readonly worker: Worker;
  readonly beat: Int32Array;
}

/**
 * Starts a worker for a graph that is about to be read, so that its start (tens of
 * milliseconds) overlaps the reading instead of delaying the first kernel. It waits
 * idle, and closes itself when no graph has given it work within IDLE_CLOSE_MS.
 */
export function startEarlyWorker(): EarlyWorker {
  return spawnWorker(0);
}

/**
 * The early worker as the thread a read parses its graph's edges on (see
 * ReadOptions.edgeThread): one thread started for both, instead of a second one
 * starting while the file is read. The read gives it back to serve the graph.
 */
export function edgeThreadOf(early: EarlyWorker): EdgeThread {
  return {
    take: () => (Atomics.load(early.beat, PENDING) >= 0 ? early.worker : null),
    giveBack: async () => undefined,
  };
}

/** How long an early worker waits for its first kernel before it closes (a 4 GB file takes tens of seconds to read). */
export const IDLE_CLOSE_MS = 120_000;

/** Gives the graph the early worker for its kernels, or closes the worker when the graph will run none there (see backgroundWorthy). */
export function adoptWorker(g: HeapGraph, early: EarlyWorker, minNodes?: number): void {
  const holder = g.derived<GraphWorker>("backgroundWorker", () => ({ current: null }));
  if (holder.current === null && backgroundWorthy(g, minNodes)) holder.current = early;
  else closeEarlyWorker(early);
}

/** Closes an early worker no graph took (reading failed), unless it has work already. */
export function closeEarlyWorker(early: EarlyWorker): void {
  if (Atomics.compareExchange(early.beat, PENDING, 0, -1) === 0) early.worker.postMessage(CLOSE);
}

/** The kernel job queued for a graph under `key` (by g.preload), or null when none was. */
export function queuedJob<J extends BackgroundJob>(g: HeapGraph, key: string): J | null {
  return g.hasDerived(key) ? g.derived<J | null>(key, () => null) : null;
}

/** Counts one more kernel for a worker that has not closed; false when it has. */
function claim(beat: Int32Array): boolean {
  for (;;) {
    const pending = Atomics.load(beat, PENDING);
    if (pending < 0) return false;
    if (Atomics.compareExchange(beat, PENDING, pending, pending + 1) === pending) return true;
  }
}

/**
 * Waits for a kernel: true when it is done, false when it failed, or when the worker's
 * heartbeat stood still for STALL_MS (a dead worker, or one that never started): the
 * caller then computes itself.
 */
export function joinKernel(job: BackgroundJob): boolean {
  const { state } = job.work;
  let beat = -1;
  let since = Date.now();
  for (;;) {
    const s = Atomics.load(state, 0);
    if (s === DONE) return true;
    if (s === FAILED) return false;
    const now = Atomics.load(job.beat, 0);
    if (now !== beat) {
      beat = now;
      since = Date.now();
    } else if (Date.now() - since > STALL_MS) {
      // Marked closed first, so that no later kernel is sent to it.
      Atomics.store(job.beat, PENDING, -1);
      void job.worker.terminate();
      return false;
    }
    Atomics.wait(state, 0, s, 100);
  }
}
