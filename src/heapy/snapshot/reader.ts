import { GuppyError } from "../../errors.js";
import { GZIP_INFLATE_RATIO, openByteSource, type ByteSource } from "./byte-source.js";
import { defaultCacheDir, readGraphCache, stampOf } from "./graph-cache.js";
import { typedArray } from "./memory.js";
import { HeapGraph, type AllocationTraces, type SourceStamp } from "./heap-graph.js";
import { checkRecords, EdgeColumns } from "./edge-columns.js";
import { EdgeJob, MisledEdgesEnd, type EdgeThread } from "./parallel-edges.js";
import { JsonCursor, type RecordReader } from "./json-cursor.js";
import { layoutOf, unknownLayoutWarnings, type SnapshotHeader, type SnapshotLayout } from "./meta.js";
import { RecordFields } from "./record-fields.js";
import { RecordKernel } from "./record-kernel.js";
import { StringTableBuilder } from "./string-table.js";

/** Options of readHeapSnapshot. */
export interface ReadOptions {
  /** Called after each chunk with bytes of the file consumed and the file's size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Called once per problem the reader worked around (also kept in graph.warnings). */
  onWarning?: (message: string) => void;
  /**
   * The folder of binary caches to read a valid cache from instead of parsing
   * (see graph-cache); null reads no cache. Default: defaultCacheDir().
   */
  cacheDir?: string | null;
  /**
   * Whether a worker thread parses the edges section while this thread parses the
   * rest. Default: for files of 32 MiB and more (gzip files by their compressed size).
   */
  parallel?: boolean;
  /**
   * For tests of the parallel reader: the offset of a comma in the edges section from
   * which this thread parses the section's tail (it takes one on its own otherwise,
   * when it has finished its part first).
   */
  edgeTailFrom?: number;
  /**
   * A thread of the caller's for the parallel reader's edges (a graph worker started
   * before the read, which then serves the graph): lent for this read, and given back,
   * not ended. Without it the reader starts a thread of its own.
   */
  edgeThread?: EdgeThread;
  /**
   * Whether V8's number records are parsed by the WebAssembly kernels (record-kernel),
   * where the engine has WebAssembly; false parses them with the JavaScript loops,
   * which decide what the kernels accept. Default true.
   */
  wasm?: boolean;
}

/**
 * Below this, starting a worker costs more than it saves. Gzip input is measured by
 * its compressed size: its worker must inflate the stream a second time, which pays
 * only on larger files (measured in the README).
 */
export const PARALLEL_MIN_BYTES = 32 << 20;

/** The largest typed array this Node allocates, and the ordinal range we index with u32. */
const MAX_ELEMENTS = 2 ** 32 - 1;

const HEADER_LIMIT = 16 << 20;
/** V8's header nests three deep (meta.node_types[0]); far deeper is hostile and would overflow the stack later. */
const HEADER_DEPTH = 32;
const TRACE_TREE_LIMIT = 256 << 20;
const BATCH_RECORDS = 1024;

/** Top-level keys of other engines' snapshot formats, to say what a wrong file is. */
const JSC_KEYS = new Set(["version", "type", "nodeClassNames", "edgeTypes", "edgeNames", "roots", "labels"]);

/** Node columns filled while the nodes section streams in. */
class NodeColumns {
  readonly type: Uint8Array;
  readonly name: Uint32Array;
  readonly id: Uint32Array;
  readonly selfSize: Uint32Array;
  readonly firstEdge: Uint32Array;
  /** Allocated at the first non-zero trace id: most snapshots record no allocation traces, and this saves 4 bytes a node. */
  traceId: Uint32Array | null = null;
  readonly detachedness: Uint8Array | null;
  filled = 0;
  edgeTotal = 0;
  maxType = 0;
  maxName = 0;

  /** `shared`: the columns a worker thread may search (types, names, ids, first edges) go in shared memory. */
  constructor(readonly count: number, readonly L: SnapshotLayout, shared = false) {
    this.type = typedArray(Uint8Array, count, shared);
    this.name = typedArray(Uint32Array, count, shared);
    this.id = typedArray(Uint32Array, count, shared);
    this.selfSize = new Uint32Array(count);
    this.firstEdge = typedArray(Uint32Array, count + 1, shared);
    this.detachedness = L.nodeDetachedness >= 0 ? new Uint8Array(count) : null;
  }

