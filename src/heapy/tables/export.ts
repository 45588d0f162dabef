import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { Clodo, Prod } from "../classify/classifiers.js";
import { distancesOf, NO_DISTANCE } from "../graph/distances.js";
import { dominatorsOf } from "../graph/dominators.js";
import { shallowSizes } from "../graph/shallow-sizes.js";
import { IdentitySet } from "../sets/identity-set.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { entriesOf } from "../waste/growth.js";
import { GuppyError, isGuppyError } from "../../errors.js";
import { appendRows, duckMessage, lookupTable, openDuck, sqlString, type Duck } from "./duck.js";
import { DETACHEDNESS, FORMAT, MANIFEST, SCHEMA_VERSION, TABLES, safeName, type PartitionManifest, type TableName } from "./schema.js";

/** Rows per Parquet file (and per staging batch): bounds the memory an export holds at once. */
const ROWS_PER_PART = 1 << 22;
const EXPORT_MEMORY = "1GB";

export interface ExportOptions {
  /** The partition's name (snapshot=NAME); made safe by safeName. */
  name: string;
  /** Export only these objects (and the references from them); default: every node. */
  members?: IdentitySet | null;
  /** Rows per Parquet file; smaller values only for tests. */
  rowsPerPart?: number;
  /** Told each stage, for a progress line (never heap contents). */
  onStage?: (stage: string) => void;
}

/** What one export wrote. */
export interface ExportSummary {
  snapshot: string;
  objects: number;
  edges: number;
  classes: number;
  bytes: number;
}

/** Codes that no lookup table holds: the joins give NULL. */
const NO_CODE = 0xffffffff;
const NO_CODE8 = 0xff;

/**
 * Exports one snapshot's graph (or a set of its objects) into the dataset at `dir`
 * as the partition snapshot=NAME of each table. Everything is written under a
 * hidden staging folder inside `dir` and renamed into place at the end, so a failed
 * export leaves nothing a reader would take for data; an earlier export of the same
 * name is replaced.
 */
