import assert from "node:assert/strict";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { hpy } from "../src/index.js";
import { knownWaste } from "../src/heapy/waste/known-waste.js";
import { renderWaste } from "../src/heapy/waste/waste-report.js";
import { chromiumMissing, chromiumSnapshot, PAGE_SCRIPT } from "./support/chromium.js";
import { guppy } from "./support/cli.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { join } from "node:path";
import { projectRoot } from "./support/paths.js";

const PROGRAM = pathToFileURL(join(projectRoot(), "test", "fixtures", "programs", "known-waste.mjs")).href;

test("duplicated strings: the planted text, 300 copies, all but one wasted", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("known-waste"));
  const report = knownWaste(heap, ["strings"]).reports[0]!;
  const entry = report.entries.find((e) => e.kind.startsWith('"status-active-flag"'))!;
  const size = Number(/\((\d+) bytes\)$/.exec(entry.kind)![1]);
  assert.equal(entry.count, 300);
  assert.equal(entry.bytes, 299 * size);
  assert.match(entry.path!, /^h\.Root\.global\.holder\.dups\[\d+\]$/);
  assert.equal(report.entries[0], entry, "the planted strings waste the most");
  const text = renderWaste(report, 1).split("\n");
  assert.equal(text[1], `   1. "status-active-flag" (${size} bytes): 300 objects, ${299 * size} bytes`);
  assert.match(text[2]!, /^      e\.g\. h\.Root\.global\.holder\.dups\[\d+\]$/);
  assert.match(text[3]!, /^      <\d+ more kinds; use --all or --json\.>$/);
  // The classifier behind the report: the same kind selects the same 300 strings.
  assert.equal(heap.and(h.Dupstr(entry.kind)).count, 300);
});

test("empty and sparse collections: the planted arrays, Maps and Sets, and only program collections among them", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("known-waste"));
  // What the named global array holds, its prototype (itself an empty Array) aside.
  const held = (name: string) => heap.and(h.Via(`.${name}`)).and(h.Clodo("Array")).referents.minus(h.Via(".__proto__"));
  assert.equal(held("emptyArrays").and(h.Fill("empty Array")).count, 50);
  assert.equal(held("emptyMaps").and(h.Fill("empty Map")).count, 20);
  assert.equal(held("emptySets").and(h.Fill("empty Set")).count, 10);
  const sparse = heap.and(h.Via(".sparse"));
  assert.deepEqual(sparse.by(h.Fill).partition.rows.map((r) => [r.kind, r.count]), [["sparse Array", 1]]);
  const report = knownWaste(heap, ["collections"]).reports[0]!;
  const sparseEntry = report.entries.find((e) => e.kind === "sparse Array")!;
  assert.ok(sparseEntry.set.ge(sparse));
  assert.ok(sparseEntry.bytes >= (1000 - 3) * 8, "the unused slots of the sparse array count");
  assert.match(report.note!, /numbers were not captured/);
  // Used collections are not waste.
  assert.deepEqual(heap.and(h.Via(".growingCache")).by(h.Fill).partition.rows.map((r) => r.kind), ["used Map"]);
});

test("closures holding variables they do not use: onEvent keeps the buffer only its sibling used", async () => {
  const h = hpy();
  const heap = await h.load(await fixtureSnapshot("known-waste"));
  const report = knownWaste(heap, ["captures"]).reports[0]!;
  const mine = report.entries.filter((e) => e.kind.includes("known-waste.mjs"));
  assert.equal(mine.length, 1, mine.map((e) => e.kind).join("; "));
  assert.equal(mine[0]!.kind, `onEvent ${PROGRAM}:31:26 holds bigBuffer`);
  assert.equal(mine[0]!.count, 1);
  assert.ok(mine[0]!.bytes >= 800_000 && mine[0]!.bytes < 801_000, `bytes ${mine[0]!.bytes}`);
  assert.equal(mine[0]!.path, "h.Root.global.handler");
  assert.equal(report.entries[0], mine[0], "the largest entry");
  // The classifier: the handler is that kind; a closure using all it holds is not waste.
  assert.deepEqual(heap.and(h.Via(".handler")).by(h.Capture).partition.rows.map((r) => r.kind), [mine[0]!.kind]);
});

