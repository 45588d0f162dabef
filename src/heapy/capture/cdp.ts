import WebSocket from "ws";
import { GuppyError } from "../../errors.js";
import { latin1Bytes } from "../../bytes.js";
import { Pending } from "../../pending.js";
import type { ByteSource } from "../snapshot/byte-source.js";
import { cacheScriptPositions } from "./script-positions.js";

/** A DevTools-protocol target as /json/list describes it. */
export interface CdpTarget {
  type: string;
  title: string;
  url: string;
  webSocketDebuggerUrl: string;
}

/** No answer and no chunk for this long means the target is gone or stuck. */
const SILENCE_MS = 60_000;

function attachError(what: string): GuppyError {
  return new GuppyError("SNAPSHOT_FAILED", what);
}

/** The debuggable targets of an inspector endpoint (`host:port`), Node processes and browser pages alike. */
export async function listTargets(endpoint: string): Promise<CdpTarget[]> {
  let res: Response;
  try {
    res = await fetch(`http://${endpoint}/json/list`, { signal: AbortSignal.timeout(10_000) });
  } catch {
    throw attachError(`Nothing answers at ${endpoint}: is the program running with --inspect (or Chromium with --remote-debugging-port)?`);
  }
  if (!res.ok) throw attachError(`${endpoint} answered ${res.status} instead of a target list.`);
  return (await res.json()) as CdpTarget[];
}

/**
 * One DevTools-protocol connection. Every call has a deadline, so a dead or stuck
 * target gives an error, never a hang.
 */
export class CdpConnection {
  private readonly pending = new Pending<unknown>();
  private readonly listeners = new Map<string, (params: Record<string, unknown>) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: Record<string, unknown> };
      if (msg.id !== undefined) {
        this.pending.settle(msg.id, msg.error ? { error: attachError(`The target refused ${msg.error.message}.`) } : { value: msg.result });
      } else if (msg.method) this.listeners.get(msg.method)?.(msg.params ?? {});
    });
    ws.on("close", () => this.pending.failAll(attachError("The target closed the connection.")));
    ws.on("error", () => this.pending.failAll(attachError("The connection to the target failed.")));
  }

  static async open(url: string): Promise<CdpConnection> {
    const ws = new WebSocket(url, { handshakeTimeout: 10_000, maxPayload: 256 << 20 });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", () => reject(attachError(`Cannot connect to ${url}.`)));
    });
    return new CdpConnection(ws);
  }

  /** Sends a command; rejects when no answer comes within `timeoutMs`. */
  send(method: string, params: Record<string, unknown> = {}, timeoutMs = SILENCE_MS): Promise<unknown> {
    const { id, reply } = this.pending.open(timeoutMs, () => attachError(`The target did not answer ${method} within ${Math.round(timeoutMs / 1000)} s.`));
    this.ws.send(JSON.stringify({ id, method, params }));
    return reply;
  }

  on(method: string, listener: ((params: Record<string, unknown>) => void) | null): void {
    if (listener === null) this.listeners.delete(method);
    else this.listeners.set(method, listener);
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * A heap snapshot of a target as a ByteSource: the chunks are read while the target
 * is still writing them, so parsing and transfer overlap and nothing is held whole.
 * The snapshot request runs until the last chunk; a silent target is an error.
 */
export function snapshotSource(conn: CdpConnection, name: string): ByteSource {
  const queue: Uint8Array[] = [];
  let done = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let read = 0;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  conn.on("HeapProfiler.addHeapSnapshotChunk", (p) => {
    queue.push(latin1Bytes(String(p.chunk)));
    notify();
  });
  conn
    .send("HeapProfiler.enable")
    .then(() => cacheScriptPositions((method) => conn.send(method)))
    .then(() => conn.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false, captureNumericValue: false }, 30 * 60_000))
    .then(
      () => (done = true),
      (e: Error) => (failure = e),
    )
    .finally(() => {
      conn.on("HeapProfiler.addHeapSnapshotChunk", null);
      notify();
    });
  return {
    name,
    totalBytes: 0, // unknown until the target has written it all
    compressed: false,
    get bytesRead() {
      return read;
    },
    async next() {
      for (;;) {
        const chunk = queue.shift();
        if (chunk !== undefined) {
          read += chunk.length;
          return chunk;
        }
        if (failure !== null) throw failure;
        if (done) return null;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(attachError(`The target sent nothing for ${SILENCE_MS / 1000} s while writing its snapshot.`)), SILENCE_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    async close() {},
  };
}
