import { inspect } from "node:util";
import { z } from "zod";
import { GuppyError } from "../errors.js";
import { listAnnexes } from "../heapy/monitor/annex-client.js";
import { className, edgeAccessor } from "../heapy/classify/classifiers.js";
import { partition } from "../heapy/classify/partition.js";
import { distancesOf, NO_DISTANCE } from "../heapy/graph/distances.js";
import { dominatorsOf } from "../heapy/graph/dominators.js";
import { retainersOf } from "../heapy/graph/retainers.js";
import { findLeaks, renderLeaks } from "../heapy/leaks.js";
import { overview, renderOverview } from "../heapy/overview.js";
import { renderPartition } from "../heapy/render/partition-table.js";
import { pathText } from "../heapy/render/paths.js";
import { classifierNamed } from "../heapy/session/classifier-names.js";
import type { HeapySet } from "../heapy/session/heapy-set.js";
import type { HeapGraph } from "../heapy/snapshot/heap-graph.js";
import { growth, renderGrowth } from "../heapy/waste/growth.js";
import { knownWaste, WASTE_ANALYSES, type WasteView } from "../heapy/waste/known-waste.js";
import { comparison, describeNode, nodeOf, nodeText, objectId, query } from "./objects.js";
import { cursorOffset, entriesListing, page, pageRows, renderedRows, type Answer, type PageRequest } from "./pages.js";
import { byArg, idArg, paging, setArg, snapshotArg, type Paged, type Tool, type ToolContext } from "./tool-args.js";
import type { OpenSnapshot } from "./workspace.js";

export type { Tool, ToolContext } from "./tool-args.js";

/** A partition of a set as one page of Heapy's table. */
function partitionPage(set: HeapySet, by: string, req: PageRequest, summary: Record<string, unknown> = {}, title: string[] = []): Answer {
  const offset = cursorOffset(req.cursor);
  const classifier = classifierNamed(by);
  const p = partition(set, classifier);
  const text = renderPartition(p.rows, classifier.kindHeader, { start: offset, limit: pageRows(req) });
  const { head, rows } = renderedRows(text, (l) => l.startsWith("Partition of") || l.startsWith(" Index"));
  return page(
    { head: offset === 0 ? [...title, ...head] : head, rows, total: p.rows.length, offset, items: (s, c) => p.rows.slice(s, s + c).map((r, i) => ({ index: s + i, ...r })) },
    req,
    { classifier: classifier.name, count: set.count, size: set.size, ...summary },
  );
}

function snapshotRow(s: OpenSnapshot): { handle: string; source: string; nodes: number; objects: number; size: number; warnings: string[] } {
  return { handle: s.handle, source: s.source, nodes: s.heap.graph.nodeCount, objects: s.heap.count, size: s.heap.size, warnings: [...s.heap.graph.warnings] };
}

/** A snapshot's line of the handles table, then what the reader worked around in it. */
function snapshotLine(r: ReturnType<typeof snapshotRow>): string {
  const line = `${r.handle.padEnd(6)} ${String(r.nodes).padStart(9)} ${String(r.objects).padStart(9)} ${String(r.size).padStart(11)} ${r.source}`;
  return [line, ...r.warnings.map((w) => `       warning: ${w}`)].join("\n");
}

const SNAPSHOT_HEADER = "Handle     Nodes   Objects        Size Source";

function dominatorsWithProgress(g: HeapGraph, ctx: ToolContext): ReturnType<typeof dominatorsOf> {
  return dominatorsOf(g, (done) => ctx.progress(done, 1, "Computing dominators"));
}

const s = (v: unknown): string => v as string;

/** The object the `snapshot` and `id` arguments name. */
function objectArg(ctx: ToolContext, a: Record<string, unknown>): { g: HeapGraph; n: number } {
  const snap = ctx.ws.get(s(a.snapshot));
  return { g: snap.heap.graph, n: nodeOf(snap, objectId(a.id)) };
}

const distanceText = (d: number): string => (d === NO_DISTANCE ? "(unreachable)" : String(d));

