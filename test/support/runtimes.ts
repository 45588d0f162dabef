import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { cacheDir, projectRoot } from "./paths.js";

const run = promisify(execFile);

/** The other JavaScript runtimes whose snapshots the tests read, as scripts/install-runtimes.sh installs them. */
export const RUNTIMES = {
  deno: { env: "GUPPY_DENO", path: "deno/node_modules/@deno/linux-x64-glibc/deno", args: ["run", "--allow-all"] },
  bun: { env: "GUPPY_BUN", path: "bun/node_modules/@oven/bun-linux-x64/bin/bun", args: [] },
} as const;
export type Runtime = keyof typeof RUNTIMES;

function binary(runtime: Runtime): string {
  const r = RUNTIMES[runtime];
  return process.env[r.env] ?? join(process.env.GUPPY_RUNTIMES ?? join(homedir(), ".cache", "guppy", "runtimes"), r.path);
}

/** Why a runtime's tests cannot run here, or null when they can. In CI they must run. */
export function runtimeMissing(runtime: Runtime): string | null {
  if (existsSync(binary(runtime))) return null;
  if (process.env.CI) throw new Error(`${runtime} is required in CI but ${binary(runtime)} is missing (.ci/run installs it)`);
  return `no ${runtime} at ${binary(runtime)} (bash scripts/install-runtimes.sh installs it)`;
}

/**
 * A snapshot written by the fixture program `name` under Deno or Bun (through their
 * own writers: node:v8 in Deno, Bun.generateHeapSnapshot("v8") in Bun). Cached by
 * runtime, program path and content.
 */
export async function runtimeSnapshot(runtime: Runtime, name: string): Promise<string> {
  const program = join(projectRoot(), "test", "fixtures", "programs", `${name}.mjs`);
  const exe = binary(runtime);
  const hash = createHash("sha256").update(exe).update(program).update(readFileSync(program)).digest("hex").slice(0, 16);
  const out = join(cacheDir("fixtures"), `${runtime}-${name}-${hash}.heapsnapshot`);
  if (!existsSync(out)) await run(exe, [...RUNTIMES[runtime].args, program, out], { timeout: 120_000, env: { ...process.env, NO_COLOR: "1" } });
  return out;
}
