import type WebSocket from "ws";
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

/** No chunk for this long while a snapshot is written means the target is gone or stuck. */
const SILENCE_MS = 60_000;
/** The whole of a metadata exchange (the target list, the handshake, enabling the profiler). */
const METADATA_MS = 10_000;
/** The most a target list may hold; a real one is a few kilobytes. */
const MAX_LIST_BYTES = 1024 * 1024;
/** Snapshot chunks received and not yet read, beyond which the connection is paused. */
const MAX_QUEUED_BYTES = 32 * 1024 * 1024;
/** The largest WebSocket message accepted; V8 writes snapshots in chunks of about 100 kB. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

function attachError(what: string): GuppyError {
  return new GuppyError("SNAPSHOT_FAILED", what);
}

/** The body of `res`, refused beyond `limit` bytes (an endpoint may send without end). */
async function boundedText(res: Response, limit: number, what: string, signal: AbortSignal): Promise<string> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  if (reader === undefined) return "";
  // Node 20's fetch does not always end a body read when the signal aborts mid-body (a
  // target dripping one byte a second kept Guppy waiting), so the read races the signal.
  const aborted = new Promise<never>((_, reject) => {
    const stop = (): void => reject(new Error("aborted"));
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
  });
  aborted.catch(() => undefined);
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await Promise.race([reader.read(), aborted]);
    } catch (e) {
      void reader.cancel().catch(() => undefined);
      throw e;
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.length;
    if (size > limit) {
      void reader.cancel().catch(() => undefined);
      // (The caller's abort closes the connection.)
      throw attachError(`${what} is larger than ${limit} bytes; it is not a target list.`);
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString("utf8");
}

/** `list` as targets, each with a WebSocket address on the endpoint itself; anything else is refused. */
function checkedTargets(list: unknown, endpoint: string): CdpTarget[] {
  const bad = (why: string): GuppyError => attachError(`${endpoint} sent a target list that is not one (${why}).`);
  if (!Array.isArray(list)) throw bad("not a JSON array");
  const asked = new URL(`http://${endpoint}`);
  return list.map((t: unknown) => {
    if (typeof t !== "object" || t === null) throw bad("an entry is not an object");
    const { type, title, url, webSocketDebuggerUrl: ws } = t as Record<string, unknown>;
    if (typeof type !== "string" || typeof ws !== "string") throw bad("an entry has no type or webSocketDebuggerUrl");
    let address: URL;
    try {
      address = new URL(ws);
    } catch {
      throw bad("a webSocketDebuggerUrl is not an address");
    }
    // The connection must go to the inspector that was asked, never to where a list points.
    const sameHost = address.hostname === asked.hostname || (LOOPBACK.has(address.hostname) && LOOPBACK.has(asked.hostname));
    if (address.protocol !== "ws:" || !sameHost || address.port !== asked.port) throw bad("a webSocketDebuggerUrl points to another server");
    return { type, title: typeof title === "string" ? title : "", url: typeof url === "string" ? url : "", webSocketDebuggerUrl: ws };
  });
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The debuggable targets of an inspector endpoint (`host:port`), Node processes and browser pages alike. */
export async function listTargets(endpoint: string): Promise<CdpTarget[]> {
  // One abort for every way out: the deadline, a body too large, a bad status. Aborting
  // tears the connection down, so an endpoint that keeps sending cannot keep Guppy running.
  const abort = new AbortController();
  const deadline = setTimeout(() => abort.abort(), METADATA_MS);
  try {
    return checkedTargets(await fetchList(endpoint, abort.signal), endpoint);
  } finally {
    clearTimeout(deadline);
    abort.abort();
  }
}

async function fetchList(endpoint: string, signal: AbortSignal): Promise<unknown> {
  const what = `The target list of ${endpoint}`;
  let res: Response;
  try {
    res = await fetch(`http://${endpoint}/json/list`, { signal, redirect: "error" });
  } catch {
    throw attachError(
      signal.aborted
        ? `${what} did not arrive within ${METADATA_MS / 1000} s.`
        : `Nothing answers at ${endpoint}: is the program running with --inspect (or Chromium with --remote-debugging-port)?`,
    );
  }
  if (!res.ok) throw attachError(`${endpoint} answered ${res.status} instead of a target list.`);
  let text: string;
  try {
    text = await boundedText(res, MAX_LIST_BYTES, what, signal);
  } catch (e) {
    if (e instanceof GuppyError) throw e;
    throw attachError(`${what} did not arrive within ${METADATA_MS / 1000} s.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw attachError(`${endpoint} sent a target list that is not JSON.`);
  }
}

/** An error reply, named with its request's method by send(). */
class Refused extends Error {}

/** A DevTools-protocol message as far as this client reads it. */
interface CdpMessage {
  id?: unknown;
  result?: unknown;
  error?: { message?: unknown };
  method?: unknown;
  params?: Record<string, unknown>;
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
      let msg: CdpMessage | null;
      try {
        msg = JSON.parse(String(data)) as CdpMessage | null;
      } catch {
        msg = null;
      }
      // The protocol is JSON objects; anything else means this is not a DevTools target.
      if (typeof msg !== "object" || msg === null || Array.isArray(msg)) return this.fail(attachError("The target sent a message that is not a DevTools-protocol object."));
      if (typeof msg.id === "number") {
        // The target's own words are not quoted: they may come from anything that listens on the port.
        this.pending.settle(msg.id, msg.error ? { error: new Refused() } : { value: msg.result });
      } else if (typeof msg.method === "string") {
        const params = typeof msg.params === "object" && msg.params !== null ? msg.params : {};
        this.listeners.get(msg.method)?.(params);
      }
    });
    ws.on("close", () => this.pending.failAll(attachError("The target closed the connection.")));
    ws.on("error", () => this.pending.failAll(attachError("The connection to the target failed.")));
  }

  private fail(error: GuppyError): void {
    this.pending.failAll(error);
    this.ws.terminate();
  }

  static async open(url: string): Promise<CdpConnection> {
    // Loaded on the first connection: most commands read files and never need it, and
    // it would add a tenth of the start-up of every one of them.
    const { default: Socket } = await import("ws");
    const ws = new Socket(url, { handshakeTimeout: METADATA_MS, maxPayload: MAX_MESSAGE_BYTES, followRedirects: false });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", () => reject(attachError(`Cannot connect to ${url}.`)));
    });
    return new CdpConnection(ws);
  }

  /** Sends a command; rejects when no answer comes within `timeoutMs` (by default a metadata request's). */
  send(method: string, params: Record<string, unknown> = {}, timeoutMs = METADATA_MS): Promise<unknown> {
    const { id, reply } = this.pending.open(timeoutMs, () => attachError(`The target did not answer ${method} within ${Math.round(timeoutMs / 1000)} s.`));
    this.ws.send(JSON.stringify({ id, method, params }));
    return reply.catch((e: unknown) => {
      throw e instanceof Refused ? attachError(`The target refused ${method}.`) : e;
    });
  }

  /** Stops reading from the target (TCP pushes back on it) until resume(). */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
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
  let queued = 0;
  let paused = false;
  let done = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let read = 0;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  conn.on("HeapProfiler.addHeapSnapshotChunk", (p) => {
    const chunk = latin1Bytes(String(p.chunk));
    queue.push(chunk);
    queued += chunk.length;
    // A target may write faster than the reader parses: what waits is bounded.
    if (queued > MAX_QUEUED_BYTES && !paused) {
      paused = true;
      conn.pause();
    }
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
          queued -= chunk.length;
          if (paused && queued < MAX_QUEUED_BYTES / 2) {
            paused = false;
            conn.resume();
          }
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
