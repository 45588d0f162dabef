import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { cachePathOf, stampOf } from "../heapy/snapshot/graph-cache.js";
import { isGuppyError } from "../errors.js";
import { openDataset, type Dataset } from "./dataset.js";
import { MANIFEST, snapshotName, type PartitionManifest } from "../heapy/tables/schema.js";

/** Where the on-the-fly export of a snapshot file lives under a cache folder. */
export function tablesPathOf(file: string, cacheDir: string): string {
  return cachePathOf(file, join(cacheDir, "tables")).replace(/\.gcache$/, "");
}

/** The export at `dir` when it is whole and was made from the file as it is now, else null. */
async function freshExport(file: string, dir: string, name: string): Promise<Dataset | null> {
  const now = await stampOf(file);
  try {
    const dataset = await openDataset(dir);
    const manifest = JSON.parse(await readFile(join(dir, "objects", `snapshot=${name}`, MANIFEST), "utf8")) as PartitionManifest;
    const was = manifest.source;
    const same = now !== null && was !== null && was.path === now.path && was.size === now.size && was.mtimeMs === now.mtimeMs && was.ino === now.ino;
    return same && dataset.snapshots.length === 1 ? { ...dataset, input: file } : null;
  } catch (e) {
    if (isGuppyError(e) || (e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/**
 * The tables of one snapshot file, as a one-snapshot dataset under `cacheDir`:
 * the earlier export when it is fresh (same path, size, mtime and inode), else a new
 * one that `write(dir, name)` makes (loading the file and calling exportGraph).
 */
export async function snapshotTables(file: string, cacheDir: string, write: (dir: string, name: string) => Promise<unknown>): Promise<Dataset> {
  const dir = tablesPathOf(file, cacheDir);
  const name = snapshotName(file);
  const fresh = await freshExport(file, dir, name);
  if (fresh !== null) return fresh;
  await write(dir, name);
  return { ...(await openDataset(dir)), input: file };
}
