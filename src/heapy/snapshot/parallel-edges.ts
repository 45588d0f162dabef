import { open, type FileHandle } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { GuppyError } from "../../errors.js";
import { CHUNK, openByteSource } from "./byte-source.js";
import { EdgeColumns } from "./edge-columns.js";
import { EdgeSplit, SPLIT_BYTES } from "./edge-split.js";
import type { EdgeLocated, EdgeMessage, EdgeResult, EdgeWork } from "./edge-parse.js";
import { JsonCursor } from "./json-cursor.js";
import type { SnapshotHeader, SnapshotLayout } from "./meta.js";

const SCAN_CHUNK = 8 << 20;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
/** Less than this left for the worker, and taking the tail would gain less than it costs. */
const TAIL_MIN_BYTES = 4 << 20;
const TAIL_BATCH_RECORDS = 1024;

/** The tail of the edges section as the main thread parsed it: its numbers, not yet placed. */
interface EdgeTail {
  numbers: Uint32Array;
  count: number;
  /** The offset after the section's ']'. */
  end: number;
  cursor: JsonCursor;
}

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
 * A thread of the caller's that a read may parse its edges on, lent for the read (a
 * graph worker, which serves the graph's kernels afterwards). Its thread takes its
 * work as an EdgeMessage.
 */
export interface EdgeThread {
  /** The thread, for one job; null when it is gone (the job then starts its own). */
  take(): Worker | null;
  /** The job is done with the thread it took: its owner keeps it. */
  giveBack(worker: Worker): Promise<void>;
}

/**
 * The edges section parsed by a worker thread while the caller parses the rest: the
 * columns (in shared memory, filled as the worker goes), where the section ends, and
 * the worker's result.
 */
export class EdgeJob {
  private constructor(
    readonly columns: EdgeColumns,
    /** The job's thread, until it is given back (or ended). */
    private worker: Worker | null,
    /** Gives the thread back to the EdgeThread it came from, or ends it. */
    private readonly release: (worker: Worker) => Promise<void>,
    private readonly result: Promise<EdgeResult>,
    private readonly locatedAt: Promise<number | null>,
    private readonly progress: Float64Array,
    /** The plain file, to search for the section's end; null for a gzip stream. */
    private readonly fh: FileHandle | null,
    private readonly file: string,
    private readonly start: number,
    private readonly size: number,
    /** Plain files: where the main thread may take the section's tail. */
    private readonly split: EdgeSplit | null,
  ) {}

  /** What the main thread took (or failed in); bytes of it parsed so far. */
  private tail: Promise<EdgeTail> | null = null;
  private tailBytes = 0;

