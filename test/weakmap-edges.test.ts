import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ephemeronPairsOf, ephemeronsOf, prefetchEphemeronNames, prefetchEphemeronPairs } from "../src/heapy/graph/weakmap-edges.js";
import type { HeapGraph } from "../src/heapy/snapshot/heap-graph.js";
import { isShared } from "../src/heapy/snapshot/memory.js";
import { readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { synthSnapshot, type SynthNode } from "./support/synthetic.js";

// DevTools' definition, the oracle for the byte-level recogniser.
const ORACLE = /^\d+( \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$/;

const names = [
  "1 / part of key (Foo @12) -> value (Bar @14) pair in WeakMap (table @99)",
  "2 / part of key (Foo @12) -> value (Bar @14) pair in WeakMap (table @99)",
  "7 / part of key (Foo @12) -> value (Bar @16) pair in WeakMap (table @99)",
  "3 / part of key (a @1) -> value (b @2) -> value (c @3) pair in WeakMap (table @5)",
  "4 / part of key ( @1) -> value ( @2) pair in WeakMap (table @5)",
  "5 / part of key (x @1) -> value (y @2) pair in WeakMap (table @123456789)",
  'quote 6 / part of key (Fo"o @1) -> value (y @2) pair in WeakMap (table @5)',
  '6 / part of key (Fo"o @1) -> value (y @2) pair in WeakMap (table @5)',
  "8 / part of key (é @1) -> value (y @2) pair in WeakMap (table @5)",
  "9 / part of key (new\nline @1) -> value (y @2) pair in WeakMap (table @5)",
  "10 / part of key (x @1) -> value (y @2) pair in WeakMap (table @5) ",
  "11 / part of key (x @) -> value (y @2) pair in WeakMap (table @5)",
  "12 / part of key (x @1) -> value (y @2) pair in WeakMap (table @)",
  "13 / part of key (x @1) - value (y @2) pair in WeakMap (table @5)",
  "14 / part of key (x @1)-> value (y @2) pair in WeakMap (table @5)",
  "15 / part of key (x @1) -> value (y @2a) pair in WeakMap (table @5)",
  "16 / part of key (x@1) -> value (y @2) pair in WeakMap (table @5)",
  " / part of key (x @1) -> value (y @2) pair in WeakMap (table @5)",
  "17 / part of key (x @1) -> value (y @2) pair in WeakMap (table @5)x)",
  "18 / part of key (x @1) -> value (y @2) pair in WeakMap (table @5)",
  "19 / part of key (x @1) -> value (y @2) pair in WeakMap (table @5)",
  "map",
  "42",
];

test("WeakMap edge names are recognised exactly as DevTools' pattern does, and paired by their shared part", async () => {
  const nodes: SynthNode[] = [
    { type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "1", to: 1 }] },
    { type: "object", name: "Holder", size: 16, edges: names.map((name) => ({ type: "internal", name, to: 2 })) },
    { type: "object", name: "Value", size: 16, edges: [] },
  ];
  const file = join(mkdtempSync(join(tmpdir(), "guppy-weakmap-")), "names.heapsnapshot");
  writeFileSync(file, synthSnapshot(nodes));
  // On one thread, on this thread over shared columns, and on a worker thread (the
  // parallel reader's shared columns, a threshold of 0).
  for (const where of ["one thread", "shared", "worker"] as const) {
    const g = await readHeapSnapshot(file, { cacheDir: null, parallel: where !== "one thread" });
    if (where === "worker") {
      prefetchEphemeronNames(g, 0);
      prefetchEphemeronPairs(g, 0);
      assert.ok(g.hasDerived("nameSearch") && g.hasDerived("pairSearch"), "both kernels were queued on a worker");
    }
    if (where === "shared") {
      // Recognised here, the names still go to shared memory: the worker that marks the retaining edges reads them.
      const { isEphemeron, tableId } = ephemeronsOf(g);
      assert.ok(isShared(isEphemeron) && isShared(tableId), "the names' flags and table ids are in shared memory");
    }
    checkNames(g);
  }
});

function checkNames(g: HeapGraph): void {
  const eph = { ...ephemeronsOf(g), ...ephemeronPairsOf(g) };
  const pairOf = new Map<string, number>();
  for (let e = g.firstEdge[1]!; e < g.firstEdge[2]!; e++) {
    const s = g.edgeName[e]!;
    const name = g.strings.get(s);
    const m = ORACLE.exec(name);
    assert.equal(eph.isEphemeron[s] !== 0, m !== null, name);
    if (!m) continue;
    assert.equal(eph.tableId[s], Number(m[2]), name);
    const known = pairOf.get(m[1]!);
    if (known === undefined) {
      assert.ok(![...pairOf.values()].includes(eph.pair[s]!), `${name} has a pair of its own`);
      pairOf.set(m[1]!, eph.pair[s]!);
    } else assert.equal(eph.pair[s], known, `${name} pairs with its twin`);
  }
  assert.equal(eph.pairCount, pairOf.size);
  assert.ok(pairOf.size >= 8);
}
