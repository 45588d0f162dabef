import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { snapshotPair } from "./support/fixtures.js";
import { guppy } from "./support/cli.js";
import { WINDOW_FOOS, WINDOW_FOOS_BY_CLODO } from "./support/known-graphs.js";
import { synthSnapshot } from "./support/synthetic.js";

const file = join(mkdtempSync(join(tmpdir(), "guppy-cli-heapy-")), "classes.heapsnapshot");
writeFileSync(file, synthSnapshot(WINDOW_FOOS));

test("guppy heap: the reachable objects by class, Heapy's table exactly", async () => {
  const r = await guppy("heap", file);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [...WINDOW_FOOS_BY_CLODO, ""].join("\n"),
  );
  const limited = await guppy("heap", file, "--by", "type,size", "--limit", "2");
  assert.equal(
    limited.stdout,
    [
      "Partition of a set of 10 objects. Total size = 312 bytes.",
      " Index  Count   %     Size   % Cumulative  % Type & Individual Size",
      "     0      4  40      160  51       160  51 object & 40",
      "     1      1  10       96  31       256  82 object & 96",
      "<2 more rows. Type e.g. '_.more' to view.>",
      "",
    ].join("\n"),
  );
  const json = JSON.parse((await guppy("heap", file, "--json", "--by", "via")).stdout) as { classifier: string; count: number; rows: { kind: string }[] };
  assert.equal(json.classifier, "Via");
  assert.equal(json.count, 10);
  assert.ok(json.rows.some((r) => r.kind === ".foo, [0]"));
});

test("guppy sp: Heapy's shortest paths, to the chosen objects nearest the root, as JavaScript accessors", async () => {
  // Three Foos: the one under Window.bar is a step nearer than the two only in the array.
  const r = await guppy("sp", file, "--kind", "Foo");
  assert.equal(r.stdout, " 0: h.Root.Window.bar.foo\n");
  const json = JSON.parse((await guppy("sp", file, "--kind", "Foo", "--json")).stdout);
  assert.deepEqual(json, { count: 3, numpaths: 1, paths: [{ index: 0, id: 7, path: "h.Root.Window.bar.foo", object: "Foo" }] });
  const one = await guppy("sp", file, "--id", "@17");
  assert.equal(one.stdout, " 0: h.Root.Window.foos<elements>\n");
  const none = await guppy("sp", file, "--kind", "Nope");
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^guppy: USAGE No reachable object is of kind 'Nope'/);
  assert.equal((await guppy("sp", file)).code, 2);
});

test("guppy dom: largest retained sizes with their paths", async () => {
  const r = await guppy("dom", file, "--top", "3");
  assert.equal(
    r.stdout,
    [
      " Index  Retained   %     Self          Id Object",
      "     0       176  56       96          @5 Array",
      "        h.Root.Window.foos",
      "     1        80  26        0         @17 (array) (object elements)",
      "        h.Root.Window.foos<elements>",
      "     2        56  18       56         @13 Bar",
      "        h.Root.Window.bar",
      "",
    ].join("\n"),
  );
});

test("guppy diff: what a later snapshot of the process has that the earlier lacked", async () => {
  const [before, after] = await snapshotPair();
  const r = await guppy("diff", before, after, "--json", "--all");
  assert.equal(r.code, 0, r.stderr);
  const rows = (JSON.parse(r.stdout) as { rows: { kind: string; count: number }[] }).rows;
  assert.equal(rows.find((x) => x.kind === "Fresh")?.count, 30);
  assert.ok(!rows.some((x) => x.kind === "Keeper" || x.kind === "Temp" || x.kind === "Dropped"));
  const text = await guppy("diff", before, after, "--limit", "3");
  assert.match(text.stdout, /^Objects in .* that are not in .* \(by object id\):\nPartition of a set of \d+ objects\./);
});

test("guppy stat: dump appends records; --show prints them; --diff their difference", async () => {
  const [before, after] = await snapshotPair();
  const statFile = join(mkdtempSync(join(tmpdir(), "guppy-cli-stat-")), "run.stat");
  assert.equal((await guppy("stat", before, "--dump", statFile, "--by", "type")).code, 0);
  assert.equal((await guppy("stat", after, "--dump", statFile, "--by", "type")).code, 0);
  const shown = await guppy("stat", "--show", statFile);
  assert.match(shown.stdout, /^Record 0, made \d{4}-\d\d-\d\dT[\d:.]+Z:\nPartition of a set of \d+ objects/);
  assert.match(shown.stdout, /\n\nRecord 1, made /);
  const diff = await guppy("stat", "--show", statFile, "--diff");
  assert.match(diff.stdout, /^Summary of difference operation \(A-B\)\.\n        Count     Size\n  A  /);
  const statOfFile = await guppy("stat", file);
  assert.equal(statOfFile.stdout.split("\n")[0], "Partition of a set of 10 objects. Total size = 312 bytes.");
  assert.equal((await guppy("stat")).code, 2);
});

test("guppy rp: the reference pattern of a kind, Heapy's layout", async () => {
  const r = await guppy("rp", file, "--kind", "Foo", "--depth", "2");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      "Reference Pattern by <class / dict of class>.",
      " 0: _ --- [-] 3 Foo: @11, @7, @9",
      " 1: a      [-] 1 Bar: @13",
      " 2: aa ---- [R] 1 Window: @3",
      " 3: b      [-] 1 (object elements) of Array: @17*3",
      " 4: ba ---- [+] 1 Array: @5*3",
      "",
    ].join("\n"),
  );
  const json = JSON.parse((await guppy("rp", file, "--id", "@7", "--json")).stdout) as { rows: { name: string; ids: number[] }[] };
  assert.deepEqual(json.rows[0], { index: 0, name: "_", depth: 0, mark: "-", kind: "Foo", count: 1, ids: [7] });
});
