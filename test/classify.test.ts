import { test } from "node:test";
import assert from "node:assert/strict";
import { Clodo, Id, Rcs, Size, Type, Unity, Via } from "../src/heapy/classify/classifiers.js";
import { partition, typeRowsOfAll } from "../src/heapy/classify/partition.js";
import { PartitionView } from "../src/heapy/render/partition-view.js";
import { IdentitySet } from "../src/heapy/sets/identity-set.js";
import { bufferSource } from "../src/heapy/snapshot/byte-source.js";
import { readFromSource, readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { FIXTURES, fixtureSnapshot } from "./support/fixtures.js";
import { WINDOW_FOOS } from "./support/known-graphs.js";
import { synthSnapshot } from "./support/synthetic.js";

async function graph() {
  return readFromSource(bufferSource("classes", [Buffer.from(synthSnapshot(WINDOW_FOOS))]));
}

const table = (set: IdentitySet, c: typeof Clodo): string => String(new PartitionView(partition(set, c)));

test("Clodo: constructors, and property/element stores named by their owner's class", async () => {
  const g = await graph();
  assert.equal(
    table(IdentitySet.all(g), Clodo),
    [
      "Partition of a set of 12 objects. Total size = 312 bytes.",
      " Index  Count   %     Size   % Cumulative  % Kind (class / dict of class)",
      "     0      3  25      120  38       120  38 Foo",
      "     1      1   8       96  31       216  69 Array",
      "     2      1   8       56  18       272  87 Bar",
      "     3      1   8       40  13       312 100 Window",
      "     4      1   8        0   0       312 100 (object elements) of Array",
      "     5      3  25        0   0       312 100 (object properties) of Foo",
      "     6      2  17        0   0       312 100 (synthetic)",
    ].join("\n"),
  );
});

test("Via and Rcs: how objects are referred to, and by what kinds", async () => {
  const g = await graph();
  const foos = IdentitySet.of(g, [3, 4, 5]);
  assert.deepEqual(partition(foos, Via).rows.map((r) => [r.kind, r.count]), [[".foo, [0]", 1], ["[1]", 1], ["[2]", 1]]);
  assert.deepEqual(partition(foos, Rcs).rows.map((r) => [r.kind, r.count, r.size]), [["(object elements) of Array", 2, 80], ["(object elements) of Array, Bar", 1, 40]]);
  assert.deepEqual(partition(IdentitySet.of(g, [0]), Via).rows.map((r) => r.kind), ["<none>"]);
});

test("Type, Size and Unity", async () => {
  const g = await graph();
  const all = IdentitySet.all(g);
  assert.deepEqual(partition(all, Type).rows.map((r) => [r.kind, r.count, r.size]), [["object", 6, 312], ["array", 4, 0], ["synthetic", 2, 0]]);
  assert.deepEqual(partition(all, Size).rows.map((r) => [r.kind, r.count]), [["40", 4], ["96", 1], ["56", 1], ["0", 6]]);
  assert.deepEqual(partition(all, Unity).rows, [{ kind: "<Anything>", count: 12, size: 312 }]);
});

test("the rows by type of every object, made in one pass, are the partition's", async () => {
  for (const name of FIXTURES.slice(0, 2)) {
    const g = await readHeapSnapshot(await fixtureSnapshot(name), { cacheDir: null });
    const rows = typeRowsOfAll(g);
    assert.deepEqual(rows, partition(IdentitySet.all(g), Type).rows);
    assert.ok(rows.length > 5, `${name}: ${rows.length} types`);
  }
});

test("views page ten rows at a time; rows select their objects", async () => {
  const g = await graph();
  const view = new PartitionView(partition(IdentitySet.all(g), Id));
  const first = String(view).split("\n");
  assert.equal(first.length, 2 + 10 + 1);
  assert.equal(first[12], "<2 more rows. Type e.g. '_.more' to view.>");
  const more = String(view.more).split("\n");
  // By identity, Heapy's IdFormat table: no counts, one-decimal shares.
  assert.equal(more[0], " Index     Size   %   Cumulative  %   Brief");
  assert.equal(more.length, 3);
  assert.match(more[1]!, /^    10        0   0\.0        312 100\.0 \(/);
  assert.equal(String(view.more.more), "No more rows.");
  assert.equal(String(view.all).split("\n").length, 2 + 12);
  const foos = new PartitionView(partition(IdentitySet.all(g), Clodo)).row(0);
  assert.deepEqual([...foos.ordinals()], [3, 4, 5]);
  assert.deepEqual(view.toJSON().rows[0], { index: 0, kind: "Array @5", count: 1, size: 96 });
});
