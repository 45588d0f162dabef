import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, openSync, closeSync, writeSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { cacheDir } from "./paths.js";

/** Debian's Chromium, which .ci/run installs. */
export const CHROMIUM = process.env.GUPPY_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, or null when they can. In CI they must run. */
export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  if (process.env.CI) throw new Error(`Chromium is required in CI but ${CHROMIUM} is missing (.ci/run installs it)`);
  return `no Chromium at ${CHROMIUM} (install Debian's chromium package, as .ci/run does)`;
}

/** A minimal Chrome DevTools Protocol session over one page's WebSocket. */
class CdpSession {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, (params: Record<string, unknown>) => void>();

  constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: Record<string, unknown> };
      if (msg.id !== undefined) {
        const w = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        if (msg.error) w?.reject(new Error(msg.error.message));
        else w?.resolve(msg.result);
      } else if (msg.method) this.listeners.get(msg.method)?.(msg.params ?? {});
    });
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.next++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  on(method: string, listener: (params: Record<string, unknown>) => void): void {
    this.listeners.set(method, listener);
  }
}

async function launch(profile: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    CHROMIUM,
    [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
      `--user-data-dir=${profile}`, "about:blank",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${err.slice(-500)}`)), 30_000);
    child.stderr!.on("data", (d: Buffer) => {
      err += String(d);
      const m = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`Chromium exited with ${code}: ${err.slice(-500)}`)));
  });
  return { child, port };
}

/**
 * Opens a page in headless Chromium, runs `script` in it, and writes a heap snapshot
 * of the page through the DevTools protocol (as the Memory panel takes one).
 * Cached by the script's text, like the Node fixtures.
 */
export async function chromiumSnapshot(name: string, script: string): Promise<string> {
  const hash = createHash("sha256").update(script).digest("hex").slice(0, 16);
  const out = join(cacheDir("fixtures"), `chromium-${name}-${hash}.heapsnapshot`);
  if (existsSync(out)) return out;
  const profile = mkdtempSync(join(tmpdir(), "guppy-chromium-"));
  const { child, port } = await launch(profile);
  try {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
    const page = targets.find((t) => t.type === "page");
    if (!page) throw new Error("Chromium has no page target");
    const ws = new WebSocket(page.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    const cdp = new CdpSession(ws);
    const evaluated = (await cdp.send("Runtime.evaluate", { expression: script, awaitPromise: true })) as { exceptionDetails?: unknown };
    if (evaluated.exceptionDetails) throw new Error(`page script failed: ${JSON.stringify(evaluated.exceptionDetails)}`);
    await cdp.send("HeapProfiler.enable");
    const tmp = `${out}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w");
    cdp.on("HeapProfiler.addHeapSnapshotChunk", (p) => writeSync(fd, String(p.chunk)));
    await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false, captureNumericValue: true });
    closeSync(fd);
    renameSync(tmp, out);
    ws.close();
  } finally {
    child.kill("SIGKILL");
    rmSync(profile, { recursive: true, force: true });
  }
  return out;
}

/** A page with attached and detached DOM trees, JS objects held from the DOM and from globals, and a WeakMap. */
export const PAGE_SCRIPT = `
  class Widget { constructor(i) { this.i = i; this.label = 'widget-' + i; } }
  const list = document.createElement('ul');
  for (let i = 0; i < 50; i++) { const li = document.createElement('li'); li.textContent = 'item ' + i; li.widget = new Widget(i); list.appendChild(li); }
  document.body.appendChild(list);
  // A detached tree: removed from the document but still referenced from JS.
  const panel = document.createElement('div');
  for (let i = 0; i < 20; i++) panel.appendChild(document.createElement('span'));
  window.detachedPanel = panel;
  window.widgets = new Map([...Array(30).keys()].map(i => [i, new Widget(i)]));
  window.cache = new WeakMap([[window.widgets.get(1), { big: new Array(5000).fill(1) }]]);
  window.onresize = () => list.childElementCount;
  'ok'
`;
