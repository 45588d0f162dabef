import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { assertNoLeak, findLeaks, hpy, pathPattern, renderLeaks } from "../src/index.js";
import { guppy } from "./support/cli.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { projectRoot } from "./support/paths.js";

const run = promisify(execFile);

test("path shapes: indices and slot numbers stand for any", () => {
  assert.equal(pathPattern("h.Root.global.cache.items[12]"), "h.Root.global.cache.items[*]");
  assert.equal(pathPattern("h.Root.x<internal 36>.y[3][4]"), "h.Root.x<internal *>.y[*][*]");
});

test("guppy leaks names the holder of what keeps growing, and exits 1", async () => {
  const base = await fixtureSnapshot("three-snapshots");
  const r = await guppy("leaks", base, `${base}.target`, `${base}.final`);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split("\n");
  const json = JSON.parse((await guppy("leaks", base, `${base}.target`, `${base}.final`, "--json")).stdout) as { count: number; entries: { pattern: string; count: number; retainedSize: number; ids: number[] }[] };
  // The bytes are V8's sizes, which move between versions (52408 on Node 20-24, 52456 on 26).
  const bytes = json.entries[0]!.retainedSize;
  assert.ok(bytes >= 52000 && bytes <= 53000, String(bytes));
  // 100 Leaked after the first run, 50 more after the second, each with its array.
  assert.equal(lines[0], `Leaks: 300 objects allocated after the first snapshot are still alive in the last, in 1 group that grew in each of the 2 intervals; ${bytes} bytes retained.`);
  assert.equal(lines[2], ` 1. 150 objects (150 Leaked), retaining ${bytes} bytes`);
  assert.equal(lines[3], "    held by: h.Root.global.cache.items[*]");
  assert.equal(lines[4], "    Reference Pattern by <class / dict of class>.");
  assert.equal(json.entries[0]!.count, 150);
  assert.equal(json.entries[0]!.ids.length, 100, "ids are capped at 100");
  assert.equal((await guppy("leaks", base, `${base}.target`, `${base}.final`, "--threshold", "100000")).code, 0, "under the threshold");
});

test("a program that cleans up has no leaks", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-leaks-"));
  const out = join(dir, "clean");
  await run(process.execPath, [join(projectRoot(), "test", "fixtures", "programs", "three-snapshots.mjs"), out, "clean"]);
  const r = await guppy("leaks", out, `${out}.target`, `${out}.final`);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.stdout, "No leaks found: nothing allocated after the first snapshot is still held in the last in a group that grew in each of the 2 intervals.\n");
  const two = await guppy("leaks", out, `${out}.final`);
  assert.equal(two.code, 2, "two snapshots cannot show growth");
  assert.equal(two.stderr, "guppy: USAGE guppy leaks needs a baseline and at least two later snapshots (what grows with the runs); got 2 files.\n");
});

test("what only one interval left is not a leak: a group must grow in every interval", async () => {
  const h = hpy();
  const base = await fixtureSnapshot("three-snapshots");
  const [b, t, f] = [await h.load(base), await h.load(`${base}.target`), await h.load(`${base}.final`)];
  // The Leaked objects of the first run alone, as if the second had added none: base, target, target.
  assert.equal(findLeaks(b, t, t).entries.length, 0);
  // Over one interval everything still held counts.
  assert.equal(findLeaks(b, t).entries[0]?.count, 100);
  assert.equal(findLeaks(b, t, f).entries[0]?.count, 150);
  assert.throws(() => findLeaks(b), /needs a baseline and at least one later snapshot/);
});

class Listener {
  constructor(readonly id: number) {}
}
const registry: Listener[] = [];

test("assertNoLeak fails on a scenario that keeps what it makes, and passes one that does not", async () => {
  let n = 0;
  await assert.rejects(
    assertNoLeak(() => void registry.push(new Listener(n++)), { iterations: 3 }),
    (e: Error) => e.name === "AssertionError" && /The scenario leaks/.test(e.message) && /Listener/.test(e.message) && /registry|<context>|closure context/.test(e.message),
  );
  const report = await assertNoLeak(() => {
    const local = Array.from({ length: 100 }, (_, i) => new Listener(i));
    return local.length;
  });
  assert.equal(report.count, 0);
  await assert.rejects(assertNoLeak(() => 0, { intervals: 1 }), /intervals must be a whole number, 2 or more; got 1/);
});

test("planted leaks of four kinds: each holder is named with its path", async () => {
  const base = await fixtureSnapshot("planted-leaks");
  const r = await guppy("leaks", base, `${base}.target`, `${base}.final`, "--json");
  assert.equal(r.code, 1);
  const entries = (JSON.parse(r.stdout) as { entries: { pattern: string; count: number; kinds: { kind: string }[] }[] }).entries;
  const held = (pattern: string): { count: number; kinds: { kind: string }[] } | undefined => entries.find((e) => e.pattern === pattern);
  // A closure capturing a big buffer: the largest, first.
  assert.equal(entries[0]!.pattern, "h.Root.global.handlers[*]<closure context>.buffer");
  assert.equal(entries[0]!.count, 40, "20 handlers from each interval");
  // A cache that only grows.
  assert.equal(held("h.Root.global.cache<Map entry>")?.kinds[0]?.kind, "CacheEntry");
  // Listeners never removed: the event's listener array.
  assert.ok(held("h.Root.global.bus._events.tick"), entries.map((e) => e.pattern).join("\n"));
  // Timers never cleared: their Timeout objects.
  assert.ok(entries.some((e) => e.kinds[0]?.kind === "Timeout"));
  // The same program undoing its work each time leaks nothing.
  const dir = mkdtempSync(join(tmpdir(), "guppy-planted-"));
  const out = join(dir, "clean");
  await run(process.execPath, [join(projectRoot(), "test", "fixtures", "programs", "planted-leaks.mjs"), out, "clean"]);
  const clean = await guppy("leaks", out, `${out}.target`, `${out}.final`);
  assert.equal(clean.code, 0, clean.stdout);
});

test("with allocation traces, each leak group says where its objects were made", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("allocation-traces"));
  // Everything in the snapshot counts as new: the array under globalThis.tracked is a group,
  // and the sites cover the 500 Tracked objects it keeps.
  const report = findLeaks(h.nothing(heap.graph), heap);
  const tracked = report.entries.find((e) => e.pattern === "h.Root.global.tracked");
  assert.ok(tracked, report.entries.map((e) => e.pattern).join("\n"));
  const here = tracked.sites.filter((s) => /^(allocateTracked|Tracked|\(anonymous\) in allocateTracked) .*allocation-traces\.mjs:\d+:\d+$/.test(s.kind));
  assert.ok(here.reduce((sum, s) => sum + s.count, 0) >= 500, tracked.sites.map((s) => `${s.kind} ${s.count}`).join("; "));
  // Everything being new, Node's own modules outrank it on newer Node versions: render this entry alone.
  assert.match(renderLeaks({ ...report, entries: [tracked] }), /\n    allocated at: (allocateTracked|Tracked|\(anonymous\) in allocateTracked) .*allocation-traces\.mjs:\d+:\d+ \(\d+\)\n/);
});
