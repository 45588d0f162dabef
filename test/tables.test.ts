import { after, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Table } from "apache-arrow";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { hpy } from "../src/index.js";
import { Clodo, Prod } from "../src/heapy/classify/classifiers.js";
import { partition } from "../src/heapy/classify/partition.js";
import { distancesOf, NO_DISTANCE } from "../src/heapy/graph/distances.js";
import { dominatorsOf } from "../src/heapy/graph/dominators.js";
import { shallowSizes } from "../src/heapy/graph/shallow-sizes.js";
import { IdentitySet } from "../src/heapy/sets/identity-set.js";
import type { HeapGraph } from "../src/heapy/snapshot/heap-graph.js";
import { entriesOf } from "../src/heapy/waste/growth.js";
import { GuppyError } from "../src/errors.js";
import { openDataset } from "../src/tables/dataset.js";
import { exportGraph } from "../src/heapy/tables/export.js";
import { runQuery } from "../src/tables/query.js";
import { NAMED_QUERIES } from "../src/tables/named-queries.js";
import { SCHEMA_VERSION } from "../src/heapy/tables/schema.js";
import { findLeaks } from "../src/heapy/leaks.js";
import { HeapySet } from "../src/heapy/session/heapy-set.js";
import { guppy } from "./support/cli.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { projectRoot } from "./support/paths.js";

type Row = Record<string, unknown>;

// Each test's datasets go in one folder, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), "guppy-tables-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const tempDir = (): string => mkdtempSync(join(scratch, "t-"));

/** Every row of a partition's Parquet files, read by hyparquet (not DuckDB), in file order. */
async function readPartition(dir: string, table: string, snapshot: string): Promise<Row[]> {
  const folder = join(dir, table, `snapshot=${snapshot}`);
  const files = readdirSync(folder).filter((f) => f.endsWith(".parquet")).sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  const rows: Row[] = [];
  for (const f of files) rows.push(...((await parquetReadObjects({ file: await asyncBufferFromFile(join(folder, f)), compressors })) as Row[]));
  return rows;
}

/** The one line the CLI would print for a query over `dir`, run in this process. */
async function refusal(dir: string, sql: string): Promise<string> {
  try {
    await runQuery(sql, [await openDataset(dir)]);
  } catch (e) {
    if (e instanceof GuppyError) return e.describe();
    throw e;
  }
  return "(no error)";
}

/** hyparquet decodes text with TextDecoder, which drops a leading byte order mark (Node 24 heaps have such a string). */
const asRead = (s: string): string => s.replace(/^\uFEFF/, "");

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

async function threeSnapshots(): Promise<string[]> {
  const base = await fixtureSnapshot("three-snapshots");
  return [base, `${base}.target`, `${base}.final`];
}

/** Classes whose reachable count grew at every step (0 where absent), by the session API. */
function classesGrewEveryStep(counts: Map<string, number>[]): { class: string; first_count: number; last_count: number; growth: number }[] {
  const classes = new Set(counts.flatMap((m) => [...m.keys()]));
  const grew = [...classes]
    .map((c) => ({ c, series: counts.map((m) => m.get(c) ?? 0) }))
    .filter(({ series }) => series.every((n, i) => i === 0 || n > series[i - 1]!))
    .map(({ c, series }) => ({ class: c, first_count: series[0]!, last_count: series.at(-1)!, growth: series.at(-1)! - series[0]! }));
  return grew.sort((a, b) => b.growth - a.growth || (a.class < b.class ? -1 : a.class > b.class ? 1 : 0));
}

