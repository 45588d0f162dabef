/**
 * Worker thread entry: parses a snapshot's edges section, from a byte offset of a
 * plain file, straight into edge columns in shared memory, while the main thread
 * parses the rest of the file. Posts progress into a shared counter and one result.
 */
import { parentPort, workerData } from "node:worker_threads";
import { GuppyError } from "../../errors.js";
import { openByteSource } from "./byte-source.js";
import { EdgeColumns, type EdgeBuffers, type EdgeLayout } from "./edge-columns.js";
import { JsonCursor } from "./json-cursor.js";

/** What the main thread sends. */
export interface EdgeWork {
  file: string;
  /** Offset of the edges array's '['. */
  start: number;
  count: number;
  nodeCount: number;
  layout: EdgeLayout;
  buffers: EdgeBuffers;
  /** progress[0]: bytes of the section parsed so far. */
  progress: SharedArrayBuffer;
}

/** What the worker answers. */
export type EdgeResult =
  | { ok: true; filled: number; maxType: number; maxStringName: number; end: number }
  | { ok: false; code: GuppyError["code"]; message: string; offset: number | undefined };

const BATCH_RECORDS = 1024;

async function parseEdges(work: EdgeWork): Promise<EdgeResult> {
  const progress = new Float64Array(work.progress);
  const source = await openByteSource(work.file, work.start);
  try {
    const cursor = new JsonCursor(source, () => (progress[0] = source.bytesRead - work.start), work.start);
    cursor.section = "the 'edges' section";
    const cols = new EdgeColumns(work.count, work.nodeCount, work.layout, work.buffers);
    const batch = new Float64Array(BATCH_RECORDS * work.layout.edgeFieldCount);
    await cursor.readNumberArray(batch, (n) => cols.take(batch, n, cursor), true);
    return { ok: true, filled: cols.filled, maxType: cols.maxType, maxStringName: cols.maxStringName, end: cursor.offset };
  } catch (e) {
    if (e instanceof GuppyError) return { ok: false, code: e.code, message: e.message, offset: e.offset };
    return { ok: false, code: "TOO_LARGE", message: `The edges could not be read (${(e as Error)?.message ?? String(e)}).`, offset: undefined };
  } finally {
    await source.close();
  }
}

parentPort?.postMessage(await parseEdges(workerData as EdgeWork));
