import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadStats } from "../src/index.js";
import { guppy } from "./support/cli.js";
import { projectRoot } from "./support/paths.js";

const APP = join(projectRoot(), "test", "fixtures", "programs", "growing-app.mjs");
const GUPPY = join(projectRoot(), "bin", "guppy.js");
const outFile = (): string => join(mkdtempSync(join(tmpdir(), "guppy-record-")), "run.hpy");

test("guppy record starts a Node program and appends one stat record per sample", async () => {
  const out = outFile();
  const r = await guppy("record", "--out", out, "--interval", "0.3", "--count", "3", "--by", "clodo", "--", process.execPath, APP, "60");
  assert.equal(r.code, 0, r.stderr);
  const stats = loadStats(out);
  assert.equal(stats.length, 3);
  assert.ok(stats.every((s) => s.kindName === "Clodo"));
  for (let i = 1; i < 3; i++) assert.ok(stats[i]!.timemade > stats[i - 1]!.timemade);
  const items = stats.map((s) => s.rows.find((row) => row.kind === "Item")?.count ?? 0);
  assert.ok(items[2]! > items[0]!, `the Items grow: ${items.join(", ")}`);
  // The inspector's own lines are not passed on as the program's output.
  assert.doesNotMatch(r.stderr, /Debugger (listening|ending)/);
});

test("Ctrl-C stops recording cleanly: every record complete, exit 0", async () => {
  const out = outFile();
  const child = spawn(process.execPath, [GUPPY, "record", "--out", out, "--interval", "0.2", "--", process.execPath, APP, "60"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += String(d)));
  // Wait for two whole records, then interrupt.
  for (let i = 0; i < 300 && !(existsSync(out) && (readFileSync(out, "utf8").match(/^\.end:/gm) ?? []).length >= 2); i++) await new Promise((r) => setTimeout(r, 100));
  child.kill("SIGINT");
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  assert.equal(code, 0, stderr);
  const text = readFileSync(out, "utf8");
  assert.ok(text.endsWith(".end: .loader: _load_stat\n"), "no torn record");
  const warnings: string[] = [];
  assert.ok(loadStats(out, (w) => warnings.push(w)).length >= 2);
  assert.deepEqual(warnings, []);
});

test("a program that ends (or crashes) keeps what was recorded", async () => {
  const out = outFile();
  const r = await guppy("record", "--out", out, "--interval", "0.25", "--", process.execPath, APP, "2", "3");
  assert.equal(r.code, 0, r.stderr);
  assert.ok(loadStats(out).length >= 1);
});

test("guppy record's usage errors", async () => {
  const none = await guppy("record", "--out", outFile());
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Give exactly one of --attach/);
  const notNode = await guppy("record", "--out", outFile(), "--", "python3", "app.py");
  assert.equal(notNode.code, 2);
  assert.match(notNode.stderr, /starts Node programs/);
  const badInterval = await guppy("record", "--out", outFile(), "--interval", "0", "--", process.execPath, APP);
  assert.equal(badInterval.code, 2);
});

test("guppy record --annex samples a program started with the annex (node --import guppy/rm)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-record-annex-"));
  const rm = join(projectRoot(), "dist", "src", "heapy", "monitor", "rm.js");
  const child = spawn(process.execPath, ["--import", rm, APP, "60"], { env: { ...process.env, GUPPY_MONITOR_DIR: dir }, stdio: ["ignore", "ignore", "ignore"] });
  try {
    for (let i = 0; i < 150 && !existsSync(join(dir, `${child.pid}.json`)); i++) await new Promise((r) => setTimeout(r, 100));
    const out = outFile();
    const prev = process.env.GUPPY_MONITOR_DIR;
    process.env.GUPPY_MONITOR_DIR = dir;
    let r;
    try {
      r = await guppy("record", "--out", out, "--annex", "0", "--interval", "0.3", "--count", "2", "--by", "type");
    } finally {
      if (prev === undefined) delete process.env.GUPPY_MONITOR_DIR;
      else process.env.GUPPY_MONITOR_DIR = prev;
    }
    assert.equal(r.code, 0, r.stderr);
    const stats = loadStats(out);
    assert.equal(stats.length, 2);
    assert.equal(stats[0]!.kindName, "Type");
    assert.ok(stats[0]!.rows.some((row) => row.kind === "object"));
  } finally {
    child.kill("SIGKILL");
  }
});