test("growing collections: those that grew at every step, largest growth first, with their paths", async () => {
  const h = hpy();
  const first = await fixtureSnapshot("known-waste");
  const sets = [await h.load(first), await h.load(`${first}.2`), await h.load(`${first}.3`)];
  const view = h.growing(sets);
  const mine = view.entries.filter((e) => e.path === "h.Root.global.growingCache" || e.path === "h.Root.global.growingList");
  assert.equal(mine.length, 2);
  const cache = mine.find((e) => e.path === "h.Root.global.growingCache")!;
  assert.deepEqual(cache.entries, [50, 100, 150]);
  assert.equal(cache.className, "Map");
  const list = mine.find((e) => e.path === "h.Root.global.growingList")!;
  assert.deepEqual(list.entries, [50, 100, 150]);
  assert.ok(list.retained[2]! > list.retained[0]!);
  assert.ok(!view.entries.some((e) => /steadyMap|shrinkingSet/.test(e.path ?? "")));
  assert.match(String(view), new RegExp(`^ {3}\\d\\. Map @${cache.id}: 50 → 100 → 150 entries, retaining \\d+ → \\d+ → \\d+ bytes\\n {6}at h\\.Root\\.global\\.growingCache$`, "m"));
  // The classifier between two of them.
  const Growth = h.growth(sets[0]!);
  const kindOf = (name: string) => sets[2]!.and(h.Via(`.${name}`)).by(Growth).partition.rows.map((r) => r.kind);
  assert.deepEqual(kindOf("growingCache"), ["grew"]);
  assert.deepEqual(kindOf("steadyMap"), ["unchanged"]);
  assert.deepEqual(kindOf("shrinkingSet"), ["shrank"]);
});

test("detached DOM nodes in a real Chromium page: the detached panel and its spans, by class", { skip: chromiumMissing() ?? false }, async () => {
  const h = hpy();
  const heap = await h.load(await chromiumSnapshot("page", PAGE_SCRIPT));
  const report = knownWaste(heap, ["dom"]).reports[0]!;
  const kinds = new Map(report.entries.map((e) => [e.kind, e]));
  assert.equal(kinds.get("Detached <span>")?.count, 20);
  assert.equal(kinds.get("Detached <div>")?.count, 1);
  assert.match(kinds.get("Detached <div>")!.path!, /detachedPanel/);
  assert.equal(report.note, null);
  // Attached nodes are not waste: the list's items are there by their class.
  assert.equal(heap.and(h.Dom("<li>")).count, 50);
});

test("guppy waste and guppy growth: reports, --only, --json, exit codes", async () => {
  const file = await fixtureSnapshot("known-waste");
  const captures = await guppy("waste", file, "--only", "captures");
  assert.equal(captures.code, 0);
  assert.match(captures.stdout, new RegExp(`^Closures holding variables they do not use: \\d+ objects? in \\d+ kinds?, \\d+ bytes\\.\\n   1\\. onEvent ${PROGRAM.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:31:26 holds bigBuffer: 1 object, \\d+ bytes\\n      e\\.g\\. h\\.Root\\.global\\.handler\\n`));
  const over = await guppy("waste", file, "--only", "strings,collections", "--threshold", "1000", "--json");
  assert.equal(over.code, 1, "more than 1000 bytes wasted");
  const json = JSON.parse(over.stdout) as { title: string; entries: { kind: string; ids: number[] }[] }[];
  assert.deepEqual(json.map((r) => r.title), ["Duplicated strings", "Empty and sparse collections"]);
  assert.equal(json[0]!.entries[0]!.ids.length, 100);
  const bad = await guppy("waste", file, "--only", "lies");
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim(), "guppy: USAGE Unknown report 'lies'; use one or more of strings, dom, collections, captures.");
  const grown = await guppy("growth", file, `${file}.2`, `${file}.3`, "--min", "100");
  assert.equal(grown.code, 1);
  assert.match(grown.stdout, /^Growing collections: \d+ grew at every step of the 3 snapshots\.\n/);
  assert.match(grown.stdout, /\n {6}at h\.Root\.global\.growingCache\n/);
  const alone = await guppy("growth", file);
  assert.equal(alone.code, 2);
  const byKind = await guppy("heap", file, "--by", "fill", "--json");
  assert.equal(byKind.code, 0);
  assert.ok((JSON.parse(byKind.stdout) as { rows: { kind: string }[] }).rows.some((r) => r.kind === "empty Map"));
});
