import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";

/**
 * The embedded DuckDB that writes and queries heap tables: one in-memory database per
 * export or query, closed when done. Extensions are never fetched (the tables need
 * only the built-in Parquet reader and writer, and a query must not reach a network).
 */
export interface Duck {
  readonly connection: DuckDBConnection;
  /** The DuckDB module, loaded on first use (its native library is large: commands that need no SQL never load it). */
  readonly api: typeof import("@duckdb/node-api");
  close(): void;
}

/** Opens a database; `settings` are DuckDB's (memory_limit, temp_directory, ...). */
export async function openDuck(settings: Record<string, string> = {}): Promise<Duck> {
  const api = await import("@duckdb/node-api");
  const instance = await api.DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    ...settings,
  });
  const connection = await instance.connect();
  return {
    connection,
    api,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * DuckDB's message, first line only, with quoted text that is not in the query
 * itself blanked out: a conversion error may quote a heap string, and heap strings
 * are secrets in errors.
 */
export function duckMessage(message: string, sql: string): string {
  const line = message.split("\n")[0]!.trim();
  return line.replace(/(['"])([^'"]*)\1/g, (quoted, q: string, inner: string) => (sql.includes(inner) ? quoted : `${q}…${q}`));
}

/** A SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** What a row filler writes: a column's value in one row (null leaves it NULL). */
export type SetItem = (row: number, value: number | boolean | string | null) => void;

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const CHUNK_ROWS = 2048;

/**
 * Appends `count` rows to the appender's table a data chunk at a time (no JS object
 * per row): `fill(columns, start, n)` writes rows start..start+n-1 of the batch
 * through `columns[c](i, value)`, i counted from 0 within the chunk.
 */
export function appendRows(duck: Duck, appender: DuckDBAppender, count: number, fill: (columns: SetItem[], start: number, n: number) => void): void {
  const types = Array.from({ length: appender.columnCount }, (_, c) => appender.columnType(c));
  for (let start = 0; start < count; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, count - start);
    const chunk = duck.api.DuckDBDataChunk.create(types, n);
    const vectors = types.map((_, c) => chunk.getColumnVector(c));
    const columns = vectors.map((v): SetItem => (row, value) => (v.setItem as (i: number, x: unknown) => void)(row, value));
    fill(columns, start, n);
    for (const v of vectors) v.flush();
    appender.appendDataChunk(chunk);
  }
  appender.flushSync();
}

/** Makes a lookup table `table(code, label)` of `count` labels, `labelAt(code)` each (decoded once, not per row). */
export async function lookupTable(duck: Duck, table: string, count: number, labelAt: (code: number) => string): Promise<void> {
  const connection = duck.connection;
  await connection.run(`CREATE OR REPLACE TABLE ${table} (code UINTEGER, label VARCHAR)`);
  const appender = await connection.createAppender(table);
  try {
    appendRows(duck, appender, count, ([code, label], start, n) => {
      for (let i = 0; i < n; i++) {
        code!(i, start + i);
        label!(i, labelAt(start + i));
      }
    });
  } finally {
    appender.closeSync();
  }
}
