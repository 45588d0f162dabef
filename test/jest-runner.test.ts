import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "./support/paths.js";

const run = promisify(execFile);

test("assertNoLeak works in Jest: a real Jest run of test/jest passes both cases", async () => {
  const root = projectRoot();
  const jest = join(root, "node_modules", "jest", "bin", "jest.js");
  // Guppy is ESM: Jest loads it through Node's VM modules.
  const args = ["--experimental-vm-modules", jest, "--rootDir", join(root, "test", "jest"), "--config", join(root, "test", "jest", "jest.config.mjs"), "--ci", "--verbose"];
  const { stderr } = await run(process.execPath, args, { cwd: root, timeout: 180_000, env: { ...process.env, CI: "true", NO_COLOR: "1" } });
  // Jest reports on stderr.
  assert.match(stderr, /a scenario that cleans up passes/);
  assert.match(stderr, /a scenario that keeps its items fails with the leak report/);
  assert.match(stderr, /Tests: +2 passed, 2 total/);
});
