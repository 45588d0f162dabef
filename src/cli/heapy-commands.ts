import { GuppyError } from "../errors.js";
import { partition } from "../heapy/classify/partition.js";
import { nodeLabel } from "../heapy/render/node-label.js";
import { PartitionView } from "../heapy/render/partition-view.js";
import { ShortestPathsView } from "../heapy/render/shortest-paths-view.js";
import { ordinalOfId } from "../heapy/graph/id-index.js";
import { renderStat } from "../heapy/render/stat-text.js";
import { loadStats, Stat } from "../heapy/stat/stat.js";
import { findLeaks, renderLeaks } from "../heapy/leaks.js";
import { HeapySet } from "../heapy/session/heapy-set.js";
import { IdentitySet } from "../heapy/sets/identity-set.js";
import { knownWaste, WASTE_ANALYSES } from "../heapy/waste/known-waste.js";
import { classifierNamed } from "../heapy/session/classifier-names.js";
import { growth, renderGrowth } from "../heapy/waste/growth.js";
import { attachHeap, loadHeap } from "./load.js";
import type { CommandRun } from "./command-run.js";

/** Options every table-printing command shares. */
export interface TableOptions {
  by: string;
  /** heap only: take the snapshot from a live process instead of a file. */
  attach?: string;
  limit?: number;
  all: boolean;
  json: boolean;
}

function printTable(set: HeapySet, opts: TableOptions, header = ""): void {
  const view = new PartitionView(partition(set, classifierNamed(opts.by)), 0, opts.all ? Number.POSITIVE_INFINITY : (opts.limit ?? 10));
  process.stdout.write(opts.json ? JSON.stringify(view.toJSON(), null, 2) + "\n" : header + String(view) + "\n");
}

/** `guppy heap FILE` or `guppy heap --attach TARGET`: the reachable objects partitioned (by Clodo unless --by says). */
export async function heapCommand(file: string | undefined, opts: TableOptions, run: CommandRun): Promise<void> {
  if ((file === undefined) === (opts.attach === undefined)) throw new GuppyError("USAGE", "Give a snapshot FILE or --attach HOST:PORT|PID, not both.");
  const h = await run.session();
  printTable(opts.attach !== undefined ? await attachHeap(h, opts.attach, opts.json) : await loadHeap(h, file!, opts.json), opts);
}

/** `guppy diff OLD NEW`: objects of NEW that OLD did not have (by V8 object id), partitioned. */
export async function diffCommand(oldFile: string, newFile: string, opts: TableOptions, run: CommandRun): Promise<void> {
  const h = await run.session();
  const before = await loadHeap(h, oldFile, opts.json);
  const after = await loadHeap(h, newFile, opts.json);
  printTable(after.minus(before), opts, `Objects in ${newFile} that are not in ${oldFile} (by object id):\n`);
}

/** Selects objects by `--id` (V8 id, as DevTools shows @id) or `--kind` (a Clodo kind). */
export function select(heap: HeapySet, id: number | undefined, kind: string | undefined): HeapySet {
  if ((id === undefined) === (kind === undefined)) throw new GuppyError("USAGE", "Give exactly one of --id ID or --kind NAME.");
  const g = heap.graph;
  if (id !== undefined) {
    const found = HeapySet.from(IdentitySet.ofIds(g, [id]));
    if (found.count === 0) throw new GuppyError("USAGE", `No object has id @${id} in ${g.file}.`);
    return found;
  }
  const view = heap.byclodo;
  const row = view.partition.rows.findIndex((r) => r.kind === kind);
  if (row < 0) throw new GuppyError("USAGE", `No reachable object is of kind '${kind}' (see guppy heap for the kinds).`);
  return HeapySet.from(view.row(row));
}

/** `guppy sp FILE --id ID | --kind NAME`: Heapy's shortest paths, to the chosen objects nearest the root. */
export async function spCommand(file: string, opts: { id?: number; kind?: string; limit?: number; all: boolean; json: boolean }, run: CommandRun): Promise<void> {
  const heap = await loadHeap(await run.session(), file, opts.json);
  const set = select(heap, opts.id, opts.kind);
  const view = new ShortestPathsView(set, {}, 0, opts.all ? Number.POSITIVE_INFINITY : (opts.limit ?? 10));
  if (opts.json) {
    const g = set.graph;
    const { numpaths, paths } = view.toJSON();
    const withLabels = paths.map((p) => ({ ...p, object: nodeLabel(g, ordinalOfId(g, p.id)) }));
    process.stdout.write(JSON.stringify({ count: set.count, numpaths, paths: withLabels }, null, 2) + "\n");
    return;
  }
  process.stdout.write(String(view) + "\n");
}

/** `guppy rp FILE --id ID | --kind NAME`: the reference pattern of the chosen objects. */
export async function rpCommand(file: string, opts: { id?: number; kind?: string; depth: number; by: string; limit?: number; all: boolean; json: boolean }, run: CommandRun): Promise<void> {
  const heap = await loadHeap(await run.session(), file, opts.json);
  const pattern = select(heap, opts.id, opts.kind).getRp(opts.depth, classifierNamed(opts.by));
  const text = opts.json ? JSON.stringify(pattern, null, 2) : pattern.render(0, opts.all ? Number.POSITIVE_INFINITY : (opts.limit ?? 10));
  process.stdout.write(text + "\n");
}

