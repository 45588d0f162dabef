import { open, type FileHandle } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { GuppyError } from "../../errors.js";
import { EdgeColumns } from "./edge-columns.js";
import type { EdgeLocated, EdgeResult, EdgeWork } from "./edge-worker.js";
import type { SnapshotHeader, SnapshotLayout } from "./meta.js";

const SCAN_CHUNK = 8 << 20;
const CLOSE_BRACKET = 0x5d;

/** The offset of the first `byte` at or after `from`, or -1: a native search (memchr), far faster than parsing. */
async function findByte(fh: FileHandle, from: number, byte: number, size: number): Promise<number> {
  // Not Node's pooled Buffer: Guppy's reads must never show as the analysed program's allocations.
  const buf = Buffer.allocUnsafeSlow(SCAN_CHUNK);
  for (let at = from; at < size; at += SCAN_CHUNK) {
    const { bytesRead } = await fh.read(buf, 0, SCAN_CHUNK, at);
    if (bytesRead === 0) break;
    const i = buf.subarray(0, bytesRead).indexOf(byte);
    if (i >= 0) return at + i;
  }
  return -1;
}

/**
 * The edges section parsed by a worker thread while the caller parses the rest: the
 * columns (in shared memory, filled as the worker goes), where the section ends, and
 * the worker's result.
 */
export class EdgeJob {
  private constructor(
    readonly columns: EdgeColumns,
    private readonly worker: Worker,
    private readonly result: Promise<EdgeResult>,
    private readonly locatedAt: Promise<number | null>,
    private readonly progress: Float64Array,
    /** The plain file, to search for the section's end; null for a gzip stream. */
    private readonly fh: FileHandle | null,
    private readonly file: string,
    private readonly start: number,
    private readonly size: number,
  ) {}

  /**
   * Starts a worker on the edges section that follows the nodes section beginning at
   * `nodesStart` (its '['), or returns null when the file does not have that shape
   * (the caller then reads it in order, which explains any error precisely).
   */
  static async start(file: string, nodesStart: number, header: SnapshotHeader, L: SnapshotLayout): Promise<EdgeJob | null> {
    const fh = await open(file, "r");
    try {
      const size = (await fh.stat()).size;
      // Each number takes at least two bytes ("0,"), so the section's ']' is no earlier than this.
      const nodesEnd = await findByte(fh, nodesStart + Math.max(1, 2 * header.node_count * L.nodeFieldCount - 1), CLOSE_BRACKET, size);
      if (nodesEnd < 0) throw new Error("no end of nodes");
      const head = Buffer.allocUnsafeSlow(256);
      const { bytesRead } = await fh.read(head, 0, head.length, nodesEnd + 1);
      const m = /^\s*,\s*"edges"\s*:\s*\[/.exec(head.subarray(0, bytesRead).toString("latin1"));
      if (m === null) throw new Error("edges do not follow nodes");
      const start = nodesEnd + 1 + m[0].length - 1;
      return EdgeJob.spawn(file, { edges: start }, header, L, fh, size);
    } catch {
      // No shape to split on, or no shared memory for the columns: the caller reads in order.
      await fh.close();
      return null;
    }
  }

  /**
   * Starts a worker on a gzip stream's edges section: it inflates the file on its own
   * and passes over the nodes section (beginning at `nodesStart` in the inflated
   * bytes), while the caller parses the nodes; `located()` says where it found the
   * edges. Null when the worker cannot start (the caller reads in order).
   */
  static async startInStream(file: string, nodesStart: number, header: SnapshotHeader, L: SnapshotLayout): Promise<EdgeJob | null> {
    try {
      return EdgeJob.spawn(file, { nodes: nodesStart }, header, L, null, 0);
    } catch {
      return null;
    }
  }

  private static spawn(file: string, from: EdgeWork["from"], header: SnapshotHeader, L: SnapshotLayout, fh: FileHandle | null, size: number): EdgeJob {
    const columns = new EdgeColumns(header.edge_count, header.node_count, L, "shared");
    const progress = new Float64Array(new SharedArrayBuffer(8));
    const layout = { edgeFieldCount: L.edgeFieldCount, nodeFieldCount: L.nodeFieldCount, edgeType: L.edgeType, edgeNameOrIndex: L.edgeNameOrIndex, edgeToNode: L.edgeToNode, edgeTypes: L.edgeTypes };
    const work: EdgeWork = { file, from, count: header.edge_count, nodeCount: header.node_count, layout, buffers: columns.buffers, progress: progress.buffer as SharedArrayBuffer };
    // Guppy's own compiled code needs none of the program's flags, and some (--input-type, a loader) break a worker.
    const worker = new Worker(new URL("./edge-worker.js", import.meta.url), { workerData: work, execArgv: [] });
    let locate: (at: number | null) => void = () => undefined;
    const located = "edges" in from ? Promise.resolve(from.edges) : new Promise<number | null>((resolve) => (locate = resolve));
    const result = new Promise<EdgeResult>((resolve) => {
      const end = (r: EdgeResult): void => {
        locate(null);
        resolve(r);
      };
      worker.on("message", (m: EdgeResult | EdgeLocated) => ("located" in m ? locate(m.located) : end(m)));
      worker.once("error", (e) => end({ ok: false, code: "TOO_LARGE", message: `The edges could not be read (${e.message}).`, offset: undefined }));
      worker.once("exit", (code) => end({ ok: false, code: "TOO_LARGE", message: `The edge reader stopped (exit code ${code}).`, offset: undefined }));
    });
    return new EdgeJob(columns, worker, result, located, progress, fh, file, "edges" in from ? from.edges : 0, size);
  }

  /** Where the edges array's '[' is, as the worker found it; null when it found none right after the nodes. */
  located(): Promise<number | null> {
    return this.locatedAt;
  }

  /** Bytes of the edges section parsed so far. */
  get bytesDone(): number {
    return this.progress[0]!;
  }

  /** The offset just after the section's ']', found without parsing; -1 when the file has none (cut off). Plain files only. */
  async end(): Promise<number> {
    if (this.fh === null) throw new Error("a gzip stream's edges end where the caller's cursor passes over them");
    const E = this.columns.count;
    const at = await findByte(this.fh, this.start + Math.max(1, 2 * E * this.columns.L.edgeFieldCount - 1), CLOSE_BRACKET, this.size);
    return at < 0 ? -1 : at + 1;
  }

  /** Waits for the worker; its failure becomes the GuppyError it found. */
  async finish(): Promise<{ filled: number; maxType: number; maxStringName: number; end: number }> {
    try {
      const r = await this.result;
      if (!r.ok) throw new GuppyError(r.code, r.message, { file: this.file, ...(r.offset === undefined ? {} : { offset: r.offset }) });
      return r;
    } finally {
      await this.close();
    }
  }

  /** Stops the worker (when the caller failed first) and closes the file. */
  async close(): Promise<void> {
    await this.worker.terminate().catch(() => undefined);
    await this.fh?.close().catch(() => undefined);
  }
}