export async function exportGraph(g: HeapGraph, dir: string, options: ExportOptions): Promise<ExportSummary> {
  const name = safeName(options.name);
  const staging = await mkdir(dir, { recursive: true })
    .then(() => mkdtemp(join(dir, ".guppy-export-")))
    .catch((e: NodeJS.ErrnoException) => {
      throw new GuppyError("EXPORT_FAILED", `Cannot write a dataset in this folder (${e.code ?? "error"}).`, { file: dir });
    });
  try {
    // The graph is in memory already: DuckDB keeps to a bounded share and spills its sorts to the staging folder.
    const duck = await openDuck({ memory_limit: EXPORT_MEMORY, temp_directory: join(staging, "spill") });
    let summary: ExportSummary;
    try {
      summary = await writeTables(duck, g, staging, name, options);
    } catch (e) {
      // DuckDB's own errors (a full disk, say) in one line; its quoted text blanked, as it might be the heap's.
      if (isGuppyError(e) || !/^[A-Za-z ]*Error: /.test((e as Error).message ?? "")) throw e;
      throw new GuppyError("EXPORT_FAILED", `The tables could not be written: ${duckMessage((e as Error).message, "")}`, { file: dir });
    } finally {
      duck.close();
    }
    for (const table of TABLES) await writeManifest(join(staging, table), table, name, g, options.members ?? null);
    await commit(dir, staging, name);
    return summary;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Exports a selection (a relative heap, a leak group, a partition row) as a new
 * dataset at `dir`, one partition named `name` (default: the folder's base name, so
 * datasets of several selections can be queried together). The folder must not exist
 * or be empty: a selection never replaces or mixes into other data.
 */
export async function exportSet(set: IdentitySet, dir: string, name?: string): Promise<ExportSummary> {
  if (typeof dir !== "string" || dir === "") throw new GuppyError("USAGE", "export() takes the path of a folder for the dataset.");
  const info = await stat(dir).catch(() => null);
  if (info !== null && !info.isDirectory()) throw new GuppyError("EXPORT_FAILED", "This is a file, not a folder for a dataset.", { file: dir });
  if (info !== null && (await readdir(dir)).length > 0) {
    throw new GuppyError("DIR_NOT_EMPTY", "This folder is not empty: export a selection into a new or empty folder (guppy sql reads several).", { file: dir });
  }
  return exportGraph(set.graph, dir, { name: name ?? basename(resolve(dir)), members: set });
}

async function writeTables(duck: Duck, g: HeapGraph, staging: string, name: string, options: ExportOptions): Promise<ExportSummary> {
  const c = duck.connection;
  const say = options.onStage ?? (() => {});
  const perPart = options.rowsPerPart ?? ROWS_PER_PART;
  const nodes = options.members ? options.members.ordinals() : IdentitySet.all(g).ordinals();
  say("Computing distances and dominators…");
  dominatorsOf(g);
  distancesOf(g);
  say("Classifying objects…");
  const classes = Clodo.classify(g, nodes);
  const sites = g.traces !== null && g.nodeTraceId !== null ? Prod.classify(g, nodes) : null;
  await lookupTable(duck, "strings", g.strings.count, (i) => g.strings.get(i));
  await lookupTable(duck, "node_types", g.layout.nodeTypes.length, (i) => g.layout.nodeTypes[i]!);
  await lookupTable(duck, "edge_types", g.layout.edgeTypes.length, (i) => g.layout.edgeTypes[i]!);
  await lookupTable(duck, "detachedness", DETACHEDNESS.length, (i) => DETACHEDNESS[i]!);
  await lookupTable(duck, "class_labels", classes.labels.length, (i) => classes.labels[i]!);
  await lookupTable(duck, "site_labels", sites?.labels.length ?? 0, (i) => sites!.labels[i]!);
  for (const table of TABLES) await mkdir(join(staging, table));

  say("Writing objects…");
  await writeObjects(duck, g, nodes, classes.kinds, sites?.kinds ?? null, staging, perPart);
  say("Writing references…");
  const edges = await writeEdges(duck, g, nodes, staging, perPart);
  say("Writing classes…");
  await writeSummaries(duck, g, staging, edges, options.members != null, sites !== null);
  const counted = await c.runAndReadAll(`SELECT count(*)::INTEGER FROM read_parquet(${sqlString(join(staging, "classes", "*.parquet"))})`);
  let bytes = 0;
  for (const table of TABLES) for (const f of await partFiles(join(staging, table))) bytes += f.bytes;
  return { snapshot: name, objects: nodes.length, edges, classes: Number(counted.getRows()[0]![0]), bytes };
}

/**
 * The objects table, perPart rows a file. Rows are staged without NULLs (the
 * appender's validity masks cost a BigInt a value): a code no lookup table has, or a
 * sentinel the SELECT turns into NULL.
 */
async function writeObjects(duck: Duck, g: HeapGraph, nodes: Uint32Array, classKinds: Uint32Array, siteKinds: Uint32Array | null, staging: string, perPart: number): Promise<void> {
  const distance = distancesOf(g);
  const { idom, retainedSize } = dominatorsOf(g);
  const sizes = shallowSizes(g);
  await duck.connection.run(
    "CREATE TABLE stage_objects (ord UINTEGER, id UINTEGER, type UTINYINT, class UINTEGER, name UINTEGER, shallow_size UINTEGER, retained_size DOUBLE, distance INTEGER, dominator UINTEGER, detachedness UTINYINT, site UINTEGER, entries INTEGER, reachable BOOLEAN)",
  );
  const synthetic = g.nodeTypes.synthetic;
  const detached = g.nodeDetachedness;
  const objectParts = Math.max(1, Math.ceil(nodes.length / perPart));
  for (let part = 0; part < objectParts; part++) {
    const from = part * perPart;
    const to = Math.min(nodes.length, from + perPart);
    await stage(duck, "stage_objects", to - from, (col, start, n) => {
      for (let i = 0; i < n; i++) {
        const k = from + start + i;
        const v = nodes[k]!;
        const d = distance[v]!;
        col[0]!(i, v);
        col[1]!(i, g.nodeId[v]!);
        col[2]!(i, g.nodeType[v]!);
        col[3]!(i, classKinds[k]!);
        col[4]!(i, g.nodeName[v]!);
        col[5]!(i, sizes[v]!);
        col[6]!(i, retainedSize[v]!);
        col[7]!(i, d);
        col[8]!(i, g.nodeId[idom[v]!]!);
        col[9]!(i, detached === null ? NO_CODE8 : detached[v]!);
        col[10]!(i, siteKinds === null ? NO_CODE : siteKinds[k]!);
        col[11]!(i, entriesOf(g, v));
        col[12]!(i, d !== NO_DISTANCE && g.nodeType[v] !== synthetic);
      }
    });
    await copyOut(
      duck,
      `SELECT o.id::BIGINT AS id, t.label AS type, c.label AS class, s.label AS name, o.shallow_size::BIGINT AS shallow_size,
        o.retained_size::BIGINT AS retained_size, nullif(o.distance, ${NO_DISTANCE}) AS distance,
        CASE WHEN o.ord = ${g.root} THEN NULL ELSE o.dominator::BIGINT END AS dominator_id, d.label AS detachedness,
        a.label AS allocation_site, CASE WHEN o.entries < 0 THEN NULL ELSE o.entries END AS entries, o.reachable
       FROM stage_objects o LEFT JOIN node_types t ON t.code = o.type LEFT JOIN class_labels c ON c.code = o.class
        LEFT JOIN strings s ON s.code = o.name LEFT JOIN detachedness d ON d.code = o.detachedness LEFT JOIN site_labels a ON a.code = o.site
       ORDER BY o.ord`,
      join(staging, "objects", `part-${part}.parquet`),
    );
    await duck.connection.run("DELETE FROM stage_objects");
  }

}

/** The edges table: the references from `nodes`, in about perPart rows a file; returns how many. */
async function writeEdges(duck: Duck, g: HeapGraph, nodes: Uint32Array, staging: string, perPart: number): Promise<number> {
  await duck.connection.run("CREATE TABLE stage_edges (ord UINTEGER, from_id UINTEGER, to_id UINTEGER, type UTINYINT, name_or_index UINTEGER)");
  // Element and hidden edges carry an index where the others carry a string.
  const indexed = [g.edgeTypes.element, g.edgeTypes.hidden].filter((t) => t >= 0).join(", ") || "NULL";
  let edges = 0;
  let part = 0;
  let k = 0;
  do {
    // A batch: the references of the next nodes, about perPart of them.
    let count = 0;
    let end = k;
    while (end < nodes.length && (count === 0 || count < perPart)) {
      const v = nodes[end++]!;
      count += g.firstEdge[v + 1]! - g.firstEdge[v]!;
    }
    const edgeOf = new Uint32Array(count);
    const fromOf = new Uint32Array(count);
    let r = 0;
    for (let j = k; j < end; j++) {
      const v = nodes[j]!;
      for (let e = g.firstEdge[v]!; e < g.firstEdge[v + 1]!; e++, r++) {
        edgeOf[r] = e;
        fromOf[r] = v;
      }
    }
    await stage(duck, "stage_edges", count, (col, start, n) => {
      for (let i = 0; i < n; i++) {
        const e = edgeOf[start + i]!;
        col[0]!(i, e);
        col[1]!(i, g.nodeId[fromOf[start + i]!]!);
        col[2]!(i, g.nodeId[g.edgeTarget[e]!]!);
        col[3]!(i, g.edgeType[e]!);
        col[4]!(i, g.edgeName[e]!);
      }
    });
    await copyOut(
      duck,
      `SELECT e.from_id::BIGINT AS from_id, e.to_id::BIGINT AS to_id, t.label AS type,
        CASE WHEN e.type IN (${indexed}) THEN NULL ELSE s.label END AS name,
        CASE WHEN e.type IN (${indexed}) THEN e.name_or_index::BIGINT END AS element_index
       FROM stage_edges e LEFT JOIN edge_types t ON t.code = e.type LEFT JOIN strings s ON s.code = e.name_or_index ORDER BY e.ord`,
      join(staging, "edges", `part-${part++}.parquet`),
    );
    await duck.connection.run("DELETE FROM stage_edges");
    edges += count;
    k = end;
  } while (k < nodes.length);

  return edges;
}

/** The classes and snapshots tables, from the objects files written. */
async function writeSummaries(duck: Duck, g: HeapGraph, staging: string, edges: number, selection: boolean, traced: boolean): Promise<void> {
  const objectFiles = sqlString(join(staging, "objects", "*.parquet"));
  await copyOut(
    duck,
    `SELECT class, count(*)::BIGINT AS count, sum(shallow_size)::BIGINT AS shallow_size, sum(retained_size)::BIGINT AS retained_size
     FROM read_parquet(${objectFiles}) WHERE reachable GROUP BY class ORDER BY shallow_size DESC, class`,
    join(staging, "classes", "part-0.parquet"),
  );
  // V8 numbers heap objects with odd ids that only grow within a process (embedder
  // objects get even, hashed ids): the largest odd id orders one process's snapshots.
  let maxId = 0;
  for (let v = 0; v < g.nodeCount; v++) if (g.nodeId[v]! % 2 === 1 && g.nodeId[v]! > maxId) maxId = g.nodeId[v]!;
  const source = g.source;
  await copyOut(
    duck,
    `SELECT ${SCHEMA_VERSION}::INTEGER AS schema_version, ${source ? sqlString(source.path) : "NULL::VARCHAR"} AS source,
      ${source ? `make_timestamp(${Math.round(source.mtimeMs * 1000)}::BIGINT)` : "NULL::TIMESTAMP"} AS source_mtime,
      count(*)::BIGINT AS objects, ${edges}::BIGINT AS edges, (count(*) FILTER (WHERE reachable))::BIGINT AS reachable_objects,
      coalesce(sum(shallow_size) FILTER (WHERE reachable), 0)::BIGINT AS reachable_size, ${maxId}::BIGINT AS max_object_id,
      ${selection} AS is_selection, ${traced} AS has_allocation_sites
     FROM read_parquet(${objectFiles})`,
    join(staging, "snapshots", "part-0.parquet"),
  );
}

/** Fills a staging table with `count` rows. */
async function stage(duck: Duck, table: string, count: number, fill: Parameters<typeof appendRows>[3]): Promise<void> {
  const appender = await duck.connection.createAppender(table);
  try {
    appendRows(duck, appender, count, fill);
  } finally {
    appender.closeSync();
  }
}

/** Writes a query's rows to one Parquet file with DuckDB's writer. */
async function copyOut(duck: Duck, query: string, file: string): Promise<void> {
  await duck.connection.run(`COPY (${query}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`);
}

/** The Parquet files of a folder, by name, with their sizes. */
export async function partFiles(folder: string): Promise<{ name: string; bytes: number }[]> {
  const names = (await readdir(folder)).filter((f) => f.endsWith(".parquet")).sort();
  return Promise.all(names.map(async (name) => ({ name, bytes: (await stat(join(folder, name))).size })));
}

async function writeManifest(folder: string, table: TableName, snapshot: string, g: HeapGraph, members: IdentitySet | null): Promise<void> {
  const manifest: PartitionManifest = {
    format: FORMAT,
    schemaVersion: SCHEMA_VERSION,
    table,
    snapshot,
    files: await partFiles(folder),
    source: members ? null : g.source,
    members: members ? members.size : null,
  };
  await writeFile(join(folder, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
}

/** Moves the staged partitions into place, table by table, replacing an earlier export of the same name. */
async function commit(dir: string, staging: string, name: string): Promise<void> {
  for (const table of TABLES) {
    const target = join(dir, table, `snapshot=${name}`);
    await mkdir(join(dir, table), { recursive: true });
    const old = join(staging, `old-${table}`);
    await rename(target, old).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOENT") throw e;
    });
    await rename(join(staging, table), target);
  }
}