/** A waste view's totals per report (the entries are the answer's rows). */
function wasteSummary(view: WasteView): Record<string, unknown> {
  return { bytes: view.bytes, reports: view.reports.map((r) => ({ title: r.title, count: r.count, bytes: r.bytes, kinds: r.entries.length, note: r.note })) };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The tools, in the order an agent usually needs them. */
export const TOOLS: Tool[] = [
  {
    name: "open_snapshot",
    description: "Open .heapsnapshot or .heapsnapshot.gz files (any size; read once, then cached) and get handles s0, s1, ... for the other tools.",
    input: { path: z.union([z.string(), z.array(z.string()).min(1)]).describe("a snapshot file path, or several (oldest first)") },
    async run(a, ctx) {
      const paths = Array.isArray(a.path) ? (a.path as string[]) : [s(a.path)];
      const opened: OpenSnapshot[] = [];
      for (const [i, p] of paths.entries()) {
        const snap = await ctx.ws.openFile(p, (done, total) => ctx.progress(i + (total > 0 ? done / total : 0), paths.length, "Reading snapshots"));
        opened.push(snap);
      }
      const rows = opened.map(snapshotRow);
      return { text: [SNAPSHOT_HEADER, ...rows.map(snapshotLine)].join("\n"), structured: { snapshots: rows } };
    },
  },
  {
    name: "list_snapshots",
    description: "List the open snapshots (handle, nodes, reachable objects and their size, source) and the running programs started with guppy/rm.",
    input: {},
    async run(_a, ctx) {
      const rows = ctx.ws.list().map(snapshotRow);
      const annexes = listAnnexes().map((x) => ({ pid: x.pid, program: x.program }));
      const lines = rows.length === 0 ? ["No snapshots are open; call open_snapshot or take_snapshot."] : [SNAPSHOT_HEADER, ...rows.map(snapshotLine)];
      if (annexes.length > 0) lines.push("", "Programs with guppy/rm (take_snapshot annex_pid):", ...annexes.map((x) => `  pid ${x.pid} ${x.program}`));
      return { text: lines.join("\n"), structured: { snapshots: rows, annexes } };
    },
  },
  {
    name: "take_snapshot",
    description: "Take a heap snapshot of a live process on this machine: a Node or Chromium inspector (127.0.0.1:PORT), a Node PID (woken with SIGUSR1), or a program started with node --import guppy/rm (annex_pid, its token).",
    input: {
      target: z.string().optional().describe("127.0.0.1:PORT of an inspector (node --inspect, Chromium --remote-debugging-port), or a Node PID"),
      annex_pid: z.number().int().optional().describe("the PID of a program started with node --import guppy/rm (list_snapshots lists them)"),
      token: z.string().optional().describe("the annex's token (default: the one in its announcement file)"),
    },
    async run(a, ctx) {
      if ((a.target === undefined) === (a.annex_pid === undefined)) throw new GuppyError("USAGE", "Give exactly one of target (127.0.0.1:PORT or a PID) or annex_pid.");
      ctx.progress(0, undefined, "Taking a heap snapshot");
      const snap =
        a.annex_pid !== undefined
          ? await ctx.ws.annex(a.annex_pid as number, a.token as string | undefined, (done, total) => ctx.progress(done, total, "Reading the snapshot"))
          : await ctx.ws.attach(s(a.target));
      const row = snapshotRow(snap);
      return { text: [SNAPSHOT_HEADER, snapshotLine(row)].join("\n"), structured: { snapshots: [row] } };
    },
  },
  {
    name: "summary",
    description: "A snapshot's totals, its partition by V8 node type, and the objects with the largest retained sizes.",
    input: { snapshot: snapshotArg, top: z.number().int().min(1).default(10).describe("how many of the largest retainers"), max_chars: paging.max_chars },
    async run(a, ctx) {
      const g = ctx.ws.get(s(a.snapshot)).heap.graph;
      dominatorsWithProgress(g, ctx);
      distancesOf(g);
      const o = overview(g, a.top as number);
      const { largest, ...rest } = o;
      // Every type is in the structured copy; the text's table is the overview's first rows.
      const text = renderOverview(o).replace("Type e.g. '_.more' to view.", "All are in structuredContent.byType.");
      return page(entriesListing(text, Number.POSITIVE_INFINITY, 0), { max_chars: a.max_chars as number | undefined }, { ...rest, largest: largest.map(({ node: _node, ...r }) => r) });
    },
  },
  {
    name: "partition",
    description: "Heapy's partition of a set by a classifier (by class unless `by` says; combined as type,size): count, size and cumulative % per kind, largest first.",
    input: { set: setArg, by: byArg, ...paging },
    async run(a, ctx) {
      return partitionPage(ctx.ws.set(s(a.set)), s(a.by), a as Paged, { set: a.set });
    },
  },
  {
    name: "shortest_paths",
    description: "Heapy's shortest paths of a set: every shortest path from the root to the set's objects nearest it (an object held by two globals has two), written as JavaScript accessors (h.Root.global.app.cache.sessions<Map entry>), numbered; numpaths counts them.",
    input: { set: setArg, ...paging },
    async run(a, ctx) {
      const set = ctx.ws.set(s(a.set));
      const sp = set.sp;
      const { numpaths, targets, depth } = sp.graph;
      const offset = cursorOffset(a.cursor as string | undefined);
      const limit = pageRows(a as Paged);
      const paths = Array.from({ length: Math.max(0, Math.min(numpaths, offset + limit) - offset) }, (_, i) => sp.at(offset + i)!);
      const head =
        offset > 0 ? [] : numpaths === 0 ? [`${plural(set.count, "object")}; no path from the root reaches them (they are held only weakly, or not at all).`] : [`${plural(set.count, "object")}; ${plural(numpaths, "shortest path")} to the ${plural(targets.length, "object")} nearest the root.`];
      const rows = paths.map((p) => inspect(p));
      const items = (_s: number, c: number) => paths.slice(0, c).map((p) => ({ index: p.index, id: p.id, path: p.text }));
      const moreLine = (left: number, cursor: string) => `<... ${left} more path${left === 1 ? "" : "s"} (call again with cursor "${cursor}") ...>`;
      return page({ head, rows, total: numpaths, offset, items, moreLine }, a as Paged, { count: set.count, numpaths, reached: targets.length, depth });
    },
  },
  {
    name: "reference_pattern",
    description: "Heapy's reference pattern of a set: who refers to its objects, grouped by kind, level by level ([R] root reached, [^ n] seen at row n).",
    input: { set: setArg, depth: z.number().int().min(1).default(7).describe("levels of referrers to follow"), by: byArg, ...paging },
    async run(a, ctx) {
      const rp = ctx.ws.set(s(a.set)).getRp(a.depth as number, classifierNamed(s(a.by)));
      const offset = cursorOffset(a.cursor as string | undefined);
      const { head, rows } = renderedRows(rp.render(offset, pageRows(a as Paged)), (l) => l.startsWith("Reference Pattern by"));
      const json = rp.toJSON().rows;
      return page({ head, rows, total: rp.rows.length, offset, items: (st, c) => json.slice(st, st + c).map((r) => ({ ...r, ids: r.ids.slice(0, 20) })) }, a as Paged, { classifier: rp.classifier.name });
    },
  },
  {
    name: "dominated",
    description: "What freeing a set would free: its retained size (Heapy's domisize) and the objects it alone keeps alive (dominos), partitioned.",
    input: { set: setArg, by: byArg, ...paging },
    async run(a, ctx) {
      const set = ctx.ws.set(s(a.set));
      dominatorsWithProgress(set.graph, ctx);
      const dominos = set.dominos;
      const title = `The set of ${plural(set.count, "object")} (${set.size} bytes) keeps alive ${plural(dominos.count, "object")}; retained size (domisize) ${dominos.size} bytes.`;
      return partitionPage(dominos, s(a.by), a as Paged, { setCount: set.count, setSize: set.size, retainedSize: dominos.size }, [title]);
    },
  },
  {
    name: "object_details",
    description: "One object by V8 id: its class, sizes, distance, shortest path, and its outgoing edges with names and targets (strings and numbers with their values).",
    input: { snapshot: snapshotArg, id: idArg, ...paging },
    async run(a, ctx) {
      const { g, n } = objectArg(ctx, a);
      const self = describeNode(g, n);
      const retained = dominatorsWithProgress(g, ctx).retainedSize[n]!;
      const distance = distancesOf(g)[n]!;
      const path = pathText(g, n);
      const offset = cursorOffset(a.cursor as string | undefined);
      const first = g.firstEdge[n]!;
      const total = g.firstEdge[n + 1]! - first;
      const edge = (e: number) => ({ edge: edgeAccessor(g, e), edgeType: g.edgeTypeName(e), to: describeNode(g, g.edgeTarget[e]!) });
      const head = offset === 0
        ? [
            `${nodeText(self)}, class ${className(g, n)}, retained ${retained} bytes, distance ${distanceText(distance)}`,
            `path: ${path ?? "(no path from the root)"}`,
            `${plural(total, "edge")}:`,
          ]
        : [];
      const rows = Array.from({ length: Math.max(0, Math.min(total - offset, pageRows(a as Paged))) }, (_, i) => {
        const d = edge(first + offset + i);
        return `  ${d.edge} (${d.edgeType}) → ${nodeText(d.to)}`;
      });
      const items = (st: number, c: number) => Array.from({ length: c }, (_, i) => edge(first + st + i));
      return page({ head, rows, total, offset, items }, a as Paged, { ...self, className: className(g, n), retainedSize: retained, distance, path });
    },
  },
  {
    name: "retainers",
    description: "The objects that refer to one object (by V8 id), each with the edge's name, nearest the root first.",
    input: { snapshot: snapshotArg, id: idArg, ...paging },
    async run(a, ctx) {
      const { g, n } = objectArg(ctx, a);
      const { firstRetainer, retainerEdge, retainerNode } = retainersOf(g);
      const distance = distancesOf(g);
      const slots = Array.from({ length: firstRetainer[n + 1]! - firstRetainer[n]! }, (_, i) => firstRetainer[n]! + i);
      const far = (x: number) => (distance[x] === NO_DISTANCE ? Number.MAX_SAFE_INTEGER : distance[x]!);
      slots.sort((x, y) => far(retainerNode[x]!) - far(retainerNode[y]!) || x - y);
      const item = (slot: number) => ({ edge: edgeAccessor(g, retainerEdge[slot]!), edgeType: g.edgeTypeName(retainerEdge[slot]!), from: describeNode(g, retainerNode[slot]!), distance: distance[retainerNode[slot]!]! });
      const offset = cursorOffset(a.cursor as string | undefined);
      const head = offset === 0 ? [`${nodeText(describeNode(g, n))} has ${plural(slots.length, "referrer")}:`] : [];
      const rows = slots.slice(offset, offset + pageRows(a as Paged)).map((slot) => {
        const d = item(slot);
        return `  ${nodeText(d.from)} ${d.edge} (${d.edgeType}), distance ${distanceText(d.distance)}`;
      });
      return page({ head, rows, total: slots.length, offset, items: (st, c) => slots.slice(st, st + c).map(item) }, a as Paged, { id: g.nodeId[n] });
    },
  },
  {
    name: "query_objects",
    description: "Objects of a set matching all given conditions (class, V8 type, a property name, size range, DOM detachedness), with sizes and shortest paths.",
    input: {
      set: setArg,
      class: z.string().optional().describe("class name as partition by clodo shows it (Session, Array, (object properties) of Foo)"),
      type: z.string().optional().describe("V8 node type: object, closure, string, number, array, code, hidden, native, ..."),
      property: z.string().optional().describe("objects with a property (or internal or context variable) of this name"),
      min_size: z.number().int().min(0).optional().describe("shallow size at least, in bytes"),
      max_size: z.number().int().min(0).optional().describe("shallow size at most, in bytes"),
      detached: z.boolean().optional().describe("true: only DOM nodes detached from their document; false: none of those"),
      ...paging,
    },
    async run(a, ctx) {
      const found = query(ctx.ws.set(s(a.set)), ctx.ws.session, a as Parameters<typeof query>[2]);
      const g = found.graph;
      const { retainedSize } = dominatorsWithProgress(g, ctx);
      const nodes = found.ordinals();
      const offset = cursorOffset(a.cursor as string | undefined);
      const item = (n: number) => ({ ...describeNode(g, n), className: className(g, n), retainedSize: retainedSize[n]!, path: pathText(g, n) });
      const head = offset === 0 ? [`${plural(found.count, "object")}, ${found.size} bytes.`] : [];
      const rows = [...nodes.subarray(offset, offset + pageRows(a as Paged))].map((n) => {
        const d = item(n);
        return `  ${nodeText(d)} retained ${d.retainedSize} at ${d.path ?? "(no path from the root)"}`;
      });
      return page({ head, rows, total: nodes.length, offset, items: (st, c) => [...nodes.subarray(st, st + c)].map(item) }, a as Paged, { count: found.count, size: found.size });
    },
  },
  {
    name: "compare",
    description: "Compare two snapshots of one process per class (matched by V8 id): objects new in the later, deleted since the earlier, and the deltas, largest size change first.",
    input: { base: snapshotArg.describe("the earlier snapshot's handle"), target: snapshotArg.describe("the later snapshot's handle"), by: byArg, ...paging },
    async run(a, ctx) {
      const base = ctx.ws.get(s(a.base)).heap;
      const target = ctx.ws.get(s(a.target)).heap;
      const rows = comparison(base, target, s(a.by));
      const sum = (k: "newCount" | "newSize" | "deletedCount" | "deletedSize") => rows.reduce((t, r) => t + r[k], 0);
      const offset = cursorOffset(a.cursor as string | undefined);
      const header = classifierNamed(s(a.by)).kindHeader;
      const head = offset === 0
        ? [`${s(a.target)} against ${s(a.base)}: ${sum("newCount")} new objects (${sum("newSize")} bytes), ${sum("deletedCount")} deleted (${sum("deletedSize")} bytes).`, ` Index    New  Deleted    Delta  Alloc size  Freed size  Size delta ${header}`]
        : [];
      const p = (v: number, w: number) => String(v).padStart(w);
      const lines = rows.slice(offset, offset + pageRows(a as Paged)).map((r, i) => `${p(offset + i, 6)} ${p(r.newCount, 6)} ${p(r.deletedCount, 8)} ${p(r.countDelta, 8)} ${p(r.newSize, 11)} ${p(r.deletedSize, 11)} ${p(r.sizeDelta, 11)} ${r.kind}`);
      return page({ head, rows: lines, total: rows.length, offset, items: (st, c) => rows.slice(st, st + c) }, a as Paged, { newCount: sum("newCount"), newSize: sum("newSize"), deletedCount: sum("deletedCount"), deletedSize: sum("deletedSize") });
    },
  },
  {
    name: "leaks",
    description: "Leaks from three snapshots of one process: objects allocated after base that final still holds, in groups (by how they are held) that grew in both intervals, with retained sizes.",
    input: { base: snapshotArg.describe("before the scenario"), target: snapshotArg.describe("after running the scenario"), final: snapshotArg.describe("after running it again, or after cleanup"), ...paging },
    async run(a, ctx) {
      const [b, t, f] = [a.base, a.target, a.final].map((h) => ctx.ws.get(s(h)).heap);
      dominatorsWithProgress(f!.graph, ctx);
      const report = findLeaks(b!, t!, f!);
      const entries = (st: number, c: number) => report.entries.slice(st, st + c).map(({ set, ...e }) => ({ ...e, ids: [...set.ids()].slice(0, 20) }));
      const listing = entriesListing(renderLeaks(report, Number.POSITIVE_INFINITY), 1, cursorOffset(a.cursor as string | undefined), entries);
      return page(listing, a as Paged, { count: report.count, retainedSize: report.retainedSize, groups: report.entries.length });
    },
  },
  {
    name: "growth",
    description: "Collections (Map, Set, Array, objects used as dictionaries) that grew at every step across two or more snapshots of one process, oldest first.",
    input: { snapshots: z.array(z.string()).min(2).describe("handles, oldest first (s0, s1, s2)"), min: z.number().int().min(1).default(10).describe("entries a collection must have gained in all"), ...paging },
    async run(a, ctx) {
      const sets = (a.snapshots as string[]).map((h) => ctx.ws.get(h).heap);
      const report = growth(sets, a.min as number);
      const listing = entriesListing(renderGrowth(report, Number.POSITIVE_INFINITY), 1, cursorOffset(a.cursor as string | undefined), (st, c) => report.entries.slice(st, st + c));
      return page(listing, a as Paged, { snapshots: report.snapshots, collections: report.entries.length });
    },
  },
  {
    name: "waste",
    description: "Known waste in a set: duplicated strings, detached DOM nodes, empty and sparse collections, closures holding variables they never use.",
    input: { set: setArg, only: z.array(z.enum(Object.keys(WASTE_ANALYSES) as [string, ...string[]])).optional().describe("some of the reports (default all)"), ...paging },
    async run(a, ctx) {
      const view = knownWaste(ctx.ws.set(s(a.set)), (a.only as string[] | undefined) ?? Object.keys(WASTE_ANALYSES), Number.POSITIVE_INFINITY);
      return page(entriesListing(String(view), 0, cursorOffset(a.cursor as string | undefined)), a as Paged, wasteSummary(view));
    },
  },
  {
    name: "duplicate_strings",
    description: "Strings held more than once with the same text: the text (first 40 characters), copies, and the bytes all copies but one waste.",
    input: { set: setArg, ...paging },
    async run(a, ctx) {
      const view = knownWaste(ctx.ws.set(s(a.set)), ["strings"], Number.POSITIVE_INFINITY);
      return page(entriesListing(String(view), 1, cursorOffset(a.cursor as string | undefined)), a as Paged, wasteSummary(view));
    },
  },
];