test("guppy export of three snapshots: the named growth queries answer what guppy growth and the session say", async () => {
  const files = await threeSnapshots();
  const dir = join(tempDir(), "heaps");
  const exported = await guppy("export", ...files, "--to", dir, "--json");
  assert.equal(exported.code, 0, exported.stderr);
  const summary = JSON.parse(exported.stdout) as { snapshots: { snapshot: string; objects: number }[] };
  assert.deepEqual(summary.snapshots.map((s) => s.snapshot), files.map((f) => f.split("/").at(-1)!.replace(/\.heapsnapshot$/, "")));

  const h = hpy({ cacheDir: null });
  const counts: Map<string, number>[] = [];
  for (const f of files) counts.push(new Map(partition(h.heap(await h.graph(f)), Clodo).rows.map((r) => [r.kind, r.count])));
  const grew = await guppy("sql", "@classes-grew-every-step", dir, "--json");
  assert.equal(grew.code, 0, grew.stderr);
  const expected = classesGrewEveryStep(counts);
  assert.ok(expected.some((r) => r.class === "Leaked" && r.first_count === 0 && r.last_count === 150), "the fixture's Leaked objects grew 0 → 100 → 150");
  assert.deepEqual((JSON.parse(grew.stdout) as { rows: unknown[] }).rows, expected);

  const growth = JSON.parse((await guppy("growth", ...files, "--json")).stdout) as { entries: { id: number; entries: number[]; retained: number[] }[] };
  const collections = JSON.parse((await guppy("sql", "@collections-grew-every-step", dir, "--json")).stdout) as { rows: Row[] };
  assert.ok(growth.entries.length > 0);
  assert.deepEqual(
    collections.rows.map((r) => [r.id, r.first_entries, r.last_entries, r.retained_size]),
    growth.entries.map((e) => [e.id, e.entries[0], e.entries.at(-1), e.retained.at(-1)]),
  );

  // Heapy-style text, exactly, on numbers the session computed.
  const leaked = counts.map((m) => m.get("Leaked") ?? 0);
  const text = await guppy("sql", "SELECT snapshot, count FROM classes WHERE class = 'Leaked' ORDER BY count", dir);
  const names = summary.snapshots.map((s) => s.snapshot);
  const w = Math.max(8, names[1]!.length, names[2]!.length);
  assert.equal(
    text.stdout,
    ["2 rows.", ` Index ${"snapshot".padEnd(w)} count`, `     0 ${names[1]!.padEnd(w)} ${String(leaked[1]).padStart(5)}`, `     1 ${names[2]!.padEnd(w)} ${String(leaked[2]).padStart(5)}`, ""].join("\n"),
  );
  const csv = await guppy("sql", "SELECT class, count FROM classes WHERE class = 'Leaked' ORDER BY count", dir, "--csv");
  assert.equal(csv.stdout, `class,count\r\nLeaked,${leaked[1]}\r\nLeaked,${leaked[2]}\r\n`);
  const many = await guppy("sql", "SELECT * FROM range(13)", dir);
  assert.equal(many.stdout.split("\n").at(-2), "<3 more rows; use --all or --limit.>");

  // The README shows every named query as it runs, and its Spark and Trino forms.
  const readme = readFileSync(join(projectRoot(), "README.md"), "utf8");
  for (const [name, sql] of Object.entries(NAMED_QUERIES)) assert.ok(readme.includes(sql), `README shows @${name}`);
});

