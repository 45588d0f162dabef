import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import { join } from "node:path";
import { fixtureSnapshot } from "./support/fixtures.js";
import { WINDOW_FOOS, WINDOW_FOOS_BY_CLODO } from "./support/known-graphs.js";
import { startInspectTarget } from "./support/inspect-target.js";
import { demoSnapshots, guppyMcp } from "./support/mcp.js";
import { projectRoot } from "./support/paths.js";
import { synthSnapshot } from "./support/synthetic.js";

const root = projectRoot();
const dir = mkdtempSync(join(tmpdir(), "guppy-mcp-test-"));
const classes = join(dir, "classes.heapsnapshot");
writeFileSync(classes, synthSnapshot(WINDOW_FOOS));

test("guppy mcp lists its tools, each with a description and an input schema", async () => {
  const s = await guppyMcp();
  try {
    const { tools } = await s.client.listTools();
    const names = tools.map((t) => t.name).sort();
    assert.deepEqual(names, ["compare", "dominated", "duplicate_strings", "growth", "leaks", "list_snapshots", "object_details", "open_snapshot", "partition", "query_objects", "reference_pattern", "retainers", "shortest_paths", "summary", "take_snapshot", "waste"]);
    for (const t of tools) {
      assert.ok((t.description ?? "").length > 20 && !t.description!.includes("\n"), `${t.name}: a one-line description`);
      assert.equal(t.inputSchema.type, "object");
    }
    const partition = tools.find((t) => t.name === "partition")!;
    assert.deepEqual(Object.keys(partition.inputSchema.properties ?? {}).sort(), ["by", "cursor", "limit", "max_chars", "set"]);
  } finally {
    await s.close();
  }
});

test("guppy mcp ends with exit code 0 when the client closes its stdin, having written nothing", async () => {
  const child = spawn(process.execPath, [join(root, "bin", "guppy.js"), "mcp"], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += String(d)));
  child.stderr.on("data", (d: Buffer) => (out += String(d)));
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  assert.equal(code, 0);
  assert.equal(out, "");
});

