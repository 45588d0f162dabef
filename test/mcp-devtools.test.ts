import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { chromiumMissing, CHROMIUM } from "./support/chromium.js";
import { demoSnapshots, guppyMcp, mcpServer, type McpSession } from "./support/mcp.js";

/**
 * Guppy's MCP server against Chrome's own, chrome-devtools-mcp (its heap-snapshot tools,
 * behind --memoryDebugging), on the same files: the same counts, sizes and retained sizes
 * where both answer, and how long each answer is for the same question.
 */

// chrome-devtools-mcp needs Node 22 or later (Promise.withResolvers); GUPPY_DEVTOOLS_MCP_NODE names one when this Node is older.
const node = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : process.env.GUPPY_DEVTOOLS_MCP_NODE;
const skip = chromiumMissing() ?? (node === undefined ? "chrome-devtools-mcp needs Node 22 or later (set GUPPY_DEVTOOLS_MCP_NODE to one)" : null);

async function devtoolsMcp(): Promise<McpSession> {
  const bin = createRequire(import.meta.url).resolve("chrome-devtools-mcp/build/src/bin/chrome-devtools-mcp.js");
  const args = [bin, "--memoryDebugging=true", "--experimentalStructuredContent", "--usageStatistics=false", "--no-performance-crux", `--executablePath=${CHROMIUM}`, "--headless", "--isolated", "--allowUnrestrictedPaths"];
  // Chromium refuses to start as root with its sandbox (as in CI containers).
  if (process.getuid?.() === 0) args.push("--chromeArg=--no-sandbox");
  args.push("--chromeArg=--disable-crash-reporter", "--chromeArg=--disable-breakpad");
  return mcpServer(node!, args, { CHROME_DEVTOOLS_MCP_NO_UPDATE_CHECKS: "1" });
}

test("guppy mcp and chrome-devtools-mcp agree on the demo's snapshots (and the answers' lengths are reported)", { skip: skip ?? false, timeout: 300_000 }, async (t) => {
  const [before, after] = await demoSnapshots();
  const dt = await devtoolsMcp();
  const g = await guppyMcp();
  try {
    await g.call("open_snapshot", { path: [before, after] });
    const sizes: [string, number, number][] = [];
    const both = async (question: string, ours: [string, Record<string, unknown>], theirs: [string, Record<string, unknown>]) => {
      const a = await g.call(...ours);
      const b = await dt.call(...theirs);
      assert.equal(a.isError, false, a.text);
      assert.equal(b.isError, false, b.text);
      sizes.push([question, a.text.length, b.text.length]);
      return [a.structured, b.structured] as [Record<string, any>, Record<string, any>];
    };

    const [summary, dtSummary] = await both("totals", ["summary", { snapshot: "s1", top: 5 }], ["get_heapsnapshot_summary", { filePath: after }]);
    assert.equal(summary.totalSize, dtSummary.heapSnapshot.stats.total, "total size");
    assert.equal(summary.nodeCount, dtSummary.heapSnapshot.staticData.nodeCount, "node count");

    // The holder of the leak: its retained size by class (DevTools' Summary view) and as Heapy's domisize.
    const [, classes] = await both("largest classes", ["partition", { set: "s1", limit: 10 }], ["get_heapsnapshot_details", { filePath: after, pageSize: 10 }]);
    const cache = (classes.heapSnapshotAggregates as { className: string; count: number; retainedSize: number }[]).find((c) => c.className === "SessionCache")!;
    const [dominated] = await both("what freeing the cache frees", ["dominated", { set: 's1 & Clodo("SessionCache")', limit: 5 }], ["get_heapsnapshot_class_nodes", { filePath: after, id: (cache as unknown as { id: number }).id, pageSize: 5 }]);
    assert.equal(dominated.retainedSize, cache.retainedSize, "retained size of the SessionCache");

    // One leaked Session: its sizes and distance.
    const session = ((await g.call("query_objects", { set: 's1 - s0 & Clodo("Session")', limit: 1 })).structured.rows as { id: number }[])[0]!.id;
    const [details, dtDetails] = await both("one object's details", ["object_details", { snapshot: "s1", id: session }], ["get_heapsnapshot_object_details", { filePath: after, nodeId: session }]);
    const d = dtDetails.heapSnapshotObjectDetails;
    assert.deepEqual([details.selfSize, details.retainedSize, details.distance], [d.selfSize, d.retainedSize, d.distance], "self size, retained size, distance");
    await both("its referrers", ["retainers", { snapshot: "s1", id: session }], ["get_heapsnapshot_retainers", { filePath: after, nodeId: session }]);

    // DevTools' comparison view: new objects per class.
    const [compare, dtCompare] = await both("per-class comparison", ["compare", { base: "s0", target: "s1", limit: 10 }], ["compare_heapsnapshots", { baseFilePath: before, currentFilePath: after, pageSize: 10 }]);
    for (const kind of ["Session", "Request", "Array"]) {
      const ours = (compare.rows as { kind: string; newCount: number; newSize: number }[]).find((r) => r.kind === kind)!;
      const theirs = (dtCompare.heapSnapshotClassDiffs as { className: string; addedCount: number; addedSize: number }[]).find((r) => r.className === kind)!;
      assert.deepEqual([ours.newCount, ours.newSize], [theirs.addedCount, theirs.addedSize], `new ${kind} objects`);
    }

    // Duplicate strings: the most wasteful texts, their copies and their size. DevTools counts
    // strings only the runtime holds (Node 26's license text); Guppy leaves those out, so the
    // texts both list must agree, and the program's own are among them.
    const [, dtDup] = await both("duplicate strings", ["duplicate_strings", { set: "s1", limit: 3 }], ["get_heapsnapshot_duplicate_strings", { filePath: after, pageSize: 3 }]);
    assert.ok((dtDup.heapSnapshotDuplicateStrings as unknown[]).length > 0);
    const dtTop = (await dt.call("get_heapsnapshot_duplicate_strings", { filePath: after, pageSize: 20 })).structured.heapSnapshotDuplicateStrings as { value: string; count: number; totalSelfSize: number }[];
    const dupText = (await g.call("duplicate_strings", { set: "s1", limit: 100 })).text;
    // Per shared text: the same size per copy, and no more copies than DevTools counts (the
    // runtime's own copies are left out); at least one text agrees exactly.
    let exact = 0;
    for (const d of dtTop.filter((d) => d.value.length <= 40)) {
      const m = new RegExp(`^ +\\d+\\. ${JSON.stringify(d.value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\((\\d+) bytes\\): (\\d+) objects, (\\d+) bytes$`, "m").exec(dupText);
      if (m === null) continue;
      const copy = d.totalSelfSize / d.count;
      assert.equal(Number(m[1]), copy, d.value);
      assert.ok(Number(m[2]) <= d.count, `${d.value}: ${m[2]} copies, DevTools ${d.count}`);
      assert.equal(Number(m[3]), (Number(m[2]) - 1) * copy, d.value);
      if (Number(m[2]) === d.count) exact++;
    }
    assert.ok(exact > 0, dupText);

    for (const [q, ours, theirs] of sizes) t.diagnostic(`${q}: guppy ${ours} characters, chrome-devtools-mcp ${theirs}`);
    const total = (i: 1 | 2) => sizes.reduce((s, r) => s + r[i], 0);
    t.diagnostic(`all ${sizes.length} questions: guppy ${total(1)} characters, chrome-devtools-mcp ${total(2)}`);
  } finally {
    await g.close();
    await dt.close();
  }
});
