import { basename } from "node:path";
import type { SourceStamp } from "../snapshot/heap-graph.js";

/**
 * The layout of an exported heap dataset: plain Hive-partitioned Parquet that DuckDB,
 * Spark and Trino read unchanged.
 *
 *     DIR/objects/snapshot=NAME/part-0.parquet   one row per object (node)
 *     DIR/edges/snapshot=NAME/part-0.parquet     one row per reference (edge)
 *     DIR/classes/snapshot=NAME/part-0.parquet   one row per Clodo class of the reachable objects
 *     DIR/snapshots/snapshot=NAME/part-0.parquet one row: the snapshot itself
 *     DIR/TABLE/snapshot=NAME/_guppy.json        the partition's manifest (schema version, files)
 *
 * Each snapshot's partitions carry their own manifest, so datasets merge by copying
 * folders; readers skip files whose names start with "_" or ".".
 */

/** Bumped whenever a table gains, loses or changes a column. */
export const SCHEMA_VERSION = 1;
export const FORMAT = "guppy-heap-tables";
export const TABLES = ["objects", "edges", "classes", "snapshots"] as const;
export type TableName = (typeof TABLES)[number];
export const MANIFEST = "_guppy.json";
/** The objects table's detachedness, by V8's code (0, 1, 2). */
export const DETACHEDNESS: readonly string[] = ["unknown", "attached", "detached"];

/** A partition's manifest: what a complete export of one table of one snapshot wrote. */
export interface PartitionManifest {
  format: typeof FORMAT;
  schemaVersion: number;
  table: TableName;
  snapshot: string;
  /** Parquet files of the partition and their sizes in bytes. */
  files: { name: string; bytes: number }[];
  /** The snapshot file as it was when exported (null for a live heap or a set). */
  source: SourceStamp | null;
  /** For a set's export: how many objects it had (null: the whole snapshot). */
  members: number | null;
}

/**
 * The partition name of a snapshot file: its base name without .heapsnapshot(.gz),
 * characters other than letters, digits, '.', '_' and '-' replaced by '_' (a Hive
 * partition value must need no escaping in any engine).
 */
export function snapshotName(file: string): string {
  const base = basename(file).replace(/\.gz$/, "").replace(/\.heapsnapshot$/, "");
  return safeName(base === "" ? "snapshot" : base);
}

/** A name made safe as a partition value. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^[._]/, "s$&");
}