  /**
   * Starts a worker on the edges section that follows the nodes section beginning at
   * `nodesStart` (its '['), or returns null when the file does not have that shape
   * (the caller then reads it in order, which explains any error precisely).
   * `tailFrom` (tests): the offset of a comma in the section, from which the caller
   * takes it (see takeTail), decided now instead of by the threads' progress.
   */
  static async start(file: string, nodesStart: number, header: SnapshotHeader, L: SnapshotLayout, tailFrom?: number, thread?: EdgeThread): Promise<EdgeJob | null> {
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
      return EdgeJob.spawn(file, { edges: start }, header, L, fh, size, tailFrom, thread);
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
  static async startInStream(file: string, nodesStart: number, header: SnapshotHeader, L: SnapshotLayout, thread?: EdgeThread): Promise<EdgeJob | null> {
    try {
      return EdgeJob.spawn(file, { nodes: nodesStart }, header, L, null, 0, undefined, thread);
    } catch {
      return null;
    }
  }

  private static spawn(file: string, from: EdgeWork["from"], header: SnapshotHeader, L: SnapshotLayout, fh: FileHandle | null, size: number, tailFrom?: number, thread?: EdgeThread): EdgeJob {
    const columns = new EdgeColumns(header.edge_count, header.node_count, L, "shared");
    const progress = new Float64Array(new SharedArrayBuffer(8));
    const layout = { edgeFieldCount: L.edgeFieldCount, nodeFieldCount: L.nodeFieldCount, edgeType: L.edgeType, edgeNameOrIndex: L.edgeNameOrIndex, edgeToNode: L.edgeToNode, edgeTypes: L.edgeTypes };
    const split = "edges" in from ? new EdgeSplit(new SharedArrayBuffer(SPLIT_BYTES), from.edges, CHUNK) : null;
    if (tailFrom !== undefined) split?.take(tailFrom);
    const work: EdgeWork = { file, from, count: header.edge_count, nodeCount: header.node_count, layout, buffers: columns.buffers, progress: progress.buffer as SharedArrayBuffer, split: split?.buffer ?? null };
    const taken = thread?.take() ?? null;
    // Guppy's own compiled code needs none of the program's flags, and some (--input-type, a loader) break a worker.
    const worker = taken ?? new Worker(new URL("./edge-worker.js", import.meta.url), { execArgv: [] });
    // (A thread that idles unreferenced must keep the process alive while this one waits for it.)
    worker.ref();
    let locate: (at: number | null) => void = () => undefined;
    const located = "edges" in from ? Promise.resolve(from.edges) : new Promise<number | null>((resolve) => (locate = resolve));
    let onMessage: (m: EdgeResult | EdgeLocated) => void = () => undefined;
    let onError: (e: Error) => void = () => undefined;
    let onExit: (code: number) => void = () => undefined;
    const result = new Promise<EdgeResult>((resolve) => {
      const end = (r: EdgeResult): void => {
        locate(null);
        resolve(r);
      };
      onMessage = (m) => ("located" in m ? locate(m.located) : end(m));
      onError = (e) => end({ ok: false, code: "TOO_LARGE", message: `The edges could not be read (${e.message}).`, offset: undefined });
      onExit = (code) => end({ ok: false, code: "TOO_LARGE", message: `The edge reader stopped (exit code ${code}).`, offset: undefined });
      worker.on("message", onMessage);
      worker.once("error", onError);
      worker.once("exit", onExit);
    });
    const release = async (w: Worker): Promise<void> => {
      // A lent thread goes on serving its owner: this job's listeners must not outlive it.
      w.off("message", onMessage);
      w.off("error", onError);
      w.off("exit", onExit);
      w.unref();
      await (taken === null ? w.terminate().then(() => undefined, () => undefined) : thread!.giveBack(w));
    };
    worker.postMessage({ edgeWork: work } satisfies EdgeMessage);
    return new EdgeJob(columns, worker, release, result, located, progress, fh, file, "edges" in from ? from.edges : 0, size, split);
  }

  /** Where the edges array's '[' is, as the worker found it; null when it found none right after the nodes. */
  located(): Promise<number | null> {
    return this.locatedAt;
  }

  /** Bytes of the edges section parsed so far, by both threads. */
  get bytesDone(): number {
    return this.progress[0]! + this.tailBytes;
  }

  /**
   * The main thread, its own part of the file done, takes the second half of what the
   * worker has left of the section (ending at `end`, just after its ']'), when that is
   * worth it, or the tail it took at the start (tests). Parsed here into a list, placed
   * once the worker is done and the tail's first record is known. Never throws: what
   * went wrong comes from finish(), after the worker's own findings (earlier in the file).
   */
  async takeTail(end: number): Promise<void> {
    const split = this.split;
    if (split === null || this.tail !== null || this.fh === null) return;
    let comma = split.cut;
    if (comma < 0) {
      // (The worker parses about where it has read.)
      const parsed = this.start + this.progress[0]!;
      const from = Math.floor(Math.max(split.claimedTo, parsed + (end - parsed) / 2));
      if (end - from < TAIL_MIN_BYTES) return;
      const probe = Buffer.allocUnsafeSlow(64);
      // (Unreadable here: the worker reads it all, and tells what it met.)
      const bytesRead = await this.fh.read(probe, 0, probe.length, from).then((r) => r.bytesRead, () => 0);
      const j = probe.subarray(0, Math.min(bytesRead, end - 1 - from)).indexOf(COMMA);
      // (No comma near: not V8's layout, and the worker reads it all.)
      if (j < 0 || !split.take(from + j)) return;
      comma = from + j;
    } else if (comma >= end) return; // (Taken past the section: the worker meets its ']' first.)
    this.tail = this.parseTail(comma, end);
    // A failure is finish()'s to hand on.
    await this.tail.catch(() => undefined);
  }

  private async parseTail(comma: number, end: number): Promise<EdgeTail> {
    const source = await openByteSource(this.file, comma + 1);
    try {
      const cursor = new JsonCursor(source, () => (this.tailBytes = source.bytesRead - comma - 1), comma + 1);
      cursor.section = "the 'edges' section";
      // Each number takes two bytes at least ("0,"): room for all, touched only as filled.
      const numbers = new Uint32Array(Math.ceil((end - comma) / 2) + 1);
      let count = 0;
      const batch = new Float64Array(TAIL_BATCH_RECORDS * this.columns.L.edgeFieldCount);
      await cursor.readNumberArrayRest(batch, (n) => {
        numbers.set(batch.subarray(0, n), count);
        count += n;
      }, true);
      return { numbers, count, end: cursor.offset, cursor };
    } finally {
      await source.close();
    }
  }

  /** The offset just after the section's ']', found without parsing; -1 when the file has none (cut off). Plain files only. */
  async end(): Promise<number> {
    if (this.fh === null) throw new Error("a gzip stream's edges end where the caller's cursor passes over them");
    const E = this.columns.count;
    // Not before the shortest section the count allows, nor in what the worker has
    // parsed: all but its current chunk held no ']' (at 1 GB this skips about 300 MB).
    const parsed = this.start + this.progress[0]! - CHUNK;
    const at = await findByte(this.fh, Math.max(this.start + Math.max(1, 2 * E * this.columns.L.edgeFieldCount - 1), parsed), CLOSE_BRACKET, this.size);
    return at < 0 ? -1 : at + 1;
  }

  /**
   * Waits for the worker, then places the tail the main thread took, so that the
   * columns' counts are the whole section's; returns the offset after the section's
   * ']'. The worker's failure becomes the GuppyError it found, and comes before the tail's.
   */
  async finish(): Promise<number> {
    try {
      const r = await this.result;
      if (!r.ok) throw new GuppyError(r.code, r.message, { file: this.file, ...(r.offset === undefined ? {} : { offset: r.offset }) });
      const cols = this.columns;
      cols.filled = r.filled;
      cols.maxType = r.maxType;
      cols.maxStringName = r.maxStringName;
      const cut = this.split?.cut ?? -1;
      // The worker's part ended at the cut's comma, read as ']', or the section has a ']' too early.
      if (cut < 0 || r.end - 1 !== cut) return r.end;
      // (Taken and not parsed yet when this thread failed before it came to the tail.)
      const tail = await (this.tail ?? this.parseTail(cut, this.size));
      placeTail(cols, r.rest, tail);
      return tail.end;
    } finally {
      await this.close();
    }
  }

  /** Stops the worker (when the caller failed first) and closes the file. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await this.release(worker);
    await this.fh?.close().catch(() => undefined);
  }
}

/** The tail's numbers, after the worker's part of a record cut in two, into the columns as whole records. */
function placeTail(cols: EdgeColumns, rest: readonly number[], tail: EdgeTail): void {
  const ef = cols.L.edgeFieldCount;
  const batch = new Float64Array(TAIL_BATCH_RECORDS * ef);
  let n = 0;
  for (const x of rest) batch[n++] = x;
  for (let i = 0; i < tail.count; ) {
    const k = Math.min(batch.length - n, tail.count - i);
    batch.set(tail.numbers.subarray(i, i + k), n);
    n += k;
    i += k;
    if (n === batch.length || i === tail.count) {
      cols.take(batch, n, tail.cursor);
      n = 0;
    }
  }
  if (n > 0) cols.take(batch, n, tail.cursor);
}
