import { test } from "node:test";
import assert from "node:assert/strict";
import { GuppyError } from "../src/errors.js";
import { dominatorsOf } from "../src/heapy/graph/dominators.js";
import { ordinalOfId } from "../src/heapy/graph/id-index.js";
import { orderByKey } from "../src/heapy/graph/radix-sort.js";
import { shallowSizes } from "../src/heapy/graph/shallow-sizes.js";
import { globalWith } from "./support/known-graphs.js";
import { IdentitySet } from "../src/heapy/sets/identity-set.js";
import type { HeapGraph } from "../src/heapy/snapshot/heap-graph.js";
import { readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { fixtureSnapshot, snapshotPair } from "./support/fixtures.js";
import { prng, randomHeap, synthSnapshot } from "./support/synthetic.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function objectsNamed(g: HeapGraph, name: string): IdentitySet {
  return IdentitySet.where(g, (n) => g.typeName(n) === "object" && g.name(n) === name);
}

/** A plain Set of the members, the reference for the algebra. */
const plain = (s: IdentitySet): Set<number> => new Set(s.ordinals());

test("algebra between sets of one snapshot matches plain set algebra, sparse and dense alike", async () => {
  const [before] = await snapshotPair();
  const g = await readHeapSnapshot(before);
  const rnd = prng(7);
  // Sizes on both sides of the sparse/dense threshold (one member per 32 nodes).
  for (const fraction of [0.001, 0.02, 0.2, 0.9]) {
    const pick = (): IdentitySet => IdentitySet.where(g, () => rnd() < fraction);
    const a = pick();
    const b = pick();
    const A = plain(a);
    const B = plain(b);
    const expect = (s: IdentitySet, f: (n: number) => boolean, what: string): void => {
      const want: number[] = [];
      for (let n = 0; n < g.nodeCount; n++) if (f(n)) want.push(n);
      assert.deepEqual([...s.ordinals()], want, `${what} at ${fraction}`);
      assert.equal(s.count, want.length);
    };
    expect(a.and(b), (n) => A.has(n) && B.has(n), "and");
    expect(a.or(b), (n) => A.has(n) || B.has(n), "or");
    expect(a.minus(b), (n) => A.has(n) && !B.has(n), "minus");
    expect(a.xor(b), (n) => A.has(n) !== B.has(n), "xor");
    expect(a.complement(), (n) => !A.has(n), "complement");
    assert.ok(a.and(b).le(a) && a.le(a.or(b)) && a.or(b).ge(b));
    assert.ok(a.minus(b).disjoint(b));
    assert.equal(a.and(b).lt(a), a.and(b).count < a.count);
    assert.ok(a.equals(IdentitySet.of(g, [...A].reverse())));
    for (const n of [0, 1, g.nodeCount - 1]) assert.equal(a.has(n), A.has(n));
  }
});

test("size is the sum of DevTools shallow sizes; theone needs a singleton", async () => {
  const [before] = await snapshotPair();
  const g = await readHeapSnapshot(before);
  const keepers = objectsNamed(g, "Keeper");
  assert.equal(keepers.count, 100);
  const sizes = shallowSizes(g);
  assert.equal(keepers.size, [...keepers.ordinals()].reduce((s, n) => s + sizes[n]!, 0));
  const one = IdentitySet.of(g, [keepers.ordinals()[3]!]);
  assert.equal(one.theone, keepers.ordinals()[3]);
  assert.throws(() => keepers.theone, (e: unknown) => e instanceof GuppyError && e.code === "USAGE");
  assert.deepEqual(one.toJSON(), { count: 1, size: sizes[one.theone]!, file: before });
});

