import { test } from "node:test";
import assert from "node:assert/strict";
import { HeapySet } from "../src/heapy/session/heapy-set.js";
import { rowName } from "../src/heapy/render/reference-pattern.js";
import { IdentitySet } from "../src/heapy/sets/identity-set.js";
import { bufferSource } from "../src/heapy/snapshot/byte-source.js";
import { readFromSource } from "../src/heapy/snapshot/reader.js";
import { synthSnapshot, type SynthNode } from "./support/synthetic.js";

// Window holds a Holder of three Lists that each refer to one Target; Window also refers to it,
// and a native context refers to Window (so Window's row is a stop kind, not a root).
const nodes: SynthNode[] = [
  { type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "1", to: 1 }] },
  { type: "object", name: "Window", size: 40, edges: [{ type: "property", name: "holder", to: 2 }, { type: "property", name: "t2", to: 6 }] },
  { type: "object", name: "Holder", size: 48, edges: [0, 1, 2].map((i) => ({ type: "property", name: `p${i}`, to: 3 + i })) },
  ...[0, 1, 2].map((): SynthNode => ({ type: "object", name: "List", size: 32, edges: [{ type: "property", name: "t", to: 6 }] })),
  { type: "object", name: "Target", size: 16, edges: [] },
  { type: "hidden", name: "system / NativeContext", size: 0, edges: [{ type: "internal", name: "global_proxy_object", to: 1 }] },
];

test("Heapy's row names: letters per level, runs longer than two as letter and count", () => {
  assert.deepEqual([[], [0], [0, 0], [0, 0, 0], [1], [0, 1], [2, 2, 2, 2, 0]].map(rowName), ["_", "a", "aa", "a3", "b", "ab", "c4a"]);
});

test("a reference pattern in Heapy's layout: levels of referrers by kind, stop kinds, rows seen before", async () => {
  const g = await readFromSource(bufferSource("rp", [Buffer.from(synthSnapshot(nodes))]));
  const target = HeapySet.from(IdentitySet.of(g, [6]));
  const rp = target.rp;
  assert.equal(
    String(rp),
    [
      "Reference Pattern by <class / dict of class>.",
      " 0: _ --- [-] 1 Target: @13",
      " 1: a      [-] 3 List: @11, @7, @9",
      " 2: aa ---- [-] 1 Holder: @5",
      " 3: a3       [S] 1 Window: @3",
      " 4: b ---- [^ 3] 1 Window: @3",
    ].join("\n"),
  );
  assert.deepEqual([...rp.row("a").ordinals()], [3, 4, 5]);
  assert.deepEqual([...rp.row(2).ordinals()], [2]);
  // The first level is exactly the referrers: _.referrers == a | b.
  assert.ok(target.referrers.equals(rp.row("a").or(rp.row("b"))));
  assert.throws(() => rp.row("zz"));
  const shallow = target.getRp(1);
  assert.deepEqual(shallow.rows.map((r) => `${r.name}${r.mark}`), ["_-", "a+", "bS"]);
  assert.equal(rp.toJSON().rows[4]!.seen, 3);
  // Iteration gives the rows' sets (Heapy's `for s in rp`), `length` their number.
  assert.deepEqual([...rp].map((r) => r.count), [1, 3, 1, 1, 1]);
  assert.ok([...rp][1]!.equals(rp.row("a")));
  assert.equal(rp.length, 5);
  // Paged past the end, reset() starts again from the first page, label included (Heapy's rp.reset()).
  assert.equal(String(rp.more), "No more lines.");
  assert.equal(String(rp.more.reset()), String(rp));
});
