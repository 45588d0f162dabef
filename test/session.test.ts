import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hpy, HeapySet } from "../src/index.js";
import { snapshotPair } from "./support/fixtures.js";
import { synthSnapshot, type SynthNode } from "./support/synthetic.js";

test("a session loads snapshots; after minus before, by Clodo, shows what was allocated and kept", async () => {
  const h = hpy();
  const [beforeFile, afterFile] = await snapshotPair();
  const before = await h.load(beforeFile);
  const after = await h.load(afterFile);
  const born = after.minus(before);
  assert.ok(born instanceof HeapySet, "operations keep the session's set type");
  const rows = born.byclodo.partition.rows;
  const fresh = rows.findIndex((r) => r.kind === "Fresh");
  assert.ok(fresh >= 0);
  assert.equal(rows[fresh]!.count, 30);
  assert.ok(!rows.some((r) => r.kind === "Keeper" || r.kind === "Temp"));
  assert.equal(born.byclodo.row(fresh).count, 30);
  assert.match(String(born), /^Partition of a set of \d+ objects\. Total size = \d+ bytes\.\n Index  Count   %     Size   % Cumulative  % Kind \(class \/ dict of class\)\n/);
  // Loading again reuses the graph; another session has its own.
  assert.equal((await h.load(beforeFile)).graph, before.graph);
  assert.notEqual((await hpy().load(beforeFile)).graph, before.graph);
  assert.equal(String(h), "Top level interface to Heapy.\nUse eg: h.doc for more info on h.");
});

test("reachable and unreachable: objects held only weakly are in heapu, synthetic nodes in neither", async () => {
  const nodes: SynthNode[] = [
    { type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "1", to: 1 }, { type: "element", name: 1, to: 3 }] },
    { type: "object", name: "Window", size: 40, edges: [{ type: "weak", name: "w", to: 2 }] },
    { type: "object", name: "Weakling", size: 16, edges: [] },
    { type: "synthetic", name: "(GC roots)", size: 0, edges: [] },
  ];
  const file = join(mkdtempSync(join(tmpdir(), "guppy-session-")), "weak.heapsnapshot");
  writeFileSync(file, synthSnapshot(nodes));
  const h = hpy();
  const heap = await h.load(file);
  assert.deepEqual([...heap.ordinals()], [1]);
  assert.deepEqual([...h.heapu(heap.graph).ordinals()], [2]);
  assert.equal(h.nodes(heap.graph, 1, 2).count, 2);
  assert.equal(h.idset(heap.graph, [5]).theone, 2);
  assert.equal(h.nothing(heap.graph).count, 0);
  assert.equal(heap.bytype.partition.rows[0]!.kind, "object");
  assert.equal(heap.brief, "<1 Window: @3>");
  assert.equal(h.nodes(heap.graph, 1, 2).brief, "<2 (Window | Weakling): @3, @5>");
  assert.deepEqual(h.nodes(heap.graph, 1, 2).parts.map((p) => p.brief), ["<1 Window: @3>", "<1 Weakling: @5>"]);
  assert.equal(heap.indisize, 40);
  assert.deepEqual(heap.sp.toJSON(), { numpaths: 1, paths: [{ index: 0, id: 3, path: "h.Root.Window" }] });
  assert.equal(String(heap.shpaths), " 0: h.Root.Window");
  // Combined classifiers and identity kinds.
  const both = h.nodes(heap.graph, 1, 2);
  assert.deepEqual(both.by(h.Type.and(h.Size)).partition.rows.map((r) => r.kind), ["object & 40", "object & 16"]);
  assert.equal(both.by(h.Type.and(h.Size)).partition.classifier.kindHeader, "Type & Individual Size");
  assert.deepEqual(both.by(h.IdSet).partition.rows.map((r) => r.kind), ["<1 Window: @3>", "<1 Weakling: @5>"]);
  assert.equal(both.and(h.IdSet("<1 Weakling: @5>")).theone, 2);
  assert.equal(String(both.kind), '(h.Clodo("Window") | h.Clodo("Weakling"))');
  assert.ok(both.and(both.kind).equals(both));
});
