import { randomBytes } from "node:crypto";
import { Session as InspectorSession } from "node:inspector/promises";
import { latin1Bytes } from "../../bytes.js";
import { GuppyError } from "../../errors.js";
import { bufferSource } from "../snapshot/byte-source.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { readFromSource, type ReadOptions } from "../snapshot/reader.js";
import { cacheScriptPositions } from "./script-positions.js";

/** The prefix of the global under which values are briefly exposed to the inspector to learn their heap ids. */
const EXPOSE = "__guppy_expose_";

/**
 * Snapshots of the running isolate through `node:inspector`. The JSON arrives in
 * chunks; each is turned into bytes as it comes and the reader streams over them,
 * so no whole-snapshot string is ever built. One per session; it holds the
 * inspector connection.
 */
export class LiveHeap {
  private inspector: InspectorSession | null = null;
  /**
   * Where values wait for the inspector: one array per LiveHeap on a global of its own,
   * set once and emptied after each lookup. A test runner's sandbox global (Jest's)
   * keeps every value a global ever had once it is replaced or deleted, so a global
   * set and deleted per lookup would keep the values (and all a session holds) alive.
   */
  private readonly exposed: unknown[] = [];
  private exposedAs: string | null = null;

  /**
   * `self`: the isolate this code runs in. `main-thread`: from a worker, the main
   * thread's isolate (inspector.Session#connectToMainThread), so analysing allocates
   * nothing in the heap analysed.
   */
  constructor(readonly target: "self" | "main-thread" = "self") {}

  private async connected(): Promise<InspectorSession> {
    if (this.inspector === null) {
      const s = new InspectorSession();
      if (this.target === "self") s.connect();
      else s.connectToMainThread();
      await s.post("HeapProfiler.enable");
      this.inspector = s;
    }
    return this.inspector;
  }

  /** Takes a heap snapshot of this isolate and reads it into a graph. */
  async snapshot(options: ReadOptions = {}): Promise<HeapGraph> {
    const s = await this.connected();
    const chunks: Uint8Array[] = [];
    const onChunk = (m: { params: { chunk: string } }): void => void chunks.push(latin1Bytes(m.params.chunk));
    s.on("HeapProfiler.addHeapSnapshotChunk", onChunk);
    try {
      await cacheScriptPositions((method) => s.post(method));
      await s.post("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    } catch (e) {
      throw new GuppyError("SNAPSHOT_FAILED", `The inspector could not take a heap snapshot (${(e as Error).message}).`);
    } finally {
      s.off("HeapProfiler.addHeapSnapshotChunk", onChunk);
    }
    const source = bufferSource("(live heap)", chunks);
    chunks.length = 0;
    return readFromSource(source, options);
  }

  /**
   * The V8 heap ids of live values (0 for a value the heap profiler has not seen:
   * ids exist from the first snapshot on). Values are exposed on a global for the
   * inspector only for the moment of the lookup, and released after.
   */
  async idsOf(values: readonly unknown[]): Promise<number[]> {
    if (this.target !== "self") throw new GuppyError("USAGE", "Objects of this thread have no ids in the main thread's heap; iso() works in the thread analysed.");
    const s = await this.connected();
    if (this.exposedAs === null) {
      this.exposedAs = EXPOSE + randomBytes(8).toString("hex");
      (globalThis as Record<string, unknown>)[this.exposedAs] = this.exposed;
    }
    this.exposed.push(...values);
    try {
      const ids: number[] = [];
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if ((typeof v !== "object" && typeof v !== "function") || v === null) {
          throw new GuppyError("USAGE", `iso() takes objects and functions; value ${i} is a ${v === null ? "null" : typeof v}.`);
        }
        const r = (await s.post("Runtime.evaluate", { expression: `globalThis.${this.exposedAs}[${i}]`, objectGroup: "guppy" })) as { result: { objectId?: string } };
        if (r.result.objectId === undefined) throw new GuppyError("SNAPSHOT_FAILED", "The inspector gave no handle for a value.");
        const id = (await s.post("HeapProfiler.getHeapObjectId", { objectId: r.result.objectId })) as { heapSnapshotObjectId: string };
        ids.push(Number(id.heapSnapshotObjectId));
      }
      return ids;
    } finally {
      this.exposed.length = 0;
      await s.post("Runtime.releaseObjectGroup", { objectGroup: "guppy" });
    }
  }

  /**
   * Records where objects are allocated from now on, so later snapshots carry
   * allocation traces (the Prod classifier). Costs time and memory while on.
   */
  async startTracking(): Promise<void> {
    const s = await this.connected();
    await s.post("HeapProfiler.startTrackingHeapObjects", { trackAllocations: true });
    // V8 attributes allocations only once the event loop has turned after this (on Node 24
    // under load, objects made at once had no trace 5 times in 8): the caller's come after.
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Stops recording allocations (V8 streams a snapshot as it stops; it is discarded). */
  async stopTracking(): Promise<void> {
    if (this.inspector === null) return;
    await this.inspector.post("HeapProfiler.stopTrackingHeapObjects", { reportProgress: false });
  }

  /** The objects this holds that are not Guppy's own classes (the inspector session), to hide with it. */
  ownObjects(): object[] {
    return this.inspector === null ? [this.exposed] : [this.inspector, this.exposed];
  }

  /** Closes the inspector connection and takes the exposing global away (it holds an empty array). */
  close(): void {
    this.inspector?.disconnect();
    this.inspector = null;
    if (this.exposedAs !== null) delete (globalThis as Record<string, unknown>)[this.exposedAs];
    this.exposedAs = null;
  }
}