test("across two snapshots of one process, algebra goes by object id: after - before is what was allocated and kept", async () => {
  const [beforeFile, afterFile] = await snapshotPair();
  const before = await readHeapSnapshot(beforeFile);
  const after = await readHeapSnapshot(afterFile);
  const allBefore = IdentitySet.all(before);
  const allAfter = IdentitySet.all(after);
  const born = allAfter.minus(allBefore);
  const countIn = (s: IdentitySet, name: string): number => [...s.ordinals()].filter((n) => s.graph.typeName(n) === "object" && s.graph.name(n) === name).length;
  assert.equal(countIn(born, "Fresh"), 30);
  assert.equal(countIn(born, "Keeper"), 0);
  assert.equal(countIn(born, "Temp"), 0, "released before the second snapshot");
  // Survivors: objects of before that after still has, found by id.
  const survivors = allBefore.and(allAfter);
  assert.equal(countIn(survivors, "Keeper"), 100);
  assert.equal(countIn(survivors, "Dropped"), 0);
  assert.equal(countIn(allBefore.minus(allAfter), "Dropped"), 50);
  // Keepers are the same objects in both: equal across snapshots, by id.
  assert.ok(objectsNamed(before, "Keeper").equals(objectsNamed(after, "Keeper")));
  assert.ok(!objectsNamed(after, "Fresh").le(allBefore));
  assert.ok(!allBefore.ge(allAfter), "after holds objects before never had");
  // ofIds finds objects by id and skips ids the snapshot lacks.
  const keeper = objectsNamed(after, "Keeper").ordinals()[0]!;
  const id = after.nodeId[keeper]!;
  assert.equal(IdentitySet.ofIds(before, [id, 2 ** 32 - 1]).count, 1);
  assert.equal(before.nodeId[ordinalOfId(before, id)], id);
  assert.equal(ordinalOfId(before, 2 ** 32 - 1), -1);
});

test("orderByKey sorts indices by u32 keys, stably", () => {
  const keys = Uint32Array.from([5, 0xffffffff, 3, 5, 0, 70000, 3]);
  assert.deepEqual([...orderByKey(keys)], [4, 2, 6, 0, 3, 5, 1]);
});

test("dominos of one object is its dominator subtree, so domisize is its retained size", async () => {
  const g = await readHeapSnapshot(await fixtureSnapshot("classes-in-map"));
  const { retainedSize } = dominatorsOf(g);
  const rnd = prng(11);
  const sample = [g.root, ...objectsNamed(g, "Foo").ordinals()];
  for (let i = 0; i < 300; i++) sample.push(Math.floor(rnd() * g.nodeCount));
  const map = IdentitySet.where(g, (n) => g.name(n) === "Map" && g.typeName(n) === "object");
  sample.push(...map.ordinals());
  for (const n of sample) {
    const one = IdentitySet.of(g, [n]);
    assert.equal(one.domisize, retainedSize[n], `node ${n} (${g.typeName(n)})`);
  }
});

test("a set dominates what no member dominates alone; referrers, referents, imdom and idom", async () => {
  const g = await readHeapSnapshot(await fixtureSnapshot("cycles-and-chains"));
  const global = globalWith(g, "holderA");
  const prop = (n: number, name: string): number => {
    for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) if (g.edgeTypeName(e) === "property" && g.edgeNameText(e) === name) return g.edgeTarget[e]!;
    throw new Error(`no property ${name}`);
  };
  const a = prop(global, "holderA");
  const b = prop(global, "holderB");
  const shared = prop(a, "shared");
  assert.equal(prop(b, "shared"), shared);
  const A = IdentitySet.of(g, [a]);
  const AB = IdentitySet.of(g, [a, b]);
  assert.ok(!A.dominos.has(shared), "one holder alone does not free the shared object");
  assert.ok(AB.dominos.has(shared), "both together do");
  assert.ok(AB.domisize > A.domisize + IdentitySet.of(g, [b]).domisize);
  const S = IdentitySet.of(g, [shared]);
  assert.ok(S.referrers.has(a) && S.referrers.has(b));
  assert.ok(A.referents.has(shared));
  assert.equal(S.idom.theone, dominatorsOf(g).idom[shared]);
  // Heapy's imdom: both holders reach it, neither through the other.
  assert.ok(S.imdom.has(a) && S.imdom.has(b) && S.imdom.le(S.referrers));
  // The ring: entry dominates all 50 ring nodes.
  const entry = prop(global, "ringEntry");
  const ring = IdentitySet.of(g, [entry]).dominos;
  assert.equal([...ring.ordinals()].filter((n) => g.name(n) === "RingNode" && g.typeName(n) === "object").length, 50);
});

test("the root's dominos are the whole heap, what no retaining path reaches included (DevTools hangs it under the root)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-rootdom-"));
  for (let seed = 1; seed <= 20; seed++) {
    const file = join(dir, `random-${seed}.heapsnapshot`);
    writeFileSync(file, synthSnapshot(randomHeap(seed, 30 + seed * 5)));
    const g = await readHeapSnapshot(file);
    const root = IdentitySet.of(g, [g.root]);
    assert.equal(root.dominos.count, g.nodeCount, `seed ${seed}`);
    assert.equal(root.domisize, dominatorsOf(g).retainedSize[g.root], `seed ${seed}`);
  }
});