test("guppy mcp on a known graph: Heapy's tables exactly, paging by cursor, the size cap", async () => {
  const s = await guppyMcp();
  try {
    const opened = await s.call("open_snapshot", { path: classes });
    assert.equal(opened.isError, false, opened.text);
    assert.equal(opened.text, ["Handle     Nodes   Objects        Size Source", `s0            12        10         312 ${classes}`].join("\n"));
    assert.deepEqual(opened.structured.snapshots, [{ handle: "s0", source: classes, nodes: 12, objects: 10, size: 312, warnings: [] }]);
    assert.equal((await s.call("open_snapshot", { path: classes })).text.split("\n")[1]!.slice(0, 2), "s0", "a file opened again keeps its handle");
    const gz = `${classes}.gz`;
    writeFileSync(gz, gzipSync(readFileSync(classes)));
    assert.equal((await s.call("open_snapshot", { path: gz })).text.split("\n")[1], `s1            12        10         312 ${gz}`, "gzip too");
    assert.match((await s.call("list_snapshots")).text, /^Handle .*\ns0 .*\ns1 /);

    const table = await s.call("partition", { set: "s0" });
    assert.equal(
      table.text,
      WINDOW_FOOS_BY_CLODO.join("\n"),
    );
    assert.equal(table.structured.nextCursor, undefined);
    assert.deepEqual((table.structured.rows as unknown[])[0], { index: 0, kind: "Foo", count: 3, size: 120 });

    // Paging: a combined classifier, two rows a page, the cursor passed back.
    const first = await s.call("partition", { set: "s0", by: "type,size", limit: 2 });
    assert.equal(
      first.text,
      [
        "Partition of a set of 10 objects. Total size = 312 bytes.",
        " Index  Count   %     Size   % Cumulative  % Type & Individual Size",
        "     0      4  40      160  51       160  51 object & 40",
        "     1      1  10       96  31       256  82 object & 96",
        '<2 more rows: call again with cursor "rows:2".>',
      ].join("\n"),
    );
    assert.equal(first.structured.nextCursor, "rows:2");
    assert.equal(first.structured.total, 4);
    const second = await s.call("partition", { set: "s0", by: "type,size", limit: 2, cursor: first.structured.nextCursor });
    assert.equal(second.text, [" Index  Count   %     Size   % Cumulative  % Type & Individual Size", "     2      1  10       56  18       312 100 object & 56", "     3      4  40        0   0       312 100 array & 0"].join("\n"));
    assert.equal(second.structured.nextCursor, undefined);
    assert.deepEqual((second.structured.rows as { index: number }[]).map((r) => r.index), [2, 3]);

    // The size cap: fewer rows than asked, and a cursor to the rest.
    const capped = await s.call("partition", { set: "s0", max_chars: 250 });
    assert.ok(capped.text.length <= 250, capped.text);
    assert.equal(capped.text.split("\n").length, 3 + Number(/rows:(\d+)/.exec(capped.text)![1]));
    assert.equal((capped.structured.rows as unknown[]).length, Number(/rows:(\d+)/.exec(String(capped.structured.nextCursor))![1]));

    // The expression language: kinds, differences, rows and relations.
    const foos = await s.call("partition", { set: 's0 & Clodo("Foo")' });
    assert.match(foos.text, /^Partition of a set of 3 objects\. Total size = 120 bytes\./);
    assert.equal((await s.call("partition", { set: "s0 - s0[0] - s0[5]" })).structured.count, 4);
    assert.equal((await s.call("partition", { set: "s0.bytype[0]" })).structured.count, 6, "row 0 of the partition by type: the objects");
    assert.equal((await s.call("partition", { set: '(s0 & Clodo("Bar")).referents' })).text.split("\n")[2], "     0      1 100       40 100        40 100 Foo");
    assert.equal((await s.call("partition", { set: 's0 & Type("array") | s0 & Clodo("Bar")' })).structured.count, 5);
    assert.equal((await s.call("partition", { set: "s0 & Clodo('Bar', \"Window\")" })).structured.count, 2, "a kind of several labels, either quote");

    // Heapy's paths: only to the members nearest the root (the Bar's Foo; the array's are a step farther).
    assert.equal((await s.call("shortest_paths", { set: 's0 & Clodo("Foo")' })).text, ["3 objects; 1 shortest path to the 1 object nearest the root.", " 0: h.Root.Window.bar.foo"].join("\n"));
    const inArray = '(s0 & Clodo("Foo")) - (s0 & Clodo("Bar")).referents';
    const firstPage = await s.call("shortest_paths", { set: inArray, limit: 1 });
    assert.equal(firstPage.text, ["2 objects; 2 shortest paths to the 2 objects nearest the root.", " 0: h.Root.Window.foos[1]", '<... 1 more path (call again with cursor "rows:1") ...>'].join("\n"));
    const paged = await s.call("shortest_paths", { set: inArray, limit: 1, cursor: "rows:1" });
    assert.equal(paged.text, " 1: h.Root.Window.foos[2]");
    assert.deepEqual(paged.structured.rows, [{ index: 1, id: 11, path: "h.Root.Window.foos[2]" }]);
    assert.equal(paged.structured.numpaths, 2);

    const rp = await s.call("reference_pattern", { set: 's0 & Clodo("Bar")' });
    assert.equal(rp.text, ["Reference Pattern by <class / dict of class>.", " 0: _ --- [-] 1 Bar: @13", " 1: a      [R] 1 Window: @3"].join("\n"));
    assert.deepEqual((rp.structured.rows as { kind: string; mark: string }[]).map((r) => [r.kind, r.mark]), [["Bar", "-"], ["Window", "R"]]);

    const dom = await s.call("dominated", { set: 's0 & Clodo("Window")' });
    assert.equal(dom.text.split("\n")[0], "The set of 1 object (40 bytes) keeps alive 10 objects; retained size (domisize) 312 bytes.");
    assert.equal(dom.structured.retainedSize, 312);
    assert.equal((await s.call("dominated", { set: 's0 & Clodo("Bar")' })).structured.retainedSize, 56, "the Foo Bar refers to is also in the array");

    const window = await s.call("object_details", { snapshot: "s0", id: "@3" });
    assert.equal(
      window.text,
      [
        "@3 Window (object, 40 bytes), class Window, retained 312 bytes, distance 1",
        "path: h.Root.Window",
        "2 edges:",
        "  .foos (property) → @5 Array (object, 96 bytes)",
        "  .bar (property) → @13 Bar (object, 56 bytes)",
      ].join("\n"),
    );
    assert.equal(window.structured.retainedSize, 312);
    assert.equal(
      (await s.call("retainers", { snapshot: "s0", id: 7 })).text,
      ["@7 Foo (object, 40 bytes) has 2 referrers:", "  @13 Bar (object, 56 bytes) .foo (property), distance 2", "  @17 (array) (object elements) (array, 0 bytes) [0] (element), distance 3"].join("\n"),
    );

    const q = await s.call("query_objects", { set: "s0", property: "foo" });
    assert.equal(q.text, ["1 object, 56 bytes.", "  @13 Bar (object, 56 bytes) retained 56 at h.Root.Window.bar"].join("\n"));
    assert.equal((await s.call("query_objects", { set: "s0", class: "Foo", min_size: 40, max_size: 40 })).structured.count, 3);
    assert.equal((await s.call("query_objects", { set: "s0", type: "object", min_size: 50 })).structured.count, 2);
    assert.equal((await s.call("query_objects", { set: "s0", property: "nothing-has-this" })).structured.count, 0);

    const summary = await s.call("summary", { snapshot: "s0", top: 2 });
    assert.equal(
      summary.text,
      [
        `Heap snapshot ${classes}: 12 nodes, 12 edges, total size 312 bytes.`,
        "",
        "Partition of a set of 12 objects. Total size = 312 bytes.",
        " Index  Count   %     Size   % Cumulative  % Type",
        "     0      6  50      312 100       312 100 object",
        "     1      4  33        0   0       312 100 array",
        "     2      2  17        0   0       312 100 synthetic",
        "",
        "Largest retainers (retained size: the bytes freed if the object went away).",
        " Index  Retained   %     Self          Id Object",
        "     0       176  56       96          @5 Array",
        "     1        80  26        0         @17 (array) (object elements)",
      ].join("\n"),
    );
    assert.equal(summary.structured.totalSize, 312);

    const same = await s.call("compare", { base: "s0", target: "s0" });
    assert.equal(same.text.split("\n")[0], "s0 against s0: 0 new objects (0 bytes), 0 deleted (0 bytes).");
    assert.equal((await s.call("waste", { set: "s0" })).structured.bytes, 0);
  } finally {
    await s.close();
  }
});

