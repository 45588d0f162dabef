import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { CdpConnection, listTargets } from "../../src/heapy/capture/cdp.js";
import { launchChromium as launch } from "../../src/run/browser.js";
import { cacheDir } from "./paths.js";

/** Debian's Chromium, which .ci/run installs. */
export const CHROMIUM = process.env.GUPPY_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, or null when they can. In CI they must run. */
export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  if (process.env.CI) throw new Error(`Chromium is required in CI but ${CHROMIUM} is missing (.ci/run installs it)`);
  return `no Chromium at ${CHROMIUM} (install Debian's chromium package, as .ci/run does)`;
}

/** A headless Chromium listening for the DevTools protocol on 127.0.0.1. */
export interface Browser {
  port: number;
  /** Kills the browser and its helper processes, then removes its profile. */
  close(): Promise<void>;
}

/** Starts headless Chromium with the flags this machine needs (no network, fresh profile), as guppy run does. */
export async function launchChromium(): Promise<Browser> {
  const chromium = await launch(CHROMIUM, { profilePrefix: "guppy-chromium-" });
  return { port: chromium.port, close: () => chromium.kill() };
}

/** Runs a script in the browser's page, over Guppy's own DevTools-protocol client. */
export async function runInPage(browser: Browser, script: string): Promise<CdpConnection> {
  const page = (await listTargets(`127.0.0.1:${browser.port}`)).find((t) => t.type === "page");
  if (!page) throw new Error("Chromium has no page target");
  const conn = await CdpConnection.open(page.webSocketDebuggerUrl);
  const evaluated = (await conn.send("Runtime.evaluate", { expression: script, awaitPromise: true })) as { exceptionDetails?: unknown };
  if (evaluated.exceptionDetails) throw new Error(`page script failed: ${JSON.stringify(evaluated.exceptionDetails)}`);
  return conn;
}

/**
 * Opens a page in headless Chromium, runs `script` in it, and writes a heap snapshot
 * of the page to a file, as the Memory panel takes one. Cached by the script's text.
 */
export async function chromiumSnapshot(name: string, script: string): Promise<string> {
  const hash = createHash("sha256").update(script).digest("hex").slice(0, 16);
  const out = join(cacheDir("fixtures"), `chromium-${name}-${hash}.heapsnapshot`);
  if (!existsSync(out)) await writePageSnapshot(script, out);
  return out;
}

/** Opens a page in a fresh headless Chromium, runs `script` in it and writes the page's heap snapshot to `out` (through a temp file). */
export async function writePageSnapshot(script: string, out: string): Promise<void> {
  const browser = await launchChromium();
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    const conn = await runInPage(browser, script);
    await conn.send("HeapProfiler.enable");
    const fd = openSync(tmp, "w", 0o600);
    conn.on("HeapProfiler.addHeapSnapshotChunk", (p) => writeSync(fd, String(p.chunk)));
    // A large page takes more than the protocol client's default 10 s to write.
    await conn.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false }, 10 * 60_000);
    closeSync(fd);
    renameSync(tmp, out);
    conn.close();
  } finally {
    rmSync(tmp, { force: true });
    await browser.close();
  }
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

/**
 * A page as memlab's traces show one: a global array holding a detached `<section>`
 * of ten `<p>` with text, a list in the document whose items carry JS objects, and a
 * global object. Its paths read `Window…`; DevTools counts 10 Detached Text.
 */
export const PATHS_PAGE_SCRIPT = `
  class Widget { constructor(i) { this.i = i; } }
  window.someGlobal = [];
  const section = document.createElement('section');
  for (let i = 0; i < 10; i++) { const p = document.createElement('p'); p.textContent = 'para ' + i; section.appendChild(p); }
  window.someGlobal.push(section);
  const list = document.createElement('ul');
  for (let i = 0; i < 5; i++) { const li = document.createElement('li'); li.textContent = 'item ' + i; li.widget = new Widget(i); list.appendChild(li); }
  document.body.appendChild(list);
  window.keptWidget = new Widget(99);
  'ok'
`;