  /**
   * A reader of V8's node records straight into the columns ("type,name,id,self_size,
   * edge_count,trace_node_id[,detachedness]\n,"), or null for any other layout: by
   * WebAssembly with `wasm` where the engine has it (see record-kernel).
   */
  records(wasm = true): RecordReader | null {
    const L = this.L;
    const nf = L.nodeFieldCount;
    const canonical = L.nodeType === 0 && L.nodeName === 1 && L.nodeId === 2 && L.nodeSelfSize === 3 && L.nodeEdgeCount === 4 && L.nodeTraceNodeId === 5;
    if (!canonical || !(nf === 6 || (nf === 7 && L.nodeDetachedness === 6))) return null;
    const kernel = wasm ? RecordKernel.nodes(nf === 7) : null;
    if (kernel !== null) return this.kernelRecords(kernel);
    const f = new RecordFields();
    return {
      width: nf,
      read: (buf, i, safe) => {
        const { type, name, id, selfSize, firstEdge, detachedness, count } = this;
        let k = this.filled;
        let edges = this.edgeTotal;
        let maxType = this.maxType, maxName = this.maxName;
        // Each field starts before `safe`, a comma. What it cannot vouch for, the
        // general loop reads and reports.
        while (i < safe && k < count) {
          let j = f.field(buf, i, safe);
          if (j < 0) break;
          const t = f.value;
          j = f.field(buf, j, safe);
          if (j < 0) break;
          const nm = f.value;
          j = f.field(buf, j, safe);
          if (j < 0) break;
          const nodeId = f.value;
          j = f.field(buf, j, safe);
          if (j < 0) break;
          const size = f.value;
          j = f.field(buf, j, safe);
          if (j < 0) break;
          const e = f.value;
          j = detachedness === null ? f.last(buf, j) : f.field(buf, j, safe);
          if (j < 0) break;
          const tr = f.value;
          if (detachedness !== null) {
            j = f.last(buf, j);
            if (j < 0) break;
            // (Zero in every node of a heap without a DOM: its pages then are never touched, so never taken.)
            if (f.value !== 0) detachedness[k] = f.value;
          }
          if (t > maxType) maxType = t;
          if (nm > maxName) maxName = nm;
          type[k] = t;
          name[k] = nm;
          id[k] = nodeId;
          selfSize[k] = size;
          firstEdge[k] = edges;
          edges += e;
          if (tr !== 0) (this.traceId ??= new Uint32Array(count))[k] = tr;
          k++;
          i = j;
        }
        this.filled = k;
        this.edgeTotal = edges;
        this.maxType = maxType;
        this.maxName = maxName;
        return i;
      },
    };
  }

  /** records() by the kernel: its columns copied into these after each call. */
  private kernelRecords(kernel: RecordKernel): RecordReader {
    const [type, name, id, selfSize, firstEdge, trace, detached] = kernel.out as [Uint8Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint8Array];
    const take = (n: number): void => {
      const k = this.filled;
      this.type.set(type.subarray(0, n), k);
      this.name.set(name.subarray(0, n), k);
      this.id.set(id.subarray(0, n), k);
      this.selfSize.set(selfSize.subarray(0, n), k);
      this.firstEdge.set(firstEdge.subarray(0, n), k);
      // (Columns the snapshot leaves zero are not allocated, or their pages not touched.)
      if (kernel.reported(3) !== 0) (this.traceId ??= new Uint32Array(this.count)).set(trace.subarray(0, n), k);
      if (kernel.reported(4) !== 0) this.detachedness!.set(detached.subarray(0, n), k);
      this.filled = k + n;
      this.edgeTotal += kernel.reported(5) + kernel.reported(6) * 2 ** 32;
      this.maxType = Math.max(this.maxType, kernel.reported(1));
      this.maxName = Math.max(this.maxName, kernel.reported(2));
    };
    // (The first edges are stored modulo 2^32, as the column holds them.)
    const base = (): number => this.edgeTotal % 2 ** 32;
    return { width: this.L.nodeFieldCount, read: (buf, i, safe) => kernel.scan(buf, i, safe, this.count - this.filled, base, take) };
  }

