import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fixtureSnapshot } from "./support/fixtures.js";
import { projectRoot } from "./support/paths.js";

test("a reader that closes the pipe early (guppy heap … | head) ends the output quietly, exit 0", async () => {
  const file = await fixtureSnapshot("classes-in-map");
  const child = spawn(process.execPath, [join(projectRoot(), "bin", "guppy.js"), "heap", file, "--by", "id", "--all"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += String(d)));
  // Read one chunk, then go away as `head` does.
  child.stdout.once("data", () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  assert.equal(stderr, "");
  assert.equal(code, 0);
});
