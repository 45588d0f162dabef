import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { chromiumMissing, launchChromium, PAGE_SCRIPT, runInPage } from "./support/chromium.js";
import { guppy } from "./support/cli.js";
import { startInspectTarget } from "./support/inspect-target.js";

const leakyCount = (stdout: string): number | undefined =>
  (JSON.parse(stdout) as { rows: { kind: string; count: number }[] }).rows.find((r) => r.kind === "Leaky")?.count;

test("guppy heap --attach HOST:PORT snapshots a process started with --inspect", async () => {
  const { child, port } = await startInspectTarget(["--inspect=127.0.0.1:0"]);
  try {
    assert.ok(port !== null);
    const r = await guppy("heap", "--attach", `127.0.0.1:${port}`, "--json", "--all");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(leakyCount(r.stdout), 777);
  } finally {
    child.kill("SIGKILL");
  }
});

test("guppy heap --attach PID wakes the inspector of a process started without it", async () => {
  const { child } = await startInspectTarget([]);
  try {
    const r = await guppy("heap", "--attach", String(child.pid), "--json", "--all");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(leakyCount(r.stdout), 777);
  } finally {
    child.kill("SIGKILL");
  }
});

test("attaching to nothing, or to no process, is a one-line error", async () => {
  const none = await guppy("heap", "--attach", "127.0.0.1:1");
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^guppy: SNAPSHOT_FAILED Nothing answers at 127\.0\.0\.1:1: is the program running with --inspect/);
  const noPid = await guppy("heap", "--attach", "999999");
  assert.equal(noPid.code, 2);
  assert.equal(noPid.stderr, "guppy: SNAPSHOT_FAILED There is no process 999999.\n");
  assert.equal((await guppy("heap")).code, 2);
});

test("guppy heap --attach a headless Chromium page: its detached DOM nodes are classified as such", async (t) => {
  const missing = chromiumMissing();
  if (missing !== null) return t.skip(missing);
  const browser = await launchChromium();
  try {
    (await runInPage(browser, PAGE_SCRIPT)).close();
    const r = await guppy("heap", "--attach", `127.0.0.1:${browser.port}`, "--json", "--all");
    assert.equal(r.code, 0, r.stderr);
    const rows = (JSON.parse(r.stdout) as { rows: { kind: string; count: number }[] }).rows;
    assert.equal(rows.find((x) => x.kind === "Detached <span>")?.count, 20);
    assert.equal(rows.find((x) => x.kind === "Detached <div>")?.count, 1);
    assert.equal(rows.find((x) => x.kind === "Widget")?.count, 80);
  } finally {
    await browser.close();
  }
});

test("--attach PID refuses a process that is not Node, and does not signal it", async () => {
  const sleeper = spawn("sleep", ["300"], { stdio: "ignore" });
  try {
    await new Promise((r) => sleeper.once("spawn", r));
    const r = await guppy("heap", "--attach", String(sleeper.pid), "--json");
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `guppy: SNAPSHOT_FAILED Process ${sleeper.pid} is not a Node process; Guppy wakes the inspector only of Node (start others with --inspect and give HOST:PORT).\n`);
    assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, "SNAPSHOT_FAILED");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sleeper.exitCode, null, "sleep is still running");
    assert.equal(sleeper.signalCode, null);
    assert.equal((await guppy("heap", "--attach", "0")).code, 2, "pid 0 (the process group) is a usage error");
  } finally {
    sleeper.kill("SIGKILL");
  }
});

test("--attach PID refuses an inspector port held by another process", async () => {
  const { child } = await startInspectTarget([]);
  // Someone else's listener on the port a woken Node inspector would take.
  const squatter = createServer((_req, res) => res.end("[]"));
  const listening = await new Promise<boolean>((resolve) => {
    squatter.once("error", () => resolve(false));
    squatter.listen(9229, "127.0.0.1", () => resolve(true));
  });
  try {
    const r = await guppy("heap", "--attach", String(child.pid));
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `guppy: SNAPSHOT_FAILED 127.0.0.1:9229 is held by another process, not ${child.pid}: Guppy attaches only to the inspector of the process it was given.\n`, `port 9229 was ${listening ? "ours" : "already taken"}`);
    assert.equal(child.exitCode, null);
  } finally {
    child.kill("SIGKILL");
    squatter.close();
  }
});