test("every column of the export equals Guppy's arrays, read back by an independent Parquet reader", async () => {
  const file = (await threeSnapshots())[2];
  const h = hpy({ cacheDir: null });
  const g: HeapGraph = await h.graph(file!);
  const dir = tempDir();
  // Small parts, so the batching and the order across files are checked too.
  const summary = await exportGraph(g, dir, { name: "one", rowsPerPart: 10_000 });
  assert.ok(readdirSync(join(dir, "objects", "snapshot=one")).filter((f) => f.endsWith(".parquet")).length >= 4);
  const objects = await readPartition(dir, "objects", "one");
  checkObjects(objects, g, IdentitySet.all(g).ordinals(), classesOf(HeapySet.from(IdentitySet.all(g))));
  checkEdges(await readPartition(dir, "edges", "one"), g, IdentitySet.all(g).ordinals());
  const { retainedSize } = dominatorsOf(g);
  const heap = h.heap(g);
  const rows = partition(heap, Clodo).rows;
  const classes = await readPartition(dir, "classes", "one");
  assert.equal(summary.classes, rows.length);
  const retainedOf = new Map<string, number>();
  const heapKinds = Clodo.classify(g, heap.ordinals());
  heap.ordinals().forEach((n, i) => retainedOf.set(heapKinds.labels[heapKinds.kinds[i]!]!, (retainedOf.get(heapKinds.labels[heapKinds.kinds[i]!]!) ?? 0) + retainedSize[n]!));
  assert.deepEqual(
    classes.map((r) => [r.class, num(r.count), num(r.shallow_size), num(r.retained_size)]),
    rows.map((r) => [r.kind, r.count, r.size, retainedOf.get(r.kind)]),
  );
  const [snap] = await readPartition(dir, "snapshots", "one");
  assert.deepEqual(
    { ...snap, source_mtime: undefined, objects: num(snap!.objects), edges: num(snap!.edges), reachable_objects: num(snap!.reachable_objects), reachable_size: num(snap!.reachable_size), max_object_id: num(snap!.max_object_id) },
    {
      schema_version: SCHEMA_VERSION,
      source: g.source!.path,
      source_mtime: undefined,
      objects: g.nodeCount,
      edges: g.edgeCount,
      reachable_objects: heap.count,
      reachable_size: rows.reduce((s, r) => s + r.size, 0),
      max_object_id: Math.max(...[...g.nodeId].filter((id) => id % 2 === 1)),
      is_selection: false,
      has_allocation_sites: false,
    },
  );

  // The same columns as an Arrow table, straight from the arrays.
  await checkArrow(HeapySet.from(IdentitySet.all(g)), objects);
});

/**
 * What a selection's export must hold, checked column by column against the set's
 * members as the session sees them (class from its partition by Clodo), read back by
 * hyparquet; and its toArrow() gives the same rows.
 */
async function checkSelection(set: HeapySet, dir: string, name: string): Promise<void> {
  const g = set.graph;
  const members = set.ordinals();
  const objects = await readPartition(dir, "objects", name);
  checkObjects(objects, g, members, classesOf(set));
  checkEdges(await readPartition(dir, "edges", name), g, members);
  // The classes of the reachable members, as the set's own partition counts them.
  const reachable = HeapySet.from(set.and(h0.heap(g)));
  const byClass = (rows: unknown[][]): unknown[][] => rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  assert.deepEqual(
    byClass((await readPartition(dir, "classes", name)).map((r) => [r.class, num(r.count), num(r.shallow_size)])),
    byClass(reachable.by("Clodo").partition.rows.map((r) => [r.kind, r.count, r.size])),
  );
  const [snap] = await readPartition(dir, "snapshots", name);
  assert.deepEqual([snap!.is_selection, num(snap!.objects), num(snap!.edges)], [true, set.count, members.reduce((k, n) => k + g.firstEdge[n + 1]! - g.firstEdge[n]!, 0)]);
  await checkArrow(set, objects);
}

/** A session for the expectations of checkSelection (heap(g) needs no live state). */
const h0 = hpy({ cacheDir: null });

/** Each member's class, from the set's partition by Clodo (not from the exporter's classify call). */
function classesOf(set: HeapySet): Map<number, string> {
  const out = new Map<number, string>();
  for (const part of set.by("Clodo")) for (const n of part.ordinals()) out.set(n, part.partition.rows[0]!.kind);
  return out;
}

/** Every column of the objects rows equals the graph's arrays, row k for the member nodes[k]. */
function checkObjects(objects: Row[], g: HeapGraph, nodes: Uint32Array, classOf: Map<number, string>): void {
  assert.equal(objects.length, nodes.length);
  const distance = distancesOf(g);
  const { idom, retainedSize } = dominatorsOf(g);
  const sizes = shallowSizes(g);
  const detachedness = ["unknown", "attached", "detached"];
  nodes.forEach((n, k) => {
    const r = objects[k]!;
    const entries = entriesOf(g, n);
    const expected = {
      id: g.nodeId[n],
      type: g.typeName(n),
      class: classOf.get(n),
      name: asRead(g.name(n)),
      shallow_size: sizes[n],
      retained_size: retainedSize[n],
      distance: distance[n] === NO_DISTANCE ? null : distance[n],
      dominator_id: n === g.root ? null : g.nodeId[idom[n]!],
      detachedness: g.nodeDetachedness === null ? null : detachedness[g.nodeDetachedness[n]!],
      allocation_site: null,
      entries: entries < 0 ? null : entries,
      reachable: distance[n] !== NO_DISTANCE && g.nodeType[n] !== g.nodeTypes.synthetic,
    };
    const got = { ...r, id: num(r.id), shallow_size: num(r.shallow_size), retained_size: num(r.retained_size), dominator_id: num(r.dominator_id), distance: num(r.distance), entries: num(r.entries) };
    if (JSON.stringify(got) !== JSON.stringify(expected)) assert.deepEqual(got, expected, `node ${n}`);
  });
}