/** `guppy stat FILE [--dump STATFILE]` and `guppy stat --show STATFILE [--diff]`. */
export async function statCommand(file: string | undefined, opts: { by: string; dump?: string; show?: string; diff: boolean; json: boolean }, run: CommandRun): Promise<void> {
  if ((file === undefined) === (opts.show === undefined)) throw new GuppyError("USAGE", "Give a snapshot FILE (with --dump STATFILE to record it), or --show STATFILE.");
  if (file !== undefined) {
    const heap = await loadHeap(await run.session(), file, opts.json);
    const stat = Stat.fromPartition(partition(heap, classifierNamed(opts.by)));
    if (opts.dump !== undefined) stat.dump(opts.dump);
    process.stdout.write(opts.json ? JSON.stringify(stat, null, 2) + "\n" : renderStat(stat, { limit: Number.POSITIVE_INFINITY }) + "\n");
    return;
  }
  const stats = loadStats(opts.show!, (w) => process.stderr.write(`guppy: warning: ${w}\n`));
  if (opts.diff) {
    if (stats.length < 2) throw new GuppyError("USAGE", `--diff needs two records; ${opts.show} has ${stats.length}.`);
    const d = stats[stats.length - 1]!.diff(stats[stats.length - 2]!);
    process.stdout.write(opts.json ? JSON.stringify(d, null, 2) + "\n" : renderStat(d, { limit: Number.POSITIVE_INFINITY }) + "\n");
    return;
  }
  if (opts.json) {
    process.stdout.write(JSON.stringify(stats, null, 2) + "\n");
    return;
  }
  const parts = stats.map((s, i) => `Record ${i}, made ${new Date(s.timemade * 1000).toISOString()}:\n${renderStat(s, { limit: Number.POSITIVE_INFINITY })}`);
  process.stdout.write(parts.join("\n\n") + "\n");
}

/** `guppy leaks BASE TARGET FINAL [MORE…]`: the leak report over a series; returns 1 when leaks exceed the threshold. */
export async function leaksCommand(files: string[], opts: { threshold: number; all: boolean; json: boolean }, run: CommandRun): Promise<number> {
  if (!(opts.threshold >= 0)) throw new GuppyError("USAGE", "--threshold takes a number of bytes, 0 or more.");
  if (files.length < 3) throw new GuppyError("USAGE", `guppy leaks needs a baseline and at least two later snapshots (what grows with the runs); got ${files.length} file${files.length === 1 ? "" : "s"}.`);
  const h = await run.session();
  const sets = [];
  for (const f of files) sets.push(await loadHeap(h, f, opts.json));
  const report = findLeaks(...sets);
  if (opts.json) {
    const entries = report.entries.map(({ set, ...e }) => ({ ...e, ids: [...set.ids()].slice(0, 100) }));
    process.stdout.write(JSON.stringify({ count: report.count, intervals: report.intervals, retainedSize: report.retainedSize, threshold: opts.threshold, entries }, null, 2) + "\n");
  } else {
    process.stdout.write(renderLeaks(report, opts.all ? Number.POSITIVE_INFINITY : 10) + "\n");
  }
  return report.retainedSize > opts.threshold ? 1 : 0;
}

/** `guppy waste FILE`: the known-waste reports; exit 1 when they waste more than --threshold bytes. */
export async function wasteCommand(file: string, opts: { only?: string; threshold: number; all: boolean; json: boolean }, run: CommandRun): Promise<number> {
  const names = opts.only === undefined ? Object.keys(WASTE_ANALYSES) : opts.only.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const name of names) {
    if (!(name in WASTE_ANALYSES)) throw new GuppyError("USAGE", `Unknown report '${name}'; use one or more of ${Object.keys(WASTE_ANALYSES).join(", ")}.`);
  }
  if (!(opts.threshold >= 0)) throw new GuppyError("USAGE", "--threshold takes a number of bytes, 0 or more.");
  const h = await run.session();
  const set = await loadHeap(h, file, opts.json);
  const view = knownWaste(set, names, opts.all ? Number.POSITIVE_INFINITY : 10);
  process.stdout.write((opts.json ? JSON.stringify(view, null, 2) : String(view)) + "\n");
  return view.bytes > opts.threshold ? 1 : 0;
}

/** `guppy growth FILE FILE...`: collections that grew at every step; exit 1 when any did. */
export async function growthCommand(files: string[], opts: { min: number; all: boolean; json: boolean }, run: CommandRun): Promise<number> {
  if (files.length < 2) throw new GuppyError("USAGE", "guppy growth needs at least two snapshots of one process, oldest first.");
  const h = await run.session();
  const sets = [];
  for (const f of files) sets.push(await loadHeap(h, f, opts.json));
  const report = growth(sets, opts.min);
  process.stdout.write((opts.json ? JSON.stringify(report, null, 2) : renderGrowth(report, opts.all ? Number.POSITIVE_INFINITY : 10)) + "\n");
  return report.entries.length > 0 ? 1 : 0;
}
