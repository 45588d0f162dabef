import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { guppy } from "./support/cli.js";
import { synthSnapshot, type SynthNode } from "./support/synthetic.js";

const dir = mkdtempSync(join(tmpdir(), "guppy-cli-"));

test("guppy demo walks through the leak: table, what was left behind, the path, the holder", async () => {
  const r = await guppy("demo", "--json", "--dir", dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "", "--json prints no progress");
  const o = JSON.parse(r.stdout) as {
    before: string;
    after: string;
    heap: { count: number; rows: { kind: string; count: number }[] };
    born: { rows: { kind: string; count: number }[] };
    sessionPath: string;
    holder: { label: string; retainedSize: number };
  };
  // 2900 requests between the snapshots, each leaving a Session, a Request and a listener.
  const born = (kind: string): number | undefined => o.born.rows.find((x) => x.kind === kind)?.count;
  assert.equal(born("Session"), 2900);
  assert.equal(born("Request"), 2900);
  assert.equal(o.heap.rows.find((x) => x.kind === "Session")?.count, 3000);
  assert.equal(o.sessionPath, "h.Root.global.app.cache.sessions<Map entry>");
  assert.equal(o.holder.label, "SessionCache");
  // 3000 sessions, each with a 256-element history array; the requests are shared with
  // the listener closures, so the cache alone does not dominate them.
  assert.ok(o.holder.retainedSize > 3000 * 256 * 8, String(o.holder.retainedSize));
  const text = await guppy("demo", "--dir", dir);
  assert.equal(text.code, 0);
  for (const heading of ["1. The heap after the requests, by class", "2. What the 2900 requests left behind", "3. Why a leaked Session is still alive", "4. What freeing the holder would release"]) {
    assert.ok(text.stdout.includes(heading), heading);
  }
  assert.match(text.stdout, /\n   SessionCache @\d+ at h\.Root\.global\.app\.cache: \d+ bytes, \d+% of the heap\.\n/);
  const summary = await guppy("summary", o.after);
  assert.equal(summary.code, 0);
  assert.match(summary.stdout, /^Partition of a set of \d+ objects\. Total size = \d+ bytes\.$/m);
  assert.match(summary.stdout, /^     0 +\d+ +\d+ +\d+ +@\d+ SessionCache$/m);
});

const known: SynthNode[] = [
  { type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "1", to: 1 }, { type: "element", name: 1, to: 5 }] },
  { type: "object", name: "Window", size: 40, edges: [{ type: "property", name: "cache", to: 2 }, { type: "property", name: "token", to: 4 }] },
  { type: "object", name: "Cache", size: 32, edges: [{ type: "property", name: "items", to: 3 }] },
  { type: "array", name: "", size: 800, edges: [{ type: "element", name: 0, to: 4 }] },
  { type: "string", name: "s3cr3t-token-value", size: 56, edges: [] },
  { type: "synthetic", name: "(GC roots)", size: 0, edges: [] },
];

test("guppy summary prints exact tables for a known graph, and never a string's contents", async () => {
  const file = join(dir, "known.heapsnapshot");
  writeFileSync(file, synthSnapshot(known));
  const r = await guppy("summary", file, "--top", "3");
  assert.equal(r.code, 0, r.stderr);
  // The array (800 bytes) is owned only by Cache, so DevTools moves its size onto Cache.
  assert.equal(
    r.stdout,
    [
      `Heap snapshot ${file}: 6 nodes, 6 edges, total size 928 bytes.`,
      "",
      "Partition of a set of 6 objects. Total size = 928 bytes.",
      " Index  Count   %     Size   % Cumulative  % Type",
      "     0      2  33      872  94       872  94 object",
      "     1      1  17       56   6       928 100 string",
      "     2      1  17        0   0       928 100 array",
      "     3      2  33        0   0       928 100 synthetic",
      "",
      "Largest retainers (retained size: the bytes freed if the object went away).",
      " Index  Retained   %     Self          Id Object",
      "     0       832  90      832          @5 Cache",
      "     1        56   6       56          @9 (string)",
      "     2         0   0        0          @7 (array)",
      "",
    ].join("\n"),
  );
  assert.ok(!r.stdout.includes("s3cr3t") && !r.stderr.includes("s3cr3t"));
  // The text shows no distances and is made without them; the JSON has each retainer's.
  const j = await guppy("summary", file, "--top", "3", "--json");
  assert.equal(j.code, 0, j.stderr);
  assert.deepEqual(JSON.parse(j.stdout).largest.map((x: { id: number; distance: number }) => [x.id, x.distance]), [[5, 2], [9, 2], [7, 3]]);
});

test("bad input: one line on stderr, exit 2, no stack", async () => {
  const missing = await guppy("summary", join(dir, "missing.heapsnapshot"));
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, `guppy: FILE_NOT_FOUND ${join(dir, "missing.heapsnapshot")}: No such file.\n`);
  const garbage = join(dir, "garbage.heapsnapshot");
  writeFileSync(garbage, '{"snapshot":{"meta":{}},"nodes":[');
  const bad = await guppy("summary", garbage);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^guppy: BAD_META .* at byte \d+: The snapshot header is malformed: 'node_fields' or 'edge_fields' is missing\.\n$/);
  const usage = await guppy("no-such-command");
  assert.equal(usage.code, 2);
  assert.ok(!usage.stderr.includes("    at "));
  const badTop = await guppy("summary", garbage, "--top", "zero");
  assert.equal(badTop.code, 2);
});

test("every command has --help with examples", async () => {
  const top = await guppy("--help");
  assert.equal(top.code, 0);
  for (const c of ["demo", "summary", "heap", "diff", "sp", "rp", "dom", "stat", "repl", "monitor"]) {
    assert.match(top.stdout, new RegExp(`^  ${c}\\b`, "m"), `${c} is listed`);
    const r = await guppy(c, "--help");
    assert.equal(r.code, 0, c);
    assert.match(r.stdout, /^Usage: guppy /, c);
    assert.match(r.stdout, /\nExamples?:\n  /, `${c} has examples`);
  }
});