  /** Scatters whole node records from the batch into the columns. */
  take(b: Float64Array, n: number, cursor: JsonCursor): void {
    const L = this.L;
    const nf = L.nodeFieldCount;
    checkRecords(cursor, "node", n, nf, this.filled, this.count);
    const { type, name, id, selfSize, firstEdge, detachedness } = this;
    const oT = L.nodeType, oN = L.nodeName, oI = L.nodeId, oS = L.nodeSelfSize, oE = L.nodeEdgeCount;
    const oTr = L.nodeTraceNodeId, oD = L.nodeDetachedness;
    let k = this.filled;
    let edges = this.edgeTotal;
    let maxType = this.maxType, maxName = this.maxName;
    for (let j = 0; j < n; j += nf, k++) {
      const t = b[j + oT]!, nm = b[j + oN]!, i = b[j + oI]!, s = b[j + oS]!, e = b[j + oE]!;
      if (t > maxType) maxType = t;
      if (nm > maxName) maxName = nm;
      type[k] = t;
      name[k] = nm;
      id[k] = i;
      selfSize[k] = s;
      firstEdge[k] = edges;
      edges += e;
      if (oTr >= 0) {
        const tr = b[j + oTr]!;
        if (tr !== 0) (this.traceId ??= new Uint32Array(this.count))[k] = tr;
      }
      if (detachedness !== null && b[j + oD] !== 0) detachedness[k] = b[j + oD]!;
    }
    this.filled = k;
    this.edgeTotal = edges;
    this.maxType = maxType;
    this.maxName = maxName;
  }
}

/** Numbers a chunk of a NumberList holds. */
const LIST_CHUNK = 1 << 16;

/**
 * A growable list of numbers, for the small sections whose length the header does not
 * give. In chunks, so that growing copies nothing, and in 32 bits a number while every
 * number fits (V8's always do): a doubling list of doubles left about three times the
 * locations' final size as garbage at 1 GB, fresh memory whose pages each cost a fault.
 * Or, reserved for as many numbers as the section may hold, in one array that becomes
 * the column: the system gives its pages only as they are written, so the reservation
 * costs what the section holds and the column is no copy (chunks that are copied and
 * dropped left about their size behind in the allocator at 1 GB).
 */
class NumberList {
  private readonly chunks: (Uint32Array | Float64Array)[] = [];
  /** Doubles, since a number that does not fit 32 bits came. */
  private wide = false;
  /** Numbers in the last chunk. */
  private used = LIST_CHUNK;
  /** The reservation, while every number fits it. */
  private flat: Uint32Array | null = null;
  length = 0;

  /** Reserves room for `limit` numbers in one array (none when the memory cannot be had: then chunks). */
  reserve(limit: number): void {
    if (this.length > 0) return;
    try {
      this.flat = new Uint32Array(limit);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
  }

  push(b: Float64Array, n: number): void {
    if (this.flat !== null) {
      // (The caller keeps the section within the limit reserved for.)
      if (fitsUint32(b, n) && this.length + n <= this.flat.length) {
        this.flat.set(b.subarray(0, n), this.length);
        this.length += n;
        return;
      }
      this.unreserve();
    }
    if (!this.wide && !fitsUint32(b, n)) this.widen();
    for (let i = 0; i < n; ) {
      if (this.used === LIST_CHUNK) {
        this.chunks.push(this.wide ? new Float64Array(LIST_CHUNK) : new Uint32Array(LIST_CHUNK));
        this.used = 0;
      }
      const k = Math.min(n - i, LIST_CHUNK - this.used);
      this.chunks[this.chunks.length - 1]!.set(b.subarray(i, i + k), this.used);
      this.used += k;
      i += k;
    }
    this.length += n;
  }

  /**
   * A reader of records of `width` numbers straight into the reservation (see
   * RecordReader), or null without one: a fifth to a quarter faster than through a
   * batch. It stops where the reservation ends, or at a number it cannot hold.
   */
  records(width: number, wasm = true): RecordReader | null {
    if (this.flat === null || width < 1) return null;
    const kernel = wasm ? RecordKernel.flat(width) : null;
    if (kernel !== null) {
      const [out] = kernel.out as [Uint32Array];
      const take = (n: number): void => {
        this.flat!.set(out.subarray(0, n * width), this.length);
        this.length += n * width;
      };
      const none = (): number => 0;
      return { width, read: (buf, i, safe) => (this.flat === null ? i : kernel.scan(buf, i, safe, Math.floor((this.flat.length - this.length) / width), none, take)) };
    }
    const f = new RecordFields();
    return {
      width,
      read: (buf, i, safe) => {
        const flat = this.flat;
        if (flat === null) return i;
        let k = this.length;
        while (i < safe && k + width <= flat.length) {
          let j = i;
          for (let w = 1; w < width && j >= 0; w++) {
            j = f.field(buf, j, safe);
            if (j >= 0) flat[k + w - 1] = f.value;
          }
          if (j < 0) break;
          j = f.last(buf, j);
          if (j < 0) break;
          flat[k + width - 1] = f.value;
          k += width;
          i = j;
        }
        this.length = k;
        return i;
      },
    };
  }

  /** The numbers in 32 bits, or null when one does not fit. */
  finishCompact(): Uint32Array | null {
    if (this.flat !== null) return this.flat.subarray(0, this.length);
    return this.wide ? null : this.join(new Uint32Array(this.length));
  }

  finish(): Float64Array {
    if (this.flat !== null) return Float64Array.from(this.flat.subarray(0, this.length));
    return this.join(new Float64Array(this.length));
  }

  /** Moves what the reservation holds into chunks (a number it cannot hold came). */
  private unreserve(): void {
    const flat = this.flat!.subarray(0, this.length);
    this.flat = null;
    this.length = 0;
    for (let i = 0; i < flat.length; i += LIST_CHUNK) {
      const part = flat.subarray(i, i + LIST_CHUNK);
      this.push(Float64Array.from(part), part.length);
    }
  }

  private join<T extends Uint32Array | Float64Array>(out: T): T {
    this.chunks.forEach((c, i) => out.set(i === this.chunks.length - 1 ? c.subarray(0, this.used) : c, i * LIST_CHUNK));
    return out;
  }

  private widen(): void {
    this.chunks.forEach((c, i) => (this.chunks[i] = Float64Array.from(c)));
    this.wide = true;
  }
}

function fitsUint32(b: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[i]! >>> 0 !== b[i]) return false;
  return true;
}

