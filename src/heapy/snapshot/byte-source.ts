import { open, stat, type FileHandle } from "node:fs/promises";
import { constants, createReadStream, type Stats } from "node:fs";
import { createGunzip } from "node:zlib";
import { GuppyError } from "../../errors.js";
import type { EdgeSplit } from "./edge-split.js";

/**
 * A pull source of byte chunks. A chunk stays valid only until the next `next()`
 * call, so readers copy whatever they keep.
 */
export interface ByteSource {
  /** The file name, for error messages. */
  readonly name: string;
  /** Size on disk in bytes (compressed size for gzip input); 0 when unknown (a live stream). */
  readonly totalBytes: number;
  /** Bytes of the file consumed so far (compressed bytes for gzip input). */
  readonly bytesRead: number;
  /** Whether the content is gzip-compressed. */
  readonly compressed: boolean;
  /** The next chunk, or null at the end of input. */
  next(): Promise<Uint8Array | null>;
  close(): Promise<void>;
  /** Plain files only: continue from byte `offset` (chunks already returned stay valid). */
  seek?(offset: number): Promise<void>;
}

/** Bytes a plain file is read a time. */
export const CHUNK = 8 << 20;
const CLOSE_BRACKET = 0x5d;

function openError(name: string, err: unknown): GuppyError {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return new GuppyError("FILE_NOT_FOUND", "No such file.", { file: name });
  if (code === "EISDIR") return new GuppyError("FILE_UNREADABLE", "This is a directory, not a heap snapshot file.", { file: name });
  if (code === "EACCES" || code === "EPERM") return new GuppyError("FILE_UNREADABLE", "Permission denied.", { file: name });
  return new GuppyError("FILE_UNREADABLE", `The file cannot be read (${code ?? "unknown error"}).`, { file: name });
}

/**
 * Pipes, sockets and devices are refused rather than read: the reader seeks, a
 * parallel reader opens the file a second time, and a cache needs stable content.
 */
function notAFile(name: string, st: Stats): GuppyError {
  const what = st.isFIFO() ? "a pipe (FIFO)" : st.isSocket() ? "a socket" : st.isCharacterDevice() || st.isBlockDevice() ? "a device" : "not a regular file";
  return new GuppyError("FILE_UNREADABLE", `This is ${what}, not a heap snapshot file: save the snapshot to a file and read that.`, { file: name });
}

/** Reads a plain file with one read always in flight, so disk and parsing overlap. */
class FileSource implements ByteSource {
  readonly compressed = false;
  bytesRead = 0;
  private readonly buffers = [new Uint8Array(CHUNK), new Uint8Array(CHUNK)];
  private turn = 0;
  private pending: Promise<number> | null = null;
  private position = 0;

  constructor(readonly name: string, private readonly fh: FileHandle, readonly totalBytes: number, start = 0, private readonly split: EdgeSplit | null = null) {
    this.position = start;
    this.bytesRead = start;
    this.pending = this.readInto(0);
  }

  private readInto(slot: number): Promise<number> {
    const at = this.position;
    this.position += CHUNK;
    const buf = this.buffers[slot]!;
    const length = this.split === null ? CHUNK : this.split.allow(at, CHUNK);
    if (length === 0) return Promise.resolve(0);
    return this.fh.read(buf, 0, length, at).then((r) => {
      // Where the main thread took the rest of the section, its comma ends this part as a ']'.
      if (this.split !== null && r.bytesRead > 0 && this.split.cut === at + r.bytesRead - 1) buf[r.bytesRead - 1] = CLOSE_BRACKET;
      return r.bytesRead;
    }, (e) => {
      throw openError(this.name, e);
    });
  }

  async next(): Promise<Uint8Array | null> {
    if (this.pending === null) return null;
    const n = await this.pending;
    const slot = this.turn;
    if (n === 0) {
      this.pending = null;
      return null;
    }
    this.bytesRead += n;
    this.turn ^= 1;
    this.pending = n < CHUNK ? null : this.readInto(this.turn);
    return this.buffers[slot]!.subarray(0, n);
  }

  async seek(offset: number): Promise<void> {
    await this.pending?.catch(() => 0);
    this.position = offset;
    this.bytesRead = offset;
    // The slot not handed out last: the caller may still hold the last chunk.
    this.turn ^= 1;
    this.pending = this.readInto(this.turn);
  }

