import { test } from "node:test";
import assert from "node:assert/strict";
import { hpy } from "../src/index.js";
import { pathText } from "../src/heapy/render/paths.js";
import { bufferSource } from "../src/heapy/snapshot/byte-source.js";
import { readFromSource } from "../src/heapy/snapshot/reader.js";
import { chromiumMissing, chromiumSnapshot, PATHS_PAGE_SCRIPT } from "./support/chromium.js";
import { synthSnapshot, type SynthNode } from "./support/synthetic.js";

// A page-shaped heap without user roots: the root reaches only (GC roots); the page's
// global is reached through a native context, and the console holds a handle to an
// object the page holds too, by a shorter way.
const PAGE: SynthNode[] = [
  { type: "synthetic", name: "", size: 0, edges: [{ type: "element", name: 1, to: 1 }] },
  { type: "synthetic", name: "(GC roots)", size: 0, edges: [{ type: "element", name: 1, to: 2 }, { type: "element", name: 2, to: 3 }] },
  { type: "synthetic", name: "(Global handles)", size: 0, edges: [{ type: "internal", name: "19 / DevTools console", to: 6 }, { type: "internal", name: "1 / V8PerContextData::context_", to: 4 }] },
  { type: "synthetic", name: "(Stack roots)", size: 0, edges: [{ type: "element", name: 1, to: 7 }] },
  { type: "native", name: "system / NativeContext / https://a.test", size: 100, edges: [{ type: "internal", name: "global_object", to: 5 }] },
  { type: "object", name: "Window [JSGlobalObject] / https://a.test", size: 24, edges: [{ type: "property", name: "app", to: 8 }] },
  { type: "object", name: "Held", size: 16, edges: [] },
  { type: "object", name: "OnStack", size: 16, edges: [] },
  { type: "object", name: "App", size: 16, edges: [{ type: "property", name: "held", to: 6 }] },
];

test("paths start at the page's Window, name GC subroots, and avoid the DevTools console's handles", async () => {
  const g = await readFromSource(bufferSource("page", [Buffer.from(synthSnapshot(PAGE))]));
  assert.equal(pathText(g, 6), "h.Root.Window.app.held");
  assert.equal(pathText(g, 5), "h.Root.Window");
  assert.equal(pathText(g, 7), 'h.Root["(GC roots)"]["(Stack roots)"][1]');
  // Only the console holds it: then that is the path.
  const only = PAGE.map((n, i) => (i === 8 ? { ...n, edges: [] } : n));
  const g2 = await readFromSource(bufferSource("page2", [Buffer.from(synthSnapshot(only))]));
  assert.equal(pathText(g2, 6), 'h.Root["(GC roots)"]["(Global handles)"]<internal 19 / DevTools console>');
});

test("a real Chromium page: paths read Window…, as memlab's traces do", async (t) => {
  const missing = chromiumMissing();
  if (missing !== null) return t.skip(missing);
  const h = hpy();
  const heap = await h.load(await chromiumSnapshot("paths", PATHS_PAGE_SCRIPT));
  // Held as window.someGlobal[0] and as the script's \`const section\`, equally near the root:
  // Heapy's sp lists every such path, the Window's first.
  const section = String(heap.and(h.Clodo("Detached <section>")).sp).split("\n");
  assert.equal(section[0], " 0: h.Root.Window.someGlobal[0]");
  assert.ok(section.slice(1).every((l) => l.endsWith(".section")), section.join("\n"));
  const widgets = String(heap.and(h.Clodo("Widget")).sp).split("\n");
  assert.equal(widgets[0], " 0: h.Root.Window.keptWidget");
  assert.ok(widgets.slice(1, 6).every((l) => /^ \d: h\.Root\.Window\..*\.list\[\d+\](\[\d+\])*\.widget$/.test(l)), widgets.join("\n"));
  // The texts nearest the root, by every equally short path: through the Window first, then the script's `section`.
  const texts = String(heap.and(h.Clodo("Detached Text")).sp).split("\n");
  assert.match(texts[0]!, /^ 0: h\.Root\.Window\.someGlobal\[0\](\[\d+\])+$/);
  assert.ok(texts.slice(1).every((l) => /\.section(\[\d+\])+$/.test(l)), texts.join("\n"));
  h.close();
});