/**
 * The locations with each object index made a node ordinal; in 32 bits, half the
 * memory, when every value fits (as V8's always do: ordinals, script ids, lines,
 * columns), else as read.
 */
function compactLocations(list: NumberList, L: SnapshotLayout): Uint32Array | Float64Array {
  const lf = L.locationFields.length;
  const oObj = L.locationFields.indexOf("object_index");
  const nf = L.nodeFieldCount;
  // (The object indices' slots, every lf-th number from oObj; none without that field.)
  const from = lf > 0 && oObj >= 0 ? oObj : Number.POSITIVE_INFINITY;
  const small = list.finishCompact();
  if (small !== null) {
    let whole = true;
    for (let i = from; i < small.length && whole; i += lf) whole = small[i]! % nf === 0;
    if (whole) {
      for (let i = from; i < small.length; i += lf) small[i] = small[i]! / nf;
      return small;
    }
  }
  // (An object index between two nodes, or a number beyond 32 bits: a hostile file's.)
  const locs = small === null ? list.finish() : Float64Array.from(small);
  for (let i = from; i < locs.length; i += lf) locs[i] = locs[i]! / nf;
  return fitsUint32(locs, locs.length) ? Uint32Array.from(locs) : locs;
}

type TraceNode = unknown[];

/** Flattens the nested trace tree into pre-order columns, without recursion. */
function flattenTraceTree(tree: unknown, L: SnapshotLayout, functionInfos: Float64Array): AllocationTraces | null {
  const f = L.traceNodeFields;
  const oId = f.indexOf("id"), oFn = f.indexOf("function_info_index"), oCount = f.indexOf("count"), oSize = f.indexOf("size");
  const oChildren = f.indexOf("children");
  if (!Array.isArray(tree) || oId < 0 || oFn < 0 || oCount < 0 || oSize < 0 || oChildren < 0) return null;
  const ids: number[] = [], fns: number[] = [], counts: number[] = [], sizes: number[] = [], parents: number[] = [];
  const stack: { list: TraceNode; parent: number }[] = [{ list: tree, parent: -1 }];
  const width = f.length;
  while (stack.length > 0) {
    const { list, parent } = stack.pop()!;
    // Push children lists in reverse so rows come out in pre-order.
    const pending: { list: TraceNode; parent: number }[] = [];
    for (let i = 0; i + width <= list.length; i += width) {
      const row = ids.length;
      ids.push(Number(list[i + oId]));
      fns.push(Number(list[i + oFn]));
      counts.push(Number(list[i + oCount]));
      sizes.push(Number(list[i + oSize]));
      parents.push(parent);
      const children = list[i + oChildren];
      if (Array.isArray(children) && children.length > 0) pending.push({ list: children, parent: row });
    }
    for (let i = pending.length - 1; i >= 0; i--) stack.push(pending[i]!);
  }
  return {
    functionInfos,
    functionInfoFields: L.traceFunctionInfoFields,
    treeId: Uint32Array.from(ids),
    treeFunctionInfo: Uint32Array.from(fns),
    treeCount: Float64Array.from(counts),
    treeSize: Float64Array.from(sizes),
    treeParent: Int32Array.from(parents),
  };
}

