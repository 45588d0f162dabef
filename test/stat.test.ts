import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GuppyError } from "../src/errors.js";
import { hpy } from "../src/index.js";
import { renderStat, StatView } from "../src/heapy/render/stat-text.js";
import { parseStats, Stat } from "../src/heapy/stat/stat.js";
import { snapshotPair } from "./support/fixtures.js";
import { guppy } from "./support/cli.js";

const A = new Stat([{ kind: "Foo", count: 10, size: 400 }, { kind: "Bar", count: 2, size: 100 }, { kind: "Baz", count: 1, size: 8 }], "Kind (class / dict of class)", "Clodo", 1231517359.474866);
const B = new Stat([{ kind: "Foo", count: 4, size: 160 }, { kind: "Bar", count: 2, size: 100 }, { kind: "Old", count: 3, size: 300 }], "Kind (class / dict of class)", "Clodo", 1231517300);

test("a stat record is Heapy's text format, and reads back exactly", () => {
  assert.equal(
    A.toText(),
    [
      ".loader: _load_stat",
      ".format: SetFormat",
      ".timemade: 1231517359.474866",
      ".count: 13",
      ".size: 508",
      ".kindname: Clodo",
      ".kindheader: Kind (class / dict of class)",
      ".numrows: 3",
      ".r: 10 400 Foo",
      ".r: 2 100 Bar",
      ".r: 1 8 Baz",
      ".end: .loader: _load_stat",
      "",
    ].join("\n"),
  );
  const [back] = parseStats(A.toText());
  assert.deepEqual(back!.toJSON(), A.toJSON());
});

test("a difference prints Heapy's summary and the changes by kind", () => {
  assert.equal(
    renderStat(A.diff(B)),
    [
      "Summary of difference operation (A-B).",
      "        Count     Size",
      "  A        13      508",
      "  B         9      560",
      "  A-B       4      -52  =     -9.29 % of B",
      "",
      "Differences by kind, largest absolute size diffs first.",
      " Index  Count     Size  Cumulative  % of B Kind (class / dict of class)",
      "     0     -3     -300      -300     -53.6 Old",
      "     1      6      240       -60     -10.7 Foo",
      "     2      1        8       -52     -9.29 Baz",
    ].join("\n"),
  );
  assert.throws(() => A.diff(new Stat([], "Kind (V8 node type)", "Type", 0)), (e: unknown) => e instanceof GuppyError && e.code === "USAGE");
});

test("dumps append; loading skips a cut-off last dump with a warning and keeps the rest", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "guppy-stat-")), "heap.stat");
  const h = hpy();
  const [beforeFile, afterFile] = await snapshotPair();
  const before = await h.load(beforeFile);
  const after = await h.load(afterFile);
  before.dump(file);
  after.dump(file);
  const text = readFileSync(file, "utf8");
  assert.equal(text.split("\n").filter((l) => l === ".loader: _load_stat").length, 2);
  appendFileSync(file, ".loader: _load_stat\n.format: SetFormat\n.r: 12 4");
  const warnings: string[] = [];
  const stats = h.loadStats(file, (w) => warnings.push(w));
  assert.equal(stats.length, 2);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /cut off/);
  assert.equal(stats[0]!.count, before.count);
  assert.equal(stats[1]!.size, after.size);
  const grown = stats[1]!.diff(stats[0]!);
  assert.equal(grown.rows.find((r) => r.kind === "Fresh")?.count, 30);
  assert.equal(grown.rows.find((r) => r.kind === "Dropped")?.count, -50);
  assert.throws(() => parseStats(".r: 1 2 x\n.end: .loader: _load_stat\n"), (e: unknown) => e instanceof GuppyError && e.code === "BAD_STAT_FILE");
});

// Issue 15, finding 5: torn records in the middle, garbage fields, empty class names.

test("a torn record followed by more records is skipped with a warning at every cut point; the rest are kept", () => {
  const torn = A.toText();
  const after = [B.toText(), A.diff(B).toText()];
  for (let cut = 1; cut < torn.length - 1; cut++) {
    // Raw concatenation, as an older writer appends after a crash (often mid-line).
    const text = A.toText() + torn.slice(0, cut) + after.join("");
    const warnings: string[] = [];
    const stats = parseStats(text, (w) => warnings.push(w));
    const at = `cut at ${cut}: ${JSON.stringify(torn.slice(0, cut))}`;
    const endCut = torn.slice(0, cut).includes(".end:");
    // Cut inside the '.end' line itself: every row is there, so the record is whole.
    assert.equal(stats.length, endCut ? 4 : 3, at);
    assert.deepEqual(stats[0]!.toJSON(), A.toJSON(), at);
    assert.deepEqual(stats.at(-2)!.toJSON(), B.toJSON(), at);
    assert.deepEqual(stats.at(-1)!.toJSON().rows, A.diff(B).toJSON().rows, at);
    if (!endCut) assert.ok(warnings.length >= 1 && warnings.some((w) => /line 9[0-9]*: a record (was cut off|has a|announces)/.test(w) || /skipped/.test(w)), `${at}: ${warnings.join(" | ")}`);
  }
});