/** The edges rows are the references from the member nodes, in order, column by column. */
function checkEdges(edges: Row[], g: HeapGraph, nodes: Uint32Array): void {
  let k = 0;
  for (const n of nodes) {
    for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++, k++) {
      const r = edges[k]!;
      const indexed = g.edgeNameIsIndex(e);
      const got = [num(r.from_id), num(r.to_id), r.type, r.name, num(r.element_index)];
      const expected = [g.nodeId[n], g.nodeId[g.edgeTarget[e]!], g.edgeTypeName(e), indexed ? null : asRead(g.edgeNameText(e)), indexed ? g.edgeName[e] : null];
      if (JSON.stringify(got) !== JSON.stringify(expected)) assert.deepEqual(got, expected, `edge ${e}`);
    }
  }
  assert.equal(edges.length, k);
}

/** set.toArrow() is an apache-arrow Table with the rows (and columns, in order) that the export read back has. */
async function checkArrow(set: HeapySet, objects: Row[]): Promise<void> {
  const table = await set.toArrow();
  assert.ok(table instanceof Table);
  assert.equal(table.numRows, objects.length);
  assert.deepEqual(table.schema.fields.map((f) => f.name), Object.keys(objects[0]!));
  const plain = (r: Row): string => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : k === "name" ? asRead(String(v)) : v])));
  table.toArray().forEach((r: Row, n: number) => {
    if (plain({ ...r }) !== plain(objects[n]!)) assert.deepEqual({ ...r }, objects[n], `Arrow row ${n}`);
  });
}

class ExportedAfterSetref {
  readonly label: string;
  constructor(readonly i: number) {
    this.label = `exported-${i}`;
  }
}

test("set.export(dir) and set.toArrow() of a relative heap after setref: every column is the set's members'", async () => {
  const h = hpy({ cacheDir: null });
  try {
    await h.setref();
    const keep = Array.from({ length: 300 }, (_, i) => new ExportedAfterSetref(i));
    const rel = await h.heap();
    assert.equal(rel.and(h.Clodo("ExportedAfterSetref")).count, 300);
    const dir = join(tempDir(), "relheap");
    const summary = await rel.export(dir);
    assert.deepEqual([summary.snapshot, summary.objects], ["relheap", rel.count], "the partition is named after the folder");
    await checkSelection(rel, dir, "relheap");
    // guppy sql reads it as any dataset.
    const sql = await guppy("sql", "SELECT count(*) AS n FROM objects WHERE class = 'ExportedAfterSetref'", dir, "--json");
    assert.equal(sql.code, 0, sql.stderr);
    assert.deepEqual((JSON.parse(sql.stdout) as { rows: Row[] }).rows, [{ n: 300 }]);
    assert.equal(keep.length, 300);
  } finally {
    h.close();
  }
});

test("set.export(dir, name) of a leak group from three snapshots: its members, their references and classes", async () => {
  const h = hpy({ cacheDir: null });
  const sets = [];
  for (const f of await threeSnapshots()) sets.push(h.heap(await h.graph(f)));
  const group = findLeaks(...sets).entries.find((e) => e.kinds.some((k) => k.kind === "Leaked"));
  assert.ok(group !== undefined, "the fixture's Leaked objects are a leak group");
  const dir = tempDir();
  const summary = await group.set.export(dir, "leak-0");
  assert.deepEqual([summary.snapshot, summary.objects, summary.classes], ["leak-0", group.set.count, group.set.by("Clodo").length]);
  await checkSelection(group.set, dir, "leak-0");
  assert.deepEqual((await openDataset(dir)).snapshots, ["leak-0"]);
});