/**
 * Reads the whole snapshot from a byte source into a HeapGraph. A plain file whose
 * lines mislead the parallel reader (see EdgeJob.end) is read again from its start, in
 * order.
 */
export async function readFromSource(source: ByteSource, options: ReadOptions = {}, stamp: SourceStamp | null = null): Promise<HeapGraph> {
  try {
    return await readSource(source, options, stamp);
  } catch (e) {
    // A file whose lines misled the parallel reader (one V8 did not write): again from
    // its start, in order, as one thread reads it.
    if (!(e instanceof MisledEdgesEnd) || source.seek === undefined) throw e;
    await source.seek(0);
    return readSource(source, { ...options, parallel: false }, stamp);
  }
}

async function readSource(source: ByteSource, options: ReadOptions, stamp: SourceStamp | null): Promise<HeapGraph> {
  const file = source.name;
  const warnings: string[] = [];
  const warn = (m: string): void => {
    warnings.push(m);
    options.onWarning?.(m);
  };
  // With a worker on the edges: bytes the main thread jumped over, and the worker's progress instead.
  let job: EdgeJob | null = null;
  let edgesEnd = -1;
  let skipped = 0;
  // (In a gzip stream this thread reads every byte itself, so its count alone is the progress.)
  // Never backwards: a jump drops the read-ahead chunk from the count.
  let shown = 0;
  const report = (): void => {
    shown = Math.max(shown, Math.min(source.totalBytes, source.bytesRead - skipped + (source.compressed ? 0 : (job?.bytesDone ?? 0))));
    options.onProgress?.(shown, source.totalBytes);
  };
  const cursor = new JsonCursor(source, report);
  // Large inputs: a worker parses the edges, and the columns go in shared memory for later workers.
  const parallel = options.parallel ?? source.totalBytes >= PARALLEL_MIN_BYTES;
  const wasm = options.wasm !== false;

  let header: SnapshotHeader | null = null;
  let L: SnapshotLayout | null = null;
  let nodes: NodeColumns | null = null;
  let edges: EdgeColumns | null = null;
  let strings: StringTableBuilder | null = null;
  let stringsComplete = false;
  let traceTree: unknown = undefined;
  const functionInfos = new NumberList();
  const samples = new NumberList();
  const locations = new NumberList();

  const first = await cursor.peek();
  if (first !== 0x7b) {
    throw cursor.fail("WRONG_FORMAT", "This is not a V8 heap snapshot: it does not start with a JSON object.");
  }
  cursor.skipByte();
  let firstKey = true;
  let complete = false;
  const seenKeys = new Set<string>();
  try {
    for (;;) {
      cursor.section = "the top-level object";
      const c = await cursor.peek();
      if (c === 0x7d) {
        cursor.skipByte();
        complete = true;
        break;
      }
      if (c < 0) throw cursor.fail("TRUNCATED", "The file ends before the closing '}' of the snapshot.");
      if (!firstKey) {
        await cursor.expect(0x2c, "',' or '}'");
      }
      const key = await cursor.readShortString();
      await cursor.expect(0x3a, "':'");
      if (firstKey && key !== "snapshot") {
        const hint = JSC_KEYS.has(key)
          ? " It looks like a JavaScriptCore (Safari, Bun) heap snapshot; Guppy reads V8 snapshots (Node.js, Chromium, Electron, Deno)."
          : "";
        throw cursor.fail("WRONG_FORMAT", `This is not a V8 heap snapshot: it does not begin with a 'snapshot' header.${hint}`);
      }
      firstKey = false;
      cursor.section = `the '${key}' section`;
      // A second copy would silently replace the first (or, read in parallel, disagree with it).
      if (seenKeys.has(key)) throw cursor.fail("INVALID_JSON", `The snapshot has the '${key.slice(0, 40)}' section twice.`);
      seenKeys.add(key);
      switch (key) {
        case "snapshot": {
          const headerAt = cursor.offset;
          const text = await cursor.captureValue(HEADER_LIMIT, HEADER_DEPTH);
          if (text === null) throw cursor.fail("BAD_META", "The snapshot header is implausibly large.");
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            throw cursor.fail("BAD_META", "The snapshot header is not valid JSON.");
          }
          header = parsed as SnapshotHeader;
          L = layoutOf(parsed, { file, offset: headerAt });
          checkCounts(header, L, source, cursor);
          for (const w of unknownLayoutWarnings(L, header.meta.node_fields)) warn(w);
          break;
        }
        case "nodes": {
          const cols = (nodes = allocating(cursor, () => new NodeColumns(header!.node_count, L!, parallel)));
          if (parallel && (await cursor.peek()) === 0x5b) {
            const how = { tailFrom: options.edgeTailFrom, thread: options.edgeThread, wasm };
            if (source.compressed) job = await EdgeJob.startInStream(file, cursor.offset, header!, L!, how);
            else if (source.seek !== undefined) job = await EdgeJob.start(file, cursor.offset, header!, L!, how);
          }
          const batch = new Float64Array(BATCH_RECORDS * L!.nodeFieldCount);
          await cursor.readNumberArray(batch, (n) => cols.take(batch, n, cursor), true, cols.records(wasm));
          finishNodes(cols, header!, cursor);
          if (job !== null && !source.compressed && job.nodesEnd !== cursor.offset - 1) {
            // The worker took edges after another ']' than the one the nodes end at (a
            // file V8 did not write): read in order, which tells what is wrong where.
            await job.close();
            job = null;
          }
          if (job !== null && !source.compressed) {
            // Skip what the worker parses: find the section's end natively and read on from there.
            const end = await job.end();
            if (end < 0) {
              // No ']' anywhere after the edges: the worker tells how the file is cut off.
              await finishEdges(job, cursor, L!, -1);
              throw cursor.fail("TRUNCATED", "The file ends in the middle of the 'edges' section: it was probably cut off while being written.");
            } else {
              edgesEnd = end;
              skipped = end - cursor.offset;
              await cursor.jump(end);
              // Its key was jumped over too: a second 'edges' must still be seen as one.
              seenKeys.add("edges");
            }
          }
          break;
        }
        case "edges": {
          if (nodes === null) throw cursor.fail("WRONG_FORMAT", "The edges section comes before the nodes section.");
          if (job !== null && edges === null) {
            // A gzip stream: the worker inflates on its own to the same place and parses; pass over it here.
            await cursor.peek();
            if ((await job.located()) === cursor.offset) {
              try {
                await cursor.skipNumberArray();
              } catch (e) {
                // Cut off or corrupt inside the edges: the worker tells first what it met first.
                await finishEdges(job, cursor, L!, -1);
                throw e;
              }
              edgesEnd = cursor.offset;
              break;
            }
            await job.close();
            job = null;
          }
          const cols = (edges = allocating(cursor, () => new EdgeColumns(header!.edge_count, header!.node_count, L!)));
          const batch = new Float64Array(BATCH_RECORDS * L!.edgeFieldCount);
          await cursor.readNumberArray(batch, (n) => cols.take(batch, n, cursor), true, cols.records(wasm));
          if (cols.filled !== cols.count) {
            throw cursor.fail("COUNT_MISMATCH", `The header announces ${cols.count} edges but the edges section holds ${cols.filled}.`);
          }
          if (cols.maxType >= L!.edgeTypes.length) throw cursor.fail("TYPE_OUT_OF_RANGE", `An edge has type ${cols.maxType}, beyond the ${L!.edgeTypes.length} edge types in the header.`);
          break;
        }
        case "strings": {
          // In shared memory when the columns are: workers then read names (WeakMap entries) too.
          strings = new StringTableBuilder(source.compressed || source.totalBytes === 0 ? 1 << 20 : Math.max(0, source.totalBytes - cursor.offset), parallel, wasm);
          await cursor.readStringArray(strings);
          stringsComplete = true;
          break;
        }
        case "trace_function_infos":
        case "samples":
        case "locations": {
          const list = key === "samples" ? samples : key === "locations" ? locations : functionInfos;
          const batch = new Float64Array(1 << 14);
          // Bounded by the header's counts, so a section of endless numbers cannot take the memory.
          const limit = listLimit(key, header, L);
          // (The locations are the one large list: four numbers a closure.)
          if (key === "locations") list.reserve(limit);
          const width = key === "locations" ? L?.locationFields.length ?? 0 : 0;
          await cursor.readNumberArray(batch, (n) => {
            if (list.length + n > limit) throw cursor.fail("COUNT_MISMATCH", `The ${key} section holds more numbers than the header's counts allow.`);
            list.push(batch, n);
          }, false, width > 0 && batch.length % width === 0 ? list.records(width, wasm) : null);
          break;
        }
        case "trace_tree": {
          const text = await cursor.captureValue(TRACE_TREE_LIMIT);
          if (text === null) warn("The allocation trace tree is too large to load; allocation sites are not available.");
          else {
            try {
              traceTree = JSON.parse(text);
            } catch {
              throw cursor.fail("INVALID_JSON", "The allocation trace tree is not valid JSON.");
            }
          }
          break;
        }
        default:
          // Sections this version does not use (scopes, future additions) are skipped, not failed on.
          await cursor.skipValue();
      }
    }
    // This thread's part is done: it takes some of what the worker has left.
    if (job !== null && edges === null) edges = await finishEdges(job, cursor, L!, edgesEnd, report, true);
  } catch (e) {
    // Once past the nodes, the worker's edges come first in the file: their error, if any, is the one to tell.
    if (job !== null && edges === null && edgesEnd < 0) await job.close();
    else if (job !== null && edges === null) {
      try {
        edges = await finishEdges(job, cursor, L!, edgesEnd, report);
      } finally {
        await job.close();
      }
    }
    // A snapshot cut off inside or before its strings still has exact topology and sizes:
    // open it honestly, with placeholder names and a warning.
    const cut = e instanceof GuppyError && e.code === "TRUNCATED";
    if (!(cut && nodes !== null && edges !== null && edges.filled === edges.count)) throw e;
    const lost = strings === null ? "before its string table: every name is missing" : `inside its string table: names after string ${strings.count} are missing`;
    warn(
      `The file was cut off ${lost}. Objects, sizes and references are as recorded; ` +
        "dominators that depend on names (WeakMap entries, native contexts) may differ from the complete file.",
    );
  }
  if (complete) {
    // Reading on to the end also makes zlib check the gzip trailer.
    cursor.section = "the end of the file";
    if ((await cursor.peek()) >= 0) throw cursor.fail("INVALID_JSON", "There is data after the end of the snapshot.");
  }
  if (header === null || L === null) throw cursor.fail("WRONG_FORMAT", "This is not a V8 heap snapshot: it has no 'snapshot' header.");
  if (nodes === null) throw cursor.fail("TRUNCATED", "The snapshot has no nodes section.");
  if (edges === null) throw cursor.fail("TRUNCATED", "The snapshot has no edges section.");
  // A complete file without strings (or with that key damaged) would classify every object by placeholder names.
  if (complete && strings === null) throw new GuppyError("WRONG_FORMAT", "The snapshot has no 'strings' section (or its key is damaged).", { file });
  const table = (strings ?? new StringTableBuilder(0)).finish();
  if (stringsComplete) {
    if (nodes.maxName >= table.count || edges.maxStringName >= table.count) {
      throw new GuppyError("STRING_OUT_OF_RANGE", `A node or edge names string ${Math.max(nodes.maxName, edges.maxStringName)}, but the string table has ${table.count} strings.`, { file });
    }
  } else if (strings !== null && nodes.maxName < table.count && edges.maxStringName < table.count) {
    // Every name that is used was read before the cut.
    warnings.pop();
    warn("The file was cut off at the end of its string table; every name that is used was read.");
  }
  const locs = compactLocations(locations, L);

  return new HeapGraph({
    file,
    header,
    layout: L,
    nodeCount: nodes.count,
    edgeCount: edges.count,
    nodeType: nodes.type,
    nodeName: nodes.name,
    nodeId: nodes.id,
    nodeSelfSize: nodes.selfSize,
    firstEdge: nodes.firstEdge,
    nodeTraceId: nodes.traceId,
    nodeDetachedness: nodes.detachedness,
    edgeType: edges.type,
    edgeName: edges.name,
    edgeTarget: edges.target,
    strings: table,
    traces: traceTree === undefined ? null : flattenTraceTree(traceTree, L, functionInfos.finish()),
    samples: samples.finish(),
    locations: locs,
    warnings,
    source: stamp,
  });
}