test("Guppy's own dump after a torn one starts on a new line, so the torn record never swallows it", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "guppy-stat-")), "torn.stat");
  A.dump(file);
  appendFileSync(file, A.toText().slice(0, 40)); // a crash mid-line
  B.dump(file);
  const warnings: string[] = [];
  const stats = parseStats(readFileSync(file, "utf8"), (w) => warnings.push(w));
  assert.deepEqual(stats.map((s) => s.toJSON()), [A.toJSON(), B.toJSON()]);
  assert.deepEqual(warnings, ["Stat file line 13: a record was cut off (the next record starts before its .end); it was skipped."]);
});

test("a garbage .timemade skips that record with a warning (never a crash); an empty class name reads back", async () => {
  const bad = A.toText().replace(".timemade: 1231517359.474866", ".timemade: yesterday");
  const huge = A.toText().replace(".timemade: 1231517359.474866", ".timemade: 1e300");
  const warnings: string[] = [];
  const stats = parseStats(bad + huge + B.toText(), (w) => warnings.push(w));
  assert.deepEqual(stats.map((s) => s.toJSON()), [B.toJSON()]);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /line 1: a record has a '\.timemade' that is not a time; it was skipped/);
  const empty = new Stat([{ kind: "", count: 3, size: 30 }, { kind: "Foo  ", count: 1, size: 8 }], "Kind (class / dict of class)", "Clodo", 5);
  assert.deepEqual(parseStats(empty.toText())[0]!.toJSON(), empty.toJSON());
  // Through the CLI: the damaged record is reported, the rest printed, and no exit 70.
  const file = join(mkdtempSync(join(tmpdir(), "guppy-stat-")), "bad.stat");
  appendFileSync(file, bad + empty.toText());
  const r = await guppy("stat", "--show", file);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /guppy: warning: Stat file line 1: a record has a '\.timemade'/);
  assert.match(r.stdout, /^Record 0, made 1970-01-01T00:00:05\.000Z:/);
  assert.match(r.stdout, / 1 +1 +25 +8 +21 +38 +100 Foo  $/m);
  // Not a stat file at all: an error naming it.
  appendFileSync(join(file, "..", "junk.stat"), "hello\n");
  const junk = await guppy("stat", "--show", join(file, "..", "junk.stat"));
  assert.ok(junk.code !== 0 && junk.code !== 70, String(junk.code));
  assert.match(junk.stderr, /BAD_STAT_FILE/);
});

test("h.load opens a stat file by its content; a Heapy-written file with repeated kinds diffs to Heapy's totals", async () => {
  // Heapy's own format, as guppy3 dumps it: five ctypes.CFunctionType rows in A, three in B.
  const record = (rows: [number, number, string][], timemade: number): string =>
    [
      ".loader: _load_stat",
      ".format: SetFormat",
      `.timemade: ${timemade}`,
      `.count: ${rows.reduce((s, r) => s + r[0], 0)}`,
      `.size: ${rows.reduce((s, r) => s + r[1], 0)}`,
      ".kindheader: Kind (class / dict of class)",
      ".kindname: Clodo",
      `.numrows: ${rows.length}`,
      ...rows.map(([c, s, k]) => `.r: ${c} ${s} ${k}`),
      ".end: .loader: _load_stat",
      "",
    ].join("\n");
  const cf: [number, number, string] = [1, 200, "ctypes.CFunctionType"];
  const dir = mkdtempSync(join(tmpdir(), "guppy-heapy-stat-"));
  const a = join(dir, "a.txt");
  const b = join(dir, "b.txt");
  writeFileSync(a, record([[30000, 3000000, "str"], [10388, 2451087, "dict of module"], cf, cf, cf, cf, cf], 1474118211.84));
  writeFileSync(b, record([[29000, 2900000, "str"], [10388, 2451087, "dict of module"], cf, cf, cf], 1474118200.5));
  const h = hpy();
  const A = await h.load<StatView>(a);
  const B = await h.load<StatView>(b);
  assert.ok(A instanceof StatView && B instanceof StatView);
  assert.equal(A.count, 40393);
  assert.equal(A.size, 5452087);
  assert.equal(A.length, 7);
  assert.equal(A.at(2).rows[0]!.kind, "ctypes.CFunctionType");
  assert.equal(A.slice(2, 7).count, 5);
  assert.deepEqual(
    String(A.diff(B)).split("\n"),
    [
      "Summary of difference operation (A-B).",
      "        Count     Size",
      "  A     40393  5452087",
      "  B     39391  5351687",
      "  A-B    1002   100400  =      1.88 % of B",
      "",
      "Differences by kind, largest absolute size diffs first.",
      " Index  Count     Size  Cumulative  % of B Kind (class / dict of class)",
      "     0   1000   100000    100000      1.87 str",
      "     1      2      400    100400      1.88 ctypes.CFunctionType",
    ],
  );
  // A snapshot still loads as a set; a file that is neither is an error, not a crash.
  const notStat = join(dir, "c.heapsnapshot");
  writeFileSync(notStat, "not json");
  await assert.rejects(h.load(notStat), (e: unknown) => e instanceof GuppyError);
});
