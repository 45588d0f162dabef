import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { hpy, type HeapySet } from "../src/index.js";
import { projectRoot } from "./support/paths.js";

class Allocated {
  constructor(readonly i: number) {}
}

test("setref: the relative heap holds exactly what was allocated since and is still alive", async () => {
  const h = hpy();
  try {
    await h.setref();
    const keep = Array.from({ length: 1000 }, (_, i) => new Allocated(i));
    let garbage: Allocated[] | null = Array.from({ length: 500 }, (_, i) => new Allocated(i));
    garbage = null;
    const rel = await h.heap();
    assert.equal(rel.byclodo.partition.rows.find((r) => r.kind === "Allocated")?.count, 1000);
    assert.equal(garbage, null);
    assert.equal(keep.length, 1000);
    h.clearref();
    assert.ok((await h.heap()).count > rel.count * 5, "without the reference point, the whole heap");
    await h.setrelheap();
    const more = Array.from({ length: 10 }, (_, i) => new Allocated(i));
    assert.equal((await h.heap()).and(h.Clodo("Allocated")).count, 10);
    assert.equal(more.length, 10);
  } finally {
    h.close();
  }
});

test("setref({ reachable }) leaves out exactly that set; heapu() works on the live heap, relative to setrelheapu", async () => {
  const h = hpy();
  try {
    const first = Array.from({ length: 20 }, (_, i) => new Allocated(i));
    const before = await h.heap();
    assert.equal(before.and(h.Clodo("Allocated")).count, 20);
    await h.setref({ reachable: before });
    const second = Array.from({ length: 7 }, (_, i) => new Allocated(i));
    const after = await h.heap();
    assert.equal(after.and(h.Clodo("Allocated")).count, 7, "the 20 were in the reference set");
    assert.equal(first.length + second.length, 27);
    await assert.rejects(h.setref(42 as never), /USAGE|setref\(\) takes/);
    // heapu without a graph: a set of this program's unreachable objects, never a raw TypeError.
    const u = await h.heapu();
    assert.equal(typeof u.count, "number");
    await h.setrelheapu();
    const later = await h.heapu();
    const ref = Math.max(...[...u.ids()].filter((id) => id % 2 === 1), 0);
    assert.ok([...later.ids()].every((id) => id % 2 === 1 && id > ref), "only objects newer than the reference point");
    h.clearref();
    assert.ok((await h.heap()).and(h.Clodo("Allocated")).count >= 27);
  } finally {
    h.close();
  }
});

test("iso of a live object: why it is alive, and what freeing it would release", async () => {
  const h = hpy();
  const holder = { payload: { big: new Array(10000).fill(1) } };
  (globalThis as Record<string, unknown>).guppyTestHolder = holder;
  try {
    const x = await h.iso(holder.payload);
    assert.equal(x.count, 1);
    assert.equal(String(x.sp), " 0: h.Root.global.guppyTestHolder.payload");
    assert.ok(x.domisize > 10000 * 8, String(x.domisize));
    await assert.rejects(h.iso(42), /iso\(\) takes objects/);
  } finally {
    delete (globalThis as Record<string, unknown>).guppyTestHolder;
    h.close();
  }
});

test("Guppy's own objects are hidden: the heap does not grow with earlier heap() results kept", async () => {
  const h = hpy();
  try {
    const kept: HeapySet[] = [];
    for (let i = 0; i < 5; i++) kept.push(await h.heap());
    const sizes = kept.map((s) => s.size);
    // Each kept graph holds its columns in typed arrays; three more kept graphs, were
    // they not hidden, would add three times that. The runtime's own churn (compiled
    // code, Node's bookkeeping) stays far below one graph.
    const g = kept[0]!.graph;
    const oneGraph = g.nodeCount * 18 + g.edgeCount * 9;
    const growth = sizes[4]! - sizes[1]!;
    assert.ok(Math.abs(growth) < oneGraph / 2, `heap size went ${sizes.join(" → ")}; one graph is ${oneGraph} bytes`);
    const last = kept[4]!;
    // Guppy's classes have names no other code here uses; none of their objects is left.
    for (const name of ["HeapGraph", "LiveHeap", "StringTable", "HeapySet", "IdentitySet", "ReferencePattern"]) {
      assert.equal(last.and(h.Clodo(name)).count, 0, `${name} objects are hidden`);
    }
  } finally {
    h.close();
  }
});

class Traced {
  constructor(readonly i: number) {}
}

function makeTraced(n: number): Traced[] {
  return Array.from({ length: n }, (_, i) => new Traced(i));
}

test("track: objects allocated while tracking carry their allocation site", async () => {
  const h = hpy();
  try {
    await h.track();
    const made = makeTraced(300);
    const heap = await h.heap();
    await h.untrack();
    const rows = heap.and(h.Clodo("Traced")).by(h.Prod).partition.rows;
    assert.equal(rows.reduce((s, r) => s + r.count, 0), 300);
    // dist/ has tsc's source maps: sites read as lines of the TypeScript test.
    assert.ok(rows.every((r) => /live-heap\.test\.ts:\d+:\d+$/.test(r.kind)), rows.map((r) => r.kind).join("; "));
    assert.ok(rows.some((r) => /^(makeTraced|Traced|\(anonymous\) in makeTraced) /.test(r.kind)), rows.map((r) => r.kind).join("; "));
    assert.equal(made.length, 300);
  } finally {
    h.close();
  }
});

test("h.heap() in a process that has loaded and run the TypeScript compiler completes", async () => {
  // Without the Debugger toggle before the snapshot this ran for minutes in V8's
  // Script::GetPositionInfo; the kill bound is generous, not a speed test.
  const program = join(projectRoot(), "test", "fixtures", "programs", "typescript-live.mjs");
  const index = pathToFileURL(join(projectRoot(), "dist", "src", "index.js")).href;
  const { stdout } = await promisify(execFile)(process.execPath, [program, index], { timeout: 120_000, killSignal: "SIGKILL" });
  const result = JSON.parse(stdout) as { diagnostics: number[]; objects: number; program: number };
  assert.ok(result.diagnostics.includes(2322), `the file was type-checked: TS2322 among ${result.diagnostics.join(", ")}`);
  assert.ok(result.objects > 100_000, String(result.objects));
});
