import { test } from "node:test";
import assert from "node:assert/strict";
import { Analyst } from "../src/heapy/monitor/analyst.js";

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
