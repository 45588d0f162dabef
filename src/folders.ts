import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";

/** A path never needs more levels of folders created than this. */
const MAX_NEW_LEVELS = 64;

/**
 * Creates a folder and its missing parents with `mode`, one level at a time: Node's
 * recursive mkdir spins forever on some paths (under /proc, for one). False when the
 * folder cannot be made or something that is not a folder is in the way.
 */
export async function ensureFolder(dir: string, mode = 0o777): Promise<boolean> {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      if (!(await stat(d)).isDirectory()) return false;
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" || dirname(d) === d || missing.length >= MAX_NEW_LEVELS) return false;
      missing.push(d);
    }
  }
  for (const d of missing.reverse()) {
    try {
      await mkdir(d, { mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") return false;
    }
  }
  return true;
}
