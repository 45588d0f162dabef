import { test } from "node:test";
import assert from "node:assert/strict";
import { dominatorsOf } from "../src/heapy/graph/dominators.js";
import { hpy } from "../src/heapy/session/session.js";
import { readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { chromiumMissing, chromiumSnapshot, PAGE_SCRIPT } from "./support/chromium.js";
import { assertAgreesWithDevTools } from "./support/compare.js";
import { devtoolsReference } from "./support/devtools.js";
import { runtimeMissing, runtimeSnapshot, type Runtime } from "./support/runtimes.js";

// How each runtime names its global object, as the paths say it.
const GLOBAL: Record<Runtime, string> = { deno: "Window", bun: "GlobalObject" };

for (const runtime of ["deno", "bun"] as const) {
  test(`${runtime}: every node agrees with DevTools, and the known graph reads as written`, async (t) => {
    const missing = runtimeMissing(runtime);
    if (missing !== null) return t.skip(missing);
    const file = await runtimeSnapshot(runtime, "other-runtime");
    const g = await readHeapSnapshot(file);
    assertAgreesWithDevTools(g, await devtoolsReference(file));
    const h = hpy();
    const heap = await h.load(file);
    assert.equal(heap.and(h.Clodo("Foo")).count, 100);
    assert.equal(heap.and(h.Clodo("RingNode")).count, 20);
    const holder = heap.and(h.Clodo("Holder"));
    assert.equal(String(holder.sp), ` 0: h.Root.${GLOBAL[runtime]}.holder`);
    // The holder alone keeps its items and their labels.
    assert.equal(holder.dominos.and(h.Clodo("Foo")).count, 100);
    const entry = heap.and(h.Clodo("RingNode")).and(h.Via(".ringEntry"));
    assert.equal(entry.count, 1);
    assert.equal(entry.dominos.and(h.Clodo("RingNode")).count, 20);
    assert.ok(dominatorsOf(g).retainedSize[g.root]! > 0);
  });
}

test("a Chromium page: paths start at the Window, however Blink roots it", async (t) => {
  const missing = chromiumMissing();
  if (missing !== null) return t.skip(missing);
  const h = hpy();
  const heap = await h.load(await chromiumSnapshot("page", PAGE_SCRIPT));
  const widgets = heap.and(h.Clodo("Widget"));
  assert.equal(widgets.count, 80);
  assert.equal(String(widgets.sp).split("\n")[0], " 0: h.Root.Window.widgets<Map entry>");
});