/**
 * Waits for the worker parsing the edges section and checks what it found; `end` is
 * where the main thread's byte search placed the section's end (-1: none found).
 * With `share`, this thread first parses some of what the worker has left.
 */
async function finishEdges(job: EdgeJob, cursor: JsonCursor, L: SnapshotLayout, end: number, onProgress?: () => void, share = false): Promise<EdgeColumns> {
  const timer = onProgress === undefined ? null : setInterval(onProgress, 250);
  try {
    if (share && end >= 0) await job.takeTail(end);
    const at = await job.finish();
    const cols = job.columns;
    if (cols.filled !== cols.count) {
      throw cursor.fail("COUNT_MISMATCH", `The header announces ${cols.count} edges but the edges section holds ${cols.filled}.`, at);
    }
    if (cols.maxType >= L.edgeTypes.length) throw cursor.fail("TYPE_OUT_OF_RANGE", `An edge has type ${cols.maxType}, beyond the ${L.edgeTypes.length} edge types in the header.`, at);
    if (end >= 0 && at !== end) {
      // (The ']' a bisection found is a later section's: this thread read on from the wrong place.)
      if (job.bisected) throw new MisledEdgesEnd();
      throw cursor.fail("INVALID_JSON", "The edges section does not end where its closing ']' is.", at);
    }
    return cols;
  } finally {
    if (timer !== null) clearInterval(timer);
  }
}

