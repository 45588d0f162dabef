import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { cacheDir, projectRoot } from "./paths.js";

const run = promisify(execFile);

/** The fixture programs: each builds a known object graph and snapshots itself. */
export const FIXTURES = ["classes-in-map", "cycles-and-chains", "closures", "maps-weakmaps", "typed-arrays", "allocation-traces"] as const;
export type FixtureName = (typeof FIXTURES)[number];

/**
 * Path of a snapshot written by the named fixture program in a fresh Node process.
 * Cached by the programs' content, so test files that share a fixture make it once.
 */
export async function fixtureSnapshot(name: FixtureName): Promise<string> {
  const dir = join(projectRoot(), "test", "fixtures", "programs");
  const program = join(dir, `${name}.mjs`);
  const hash = createHash("sha256").update(readFileSync(program)).update(readFileSync(join(dir, "shared.mjs"))).digest("hex").slice(0, 16);
  const out = join(cacheDir("fixtures"), `${name}-${hash}.heapsnapshot`);
  if (!existsSync(out)) {
    // The program writes OUT.tmp and renames it, so a concurrent reader never sees half a file.
    await run(process.execPath, [program, out], { timeout: 120_000 });
  }
  return out;
}
