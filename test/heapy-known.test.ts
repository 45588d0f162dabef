import { test } from "node:test";
import assert from "node:assert/strict";
import { GuppyError } from "../src/errors.js";
import { hpy } from "../src/index.js";
import { BIG_OR_SMALL } from "./support/known-graphs.js";
import { globalWith } from "./support/known-graphs.js";
import { fixtureSnapshot } from "./support/fixtures.js";

test("N instances of a class in a Map under a global: kind selection, Via and paths", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("classes-in-map"));
  const foos = heap.and(h.Clodo("Foo"));
  assert.equal(foos.count, 100);
  assert.equal(
    String(foos),
    [
      "Partition of a set of 100 objects. Total size = 4000 bytes.",
      " Index  Count   %     Size   % Cumulative  % Kind (class / dict of class)",
      "     0    100 100     4000 100      4000 100 Foo",
    ].join("\n"),
  );
  // Who holds them: the Map's table, the Map, the global.
  const rp = String(foos.rp).split("\n");
  assert.equal(rp[0], "Reference Pattern by <class / dict of class>.");
  // `*N` is Heapy's len(): nothing for instances and V8's tables, the Map's 100 entries.
  assert.match(rp[1]!, /^ 0: _ --- \[-\] 100 Foo: @\d+, /);
  assert.match(rp[2]!, /^ 1: a      \[-\] 1 \(array\): @\d+$/);
  assert.match(rp[3]!, /^ 2: aa ---- \[-\] 1 Map: @\d+\*100$/);
  assert.match(rp[4]!, /^ 3: a3       \[S\] 1 global( \(global\*\))?: @\d+$/);
  assert.equal(heap.minus(h.Clodo("Foo")).count, heap.count - 100);
  const via = foos.byvia.partition.rows;
  assert.equal(via[0]!.kind, "<Map entry>");
  assert.ok(via[0]!.count >= 99);
  const paths = String(foos.sp).split("\n");
  assert.deepEqual(paths.slice(0, 3), [" 0: h.Root.global.fooMap<Map entry>", " 1: h.Root.global.fooMap<Map entry>", " 2: h.Root.global.fooMap<Map entry>"]);
  assert.equal(paths[10], "<... 90 more paths ...>");
  // Paths page as partitions do: numbered on from the last page, `all`, and an end.
  const page2 = String(foos.sp.more).split("\n");
  assert.equal(page2.length, 11);
  assert.equal(page2[0], "10: h.Root.global.fooMap<Map entry>");
  assert.equal(page2[10], "<... 80 more paths ...>");
  assert.equal(String(foos.sp.more.all).split("\n").length, 100, "all runs from the first path, as Heapy's");
  let last = foos.sp;
  for (let i = 0; i < 10; i++) last = last.more;
  assert.equal(String(last), "<No more paths>");
  assert.equal(String(last.more), "<No more paths>");
  // The Map retains the Foos, their labels and payloads.
  const map = heap.and(h.Clodo("Map")).and(h.Via(".fooMap"));
  assert.equal(map.count, 1);
  assert.ok(map.dominos.and(h.Clodo("Foo")).count === 100);
  assert.equal(String(h.Clodo("Foo", "Bar")), '(h.Clodo("Foo") | h.Clodo("Bar"))');
});

test("a closure retaining a big array: path through its context, and what it retains", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("closures"));
  const retainer = heap.and(h.Via(".retainer")).and(h.Type("closure"));
  assert.equal(retainer.count, 1);
  const big = retainer.dominos.and(h.Clodo("Array"));
  assert.equal(String(big.sp), " 0: h.Root.global.retainer<closure context>.bigArray");
  // 100000 elements of 8 bytes are in what the closure alone keeps alive.
  assert.ok(retainer.domisize > 100000 * 8, String(retainer.domisize));
  assert.equal(retainer.by(h.Module).partition.rows[0]!.kind.endsWith("/test/fixtures/programs/closures.mjs"), true);
  assert.equal(heap.and(h.Clodo("Object")).by(h.Module).partition.rows[0]!.kind, "(not a function)");
});

test("a value reachable only through a WeakMap: its path names the WeakMap, its rp its keys", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("maps-weakmaps"));
  const values = heap.and(h.Clodo("WeakValue"));
  assert.equal(values.count, 2);
  // Heapy's sp lists the paths to the nearest member only; each value's own path names its WeakMap step.
  assert.equal(String(values.sp), " 0: h.Root.global.wm<WeakMap value>");
  assert.deepEqual(values.byid.parts.map((v) => String(v.sp)).sort(), [" 0: h.Root.global.getHidden<closure context>.hiddenKey<WeakMap value>", " 0: h.Root.global.wm<WeakMap value>"]);
  assert.deepEqual(values.byvia.partition.rows.map((r) => r.kind.split(", ")[0]), ["<WeakMap value>", "<WeakMap value>"]);
  const rp = values.rp;
  assert.equal(rp.rows[1]!.kind, "Key");
  assert.equal(rp.rows[1]!.set.count, 2);
});

test("a cycle: the ring's entry dominates all of it", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("cycles-and-chains"));
  const entry = heap.and(h.Via(".ringEntry"));
  assert.equal(entry.count, 1);
  assert.equal(entry.dominos.and(h.Clodo("RingNode")).count, 50);
  // Every ring node is referred to by another ring node; only the entry by the global.
  const ring = heap.and(h.Clodo("RingNode"));
  assert.equal(ring.and(h.Rcs("RingNode")).count, 50);
  // The global's class is its name in the snapshot: `global`, or `global (global*)` from V8 14 on.
  assert.ok(ring.and(h.Rcs(heap.graph.name(globalWith(heap.graph, "ringEntry")))).equals(entry));
});

test("allocation sites (Prod) come from the allocation trace", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("allocation-traces"));
  const rows = heap.and(h.Clodo("Tracked")).by(h.Prod).partition.rows;
  assert.equal(rows.reduce((s, r) => s + r.count, 0), 500);
  for (const r of rows) assert.match(r.kind, /^(allocateTracked|Tracked) .*allocation-traces\.mjs:\d+:\d+$/);
  const untracked = await h.load(await fixtureSnapshot("typed-arrays"));
  assert.deepEqual(untracked.by(h.Prod).partition.rows.map((r) => r.kind), ["(no allocation site)"]);
});

test("a session's own classifiers: added by name, usable like the built-in ones, never shared", async () => {
  const h = hpy();
  const big = BIG_OR_SMALL;
  const Big = h.addClassifier(big);
  const heap = await h.load(await fixtureSnapshot("typed-arrays"));
  assert.deepEqual(heap.by(h.classifier("Big")).partition.rows.map((r) => r.kind).sort(), ["big", "small"]);
  assert.ok(heap.and(Big("big")).count > 0);
  assert.throws(() => h.addClassifier(big), (e: unknown) => e instanceof GuppyError && e.code === "USAGE");
  assert.throws(() => hpy().classifier("Big"), (e: unknown) => e instanceof GuppyError && e.code === "USAGE");
});
