/**
 * The edges section of a snapshot parsed straight into edge columns in shared memory,
 * on a worker thread while the main thread parses the rest of the file. In a plain
 * file it starts at the section's offset; in a gzip stream, which has no offsets to
 * seek to, it inflates the file itself and passes over the nodes section to reach
 * it, and says where it found it. Posts progress into a shared counter and one result.
 */
import { GuppyError } from "../../errors.js";
import { CHUNK, openByteSource } from "./byte-source.js";
import { EdgeColumns, type EdgeBuffers, type EdgeLayout } from "./edge-columns.js";
import { EdgeSplit } from "./edge-split.js";
import { JsonCursor } from "./json-cursor.js";

/** What the main thread sends. */
export interface EdgeWork {
  file: string;
  /**
   * Where to begin: a plain file's offset of the edges array's '[', or (a gzip
   * stream) the offset of the nodes array's '[', which the edges follow.
   */
  from: { edges: number } | { nodes: number };
  count: number;
  nodeCount: number;
  layout: EdgeLayout;
  buffers: EdgeBuffers;
  /** progress[0]: bytes of the section parsed so far. */
  progress: SharedArrayBuffer;
  /** A plain file's EdgeSplit state: the main thread may take the section's tail. */
  split: SharedArrayBuffer | null;
  /** Whether the records are parsed by the WebAssembly kernel (see record-kernel). */
  wasm: boolean;
}

/** Where the worker found the edges array's '[' (a gzip stream); null: not right after the nodes. */
export interface EdgeLocated {
  located: number | null;
}

/** What the worker answers last. */
export type EdgeResult =
  | { ok: true; filled: number; maxType: number; maxStringName: number; end: number; rest: number[] }
  | { ok: false; code: GuppyError["code"]; message: string; offset: number | undefined };

const BATCH_RECORDS = 1024;

/** Reads a gzip stream up to the edges array that follows the nodes array at `nodes`; null when none does. */
async function edgesAfterNodes(cursor: JsonCursor, nodes: number): Promise<number | null> {
  await cursor.skipTo(nodes);
  await cursor.skipNumberArray();
  if ((await cursor.peek()) !== 0x2c) return null;
  cursor.skipByte();
  if ((await cursor.peek()) !== 0x22 || (await cursor.readShortString()) !== "edges") return null;
  if ((await cursor.peek()) !== 0x3a) return null;
  cursor.skipByte();
  return (await cursor.peek()) === 0x5b ? cursor.offset : null;
}

/** A message that carries edge work (to an edge worker, or to a graph worker lent for a read). */
export interface EdgeMessage {
  edgeWork: EdgeWork;
}

/**
 * Parses the edges section `work` names into its shared columns; `post` gets where a
 * gzip stream's edges were found, before the result.
 */
export async function parseEdges(work: EdgeWork, post: (m: EdgeLocated) => void): Promise<EdgeResult> {
  const progress = new Float64Array(work.progress);
  const start = "edges" in work.from ? work.from.edges : 0;
  const split = work.split === null ? null : new EdgeSplit(work.split, start, CHUNK);
  const source = await openByteSource(work.file, start, split);
  let located = "edges" in work.from;
  try {
    const cursor = new JsonCursor(source, () => (progress[0] = source.bytesRead - start), start);
    if ("nodes" in work.from) {
      const at = await edgesAfterNodes(cursor, work.from.nodes);
      located = true;
      post({ located: at });
      if (at === null) return { ok: false, code: "INVALID_JSON", message: "The edges do not follow the nodes.", offset: cursor.offset };
    }
    cursor.section = "the 'edges' section";
    const cols = new EdgeColumns(work.count, work.nodeCount, work.layout, work.buffers);
    const ef = work.layout.edgeFieldCount;
    const batch = new Float64Array(BATCH_RECORDS * ef);
    // Where the main thread took the tail, the cut may fall inside a record: its first
    // numbers go to the main thread, which has the others.
    const rest: number[] = [];
    await cursor.readNumberArray(batch, (n) => {
      const whole = split?.cut === cursor.offset - 1 ? n - (n % ef) : n;
      cols.take(batch, whole, cursor);
      for (let j = whole; j < n; j++) rest.push(batch[j]!);
    }, true, cols.records(work.wasm));
    return { ok: true, filled: cols.filled, maxType: cols.maxType, maxStringName: cols.maxStringName, end: cursor.offset, rest };
  } catch (e) {
    // Failing before the edges, the main thread meets the same trouble in its own reading.
    if (!located) post({ located: null });
    if (e instanceof GuppyError) return { ok: false, code: e.code, message: e.message, offset: e.offset };
    return { ok: false, code: "TOO_LARGE", message: `The edges could not be read (${(e as Error)?.message ?? String(e)}).`, offset: undefined };
  } finally {
    await source.close();
  }
}