test("set.export refuses a folder that is not empty, is a file, or cannot be written, with a stable code and one line", async () => {
  const h = hpy({ cacheDir: null });
  const set = h.heap(await h.graph((await threeSnapshots())[0]!)).and(h.Clodo("Object"));
  const refusal = async (dir: string, name?: unknown): Promise<string> => {
    try {
      await set.export(dir, name as string);
    } catch (e) {
      if (e instanceof GuppyError) return e.describe();
      throw e;
    }
    return "(no error)";
  };
  const full = tempDir();
  writeFileSync(join(full, "notes.txt"), "mine");
  assert.equal(await refusal(full), `guppy: DIR_NOT_EMPTY ${full}: This folder is not empty: export a selection into a new or empty folder (guppy sql reads several).`);
  assert.deepEqual(readdirSync(full), ["notes.txt"], "nothing is written beside what was there");
  const exported = tempDir();
  await set.export(exported);
  assert.match(await refusal(exported), /^guppy: DIR_NOT_EMPTY /, "an earlier export is not replaced");
  const file = join(full, "notes.txt");
  assert.equal(await refusal(file), `guppy: EXPORT_FAILED ${file}: This is a file, not a folder for a dataset.`);
  const under = join(file, "set");
  assert.equal(await refusal(under), `guppy: EXPORT_FAILED ${under}: Cannot write a dataset in this folder (ENOTDIR).`);
  if (process.getuid?.() !== 0) {
    // Root writes anywhere, so a read-only folder refuses only an ordinary user.
    const locked = tempDir();
    chmodSync(locked, 0o500);
    assert.equal(await refusal(join(locked, "set")), `guppy: EXPORT_FAILED ${join(locked, "set")}: Cannot write a dataset in this folder (EACCES).`);
    chmodSync(locked, 0o700);
  }
  assert.match(await refusal(""), /^guppy: USAGE export\(\) takes the path of a folder/);
  assert.match(await refusal(join(tempDir(), "x"), 42), /^guppy: USAGE export\(\) takes a partition name/);
});

test("a snapshot with allocation traces exports each object's allocation site as Prod names it", async () => {
  const file = await fixtureSnapshot("allocation-traces");
  const g = await hpy({ cacheDir: null }).graph(file);
  const dir = tempDir();
  await exportGraph(g, dir, { name: "traced" });
  const sites = Prod.classify(g, IdentitySet.all(g).ordinals());
  const objects = await readPartition(dir, "objects", "traced");
  assert.deepEqual(objects.map((r) => r.allocation_site), [...sites.kinds].map((k) => sites.labels[k]));
  assert.ok(objects.some((r) => String(r.allocation_site).startsWith("allocateTracked ")), "the fixture's allocating function is named");
  assert.equal((await readPartition(dir, "snapshots", "traced"))[0]!.has_allocation_sites, true);
});

test("guppy sql on snapshot files exports them to the cache once, and again when the file changes", async () => {
  const [file] = await threeSnapshots();
  const work = tempDir();
  const copy = join(work, "app.heapsnapshot");
  copyFileSync(file!, copy);
  const cache = join(work, "cache");
  const env = process.env.GUPPY_CACHE;
  process.env.GUPPY_CACHE = cache;
  try {
    const q = "SELECT snapshot, count(*) AS n FROM objects GROUP BY snapshot";
    const first = await guppy("sql", q, copy, "--json");
    assert.equal(first.code, 0, first.stderr);
    const g = await hpy({ cacheDir: null }).graph(copy);
    assert.deepEqual((JSON.parse(first.stdout) as { rows: Row[] }).rows, [{ snapshot: "app", n: g.nodeCount }]);
    const tables = join(cache, "tables");
    const [exported] = readdirSync(tables);
    const manifest = join(tables, exported!, "objects", "snapshot=app", "_guppy.json");
    const made = statSync(manifest).mtimeMs;
    assert.equal((await guppy("sql", q, copy, "--json")).stdout, first.stdout);
    assert.equal(statSync(manifest).mtimeMs, made, "a fresh export is reused");
    utimesSync(copy, new Date(), new Date(Date.now() + 5000));
    assert.equal((await guppy("sql", q, copy, "--json")).code, 0);
    assert.notEqual(statSync(manifest).mtimeMs, made, "a changed file is exported again");
  } finally {
    if (env === undefined) delete process.env.GUPPY_CACHE;
    else process.env.GUPPY_CACHE = env;
  }
});

