import type { Readable } from "node:stream";

/** What {@link boundedLines} reports: a complete line, or that a line grew past the limit. */
export interface LineSink {
  line(text: string): void;
  /** Called once when a line exceeds the limit without a newline; no lines follow. */
  overflow(): void;
}

/**
 * Splits a byte stream into UTF-8 lines of at most `limit` bytes. readline buffers a line
 * without bound, so a peer sending ~512 MB without a newline ends the process with
 * "Invalid string length"; here such a peer is reported once and the rest is discarded.
 * Returns a function that stops delivering lines (the caller is done with the stream).
 */
export function boundedLines(input: Readable, limit: number, sink: LineSink): () => void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let stopped = false;
  input.on("data", (chunk: Buffer) => {
    let start = 0;
    while (!stopped) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      if (pendingBytes + end - start > limit) {
        stopped = true;
        pending = [];
        sink.overflow();
        return;
      }
      if (nl < 0) {
        if (end > start) pending.push(chunk.subarray(start));
        pendingBytes += end - start;
        return;
      }
      pending.push(chunk.subarray(start, nl));
      const text = Buffer.concat(pending).toString("utf8");
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
      sink.line(text.endsWith("\r") ? text.slice(0, -1) : text);
    }
  });
  return () => {
    stopped = true;
    pending = [];
  };
}