test("guppy mcp: bad input is a tool error with Guppy's one-line message, and the server keeps serving", async () => {
  const s = await guppyMcp();
  const corrupt = join(dir, "corrupt.heapsnapshot");
  writeFileSync(corrupt, '{"snapshot": {"meta": ');
  try {
    await s.call("open_snapshot", { path: classes });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["open_snapshot", { path: join(dir, "missing.heapsnapshot") }, /^guppy: FILE_NOT_FOUND .*missing\.heapsnapshot: No such file\.$/],
      ["open_snapshot", { path: corrupt }, /^guppy: (TRUNCATED|INVALID_JSON|BAD_META) .*corrupt\.heapsnapshot/],
      ["object_details", { snapshot: "s0", id: 999999 }, /^guppy: USAGE No object has id @999999 in s0\.$/],
      ["object_details", { snapshot: "s0", id: "x1" }, /^guppy: USAGE 'x1' is not an object id/],
      ["partition", { set: "s0", by: "colour" }, /^guppy: USAGE Unknown classifier 'colour'; use one or more of type, clodo/],
      ["partition", { set: "s0 & " }, /^guppy: USAGE The set expression does not parse at column 6: a set is missing at the end/],
      ["partition", { set: 's0 & Clodo("Foo' }, /^guppy: USAGE The set expression does not parse at column 12: a string is not closed/],
      ["partition", { set: "process.exit(1)" }, /^guppy: USAGE The set expression does not parse at column 9: unknown attribute '\.exit'/],
      ["partition", { set: "s0 ; 1" }, /^guppy: USAGE The set expression does not parse at column 4: unexpected character ';'/],
      ["partition", { set: "s9" }, /^guppy: USAGE No snapshot has the handle 's9' \(open: s0\)\.$/],
      ["partition", { set: 's0 | Clodo("Foo")' }, /^guppy: USAGE '\|' of a set and a kind is not a set of objects/],
      ["partition", { set: "s0[99]" }, /^guppy: USAGE The partition has 6 rows; there is no row 99\.$/],
      ["partition", { set: 's0 & Colour("red")' }, /^guppy: USAGE No classifier named 'Colour'/],
      ["partition", { set: "s0", cursor: "page 2" }, /^guppy: USAGE The cursor 'page 2' is not one this server gave/],
      ["growth", { snapshots: ["s0", "s5"] }, /^guppy: USAGE No snapshot has the handle 's5'/],
      ["take_snapshot", {}, /^guppy: USAGE Give exactly one of target/],
      ["take_snapshot", { target: "10.0.0.1:9229" }, /^guppy: USAGE Only an inspector on this machine can be attached/],
      ["take_snapshot", { target: "127.0.0.1:1" }, /^guppy: SNAPSHOT_FAILED /],
      ["take_snapshot", { annex_pid: 1 }, /^guppy: USAGE No program with pid 1 runs with guppy\/rm/],
    ];
    for (const [name, args, expected] of cases) {
      const r = await s.call(name, args);
      assert.equal(r.isError, true, `${name} ${JSON.stringify(args)}: ${r.text}`);
      assert.match(r.text, expected);
      assert.ok(!r.text.includes("\n") && !r.text.includes("    at "), "one line, no stack");
    }
    // Arguments the schema refuses are tool errors too.
    for (const args of [{}, { set: "s0", limit: 0 }]) {
      const r = await s.call("partition", args);
      assert.equal(r.isError, true, JSON.stringify(args));
      assert.match(r.text, /validation/i);
    }
    const cut = join(dir, "cut.heapsnapshot");
    const whole = readFileSync(await fixtureSnapshot("cycles-and-chains"));
    const stringsAt = whole.indexOf('"strings"');
    writeFileSync(cut, whole.subarray(0, stringsAt + Math.floor((whole.length - stringsAt) / 2)));
    const warned = await s.call("open_snapshot", { path: cut });
    assert.match(warned.text, /\n {7}warning: .*cut off inside its string table/, "the reader's warnings are in the answer");
    assert.equal((await s.call("partition", { set: "s0" })).structured.count, 10, "still serving after the errors");
    assert.equal(s.stderr(), "", "nothing on stderr");
  } finally {
    await s.close();
  }
});

