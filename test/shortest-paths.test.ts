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
  // (Both paths reach one member; their order is the order V8 wrote the global's properties.)
  const twiceLines = String(twice.sp).split("\n");
  assert.deepEqual(twiceLines.map((l) => l.slice(0, 4)), [" 0: ", " 1: "]);
  assert.deepEqual(twiceLines.map((l) => l.slice(4)).sort(), ["h.Root.global.aaa", "h.Root.global.bbb"]);
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

test("getRp: Heapy's options (imdom, bf, nocyc, stopkind, src, ref), *N as len(), paging and rp.paths", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("shared-holders"));
  const held = heap.and(h.Clodo("Held"));
  const outer = heap.and(h.Via(".outer"));
  const [o, inner] = [outer.theone, held.referrers.minus(outer).theone];
  const id = (n: number): number => heap.graph.nodeId[n]!;
  const start = ` 0: _ --- [-] 1 Held: @${held.ids()[0]}`;
  const both = ` 1: a      [-] 2 Object: ${[id(o), id(inner)].map((x) => `@${x}`).sort().join(", ")}`;
  const lines = (x: unknown): string[] => String(x).split("\n");
  // Referrers by default: outer and outer.inner, then outer under inner, seen before.
  const rp = held.rp;
  assert.deepEqual(lines(rp).slice(1, 3), [start, both]);
  // The global's class is its name in the snapshot: `global`, or `global (global*)` from V8 14 on.
  assert.match(rp.rows[2]!.kind, /^global( \(global\*\))?$/);
  assert.equal(rp.rows[2]!.mark, "S");
  assert.ok(rp.rows[3]!.set.equals(outer) && rp.rows[3]!.name === "ab");
  // imdom: only the referrer not reached through the other, outer.
  assert.deepEqual(lines(held.getRp({ imdom: true })).slice(1, 3), [start, ` 1: a      [-] 1 Object: @${id(o)}`]);
  assert.deepEqual(lines(held.getRp({ ref: "imdom", depth: 1 })).slice(2), [` 1: a      [+] 1 Object: @${id(o)}`]);
  // nocyc: a row's referrers leave out the rows above it, so outer is not listed under inner.
  assert.ok(!held.getRp({ depth: 3, nocyc: true }).rows.some((r) => r.depth === 2 && r.set.equals(outer)));
  // bf: rows level by level.
  const depths = held.getRp({ depth: 3, bf: true }).rows.map((r) => r.depth);
  assert.deepEqual(depths, [...depths].sort((a, b) => a - b));
  assert.notDeepEqual(held.getRp({ depth: 3 }).rows.map((r) => r.depth), depths);
  // stopkind: rows all of that kind are not followed.
  assert.deepEqual(lines(held.getRp({ stopkind: h.Clodo("Object") })).slice(2), [` 1: a      [S] 2 Object: ${[id(o), id(inner)].map((x) => `@${x}`).sort().join(", ")}`]);
  // src: only referrers reachable from these objects count; strings reach none of them.
  assert.deepEqual(lines(held.getRp({ src: heap.and(h.Type.string) })).slice(1), [` 0: _ --- [R] 1 Held: @${held.ids()[0]}`]);
  // ref: a function from a set to the referrers to follow.
  const onlyObjects = held.getRp({ depth: 2, ref: (s) => s.referrers.and(h.Clodo("Object")) });
  assert.deepEqual(lines(onlyObjects).slice(1), [start, both, ` 2: aa ---- [R] 1 Object: @${id(o)}`]);
  assert.equal(held.get_rp({ depth: 2, ref: "gc" }).rows[0]!.set.count, 1);
  assert.throws(() => held.getRp({ ref: "nope" as "gc" }), /USAGE|ref "imdom", "gc"/);
  // *N is len(): the sessions' Array shows its 3000 elements, the Sessions (instances) nothing.
  const sessions = heap.and(h.Clodo("Session"));
  const srp = lines(sessions.getRp(2));
  assert.match(srp[1]!, /^ 0: _ --- \[-\] 3000 Session: @\d+, @\d+/);
  assert.match(srp[2]!, /^ 1: a      \[-\] 1 Array: @\d+\*3000$/);
  // Paging: ten lines, then Heapy's more-line; `more` goes on.
  // (with no stop kind the pattern runs on past the global, to the 500-row cap).
  const deep = held.getRp({ depth: 12, stopkind: h.Nothing });
  assert.equal(deep.length, 500);
  assert.equal(lines(deep)[11], "<490 more lines. Type e.g. '_.more' to view.>");
  assert.equal(lines(deep.more)[0]!.slice(0, 4), "10: ");
  assert.equal(lines(deep.more)[10], "<480 more lines. Type e.g. '_.more' to view.>");
  // rp.paths(key): the shortest paths from a row's objects to the set.
  assert.deepEqual([...rp.paths(1)].map((p) => p.text).sort(), [`<Object @${id(inner)}>.x`, `<Object @${id(o)}>.x`].sort());
  assert.equal(String(rp.paths("aa")), " 0: Src.outer.x");
});

test("h.Root: the printed paths evaluate to the sets they name", async () => {
  const h = hpy();
  assert.throws(() => h.Root, /USAGE|load one first/);
  const heap = await h.load(await fixtureSnapshot("shared-holders"));
  const sessions = heap.and(h.Clodo("Session"));
  // Paths as printed are JavaScript: evaluated, each is the member it reaches.
  const evaluate = new Function("h", "text", "return eval(text)") as (h: unknown, text: string) => typeof heap;
  for (const p of [0, 1, 2, 2999].map((i) => sessions.sp.at(i)!)) {
    const set = evaluate(h, p.text);
    assert.equal(set.count, 1, p.text);
    assert.deepEqual([...set.ids()], [p.id], p.text);
  }
  assert.ok(h.Root.global.app.cache.equals(heap.and(h.Clodo("SessionCache"))));
  assert.ok(h.Root.global.aaa.equals(heap.and(h.Clodo("TwiceHeld"))));
  assert.equal(String(h.Root.global.h1.item.brief).startsWith("<1 ThriceHeld"), true);
  assert.ok(h.Root["(GC roots)"].count === 1);
  // A step that is a set's own member is taken with $(); a missing step is a USAGE error naming the path.
  assert.ok(h.Root.global.app.$("cache").equals(h.Root.global.app.cache));
  assert.throws(() => h.Root.global.app.nope, (e: unknown) => e instanceof Error && /h\.Root\.global\.app\.nope names no object/.test(e.message));
  // Steps that are no property names go by their text.
  const maps = await h.load(await fixtureSnapshot("classes-in-map"));
  const entries = h.Root.global.fooMap["<Map entry>"];
  assert.ok(maps.and(h.Clodo("Foo")).le(entries));
});