test("bad input: mixed or partly written datasets, unknown tables and columns, a failed export", async () => {
  const [file] = await threeSnapshots();
  const g = await hpy({ cacheDir: null }).graph(file!);
  const fresh = async (): Promise<string> => {
    const dir = tempDir();
    await exportGraph(g, dir, { name: "a" });
    return dir;
  };
  const q = "SELECT count(*) FROM objects";
  const dir = await fresh();
  assert.equal((await guppy("sql", q, dir)).code, 0);

  const unknownColumn = await guppy("sql", "SELECT nope FROM objects", dir);
  assert.equal(unknownColumn.code, 2);
  assert.match(unknownColumn.stderr, /^guppy: BAD_QUERY .*"nope".*\n$/);
  assert.match(await refusal(dir, "SELECT * FROM nodes"), /^guppy: BAD_QUERY .*nodes/);
  assert.equal((await guppy("sql", "@no-such-query", dir)).code, 2);
  const secret = await refusal(dir, "SELECT name::INTEGER FROM objects WHERE type = 'string' AND name LIKE 'Leak%'");
  assert.match(secret, /^guppy: BAD_QUERY /);
  assert.doesNotMatch(secret, /Leaked/, "heap strings stay out of errors");

  const manifest = join(dir, "edges", "snapshot=a", "_guppy.json");
  const old = JSON.parse(readFileSync(manifest, "utf8")) as { schemaVersion: number };
  writeFileSync(manifest, JSON.stringify({ ...old, schemaVersion: SCHEMA_VERSION + 1 }));
  const mixed = await guppy("sql", q, dir);
  assert.equal(mixed.code, 2);
  assert.equal(mixed.stderr, `guppy: BAD_DATASET ${manifest}: This partition has schema version ${SCHEMA_VERSION + 1}, this Guppy reads version ${SCHEMA_VERSION}: export the snapshot again.\n`);
  rmSync(manifest);
  assert.equal(await refusal(dir, q), `guppy: BAD_DATASET ${manifest}: This partition has no manifest: a partly written export, or not one of Guppy's.`);

  const partly = await fresh();
  rmSync(join(partly, "classes", "snapshot=a"), { recursive: true });
  assert.equal(await refusal(partly, q), `guppy: BAD_DATASET ${join(partly, "classes", "snapshot=a")}: This partition is missing while other tables have the snapshot: a partly written export.`);
  const part = join(partly, "objects", "snapshot=a", "part-0.parquet");
  writeFileSync(part, readFileSync(part).subarray(0, 100));
  assert.equal(await refusal(partly, q), `guppy: BAD_DATASET ${part}: This file is not the size its manifest says: partly written or changed.`);
  const extra = join(await fresh(), "edges", "snapshot=a", "part-9.parquet");
  writeFileSync(extra, "");
  assert.equal(await refusal(join(extra, "..", "..", ".."), q), `guppy: BAD_DATASET ${extra}: This file is not in its partition's manifest.`);

  // An export that fails on the way leaves no dataset and no staging folder behind.
  const failed = tempDir();
  await assert.rejects(
    exportGraph(g, failed, {
      name: "b",
      onStage: (s) => {
        if (s.startsWith("Writing classes")) throw new Error("disk full");
      },
    }),
    /disk full/,
  );
  assert.deepEqual(readdirSync(failed), []);
  assert.equal(existsSync(join(failed, "objects")), false);
  assert.match(await refusal(failed, q), /^guppy: BAD_DATASET .*objects: This folder is missing/);
  const aFile = join(failed, "not-a-folder");
  writeFileSync(aFile, "");
  await assert.rejects(exportGraph(g, aFile, { name: "c" }), (e: GuppyError) => e.describe() === `guppy: EXPORT_FAILED ${aFile}: Cannot write a dataset in this folder (EEXIST).`);
});
