// Heapy's h.pb(files) and h.monitor(), offered by the package's hpy().
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { hpy as bareSession } from "../src/heapy/session/session.js";
import { hpy } from "../src/index.js";
import { WINDOW_FOOS } from "./support/known-graphs.js";
import { projectRoot } from "./support/paths.js";
import { synthSnapshot } from "./support/synthetic.js";

test("h.pb(file) serves the profile browser of that file; close() stops it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-h-pb-"));
  const file = join(dir, "foos.heapsnapshot");
  writeFileSync(file, synthSnapshot(WINDOW_FOOS));
  const pb = await hpy().pb(file, { open: false });
  try {
    const url = new URL(pb.url);
    assert.equal(url.hostname, "127.0.0.1");
    const token = url.hash.replace(/^#token=/, "");
    assert.equal(pb.opened, false);
    assert.equal(String(pb), `Guppy profile browser: ${pb.url}; close() stops it.`);
    const files = await fetch(new URL("/api/files", url), { headers: { "X-Guppy-Token": token } });
    assert.equal(files.status, 200);
    assert.deepEqual(((await files.json()) as { files: unknown[] }).files, [{ id: 0, name: "foos.heapsnapshot", kind: "snapshot" }]);
    assert.equal((await fetch(new URL("/api/files", url))).status, 401, "the token is still required");
    // Its snapshot explorer answers as guppy pb's does: Heapy's paths of the set.
    const paths = await fetch(new URL(`/api/snap/paths?file=0&steps=${encodeURIComponent(JSON.stringify([{ by: "clodo", kind: "Bar" }]))}`, url), { headers: { "X-Guppy-Token": token } });
    assert.equal(((await paths.json()) as { text: string }).text, " 0: h.Root.Window.bar");
  } finally {
    await pb.close();
  }
  await assert.rejects(fetch(pb.url), "closed");
});

test("h.pb() refuses what is not a file list, and a session made without the package's tools says so", async () => {
  await assert.rejects(hpy().pb([]), { code: "USAGE", message: /^h\.pb\(\) takes a file name or a list of them/ });
  await assert.rejects(hpy().pb(42 as unknown as string), { code: "USAGE" });
  await assert.rejects(bareSession().pb("x.hpy"), { code: "USAGE", message: /given by the guppy package's hpy\(\)/ });
  await assert.rejects(bareSession().monitor(), { code: "USAGE", message: /guppy monitor in another terminal/ });
});

test("await h.monitor() in a script is the monitor console on its stdin and stdout", async () => {
  const index = pathToFileURL(join(projectRoot(), "dist", "src", "index.js")).href;
  const child = spawn(process.execPath, ["--input-type=module", "-e", `import { hpy } from ${JSON.stringify(index)}; await hpy().monitor(); console.log("after the monitor");`], {
    env: { ...process.env, GUPPY_MONITOR_DIR: mkdtempSync(join(tmpdir(), "guppy-h-monitor-")) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += String(d)));
  child.stdin!.end("lc\nexit\n");
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  assert.equal(code, 0);
  assert.equal(out, "Guppy remote monitor. Type help for the commands.\nNo monitored programs are running.\nafter the monitor\n");
});
