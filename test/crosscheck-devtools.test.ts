import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dominatorsOf } from "../src/heapy/graph/dominators.js";
import { readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { assertAgreesWithDevTools } from "./support/compare.js";
import { chromiumMissing, chromiumSnapshot, PAGE_SCRIPT } from "./support/chromium.js";
import { devtoolsReference, fixTraceFunctionCount } from "./support/devtools.js";
import { FIXTURES, fixtureSnapshot } from "./support/fixtures.js";
import { randomHeap, synthSnapshot } from "./support/synthetic.js";

for (const name of FIXTURES) {
  test(`every node's dominator, retained size, distance and shallow size agree with DevTools: ${name}`, async () => {
    const file = await fixtureSnapshot(name);
    const g = await readHeapSnapshot(file);
    const dt = await devtoolsReference(file, name === "allocation-traces" ? fixTraceFunctionCount : undefined);
    assertAgreesWithDevTools(g, dt);
    // The total DevTools shows (root's retained size plus native bytes outside nodes).
    assert.equal(dominatorsOf(g).retainedSize[g.root]! + g.extraNativeBytes, dt.totalSize);
  });
}

test("random V8-shaped heaps (cycles, weak-only and unreachable nodes) agree with DevTools", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-random-"));
  for (let seed = 1; seed <= 40; seed++) {
    const file = join(dir, `random-${seed}.heapsnapshot`);
    writeFileSync(file, synthSnapshot(randomHeap(seed, 20 + seed * 7)));
    const g = await readHeapSnapshot(file);
    const dt = await devtoolsReference(file);
    try {
      assertAgreesWithDevTools(g, dt);
    } catch (e) {
      throw new Error(`seed ${seed}: ${(e as Error).message}`);
    }
  }
});

test("a Chromium page heap (DOM, a detached tree, Blink's native objects) agrees with DevTools", async (t) => {
  const missing = chromiumMissing();
  if (missing !== null) return t.skip(missing);
  const file = await chromiumSnapshot("page", PAGE_SCRIPT);
  const g = await readHeapSnapshot(file);
  assert.ok(g.nodeDetachedness !== null && g.nodeDetachedness.includes(2), "Chromium marks the detached panel");
  let widgets = 0;
  for (let n = 0; n < g.nodeCount; n++) if (g.typeName(n) === "object" && g.name(n) === "Widget") widgets++;
  assert.equal(widgets, 80);
  assertAgreesWithDevTools(g, await devtoolsReference(file));
});
