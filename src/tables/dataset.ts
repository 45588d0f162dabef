import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { GuppyError } from "../errors.js";
import { partFiles } from "../heapy/tables/export.js";
import { FORMAT, MANIFEST, SCHEMA_VERSION, TABLES, type PartitionManifest, type TableName } from "../heapy/tables/schema.js";

/** A checked dataset: its folder and the snapshots every table has a complete partition of. */
export interface Dataset {
  dir: string;
  snapshots: string[];
  /** What the user named: the folder, or the snapshot file exported into the cache. */
  input: string;
}

function refuse(file: string, sentence: string): never {
  throw new GuppyError("BAD_DATASET", sentence, { file });
}

/** Folders of a dataset table that are not hidden (readers skip names starting with "." or "_"). */
async function visible(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((f) => !f.startsWith(".") && !f.startsWith("_")).sort();
}

/** Reads and checks one partition's manifest against what the folder holds. */
async function checkPartition(folder: string, table: TableName, snapshot: string): Promise<PartitionManifest> {
  const file = join(folder, MANIFEST);
  let manifest: PartitionManifest;
  try {
    manifest = JSON.parse(await readFile(file, "utf8")) as PartitionManifest;
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    refuse(file, missing ? "This partition has no manifest: a partly written export, or not one of Guppy's." : "This manifest is not valid JSON.");
  }
  if (manifest?.format !== FORMAT) refuse(file, `This is not a manifest of ${FORMAT}.`);
  if (manifest.schemaVersion !== SCHEMA_VERSION) {
    refuse(file, `This partition has schema version ${manifest.schemaVersion}, this Guppy reads version ${SCHEMA_VERSION}: export the snapshot again.`);
  }
  if (manifest.table !== table || manifest.snapshot !== snapshot) refuse(file, "This manifest belongs to another partition (moved or copied by hand?).");
  const listed = new Map(manifest.files.map((f) => [f.name, f.bytes]));
  const present = await partFiles(folder);
  for (const f of present) {
    if (listed.get(f.name) !== f.bytes) refuse(join(folder, f.name), listed.has(f.name) ? "This file is not the size its manifest says: partly written or changed." : "This file is not in its partition's manifest.");
  }
  for (const name of listed.keys()) if (!present.some((f) => f.name === name)) refuse(join(folder, name), "This file of the manifest is missing.");
  return manifest;
}

/**
 * Checks an exported dataset before any query reads it: every partition of every
 * table has a manifest of this schema version whose files are all there, whole, and
 * alone, and every snapshot has all the tables. Mixed or partly written exports are
 * refused with the offending file named.
 */
export async function openDataset(dir: string): Promise<Dataset> {
  const info = await stat(dir).catch(() => null);
  if (info === null) throw new GuppyError("FILE_NOT_FOUND", "No such dataset folder.", { file: dir });
  if (!info.isDirectory()) throw new GuppyError("USAGE", "This is not a folder of exported tables.", { file: dir });
  const byTable = new Map<TableName, string[]>();
  for (const table of TABLES) {
    const folder = join(dir, table);
    const entries = await visible(folder).catch(() => null);
    if (entries === null) refuse(folder, "This folder is missing: not a dataset of guppy export, or a partly written one.");
    const names: string[] = [];
    for (const entry of entries) {
      const m = /^snapshot=(.+)$/.exec(entry);
      if (m === null) refuse(join(folder, entry), "This is not a snapshot partition (snapshot=NAME).");
      await checkPartition(join(folder, entry), table, m[1]!);
      names.push(m[1]!);
    }
    byTable.set(table, names);
  }
  const snapshots = byTable.get("objects")!;
  for (const table of TABLES) {
    const names = byTable.get(table)!;
    for (const s of new Set([...snapshots, ...names])) {
      if (!names.includes(s)) refuse(join(dir, table, `snapshot=${s}`), "This partition is missing while other tables have the snapshot: a partly written export.");
    }
  }
  if (snapshots.length === 0) refuse(join(dir, "objects"), "The dataset has no snapshots yet.");
  return { dir, snapshots, input: dir };
}
