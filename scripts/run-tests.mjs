#!/usr/bin/env node
// Runs Node's test runner on the given files with a temporary folder of its own as
// TMPDIR, removed when the run ends: the tests make hundreds of temporary snapshots,
// caches and browser profiles, and a run must leave none of them on the machine. The
// fixture cache (snapshots made by real runtimes, reused between runs) stays in the
// system's temporary folder, or GUPPY_CACHE_DIR.
//
//   node scripts/run-tests.mjs [node --test options and files]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const system = tmpdir();
const root = mkdtempSync(join(system, "guppy-test-run-"));
const env = { ...process.env, TMPDIR: root, GUPPY_CACHE_DIR: process.env.GUPPY_CACHE_DIR ?? join(system, "guppy-cache") };
const child = spawn(process.execPath, ["--test", ...process.argv.slice(2)], { stdio: "inherit", env });
const clean = () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => {
  clean();
  process.exit(code ?? 1);
});
