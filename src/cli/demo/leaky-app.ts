/**
 * The demo's target: a small request-handling program with a known leak. Every
 * request stores a Session in a cache that is never evicted, and every session
 * registers a listener closure that keeps its request alive. Run as
 * `node leaky-app.js BEFORE.heapsnapshot AFTER.heapsnapshot`: it handles 100 requests,
 * writes BEFORE, handles 2900 more, writes AFTER, and exits.
 */
import { renameSync } from "node:fs";
import { EventEmitter } from "node:events";
import v8 from "node:v8";

class Request {
  readonly headers: Record<string, string>;
  readonly body: number[];
  constructor(readonly url: string, n: number) {
    this.headers = { "content-type": "application/json", "x-request": String(n) };
    this.body = new Array(64).fill(n);
  }
}

class Session {
  readonly history: number[];
  constructor(readonly id: number, readonly request: Request) {
    this.history = new Array(256).fill(id);
  }
}

/** The leak: a cache with no eviction. */
class SessionCache {
  readonly sessions = new Map<number, Session>();
  add(s: Session): void {
    this.sessions.set(s.id, s);
  }
}

const bus = new EventEmitter();
bus.setMaxListeners(0);
const cache = new SessionCache();

function handle(n: number): void {
  const request = new Request(`/api/items/${n}`, n);
  cache.add(new Session(n, request));
  // Each listener closure captures its request: a second, smaller leak.
  bus.on("shutdown", () => request.url.length);
}

const [before, after] = process.argv.slice(2);
if (!before || !after) {
  process.stderr.write("usage: leaky-app BEFORE.heapsnapshot AFTER.heapsnapshot\n");
  process.exit(2);
}
(globalThis as Record<string, unknown>).app = { cache, bus };
for (let n = 0; n < 100; n++) handle(n);
renameSync(v8.writeHeapSnapshot(`${before}.tmp`), before);
for (let n = 100; n < 3000; n++) handle(n);
renameSync(v8.writeHeapSnapshot(`${after}.tmp`), after);
