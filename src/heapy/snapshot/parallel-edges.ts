import { readSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { GuppyError } from "../../errors.js";
import { CHUNK, openByteSource } from "./byte-source.js";
import { checkRecords, EdgeColumns } from "./edge-columns.js";
import { EdgeSplit, SPLIT_BYTES } from "./edge-split.js";
import type { EdgeLocated, EdgeMessage, EdgeResult, EdgeWork } from "./edge-parse.js";
import { JsonCursor, type RecordReader } from "./json-cursor.js";
import type { SnapshotHeader, SnapshotLayout } from "./meta.js";

const SCAN_CHUNK = 8 << 20;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
/** Less than this left for the worker, and taking the tail would gain less than it costs. */
const TAIL_MIN_BYTES = 4 << 20;
const TAIL_BATCH_RECORDS = 1024;

/** The tail of the edges section as the main thread parsed it: its numbers, not yet placed. */
interface EdgeTail {
  /**
   * Where the tail begins at a record (V8's lines: the cut's comma follows a newline),
   * its whole records, read straight into columns of their own up to the first the
   * record reader would not take; the rest are in `numbers`. Null otherwise.
   */
  records: EdgeColumns | null;
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
  // Reads that double from a probe's size: the byte is often near (see nearNodesEnd).
  for (let at = from, chunk = PROBE_BYTES; at < size; at += chunk, chunk = Math.min(SCAN_CHUNK, chunk * 2)) {
    const { bytesRead } = await fh.read(buf, 0, chunk, at);
    if (bytesRead === 0) break;
    const i = buf.subarray(0, bytesRead).indexOf(byte);
    if (i >= 0) return at + i;
  }
  return -1;
}

/** The bytes of each probe of the bisection for the nodes section's end. */
const PROBE_BYTES = 1 << 16;

/**
 * A place in the file before the nodes section's ']' and near it (within a probe),
 * found by bisection between `lo`, no later than the ']', and the file's end: V8
 * writes each record on a line of its own, so the first whole line of a probe has as
 * many commas as a node has fields while the probe is in the nodes, and not after
 * (an edge has fewer). `lo` itself when the layouts cannot be told apart this way.
 * (The search for the ']' from the earliest place it may be read 140 MB of a 1 GB
 * file, 50 ms before the nodes' parsing could begin.)
 */
export async function nearNodesEnd(fh: FileHandle, lo: number, size: number, L: SnapshotLayout): Promise<number> {
  return L.nodeFieldCount === L.edgeFieldCount ? lo : nearRecordsEnd(fh, lo, size, L.nodeFieldCount);
}

/** A place before the end of a section of records of `width` numbers and within a probe of it, by bisection from `lo` (see nearNodesEnd). */
function nearRecordsEnd(fh: FileHandle, lo: number, size: number, width: number): number {
  const probe = Buffer.allocUnsafeSlow(PROBE_BYTES);
  let hi = size;
  while (hi - lo > PROBE_BYTES) {
    const mid = lo + Math.floor((hi - lo) / 2);
    // (Synchronous: a probe takes microseconds, a round trip to the thread pool more.)
    const bytesRead = readSync(fh.fd, probe, 0, PROBE_BYTES, mid);
    if (firstLineCommas(probe.subarray(0, bytesRead)) === width) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The edges section's end was found by a bisection that the file's lines misled: the
 * worker's edges end elsewhere. Not a fault of the file; readFromSource reads it again
 * in order.
 */
export class MisledEdgesEnd extends Error {
  constructor() {
    super("the bisection for the edges' end was misled");
  }
}

/**
 * The commas of the first line that both starts and ends in `b` (a record's, with the
 * comma before it), or -1 when there is none or it holds more than digits and commas
 * (a line of the strings, however many commas its text has).
 */
function firstLineCommas(b: Uint8Array): number {
  const from = b.indexOf(NEWLINE);
  const to = from < 0 ? -1 : b.indexOf(NEWLINE, from + 1);
  if (to < 0) return -1;
  let commas = 0;
  for (let k = from + 1; k < to; k++) {
    const c = b[k]!;
    if (c === COMMA) commas++;
    else if (c < 0x30 || c > 0x39) return -1;
  }
  return commas;
}

/** The offset of the edges array's '[' when the ']' at `close` (-1: none) is followed by `,"edges":[`; else -1. */
async function edgesAfter(fh: FileHandle, close: number): Promise<number> {
  if (close < 0) return -1;
  const head = Buffer.allocUnsafeSlow(256);
  const { bytesRead } = await fh.read(head, 0, head.length, close + 1);
  const m = /^\s*,\s*"edges"\s*:\s*\[/.exec(head.subarray(0, bytesRead).toString("latin1"));
  return m === null ? -1 : close + m[0].length;
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

/** How an EdgeJob runs (see ReadOptions): the tail's offset for tests, a lent thread, the WebAssembly kernel. */
export interface EdgeJobOptions {
  tailFrom?: number | undefined;
  thread?: EdgeThread | undefined;
  wasm?: boolean | undefined;
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
    /** Plain files: the offset of the nodes section's ']' that the edges were found after (the caller checks it is the one it parsed to). */
    readonly nodesEnd: number,
    /** Whether end() may bisect: no section V8 writes after the edges has records of an edge's width. */
    private readonly bisectEnd: boolean,
    /** Whether the tail's records are read by the WebAssembly kernel. */
    private readonly wasm: boolean,
  ) {}

  /** Whether end()'s answer came from a bisection (see MisledEdgesEnd). */
  bisected = false;

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
  static async start(file: string, nodesStart: number, header: SnapshotHeader, L: SnapshotLayout, options: EdgeJobOptions = {}): Promise<EdgeJob | null> {
    const fh = await open(file, "r");
    try {
      const size = (await fh.stat()).size;
      // Each number takes at least two bytes ("0,"), so the section's ']' is no earlier than this.
      const earliest = nodesStart + Math.max(1, 2 * header.node_count * L.nodeFieldCount - 1);
      const near = await nearNodesEnd(fh, earliest, size, L);
      let close = await findByte(fh, near, CLOSE_BRACKET, size);
      let edges = await edgesAfter(fh, close);
      // (Not the ']' of the nodes: a file V8 did not write. The search from the earliest place decides.)
      if (edges < 0 && near > earliest) edges = await edgesAfter(fh, (close = await findByte(fh, earliest, CLOSE_BRACKET, size)));
      if (edges < 0) throw new Error("edges do not follow nodes");
      return EdgeJob.spawn(file, { edges }, header, L, options, fh, size, close);
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
  static async startInStream(file: string, nodesStart: number, header: SnapshotHeader, L: SnapshotLayout, options: EdgeJobOptions = {}): Promise<EdgeJob | null> {
    try {
      return EdgeJob.spawn(file, { nodes: nodesStart }, header, L, { ...options, tailFrom: undefined }, null, 0);
    } catch {
      return null;
    }
  }

  private static spawn(file: string, from: EdgeWork["from"], header: SnapshotHeader, L: SnapshotLayout, options: EdgeJobOptions, fh: FileHandle | null, size: number, nodesEnd = -1): EdgeJob {
    const after = [L.traceFunctionInfoFields, L.sampleFields, L.locationFields].map((f) => f.length);
    const { tailFrom, thread } = options;
    const columns = new EdgeColumns(header.edge_count, header.node_count, L, "shared");
    const progress = new Float64Array(new SharedArrayBuffer(8));
    const layout = { edgeFieldCount: L.edgeFieldCount, nodeFieldCount: L.nodeFieldCount, edgeType: L.edgeType, edgeNameOrIndex: L.edgeNameOrIndex, edgeToNode: L.edgeToNode, edgeTypes: L.edgeTypes };
    const split = "edges" in from ? new EdgeSplit(new SharedArrayBuffer(SPLIT_BYTES), from.edges, CHUNK) : null;
    if (tailFrom !== undefined) split?.take(tailFrom);
    const work: EdgeWork = { file, from, count: header.edge_count, nodeCount: header.node_count, layout, buffers: columns.buffers, progress: progress.buffer as SharedArrayBuffer, split: split?.buffer ?? null, wasm: options.wasm !== false };
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
    return new EdgeJob(columns, worker, release, result, located, progress, fh, file, "edges" in from ? from.edges : 0, size, split, nodesEnd, !after.includes(L.edgeFieldCount), options.wasm !== false);
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
      const probe = Buffer.allocUnsafeSlow(256);
      // (Unreadable here: the worker reads it all, and tells what it met.)
      const bytesRead = await this.fh.read(probe, 0, probe.length, from).then((r) => r.bytesRead, () => 0);
      const near = probe.subarray(0, Math.min(bytesRead, end - 1 - from));
      // A record's first comma, after V8's newline, where there is one: this thread then reads records.
      const line = near.indexOf(NEWLINE);
      const j = line >= 0 && near[line + 1] === COMMA ? line + 1 : near.indexOf(COMMA);
      // (No comma near: not V8's layout, and the worker reads it all.)
      if (j < 0 || !split.take(from + j)) return;
      comma = from + j;
    } else if (comma >= end) return; // (Taken past the section: the worker meets its ']' first.)
    this.tail = this.parseTail(comma, end);
    // A failure is finish()'s to hand on.
    await this.tail.catch(() => undefined);
  }

  /** `aligned`: whether the tail may be read as records, where its comma follows a newline. */
  private async parseTail(comma: number, end: number, aligned = true): Promise<EdgeTail> {
    const source = await openByteSource(this.file, comma + 1);
    try {
      const cursor = new JsonCursor(source, () => (this.tailBytes = source.bytesRead - comma - 1), comma + 1);
      cursor.section = "the 'edges' section";
      // Each number takes two bytes at least ("0,"): room for all, touched only as filled.
      const numbers = new Uint32Array(Math.ceil((end - comma) / 2) + 1);
      let count = 0;
      const batch = new Float64Array(TAIL_BATCH_RECORDS * this.columns.L.edgeFieldCount);
      const records = aligned && (await this.fh?.read(Buffer.alloc(1), 0, 1, comma - 1).then((r) => r.buffer[0] === NEWLINE, () => false)) ? this.tailRecords(comma, end) : null;
      // Records until the first number the columns would refuse, which goes to the list
      // with all after it: the records come first. (The records a chunk's end cuts come
      // through the batch.)
      const reader: RecordReader | null = records === null ? null : { width: records.reader.width, read: (buf, i, safe) => (count > 0 ? i : records.reader.read(buf, i, safe)) };
      await cursor.readNumberArrayRest(batch, (n) => {
        if (records !== null && count === 0 && takesWhole(records.columns, batch, n)) records.columns.take(batch, n, cursor);
        else {
          numbers.set(batch.subarray(0, n), count);
          count += n;
        }
      }, true, reader);
      return { records: records?.columns ?? null, numbers, count, end: cursor.offset, cursor };
    } finally {
      await source.close();
    }
  }

  /** Columns of their own for the tail's records (an edge takes six bytes at least, "0,0,0,"), and their reader; null for a layout without one. */
  private tailRecords(comma: number, end: number): { columns: EdgeColumns; reader: RecordReader } | null {
    const columns = new EdgeColumns(Math.ceil((end - comma) / 6) + 1, this.columns.nodeCount, this.columns.L);
    const reader = columns.records(this.wasm);
    return reader === null ? null : { columns, reader };
  }

  /**
   * The offset just after the section's ']', found without parsing; -1 when the file
   * has none (cut off). Plain files only. By bisection where the layout allows it, as
   * for the nodes' end (the search from the earliest place read 30-60 ms at 225 MB and
   * about 100 ms at 1 GB while this thread waited); `bisected` then says so, and where
   * the worker's edges end elsewhere the read is made again in order.
   */
  async end(): Promise<number> {
    if (this.fh === null) throw new Error("a gzip stream's edges end where the caller's cursor passes over them");
    const E = this.columns.count;
    // Not before the shortest section the count allows, nor in what the worker has
    // parsed: all but its current chunk held no ']' (at 1 GB this skips about 300 MB).
    const parsed = this.start + this.progress[0]! - CHUNK;
    const from = Math.max(this.start + Math.max(1, 2 * E * this.columns.L.edgeFieldCount - 1), parsed);
    const near = this.bisectEnd ? nearRecordsEnd(this.fh, from, this.size, this.columns.L.edgeFieldCount) : from;
    let at = await findByte(this.fh, near, CLOSE_BRACKET, this.size);
    this.bisected = near > from && at >= 0;
    // (None after the bisection's place: whether the file is cut off, the search from the earliest place tells.)
    if (at < 0 && near > from) at = await findByte(this.fh, from, CLOSE_BRACKET, this.size);
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
      let tail = await (this.tail ?? this.parseTail(cut, this.size));
      // The worker's part ended inside a record after all (a newline V8 did not write): the tail read again as numbers.
      if (tail.records !== null && r.rest.length > 0) tail = await this.parseTail(cut, this.size, false);
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

/** Whether `take` takes these numbers without an error: whole records, room for them, and targets that are nodes. */
function takesWhole(cols: EdgeColumns, b: Float64Array, n: number): boolean {
  const { edgeFieldCount: ef, nodeFieldCount: nf, edgeToNode } = cols.L;
  if (n % ef !== 0 || cols.filled + n / ef > cols.count) return false;
  for (let j = edgeToNode; j < n; j += ef) {
    const to = b[j]!;
    const ord = (to / nf) >>> 0;
    if (ord * nf !== to || ord >= cols.nodeCount) return false;
  }
  return true;
}

/** The tail's numbers, after the worker's part of a record cut in two, into the columns as whole records. */
function placeTail(cols: EdgeColumns, rest: readonly number[], tail: EdgeTail): void {
  const ef = cols.L.edgeFieldCount;
  const records = tail.records;
  if (records !== null && records.filled > 0) {
    // (Checked as records; the reader took only records it vouches for.)
    const n = records.filled;
    checkRecords(tail.cursor, "edge", n * ef, ef, cols.filled, cols.count);
    cols.type.set(records.type.subarray(0, n), cols.filled);
    cols.name.set(records.name.subarray(0, n), cols.filled);
    cols.target.set(records.target.subarray(0, n), cols.filled);
    cols.filled += n;
    cols.maxType = Math.max(cols.maxType, records.maxType);
    cols.maxStringName = Math.max(cols.maxStringName, records.maxStringName);
  }
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