/** The most numbers a small section can hold for the header's counts (generous: only a hostile file comes near). */
function listLimit(key: string, header: SnapshotHeader | null, L: SnapshotLayout | null): number {
  const n = header?.node_count ?? 0;
  const slack = 1 << 20;
  if (key === "locations") return (n + slack) * Math.max(4, L?.locationFields.length ?? 0);
  if (key === "samples") return (n + slack) * Math.max(2, L?.sampleFields.length ?? 0);
  const functions = typeof header?.trace_function_count === "number" ? header.trace_function_count : 0;
  return (functions + n + slack) * Math.max(6, L?.traceFunctionInfoFields.length ?? 0);
}

/** Runs an allocation of columns; running out of memory becomes a GuppyError, not a crash. */
function allocating<T>(cursor: JsonCursor, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof RangeError) throw cursor.fail("TOO_LARGE", "There is not enough memory for the node and edge columns the header announces.");
    throw e;
  }
}

/** Rejects headers whose counts this file cannot hold, before allocating for them. */
function checkCounts(header: SnapshotHeader, L: SnapshotLayout, source: ByteSource, cursor: JsonCursor): void {
  const n = header.node_count;
  const e = header.edge_count;
  if (n === 0) throw cursor.fail("BAD_META", "The header announces no nodes; a V8 heap always has a root.");
  if (n > MAX_ELEMENTS || e > MAX_ELEMENTS) {
    throw cursor.fail("TOO_LARGE", `The header announces ${n} nodes and ${e} edges; Guppy handles up to ${MAX_ELEMENTS} of each.`);
  }
  // Every number takes at least two bytes ("0,"), so the file bounds the counts
  // (a live stream has no size to check against; allocation failure catches it there).
  const capacity = source.compressed ? source.totalBytes * GZIP_INFLATE_RATIO : source.totalBytes;
  if (source.totalBytes > 0 && (n * L.nodeFieldCount + e * L.edgeFieldCount) * 2 > capacity + 16) {
    throw cursor.fail("COUNT_MISMATCH", `The header announces ${n} nodes and ${e} edges, more than a file of ${source.totalBytes} bytes can hold.`);
  }
  const root = header.root_index ?? 0;
  if (!Number.isSafeInteger(root) || root < 0 || root % L.nodeFieldCount !== 0 || root / L.nodeFieldCount >= n) {
    throw cursor.fail("BAD_META", "The header's root_index does not point at a node.");
  }
}

