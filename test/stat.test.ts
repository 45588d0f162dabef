import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GuppyError } from "../src/errors.js";
import { hpy } from "../src/index.js";
import { renderStat } from "../src/heapy/render/stat-text.js";
import { parseStats, Stat } from "../src/heapy/stat/stat.js";
import { snapshotPair } from "./support/fixtures.js";

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
