import { join } from "node:path";
import { GuppyError } from "../errors.js";
import type { Dataset } from "./dataset.js";
import { duckMessage, openDuck, sqlString } from "../heapy/tables/duck.js";
import { TABLES } from "../heapy/tables/schema.js";

/** A query's answer: column names, DuckDB type names and rows of plain JSON-able values. */
export interface QueryResult {
  columns: string[];
  types: string[];
  rows: unknown[][];
}

/** A value as JSON can carry it: safe bigints as numbers (others as text), dates as ISO text. */
function plain(v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/**
 * Runs SQL on an embedded DuckDB over the views objects, edges, classes and
 * snapshots of the datasets (the snapshot column first, from the partition names).
 * Datasets must not share a snapshot name.
 */
export async function runQuery(sql: string, datasets: readonly Dataset[]): Promise<QueryResult> {
  const seen = new Map<string, string>();
  for (const d of datasets) {
    for (const s of d.snapshots) {
      const other = seen.get(s);
      if (other !== undefined) throw new GuppyError("USAGE", `Two inputs have a snapshot named ${s} (the other is ${other}): rename one of the files.`, { file: d.input });
      seen.set(s, d.input);
    }
  }
  const duck = await openDuck();
  try {
    const c = duck.connection;
    for (const table of TABLES) {
      const globs = datasets.map((d) => sqlString(join(d.dir, table, "*", "*.parquet"))).join(", ");
      await c.run(
        `CREATE VIEW ${table} AS SELECT snapshot, * EXCLUDE (snapshot) FROM read_parquet([${globs}], hive_partitioning = true, hive_types = {'snapshot': VARCHAR})`,
      );
    }
    let reader;
    try {
      reader = await c.runAndReadAll(sql);
    } catch (e) {
      throw new GuppyError("BAD_QUERY", duckMessage((e as Error).message ?? String(e), sql));
    }
    return {
      columns: reader.columnNames(),
      types: reader.columnTypes().map((t) => t.toString()),
      rows: reader.getRowsJS().map((row) => row.map(plain)),
    };
  } finally {
    duck.close();
  }
}