function finishNodes(cols: NodeColumns, header: SnapshotHeader, cursor: JsonCursor): void {
  if (cols.filled !== cols.count) {
    throw cursor.fail("COUNT_MISMATCH", `The header announces ${cols.count} nodes but the nodes section holds ${cols.filled}.`);
  }
  if (cols.maxType >= cols.L.nodeTypes.length) {
    throw cursor.fail("TYPE_OUT_OF_RANGE", `A node has type ${cols.maxType}, beyond the ${cols.L.nodeTypes.length} node types in the header.`);
  }
  if (cols.edgeTotal !== header.edge_count) {
    throw cursor.fail("COUNT_MISMATCH", `The nodes' edge counts add up to ${cols.edgeTotal}, but the header announces ${header.edge_count} edges.`);
  }
  cols.firstEdge[cols.count] = cols.edgeTotal;
}

/**
 * Reads a .heapsnapshot or .heapsnapshot.gz file into an immutable HeapGraph, from
 * its binary cache when a valid one exists (writeGraphCache makes it).
 */
export async function readHeapSnapshot(file: string, options: ReadOptions = {}): Promise<HeapGraph> {
  const dir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const cached = await readGraphCache(file, dir, options.onWarning);
  if (cached !== null) {
    for (const w of cached.warnings) options.onWarning?.(w);
    return cached;
  }
  // Stamped before reading: a file changed while being read gets no cache (its mtime moves on).
  const stamp = await stampOf(file);
  const source = await openByteSource(file);
  try {
    return await readFromSource(source, options, stamp);
  } finally {
    await source.close();
  }
}
