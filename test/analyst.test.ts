import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Analyst } from "../src/heapy/monitor/analyst.js";
import { fixtureSnapshot } from "./support/fixtures.js";

class Marked {
  constructor(readonly i: number) {}
}

test("an analyst thread sees the main thread's heap, and analysing it does not grow that heap", async () => {
  const marked = Array.from({ length: 500 }, (_, i) => new Marked(i));
  const analyst = Analyst.start();
  try {
    assert.equal(await analyst.run(`(await h.heap()).and(h.Clodo("Marked")).count`), "500");
    // The analyst's own graphs and sets live in its thread: the main heap has none of them.
    assert.equal(await analyst.run(`(await h.heap()).and(h.Clodo("HeapGraph", "HeapySet", "Session")).count`), "0");
    const sizes: number[] = [];
    for (let i = 0; i < 4; i++) sizes.push(Number(await analyst.run("(await h.heap()).size")));
    // Repeated analyses leave the analysed heap as it was (within the runtime's own churn).
    assert.ok(Math.abs(sizes[3]! - sizes[1]!) < 128 * 1024, sizes.join(" → "));
    const table = await analyst.run(`(await h.heap()).and(h.Clodo("Marked"))`);
    assert.match(table, /^Partition of a set of 500 objects\. Total size = \d+ bytes\.\n/);
    await assert.rejects(analyst.run("h.nosuch()"), /TypeError: h\.nosuch is not a function/);
    assert.equal(marked.length, 500);
  } finally {
    await analyst.close();
  }
});

test("Guppy's worker threads start in a program run with flags a worker refuses (node --input-type=module -e)", async () => {
  const file = await fixtureSnapshot("classes-in-map");
  const dist = new URL("../src/", import.meta.url).href;
  const script = `
    const { readHeapSnapshot } = await import(${JSON.stringify(`${dist}heapy/snapshot/reader.js`)});
    const { Analyst } = await import(${JSON.stringify(`${dist}heapy/monitor/analyst.js`)});
    const g = await readHeapSnapshot(process.argv[1], { cacheDir: null, parallel: true });
    const a = Analyst.start();
    const seen = await a.run("(await h.heap()).count > 0");
    await a.close();
    console.log(g.nodeCount > 0, seen);`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script, file]);
  assert.equal(stdout.trim(), "true true");
});
