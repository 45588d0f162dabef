import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "./support/paths.js";

const run = promisify(execFile);

test("assertNoLeak works in Vitest: a real Vitest run of test/vitest passes both cases", async () => {
  const root = projectRoot();
  const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
  const { stdout } = await run(process.execPath, [vitest, "run", "--root", join(root, "test", "vitest"), "--reporter", "verbose", "--no-color"], {
    cwd: root,
    timeout: 120_000,
    env: { ...process.env, CI: "true" },
  });
  assert.match(stdout, /a scenario that cleans up passes/);
  assert.match(stdout, /a scenario that keeps its items fails with the leak report/);
  assert.match(stdout, /Tests +2 passed \(2\)/);
});
