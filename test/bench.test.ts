import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { timedNode } from "../bench/child.js";
import { parseShapes, SHAPES } from "../bench/shapes.js";
import { formatRows, HEADER, type Measurement } from "../bench/table.js";
import { projectRoot } from "./support/paths.js";
import { WINDOW_FOOS } from "./support/known-graphs.js";
import { synthSnapshot } from "./support/synthetic.js";

const dir = mkdtempSync(join(tmpdir(), "guppy-bench-"));
const rssFile = join(dir, "rss.txt");

const m = (ms: number, maxRssMiB: number, extra: Partial<Measurement> = {}): Measurement => ({
  ms,
  maxRssMiB,
  processMs: ms + 100,
  processRssMiB: maxRssMiB,
  wholeProcess: false,
  ...extra,
});

test("bench table: each anchor's time and RSS as multiples of the row's, whole processes against whole processes, failures as rows", () => {
  const results = new Map<string, Measurement | string>([
    ["guppy", m(1000, 100, { nodes: 42, rootRetained: 500 })],
    ["cli-dom", { ms: 1500, maxRssMiB: 120, processMs: 1500, processRssMiB: 120, wholeProcess: true }],
    ["devtools", m(8000, 300, { nodes: 42, rootRetained: 500 })],
    ["memlab", m(10000, 400, { nodes: 42, rootRetained: 0 })],
    ["vscode", "out of memory"],
  ]);
  assert.equal(
    [HEADER, ...formatRows("shape2", "10 MiB", results)].join("\n"),
    [
      "shape      snapshot       nodes   tool           time s  RSS MiB  ×guppy      DevTools ×        memlab × v8-heap-parser ×",
      "shape2     10 MiB            42   guppy            1.00      100    1.00       8.00/3.00      10.00/4.00               -",
      // devtools' whole process took 8.1 s at 300 MiB: 8100/1500, 300/120.
      "shape2     10 MiB                 cli-dom          1.50      120       -       5.40/2.50       6.73/3.33               -",
      "shape2     10 MiB            42   devtools         8.00      300    8.00       1.00/1.00       1.25/1.33               -",
      "shape2     10 MiB            42   memlab          10.00      400   10.00       0.80/0.75       1.00/1.00               -",
      "shape2     10 MiB                 vscode        failed: out of memory",
    ].join("\n"),
  );
  const differs = formatRows("page", "9 MiB", new Map([["guppy", m(1000, 100, { rootRetained: 500 })], ["vscode", m(2000, 100, { rootRetained: 499 })]]));
  assert.equal(differs.at(-1), "  note: total retained differs: Guppy 500, v8-heap-parser 499");
  const explored = formatRows("generator", "996 MiB", new Map([["pb-explore", m(1100, 900, { nodes: 7, rootRetained: 500, firstTableMs: 840, expansionMs: 260, laterExpansionMs: 2 })]]));
  assert.equal(explored.at(-1), "  note: the explorer's first table took 0.84 s (target 1.5 s) and one expansion at once 0.26 s (target 0.3 s), from the cache; 0.00 s once the rest of the cache is read");
});

test("bench shapes: all five by name; an unknown one is refused with the list", () => {
  assert.deepEqual(parseShapes("generator,page"), ["generator", "page"]);
  assert.deepEqual(parseShapes(SHAPES.join(",")), [...SHAPES]);
  assert.throws(() => parseShapes("generator,nope"), /unknown shape "nope" \(shapes: generator, shape2, typescript, bundler, page\)/);
});

test("bench children: wall time and the child's own peak RSS; a failure is its error's line; a hung child is killed at the timeout", async () => {
  const big = await timedNode(["-e", "const a = new Uint8Array(200 << 20).fill(1); console.log(a[5])"], { timeoutMs: 60_000, rssFile });
  assert.ok(big.ok, JSON.stringify(big));
  // The child touched 200 MiB; this process did not.
  assert.ok(big.maxRssMiB > 200 && big.maxRssMiB < 400, String(big.maxRssMiB));
  assert.ok(big.wallMs > 0);
  const small = await timedNode(["-e", "0"], { timeoutMs: 60_000, rssFile });
  assert.ok(small.ok && small.maxRssMiB < 150, JSON.stringify(small));

  const failed = await timedNode(["-e", "throw new TypeError('no such thing')"], { timeoutMs: 60_000, rssFile });
  assert.deepEqual(failed, { ok: false, message: "TypeError: no such thing" });
  assert.deepEqual(await timedNode(["-e", "process.exit(1)"], { timeoutMs: 60_000, rssFile, okCodes: [0, 1] }).then((r) => r.ok), true);

  const t0 = performance.now();
  const hung = await timedNode(["-e", "setInterval(() => {}, 1000)"], { timeoutMs: 1000, rssFile });
  assert.deepEqual(hung, { ok: false, message: "timed out" });
  assert.ok(performance.now() - t0 < 20_000);
});

test("bench's third anchor: @vscode/v8-heap-parser finds the known graph's nodes and total retained size, as Guppy does", async () => {
  const file = join(dir, "foos.heapsnapshot");
  writeFileSync(file, synthSnapshot(WINDOW_FOOS));
  const runTool = join(projectRoot(), "dist", "bench", "run-tool.js");
  const results = [];
  for (const tool of ["guppy", "vscode"]) {
    const out = join(dir, `${tool}.json`);
    await promisify(execFile)(process.execPath, [runTool, tool, file, out]);
    results.push(JSON.parse(readFileSync(out, "utf8")) as { nodes: number; rootRetained: number; ms: number });
  }
  const [guppy, vscode] = results;
  assert.equal(vscode!.nodes, guppy!.nodes);
  assert.equal(vscode!.rootRetained, guppy!.rootRetained);
  assert.ok(guppy!.rootRetained > 0 && vscode!.ms > 0);
});
