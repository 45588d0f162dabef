import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMonitored } from "./support/monitored.js";
import { projectRoot } from "./support/paths.js";

const root = projectRoot();
const bin = join(root, "bin", "guppy.js");

/** Runs the monitor console with the given input lines; returns what it printed. */
async function monitor(dir: string, lines: string[]): Promise<string> {
  const child = spawn(process.execPath, [bin, "monitor"], { env: { ...process.env, GUPPY_MONITOR_DIR: dir }, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += String(d)));
  child.stdin!.end(lines.join("\n") + "\n");
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`monitor did not finish: ${out}`)), 60_000);
    child.on("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return out;
}

test("a monitored program is listed, selected, and answers Heapy commands about its own heap", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-monitor-"));
  writeFileSync(join(dir, "999999.json"), JSON.stringify({ pid: 999999, port: 1, token: "x", program: "gone.js" }));
  const target = await startMonitored(dir, "inspect-target.mjs");
  try {
    assert.equal(statSync(join(dir, `${target.child.pid}.json`)).mode & 0o777, 0o600, "the token file is private");
    // Written under another name and renamed once whole: nothing of that is left beside it.
    assert.deepEqual(readdirSync(dir).sort(), ["999999.json", `${target.child.pid}.json`].sort());
    const out = await monitor(dir, ["help", "lc", "sc 0", '(await h.heap()).and(h.Clodo("Leaky")).count', 'const s = await h.heap(); \\', 's.and(h.Clodo("Leaky")).size / s.and(h.Clodo("Leaky")).count', "close", "exit"]);
    const lines = out.split("\n");
    assert.equal(lines[0], "Guppy remote monitor. Type help for the commands.");
    assert.ok(out.includes("  lc            list the programs that can be monitored"));
    assert.ok(lines.includes(` 0: pid ${target.child.pid}  inspect-target.mjs`), out);
    assert.ok(!out.includes("gone.js"), "a program that ended is not listed");
    assert.ok(lines.includes(`Selected pid ${target.child.pid} (inspect-target.mjs). h is its session; try (await h.heap()).byclodo`));
    assert.ok(lines.includes("777"), out);
    assert.ok(lines.some((l) => /^\d+$/.test(l) && l !== "777"), "a multi-line command ran");
  } finally {
    target.child.kill("SIGKILL");
  }
});

test("the program's console keeps its names and _ between lines and visits; stat, isolatest, reset; . returns to the monitor", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-monitor-"));
  const target = await startMonitored(dir, "inspect-target.mjs");
  const pid = target.child.pid!;
  try {
    const input = [
      "lc",
      "sc 0",
      "let n = 2",
      "n * 21",
      "const { a, b: [c] } = { a: 1, b: [5] }",
      "a + c",
      "const four = twice(n); function twice(x) { return 2 * x }",
      "four",
      '(await h.heap()).and(h.Clodo("Leaky")).count',
      "_ + 1",
      "stat",
      "isolatest",
      ".",
      "n",
      "sc",
      "n",
      ".lc",
      "reset",
      "typeof n",
      "close",
      "exit",
    ];
    const lines = (await monitor(dir, input)).split("\n");
    const from = lines.indexOf(`Selected pid ${pid} (inspect-target.mjs). h is its session; try (await h.heap()).byclodo`);
    assert.ok(from > 0, lines.join("\n"));
    const rule = "-".repeat(36);
    assert.deepEqual(lines.slice(from + 1, from + 17), [
      "To return to the monitor, type . (the connection stays open).",
      "42",
      "6",
      "4",
      "777",
      "778",
      "Target overview",
      rule,
      `target.execPath         = ${process.execPath}`,
      `target.argv             = ${JSON.stringify([process.execPath, join(root, "test", "fixtures", "programs", "inspect-target.mjs")])}`,
      `target.wd               = ${process.cwd()}`,
      `target.pid              = ${pid}`,
      rule,
      "Isolation test succeeded.",
      `Back in the monitor; pid ${pid} stays connected (sc returns to it).`,
      "No program is selected; type lc, then sc N.",
    ]);
    // Selected again: the same connection, its names kept; reset forgets them.
    assert.deepEqual(lines.slice(from + 19, from + 24), ["2", ` 0: pid ${pid}  inspect-target.mjs  (selected)`, "The console is reset: h is a new session, and the names the lines made, and _, are gone.", "undefined", ""]);
    assert.equal(lines[from + 17], lines[from]);
  } finally {
    target.child.kill("SIGKILL");
  }
});

test("a connection without the token is refused and logged by the program", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-monitor-"));
  const target = await startMonitored(dir, "inspect-target.mjs");
  try {
    const { port } = JSON.parse(await import("node:fs").then((fs) => fs.readFileSync(join(dir, `${target.child.pid}.json`), "utf8"))) as { port: number };
    const reply = await new Promise<string>((resolve) => {
      const s = connect(port, "127.0.0.1", () => s.write(JSON.stringify({ token: "wrong", code: "1+1" }) + "\n"));
      let data = "";
      s.on("data", (d) => (data += String(d)));
      s.on("close", () => resolve(data));
    });
    assert.equal(reply, JSON.stringify({ error: "refused: wrong or missing token" }) + "\n");
    for (let i = 0; i < 50 && !target.stderr().includes("refused"); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(target.stderr(), /guppy annex \(pid \d+\): refused a connection without the right token/);
  } finally {
    target.child.kill("SIGKILL");
  }
});

test("int pauses an endless loop where it runs; the heap can be read while paused; resume lets it go", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-monitor-"));
  const target = await startMonitored(dir, "endless-loop.mjs");
  try {
    for (let i = 0; i < 100 && !target.stdout().includes("looping"); i++) await new Promise((r) => setTimeout(r, 50));
    const out = await monitor(dir, ["lc", "sc 0", "int", "(await h.heap()).count > 1000", "resume", "exit"]);
    assert.match(out, /\nPaused the main thread in \(anonymous\) \(.*:6:3\)\. Heap commands still work; type resume to let it run\.\ntrue\nResumed the main thread\.\n/);
  } finally {
    target.child.kill("SIGKILL");
  }
});