  async close(): Promise<void> {
    await this.pending?.catch(() => 0);
    this.pending = null;
    await this.fh.close();
  }
}

/**
 * Heap snapshots gzip about 5:1 (their ids and offsets vary); deflate can reach 1032:1.
 * Past this ratio (plus a small allowance) the stream is a decompression bomb, refused
 * before it inflates into gigabytes of memory.
 */
export const GZIP_INFLATE_RATIO = 64;
const GZIP_INFLATE_ALLOWANCE = 64 << 20;

/** Streams a gzip file through zlib; corrupt, cut-off or bomb-like streams become GuppyErrors. */
class GzipSource implements ByteSource {
  readonly compressed = true;
  private readonly file;
  private readonly iterator: AsyncIterator<Buffer>;
  private inflated = 0;

  constructor(readonly name: string, readonly totalBytes: number) {
    this.file = createReadStream(name, { highWaterMark: 1 << 20 });
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    this.file.on("error", (e) => gunzip.destroy(e));
    this.iterator = this.file.pipe(gunzip)[Symbol.asyncIterator]();
  }

  get bytesRead(): number {
    return this.file.bytesRead;
  }

  async next(): Promise<Uint8Array | null> {
    try {
      const r = await this.iterator.next();
      if (r.done) return null;
      this.inflated += r.value.length;
      if (this.inflated > this.totalBytes * GZIP_INFLATE_RATIO + GZIP_INFLATE_ALLOWANCE) {
        throw new GuppyError("TOO_LARGE", `The gzip stream inflates more than ${GZIP_INFLATE_RATIO}:1, which no heap snapshot does: refused as a decompression bomb (gunzip it yourself to read it anyway).`, {
          file: this.name,
          offset: this.inflated - r.value.length,
        });
      }
      return r.value;
    } catch (e) {
      if (e instanceof GuppyError) throw e;
      const code = (e as NodeJS.ErrnoException)?.code;
      if (code === "Z_BUF_ERROR") {
        throw new GuppyError("TRUNCATED", "The gzip stream ends early: the file was cut off while it was being written.", { file: this.name });
      }
      if (typeof code === "string" && code.startsWith("Z_")) {
        throw new GuppyError("GZIP_CORRUPT", "The gzip stream is corrupt.", { file: this.name });
      }
      throw openError(this.name, e);
    }
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
    this.file.destroy();
  }
}

/**
 * Opens a heap snapshot file, plain or gzip (recognised by its magic bytes, not its
 * name). `start` (plain files only) begins reading at that byte; `split` (the edges
 * worker's plain file) ends the reading where the main thread took over the section.
 */
export async function openByteSource(name: string, start = 0, split: EdgeSplit | null = null): Promise<ByteSource> {
  let fh: FileHandle;
  try {
    // Non-blocking, so that opening a FIFO returns at once (a blocking open waits for a writer forever).
    fh = await open(name, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    // A socket (how a parent often hands over stdin) cannot be opened by path at all: say what it is.
    if ((e as NodeJS.ErrnoException)?.code === "ENXIO") {
      const st = await stat(name).catch(() => null);
      if (st !== null && !st.isFile()) throw notAFile(name, st);
    }
    throw openError(name, e);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw openError(name, Object.assign(new Error(), { code: "EISDIR" }));
    if (!st.isFile()) throw notAFile(name, st);
    if (st.size === 0) throw new GuppyError("EMPTY_FILE", "The file is empty.", { file: name });
    const magic = new Uint8Array(2);
    await fh.read(magic, 0, 2, 0);
    if (magic[0] === 0x1f && magic[1] === 0x8b) {
      await fh.close();
      return new GzipSource(name, st.size);
    }
    return new FileSource(name, fh, st.size, start, split);
  } catch (e) {
    await fh.close().catch(() => undefined);
    if (e instanceof GuppyError) throw e;
    throw openError(name, e);
  }
}

/** A source over bytes already in memory (tests, and snapshots streamed from an inspector). */
export function bufferSource(name: string, chunks: Iterable<Uint8Array>): ByteSource {
  const list = [...chunks];
  const total = list.reduce((s, c) => s + c.length, 0);
  let i = 0;
  let read = 0;
  return {
    name,
    totalBytes: total,
    compressed: false,
    get bytesRead() {
      return read;
    },
    async next() {
      const c = list[i++];
      if (c === undefined) return null;
      read += c.length;
      return c;
    },
    async close() {},
  };
}
