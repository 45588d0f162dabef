import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { projectRoot, runCacheDir } from "./paths.js";

const exec = promisify(execFile);

/** What one run of the guppy command gave. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bin/guppy.js` with arguments in a child process, as a user would. */
export async function guppy(...args: string[]): Promise<Run> {
  try {
    // Snapshot caches go to the tests' cache folder, never the user's.
    const env = { ...process.env, GUPPY_CACHE: process.env.GUPPY_CACHE ?? runCacheDir("snapshot-caches") };
    const { stdout, stderr } = await exec(process.execPath, [join(projectRoot(), "bin", "guppy.js"), ...args], { timeout: 120_000, env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
