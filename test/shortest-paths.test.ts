import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { hpy } from "../src/index.js";
import { fixtureSnapshot } from "./support/fixtures.js";

test("sp: all shortest paths to the members nearest the root (Heapy's meaning)", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("shared-holders"));
  // One object held by two globals: both paths, not one of them.
  const twice = heap.and(h.Clodo("TwiceHeld"));
  assert.equal(String(twice.sp), " 0: h.Root.global.aaa\n 1: h.Root.global.bbb");
  assert.equal(twice.sp.numpaths, 2);
  // Held by three objects at the same depth (and once more deeply, which is not shortest): three.
  const thrice = heap.and(h.Clodo("ThriceHeld"));
  assert.equal(thrice.sp.numpaths, 3);
  const texts = [...thrice.sp].map((p) => p.text);
  assert.deepEqual([...texts].sort(), ["h.Root.global.h1.item", "h.Root.global.h2.item", "h.Root.global.h3.other"]);
  // A path is an object: its number, text, length, and the objects on it as a set.
  const p = thrice.sp.at(1)!;
  assert.equal(p.text, texts[1]);
  assert.equal(inspect(p), ` 1: ${texts[1]}`);
  assert.equal(p.length, 2);
  assert.equal(p.nodes.count, 3);
  assert.ok(p.nodes.and(thrice).count === 1 && p.nodes.and(h.Clodo("Object")).count === 1);
  assert.equal(thrice.sp.at(-1)!.text, texts[2]);
  assert.equal(thrice.sp.at(3), undefined);
  // 3000 sessions and their holder: only the holder's path, since it is nearer.
  const sessions = heap.and(h.Clodo("Session"));
  const cache = heap.and(h.Clodo("SessionCache"));
  assert.equal(String(sessions.or(cache).sp), " 0: h.Root.global.app.cache");
  // The sessions alone: 3000 paths, ten at a time, in text order, Heapy's messages.
  const sp = sessions.sp;
  assert.equal(sp.numpaths, 3000);
  const lines = String(sp).split("\n");
  assert.equal(lines.length, 11);
  assert.equal(lines[2], " 2: h.Root.global.app.cache.sessions[2]");
  assert.equal(lines[10], "<... 2990 more paths ...>");
  assert.equal(String(sp.more).split("\n")[0], "10: h.Root.global.app.cache.sessions[10]");
  assert.equal(String(sp.more).split("\n")[10], "<... 2980 more paths ...>");
  sp.maxpaths = 3;
  assert.deepEqual(String(sp.top).split("\n"), [" 0: h.Root.global.app.cache.sessions[0]", " 1: h.Root.global.app.cache.sessions[1]", " 2: h.Root.global.app.cache.sessions[2]", "<... 2997 more paths ...>"]);
  assert.equal(String(sp.more).split("\n")[0], " 3: h.Root.global.app.cache.sessions[3]");
  assert.equal(String(sp.all).split("\n").length, 3000);
  assert.equal(String(sp.all.more), "<No more paths>");
  assert.deepEqual(sp.toJSON().paths.map((x) => x.path), lines.slice(0, 3).map((l) => l.slice(4)));
});

test("getShpaths: other sources, avoided objects and edges; avoided(levels); pathsin, pathsout", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("shared-holders"));
  const thrice = heap.and(h.Clodo("ThriceHeld"));
  const deeper = heap.and(h.Via(".deeper"));
  assert.equal(deeper.count, 1);
  // From one source: `Src` names it, as in Heapy.
  assert.equal(String(thrice.getShpaths({ src: deeper })), " 0: Src.inner.item");
  assert.equal(String(thrice.get_shpaths(deeper)), " 0: Src.inner.item");
  // Avoiding the three holders leaves the deeper path.
  const holders = thrice.referrers.minus(deeper.referents);
  assert.equal(String(thrice.getShpaths({ avoidNodes: holders })), " 0: h.Root.global.deeper.inner.item");
  // Avoiding the steps at level 1 (global -> h1/h2/h3 and the rest from the global) finds no other path of them.
  const sp = thrice.sp;
  // Avoiding the steps from level 2 (the holders) to 3 (the member) leaves the deeper path.
  assert.equal(String(sp.avoided(2)), " 0: h.Root.global.deeper.inner.item");
  assert.equal(String(thrice.getShpaths({ avoidEdges: [] })), String(sp));
  // pathsin: from the referrers, one step each; pathsout: from the set to its referents.
  // (the three holders, the deeper one's inner object, and the V8 handle of the module's `const thrice`).
  assert.equal(thrice.pathsin.numpaths, thrice.referrers.count);
  assert.equal([...thrice.pathsin].filter((p) => /^<Object @\d+>\.(item|other)$/.test(p.text)).length, 4);
  const cache = heap.and(h.Clodo("SessionCache"));
  const out = [...cache.pathsout].map((p) => p.text);
  assert.equal(out.length, cache.referents.count);
  assert.ok(out.includes("Src.sessions") && out.includes("Src.__proto__"));
});

test("imdom is Heapy's (referrers reached avoiding the others); idom is the dominator tree's", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("shared-holders"));
  const held = heap.and(h.Clodo("Held"));
  const outer = heap.and(h.Via(".outer"));
  assert.equal(held.referrers.count, 2, "outer and outer.inner");
  assert.ok(held.imdom.equals(outer), "inner is reached only through outer, a referrer too");
  assert.ok(held.idom.equals(outer));
  // Three holders at the same depth: each reaches it on its own; none dominates it.
  const thrice = heap.and(h.Clodo("ThriceHeld"));
  const holders = heap.and(h.Via(".h1", ".h2", ".h3")).and(thrice.referrers);
  assert.equal(holders.count, 3);
  assert.ok(holders.le(thrice.imdom) && thrice.imdom.le(thrice.referrers));
  assert.equal(thrice.idom.count, 1);
  assert.ok(thrice.idom.disjoint(thrice.referrers), "the tree's dominator is no referrer here");
});
