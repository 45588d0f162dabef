import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the folder holding package.json), found from this compiled file. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("package.json not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/**
 * A cache folder outside the repository, shared by test processes of this Node
 * version (and kept between runs: for fixtures, which real runtimes take long to make).
 */
export function cacheDir(name: string): string {
  const dir = join(process.env.GUPPY_CACHE_DIR ?? join(tmpdir(), "guppy-cache"), `${name}-node${process.versions.node}`);
  // Owner-only: Guppy refuses a snapshot cache folder that others can write (a umask of 002 would make it so).
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * A folder for this run's binary caches of snapshots (the CLI's and the MCP server's):
 * under the run's own temporary folder (scripts/run-tests.mjs removes it), since they
 * are tied to temporary snapshot paths and would pile up if kept between runs.
 */
export function runCacheDir(name: string): string {
  const dir = join(tmpdir(), `guppy-${name}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