test("guppy mcp shortest_paths: an object two globals hold has two paths, a nearer member hides farther ones", async () => {
  const s = await guppyMcp();
  try {
    await s.call("open_snapshot", { path: await fixtureSnapshot("shared-holders") });
    const twice = await s.call("shortest_paths", { set: 's0 & Clodo("TwiceHeld")' });
    const lines = twice.text.split("\n");
    assert.equal(lines[0], "1 object; 2 shortest paths to the 1 object nearest the root.");
    // Their order is the order V8 wrote the global's properties.
    assert.deepEqual(lines.slice(1).map((l) => l.slice(0, 4)), [" 0: ", " 1: "]);
    assert.deepEqual(lines.slice(1).map((l) => l.slice(4)).sort(), ["h.Root.global.aaa", "h.Root.global.bbb"]);
    assert.equal(twice.structured.numpaths, 2);
    const both = await s.call("shortest_paths", { set: 's0 & Clodo("Session") | s0 & Clodo("SessionCache")' });
    assert.equal(both.text, ["3001 objects; 1 shortest path to the 1 object nearest the root.", " 0: h.Root.global.app.cache"].join("\n"));
  } finally {
    await s.close();
  }
});

test("guppy mcp finds the demo's leak in three tool calls", async () => {
  const [before, after] = await demoSnapshots();
  const s = await guppyMcp({ GUPPY_CACHE: mkdtempSync(join(tmpdir(), "guppy-mcp-cache-")) });
  try {
    const progress: number[] = [];
    const opened = await s.call("open_snapshot", { path: [before, after] }, (p) => progress.push(p.progress));
    assert.deepEqual((opened.structured.snapshots as { handle: string }[]).map((x) => x.handle), ["s0", "s1"]);
    assert.ok(progress.length > 0, "progress notifications while reading");
    assert.ok(progress.every((p, i) => i === 0 || p > progress[i - 1]!), "progress only increases");

    const born = await s.call("partition", { set: "s1 - s0", limit: 5 });
    const rows = born.structured.rows as { kind: string; count: number }[];
    assert.ok(rows.some((r) => r.kind === "Session" && r.count === 2900), born.text);
    assert.ok(rows.some((r) => r.kind === "Request" && r.count === 2900), born.text);

    const why = await s.call("shortest_paths", { set: 's1 - s0 & Clodo("Session")', limit: 1 });
    assert.equal(why.text.split("\n")[1], " 0: h.Root.global.app.cache.sessions<Map entry>");
    assert.equal(why.structured.reached, 2900);
    assert.equal(why.structured.numpaths, 2900);

    // Dominators, computed on first use (this server's cache folder is new), report their progress too.
    const stages: { progress: number; total?: number; message?: string }[] = [];
    const freed = await s.call("dominated", { set: 's1 & Clodo("SessionCache")', limit: 1 }, (p) => stages.push(p));
    assert.ok((freed.structured.retainedSize as number) > 2900 * 48, "the cache keeps every Session alive");
    assert.ok(stages.length > 0 && stages.every((p) => p.message === "Computing dominators" && p.total === 1 && p.progress > 0 && p.progress <= 1), JSON.stringify(stages));

    // At most 1000 rows a page, whatever the limit asks.
    const ids = await s.call("partition", { set: "s1 - s0", by: "id", limit: 1_000_000, max_chars: 10_000_000 });
    assert.equal((ids.structured.rows as unknown[]).length, 1000);
    assert.equal(ids.structured.nextCursor, "rows:1000");

    // Details show the values of strings (the agent asked about this object).
    const request = (await s.call("query_objects", { set: 's1 - s0 & Clodo("Request")', limit: 1 })).structured.rows as { id: number }[];
    const details = await s.call("object_details", { snapshot: "s1", id: request[0]!.id });
    assert.match(details.text, /\n {2}\.url \(property\) → @\d+ \(string\) = "\/api\/items\/\d+" \(/);
    const numbers = (await s.call("query_objects", { set: 's1 & Type("number")', limit: 3 })).structured.rows as { value?: string }[];
    assert.ok(numbers.length > 0 && numbers.every((n) => n.value === undefined), "no value where the snapshot has none");
    assert.equal(s.stderr(), "", "no heap strings (nothing at all) on stderr");
  } finally {
    await s.close();
  }
});

test("guppy mcp object_details: numbers' values when the snapshot exposes them, and none when it does not", async () => {
  const file = join(dir, "numbers.heapsnapshot");
  const program = `globalThis.holder = { pi: 3.25, count: 7 }; require("v8").writeHeapSnapshot(${JSON.stringify(file)}, { exposeNumericValues: true });`;
  await promisify(execFile)(process.execPath, ["-e", program], { timeout: 60_000 });
  const s = await guppyMcp();
  try {
    await s.call("open_snapshot", { path: file });
    const holder = (await s.call("query_objects", { set: "s0", property: "pi" })).structured.rows as { id: number }[];
    assert.equal(holder.length, 1);
    const details = await s.call("object_details", { snapshot: "s0", id: holder[0]!.id });
    assert.match(details.text, /\n {2}\.pi \(property\) → @\d+ \(number\) = "3\.25" \(number, 16 bytes\)\n {2}\.count \(property\) → @\d+ \(number\) = "7" \(number, 0 bytes\)\n/);
    const edges = details.structured.rows as { edge: string; to: { value?: string } }[];
    assert.deepEqual(edges.slice(0, 2).map((e) => [e.edge, e.to.value]), [[".pi", "3.25"], [".count", "7"]]);
  } finally {
    await s.close();
  }
});

test("guppy mcp: leaks of three snapshots, growth of several, waste and duplicate strings, compare", async () => {
  const base = await fixtureSnapshot("three-snapshots");
  const waste = await fixtureSnapshot("known-waste");
  const s = await guppyMcp();
  try {
    await s.call("open_snapshot", { path: [base, `${base}.target`, `${base}.final`, waste, `${waste}.2`, `${waste}.3`] });
    const leaks = await s.call("leaks", { base: "s0", target: "s1", final: "s2" });
    const lines = leaks.text.split("\n");
    // The leak analysis of `guppy leaks`: the group grew in both intervals (base to target, target to final).
    const bytes = (leaks.structured.rows as { retainedSize: number }[])[0]!.retainedSize;
    assert.ok(bytes >= 52000 && bytes <= 53000, String(bytes));
    assert.equal(lines[0], `Leaks: 300 objects allocated after the first snapshot are still alive in the last, in 1 group that grew in each of the 2 intervals; ${bytes} bytes retained.`);
    assert.equal(lines[1], ` 1. 150 objects (150 Leaked), retaining ${bytes} bytes`);
    assert.equal(lines[2], "    held by: h.Root.global.cache.items[*]");
    assert.equal((leaks.structured.rows as { count: number }[])[0]!.count, 150);

    const compare = await s.call("compare", { base: "s0", target: "s1" });
    const leaked = (compare.structured.rows as { kind: string; newCount: number; deletedCount: number }[]).find((r) => r.kind === "Leaked")!;
    assert.deepEqual([leaked.newCount, leaked.deletedCount], [100, 0]);
    assert.ok(!(compare.structured.rows as { kind: string }[]).some((r) => r.kind === "Temp"), "dropped objects are neither new nor deleted");

    const growth = await s.call("growth", { snapshots: ["s3", "s4", "s5"] });
    assert.match(growth.text, /^Growing collections: 2 grew at every step of the 3 snapshots\.\n/);
    assert.deepEqual((growth.structured.rows as { className: string }[]).map((r) => r.className).sort(), ["Array", "Map"]);
    const onePage = await s.call("growth", { snapshots: ["s3", "s4", "s5"], limit: 1 });
    assert.equal((onePage.structured.rows as unknown[]).length, 1);
    assert.equal(onePage.structured.nextCursor, "rows:1");
    assert.match(onePage.text, /\n {6}at h\.Root\.global\.growing(Cache|List)\n<1 more row: /, "an entry stays with its path");

    const dup = await s.call("duplicate_strings", { set: "s3", limit: 1 });
    assert.match(dup.text, /^Duplicated strings: \d+ objects in \d+ kinds, \d+ bytes\.\n {3}1\. "status-active-flag" \((\d+) bytes\): 300 objects, \d+ bytes\n {6}e\.g\. h\.Root\.global\.holder\.dups\[\d+\]\n<\d+ more rows: /);
    const all = await s.call("waste", { set: "s3", limit: 100, max_chars: 100000 });
    assert.match(all.text, /^Empty and sparse collections: /m);
    assert.ok((all.structured.reports as { title: string }[]).length >= 4);
  } finally {
    await s.close();
  }
});

test("guppy mcp take_snapshot: a process by its inspector port, and a guppy/rm annex with its token", async () => {
  const monitorDir = mkdtempSync(join(tmpdir(), "guppy-mcp-monitor-"));
  const inspected = await startInspectTarget(["--inspect=127.0.0.1:0"]);
  const annexed = await startInspectTarget(["--import", join(root, "dist", "src", "heapy", "monitor", "rm.js")], { GUPPY_MONITOR_DIR: monitorDir });
  const s = await guppyMcp({ GUPPY_MONITOR_DIR: monitorDir });
  try {
    const live = await s.call("take_snapshot", { target: `127.0.0.1:${inspected.port}` });
    assert.equal(live.isError, false, live.text);
    assert.match(live.text.split("\n")[1]!, /^s0 .* live process 127\.0\.0\.1:\d+$/);
    assert.equal(((await s.call("partition", { set: 's0 & Clodo("Leaky")' })).structured.count), 777);

    // The annex announces itself once its worker listens.
    let listed: { pid: number }[] = [];
    for (let i = 0; i < 100 && !listed.some((a) => a.pid === annexed.child.pid); i++) {
      listed = (await s.call("list_snapshots")).structured.annexes as { pid: number }[];
      if (!listed.some((a) => a.pid === annexed.child.pid)) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(listed.some((a) => a.pid === annexed.child.pid), "list_snapshots lists the annex");
    const wrong = await s.call("take_snapshot", { annex_pid: annexed.child.pid, token: "0".repeat(48) });
    assert.equal(wrong.isError, true);
    assert.match(wrong.text, /^guppy: SNAPSHOT_FAILED The annex of program \d+ did not take a snapshot \(refused: wrong or missing token\)\.$/);
    const annex = await s.call("take_snapshot", { annex_pid: annexed.child.pid });
    assert.equal(annex.isError, false, annex.text);
    assert.match(annex.text.split("\n")[1]!, /^s1 .* annex of program \d+ \(inspect-target\.mjs\)$/);
    assert.equal(((await s.call("partition", { set: 's1 & Clodo("Leaky")' })).structured.count), 777);
  } finally {
    await s.close();
    inspected.child.kill("SIGKILL");
    annexed.child.kill("SIGKILL");
  }
});
