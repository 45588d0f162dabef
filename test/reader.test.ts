import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { bufferSource } from "../src/heapy/snapshot/byte-source.js";
import type { HeapGraph } from "../src/heapy/snapshot/heap-graph.js";
import { readFromSource, readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { layoutOf, type SnapshotHeader } from "../src/heapy/snapshot/meta.js";
import { nearNodesEnd } from "../src/heapy/snapshot/parallel-edges.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { globalWith } from "./support/known-graphs.js";
import { synthSnapshot, type SynthNode } from "./support/synthetic.js";

const dir = mkdtempSync(join(tmpdir(), "guppy-reader-"));

function nodesNamed(g: HeapGraph, name: string): number[] {
  const out: number[] = [];
  for (let n = 0; n < g.nodeCount; n++) if (g.name(n) === name) out.push(n);
  return out;
}

function edgesOf(g: HeapGraph, n: number): number[] {
  const out: number[] = [];
  for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) out.push(e);
  return out;
}

/** The first property edge of `n` named `name`, as a target node. */
function property(g: HeapGraph, n: number, name: string): number {
  const e = edgesOf(g, n).find((e) => g.edgeTypeName(e) === "property" && g.edgeNameText(e) === name);
  assert.ok(e !== undefined, `no property ${name}`);
  return g.edgeTarget[e]!;
}

test("reads a Node snapshot into columns that hold the program's known objects", async () => {
  const g = await readHeapSnapshot(await fixtureSnapshot("classes-in-map"));
  assert.equal(g.nodeCount, g.header.node_count);
  assert.equal(g.edgeCount, g.header.edge_count);
  assert.equal(g.firstEdge[g.nodeCount], g.edgeCount);
  // Without allocation tracking there are no trace ids (Node 22 and older write one per node, all 0): no column is kept.
  assert.equal(g.nodeTraceId, null);
  const foos = nodesNamed(g, "Foo").filter((n) => g.typeName(n) === "object");
  assert.equal(foos.length, 100);
  const labels = foos.map((n) => g.name(property(g, n, "label"))).sort();
  assert.deepEqual(labels, Array.from({ length: 100 }, (_, i) => `foo-label-${i}`).sort());
  assert.equal(g.name(property(g, globalWith(g, "fooMap"), "fooMap")), "Map");
  assert.deepEqual(g.warnings, []);
});

test("snapshots V8 writes itself: near the heap limit (before an OOM crash) and on a signal", async () => {
  const oom = await readHeapSnapshot(await fixtureSnapshot("near-heap-limit"));
  const leaks = nodesNamed(oom, "Leak").filter((n) => oom.typeName(n) === "object").length;
  assert.ok(leaks > 1000, `${leaks} Leak objects`);
  assert.deepEqual(oom.warnings, []);
  const signalled = await readHeapSnapshot(await fixtureSnapshot("on-signal"));
  assert.equal(nodesNamed(signalled, "Signalled").filter((n) => signalled.typeName(n) === "object").length, 123);
});

test("gzip input reads to exactly the same graph as the plain file", async () => {
  const file = await fixtureSnapshot("closures");
  const gz = join(dir, "closures.heapsnapshot.gz");
  writeFileSync(gz, gzipSync(readFileSync(file)));
  const a = await readHeapSnapshot(file);
  const b = await readHeapSnapshot(gz);
  for (const col of ["nodeType", "nodeName", "nodeId", "nodeSelfSize", "firstEdge", "edgeType", "edgeName", "edgeTarget", "locations"] as const) {
    assert.deepEqual(b[col], a[col], col);
  }
  assert.equal(b.strings.count, a.strings.count);
  assert.equal(b.strings.get(b.strings.count - 1), a.strings.get(a.strings.count - 1));
});

test("locations map closures to scripts by node ordinal", async () => {
  const g = await readHeapSnapshot(await fixtureSnapshot("closures"));
  const width = g.layout.locationFields.length;
  assert.ok(g.locations.length > 0 && g.locations.length % width === 0);
  const retainer = nodesNamed(g, "retainer").find((n) => g.typeName(n) === "closure");
  assert.ok(retainer !== undefined);
  const rows: number[] = [];
  for (let i = 0; i < g.locations.length; i += width) rows.push(g.locations[i]!);
  assert.ok(rows.includes(retainer), "the closure 'retainer' has a location");
  assert.ok(rows.every((n) => Number.isInteger(n) && n < g.nodeCount));
});

test("allocation tracking sections are read: function infos, the trace tree, and each node's trace node", async () => {
  const g = await readHeapSnapshot(await fixtureSnapshot("allocation-traces"));
  const t = g.traces;
  assert.ok(t !== null && g.nodeTraceId !== null);
  assert.ok(t.treeId.length > 1);
  assert.equal(t.treeParent[0], -1);
  const fields = t.functionInfoFields;
  const nameAt = fields.indexOf("name");
  const functionNames = new Set<string>();
  for (let i = 0; i < t.functionInfos.length; i += fields.length) functionNames.add(g.strings.get(t.functionInfos[i + nameAt]!));
  assert.ok(functionNames.has("allocateTracked"));
  // Every Tracked instance points at a trace node whose function is the allocating one (or its callee).
  const tracked = nodesNamed(g, "Tracked").filter((n) => g.typeName(n) === "object");
  assert.equal(tracked.length, 500);
  const rowOfId = new Map<number, number>();
  t.treeId.forEach((id, row) => rowOfId.set(id, row));
  for (const n of tracked) {
    const row = rowOfId.get(g.nodeTraceId[n]!);
    assert.ok(row !== undefined, "trace node exists");
    const fnRow = t.treeFunctionInfo[row]!;
    const fnName = g.strings.get(t.functionInfos[fnRow * fields.length + nameAt]!);
    assert.ok(["allocateTracked", "Tracked"].includes(fnName), fnName);
  }
});

test("progress reports climb to the file size", async () => {
  const file = await fixtureSnapshot("typed-arrays");
  const seen: [number, number][] = [];
  await readHeapSnapshot(file, { onProgress: (read, total) => seen.push([read, total]) });
  assert.ok(seen.length >= 1);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]![0] >= seen[i - 1]![0]);
  const [read, total] = seen[seen.length - 1]!;
  assert.equal(read, total);
});

const tricky: SynthNode[] = [
  { type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "1", to: 1 }] },
  { type: "object", name: 'quote " and backslash \\ and é and \n newline', size: 10, edges: [{ type: "property", name: "\\\\", to: 2 }, { type: "element", name: 7, to: 2 }] },
  { type: "string", name: "ends with backslash \\", size: 5, edges: [] },
];

test("many locations read in order, into the one array reserved for them, or into chunks once a number beyond 32 bits comes", async () => {
  const count = 40_000;
  const nodes: SynthNode[] = [{ type: "synthetic", name: "", size: 0, edges: [] }];
  for (let k = 1; k <= count; k++) nodes.push({ type: "closure", name: "f", size: 32, edges: [] });
  const locs: number[] = [];
  for (let k = 1; k <= count; k++) locs.push(7 * k, k % 5, k, 2 * k);
  const g = await readFromSource(bufferSource("t", [Buffer.from(synthSnapshot(nodes).replace('"locations":[]', `"locations":[${locs.join(",")}]`))]));
  assert.ok(g.locations instanceof Uint32Array);
  assert.equal(g.locations.length, 4 * count);
  for (let k = 1; k <= count; k++) assert.deepEqual([...g.locations.subarray(4 * k - 4, 4 * k)], [k, k % 5, k, 2 * k]);
  // In pieces of any size, a record cut between two reads too (records go straight into the reservation, all but those).
  const text = Buffer.from(synthSnapshot(nodes).replace('"locations":[]', `"locations":[${locs.join("\n,")}]`));
  for (const piece of [997, 4096, 65_521]) {
    const pieces: Buffer[] = [];
    for (let at = 0; at < text.length; at += piece) pieces.push(text.subarray(at, at + piece));
    const cut = await readFromSource(bufferSource("t", pieces));
    assert.deepEqual(cut.locations, g.locations, `pieces of ${piece} bytes`);
  }
  // A number beyond 32 bits after all of them: what the one reserved array held moves into
  // chunks of doubles, in order, and the column is the numbers as read.
  const wide = await readFromSource(bufferSource("t", [Buffer.from(synthSnapshot(nodes).replace('"locations":[]', `"locations":[${locs.join(",")},7,1,1,${2 ** 33}]`))]));
  assert.ok(wide.locations instanceof Float64Array);
  assert.equal(wide.locations.length, 4 * count + 4);
  for (let k = 1; k <= count; k++) assert.deepEqual([...wide.locations.subarray(4 * k - 4, 4 * k)], [k, k % 5, k, 2 * k]);
  assert.deepEqual([...wide.locations.subarray(4 * count)], [1, 1, 1, 2 ** 33]);
});

test("a locations section is read up to the most the header's node count allows, and refused beyond it", async () => {
  // (Four numbers a node and 2^20 nodes of slack: a file of two nodes may hold 4 * (2 + 2^20).)
  const nodes: SynthNode[] = [{ type: "synthetic", name: "", size: 0, edges: [] }, { type: "closure", name: "f", size: 32, edges: [] }];
  const limit = 4 * (2 + (1 << 20));
  const within = await readFromSource(bufferSource("t", [Buffer.from(synthSnapshot(nodes).replace('"locations":[]', `"locations":[${"0,".repeat(limit - 1)}0]`))]));
  assert.equal(within.locations.length, limit);
  const over = synthSnapshot(nodes).replace('"locations":[]', `"locations":[${"0,".repeat(limit)}0]`);
  await assert.rejects(readFromSource(bufferSource("t", [Buffer.from(over)])), { code: "COUNT_MISMATCH", message: /locations section holds more numbers than the header's counts allow/ });
});

test("strings with escapes decode exactly, and every chunking of the input reads the same", async () => {
  const text = synthSnapshot(tricky)
    .replace('"strings"', '"future_section":{"a":[1,2,{"b":"]}\\""}]},\n"strings"')
    .replace('"samples":[]', '"samples":[1000,1,5000000000,7]')
    .replace('"locations":[]', '"locations":[7,3,10,4]');
  const bytes = Buffer.from(text);
  const whole = await readFromSource(bufferSource("t", [bytes]));
  assert.equal(whole.name(1), tricky[1]!.name);
  assert.equal(whole.name(2), tricky[2]!.name);
  assert.equal(whole.edgeNameText(0), "1");
  assert.equal(whole.edgeNameText(1), "\\\\");
  assert.equal(whole.edgeNameText(2), "7");
  assert.deepEqual(whole.strings.indicesOf(tricky[1]!.name), [whole.nodeName[1]]);
  // Samples keep timestamps beyond 32 bits; locations name node ordinals (index / field count).
  assert.deepEqual([...whole.samples], [1000, 1, 5000000000, 7]);
  assert.deepEqual([...whole.locations], [1, 3, 10, 4]);
  // In 32 bits when every value fits (half the memory), as read when one does not.
  assert.ok(whole.locations instanceof Uint32Array);
  const odd = await readFromSource(bufferSource("t", [Buffer.from(text.replace('"locations":[7,3,10,4]', '"locations":[8,3,-1,4]'))]));
  assert.ok(odd.locations instanceof Float64Array);
  assert.deepEqual([...odd.locations], [8 / 7, 3, -1, 4]);
  // An index between two nodes, though it fits; one beyond 32 bits whose ordinal fits.
  const between = await readFromSource(bufferSource("t", [Buffer.from(text.replace('"locations":[7,3,10,4]', '"locations":[8,3,10,4]'))]));
  assert.ok(between.locations instanceof Float64Array);
  assert.deepEqual([...between.locations], [8 / 7, 3, 10, 4]);
  const far = await readFromSource(bufferSource("t", [Buffer.from(text.replace('"locations":[7,3,10,4]', `"locations":[${7 * 0xffffffff},3,10,4]`))]));
  assert.ok(far.locations instanceof Uint32Array);
  assert.deepEqual([...far.locations], [0xffffffff, 3, 10, 4]);
  for (const size of [1, 2, 3, 5, 7, 64]) {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    const g = await readFromSource(bufferSource("t", chunks));
    assert.deepEqual([g.name(0), g.name(1), g.name(2)], [whole.name(0), whole.name(1), whole.name(2)], `chunk size ${size}`);
    assert.deepEqual(g.edgeTarget, whole.edgeTarget);
    assert.deepEqual(g.edgeName, whole.edgeName);
  }
});

test("a worker parsing the edges gives the same graph as one thread, on every fixture, plain and gzipped", async () => {
  const { FIXTURES } = await import("./support/fixtures.js");
  for (const name of FIXTURES) {
    const file = await fixtureSnapshot(name);
    const gz = join(dir, `${name}.heapsnapshot.gz`);
    writeFileSync(gz, gzipSync(readFileSync(file)));
    const one = await readHeapSnapshot(file, { parallel: false, cacheDir: null });
    for (const [what, input] of [["plain", file], ["gzipped", gz]] as const) {
      const progress: number[] = [];
      const two = await readHeapSnapshot(input, { parallel: true, cacheDir: null, onProgress: (read, total) => progress.push(read / total) });
      for (const col of ["nodeType", "nodeName", "nodeId", "nodeSelfSize", "firstEdge", "edgeType", "edgeName", "edgeTarget", "locations", "samples"] as const) {
        assert.deepEqual(two[col], one[col], `${name}, ${what}: ${col}`);
      }
      assert.equal(two.strings.count, one.strings.count, name);
      assert.ok(two.edgeTarget.buffer instanceof SharedArrayBuffer, `${name}, ${what}: the worker filled shared columns`);
      assert.ok(progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= progress[i - 1]!)), `${name}, ${what}: progress only moves forward`);
    }
  }
});

test("records read straight into their columns equal the same numbers read one at a time", async () => {
  // ", " between numbers is a layout only the general loop reads: every node and edge
  // then goes through the batch, as it did before records were read straight in.
  const { FIXTURES } = await import("./support/fixtures.js");
  for (const name of FIXTURES) {
    const file = await fixtureSnapshot(name);
    const text = readFileSync(file, "latin1");
    const spaced = text.replace(/"(nodes|edges)":\[[^\]]*\]/g, (section) => section.replace(/\n?,/g, ", "));
    assert.notEqual(spaced, text);
    const plain = join(dir, `${name}-spaced.heapsnapshot`);
    writeFileSync(plain, spaced, "latin1");
    const general = await readHeapSnapshot(plain, { parallel: false, cacheDir: null });
    for (const parallel of [false, true]) {
      const records = await readHeapSnapshot(file, { parallel, cacheDir: null });
      for (const col of ["nodeType", "nodeName", "nodeId", "nodeSelfSize", "firstEdge", "edgeType", "edgeName", "edgeTarget", "nodeTraceId", "nodeDetachedness"] as const) {
        assert.deepEqual(records[col], general[col], `${name} (parallel: ${parallel}): ${col}`);
      }
      assert.equal(records.strings.count, general.strings.count, name);
    }
  }
});

test("this thread taking the rest of the edges from the worker gives the same graph, wherever the cut falls", async () => {
  const file = await fixtureSnapshot("classes-in-map");
  const text = readFileSync(file);
  const one = await readHeapSnapshot(file, { parallel: false, cacheDir: null });
  const start = text.indexOf('"edges":[') + '"edges":['.length;
  const end = text.indexOf("]", start);
  const commas: number[] = [];
  for (let i = text.indexOf(",", start); i >= 0 && i < end; i = text.indexOf(",", i + 1)) commas.push(i);
  assert.equal(commas.length, one.edgeCount * 3 - 1, "a comma between each two numbers");
  // After the first number, after each field of a record in the middle, before the last number.
  const middle = 3 * Math.floor(commas.length / 6);
  for (const k of [0, middle, middle + 1, middle + 2, commas.length - 1]) {
    const progress: number[] = [];
    const two = await readHeapSnapshot(file, { parallel: true, cacheDir: null, edgeTailFrom: commas[k]!, onProgress: (read, total) => progress.push(read / total) });
    for (const col of ["firstEdge", "edgeType", "edgeName", "edgeTarget"] as const) assert.deepEqual(two[col], one[col], `cut after number ${k + 1}: ${col}`);
    assert.ok(progress.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= progress[i - 1]!)), `cut after number ${k + 1}: progress only moves forward`);
  }
  // Cuts after a newline: where V8 writes them, this thread reads records from the cut;
  // in lines of two numbers, a newline falls inside records too, and the tail read as
  // records is read again as numbers.
  const pairs = join(dir, "classes-in-map-pairs.heapsnapshot");
  const paired = Buffer.from(edgesInLinesOf(text.toString("latin1"), 2), "latin1");
  writeFileSync(pairs, paired);
  const pairStart = paired.indexOf('"edges":[') + '"edges":['.length;
  for (const wanted of [Math.floor(one.edgeCount / 2), Math.floor(one.edgeCount / 2) + 1]) {
    // (The comma after the newline that follows the wanted-th pair of numbers.)
    let at = pairStart;
    for (let k = 0; k < wanted; k++) at = paired.indexOf("\n,", at) + 1;
    const two = await readHeapSnapshot(pairs, { parallel: true, cacheDir: null, edgeTailFrom: at });
    for (const col of ["firstEdge", "edgeType", "edgeName", "edgeTarget"] as const) assert.deepEqual(two[col], one[col], `lines of two, cut after pair ${wanted}: ${col}`);
  }
  // Context edges named by string 1, in lines of two: a tail cut one number into a
  // record reads as records whose every field passes (type 1, target 0), so only the
  // worker's leftover number tells that the records are shifted.
  const ctx: SynthNode[] = [{ type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "x", to: 1 }] }];
  for (let i = 1; i < 4000; i++) ctx.push({ type: "object", name: "x", size: 8, edges: [1, 2, 3].map((d) => ({ type: "context", name: "x", to: (i * d) % 4000 })) });
  const shifted = edgesInLinesOf(synthSnapshot(ctx), 2);
  const shiftedFile = join(dir, "context-pairs.heapsnapshot");
  writeFileSync(shiftedFile, shifted);
  const ctxOne = await readHeapSnapshot(shiftedFile, { parallel: false, cacheDir: null });
  let cutAt = shifted.indexOf('"edges":[');
  // (After 2000 pairs, 4000 numbers: one into a record.)
  for (let k = 0; k < 2000; k++) cutAt = shifted.indexOf("\n,", cutAt) + 1;
  const ctxTwo = await readHeapSnapshot(shiftedFile, { parallel: true, cacheDir: null, edgeTailFrom: cutAt });
  for (const col of ["edgeType", "edgeName", "edgeTarget"] as const) assert.deepEqual(ctxTwo[col], ctxOne[col], `a tail cut one number into a record: ${col}`);
  // (The last edge's target made 1, no node's index.)
  const lastTarget = text.lastIndexOf(",", end) + 1;
  const bad = Buffer.concat([text.subarray(0, lastTarget), Buffer.from("1"), text.subarray(end)]);
  const badFile = join(dir, "classes-in-map-bad-tail.heapsnapshot");
  writeFileSync(badFile, bad);
  const message = (o: object): Promise<string> => readHeapSnapshot(badFile, { cacheDir: null, ...o }).then(() => "read", (e: Error & { code?: string }) => `${e.code}: ${e.message}`);
  const refused = await message({ parallel: false });
  assert.match(refused, /^EDGE_OUT_OF_RANGE: Edge \d+ points/);
  assert.equal(await message({ parallel: true, edgeTailFrom: commas[middle]! }), refused, "a bad target in a tail read as records: the same error");
  // A cut beyond the section (in the strings) is never reached: the worker reads the section to its ']' alone.
  const far = text.indexOf(",", text.indexOf('"strings":['));
  const three = await readHeapSnapshot(file, { parallel: true, cacheDir: null, edgeTailFrom: far });
  assert.deepEqual(three.edgeTarget, one.edgeTarget);
});

test("a large edges section that both threads parse, each a part, gives the same graph as one thread", async () => {
  // Few nodes and strings, 1.5 M edges (19 MB): this thread is done with the rest long
  // before the worker is with the edges, and takes a tail of them.
  const holders = 4;
  const per = 375_000;
  const nodes: SynthNode[] = [{ type: "synthetic", name: "", size: 0, edges: Array.from({ length: holders }, (_, i) => ({ type: "shortcut", name: String(i), to: i + 1 })) }];
  for (let h = 0; h < holders; h++) nodes.push({ type: "array", name: "Big", size: 16, edges: Array.from({ length: per }, (_, i) => ({ type: "element", name: i, to: 1 + ((h + i) % (holders + 1)) })) });
  nodes.push({ type: "object", name: "Leaf", size: 8, edges: [] });
  const file = join(dir, "big-edges.heapsnapshot");
  writeFileSync(file, synthSnapshot(nodes));
  const one = await readHeapSnapshot(file, { parallel: false, cacheDir: null });
  for (let run = 0; run < 3; run++) {
    const two = await readHeapSnapshot(file, { parallel: true, cacheDir: null });
    for (const col of ["firstEdge", "edgeType", "edgeName", "edgeTarget"] as const) assert.deepEqual(two[col], one[col], `run ${run}: ${col}`);
  }
});

/** A heap of `count` objects in a chain from the root: a nodes section of `count` lines, an edge each; `name` names each. */
function chainSnapshot(count: number, name: (i: number) => string = () => "Link"): string {
  const nodes: SynthNode[] = [{ type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "0", to: 1 }] }];
  for (let i = 1; i < count; i++) nodes.push({ type: "object", name: name(i), size: 16, edges: i + 1 < count ? [{ type: "property", name: "next", to: i + 1 }] : [] });
  return synthSnapshot(nodes);
}

/** The text with its edges section's numbers re-cut into lines of `perLine` numbers (the JSON, and so the graph, unchanged). */
function edgesInLinesOf(text: string, perLine: number): string {
  const from = text.indexOf('"edges":[') + '"edges":['.length;
  const to = text.indexOf("]", from);
  const numbers = text.slice(from, to).split(/\s*,\s*/);
  const lines: string[] = [];
  for (let i = 0; i < numbers.length; i += perLine) lines.push(numbers.slice(i, i + perLine).join(","));
  return text.slice(0, from) + lines.join("\n,") + text.slice(to);
}

/** Where the bisection places the nodes section's end in `file`, and where its ']' is. */
async function nearAndEnd(file: string): Promise<{ near: number; close: number; earliest: number }> {
  const text = readFileSync(file, "latin1");
  const header = JSON.parse(text.slice(text.indexOf("{", 1), text.indexOf('},\n"nodes"') + 1)) as SnapshotHeader;
  const L = layoutOf(header, { file, offset: 0 });
  const nodesStart = text.indexOf('"nodes":[') + '"nodes":'.length;
  const earliest = nodesStart + 2 * header.node_count * L.nodeFieldCount - 1;
  const fh = await open(file, "r");
  try {
    return { near: await nearNodesEnd(fh, earliest, text.length, L), close: text.indexOf('],\n"edges"'), earliest };
  } finally {
    await fh.close();
  }
}

test("the worker's edges begin where the nodes end, found by bisection near their ']'; where the lines mislead it, from the earliest place", async () => {
  const text = chainSnapshot(60_000);
  const file = join(dir, "chain.heapsnapshot");
  writeFileSync(file, text);
  const at = await nearAndEnd(file);
  assert.ok(at.near <= at.close && at.close - at.near <= 1 << 16, `near ${at.near}, ']' at ${at.close}`);
  assert.ok(at.close - at.earliest > 1 << 18, "the earliest place is far before the ']'");
  const one = await readHeapSnapshot(file, { parallel: false, cacheDir: null });
  const same = async (f: string, what: string): Promise<void> => {
    // (A thread lent for the read that has none to lend: the read starts its own, and its job was made.)
    let jobs = 0;
    const edgeThread = { take: () => (jobs++, null), giveBack: async () => undefined };
    const two = await readHeapSnapshot(f, { parallel: true, cacheDir: null, edgeThread });
    assert.equal(jobs, 1, `${what}: a worker parsed the edges`);
    for (const col of ["firstEdge", "edgeType", "edgeName", "edgeTarget", "nodeId", "nodeName"] as const) assert.deepEqual(two[col], one[col], `${what}: ${col}`);
  };
  await same(file, "V8's lines");
  // Edges written seven numbers a line look like nodes to the bisection, which goes past
  // the nodes' end: the ']' it then finds has no edges after it.
  const misleading = join(dir, "chain-edges-in-sevens.heapsnapshot");
  writeFileSync(misleading, edgesInLinesOf(text, 7));
  const past = await nearAndEnd(misleading);
  assert.ok(past.near > past.close, "the bisection was misled");
  await same(misleading, "edges in lines of seven");
  // Most of this file is its strings, each on a line with a node's count of commas: the
  // first probes fall there, and tell them from the nodes' lines.
  const named = join(dir, "chain-long-names.heapsnapshot");
  writeFileSync(named, chainSnapshot(60_000, (i) => `${",".repeat(6)}${"x".repeat(100)}${i}`));
  const far = await nearAndEnd(named);
  assert.ok(far.near <= far.close && far.close - far.near <= 1 << 16, `near ${far.near}, ']' at ${far.close}`);
  assert.ok(statSync(named).size - far.close > 2 * (far.close - far.earliest), "the strings are most of the bisection's span");
});

test("a second edges section after one the bisection wrongly takes for the nodes' end is refused as the one-thread reader refuses it", async () => {
  const text = edgesInLinesOf(chainSnapshot(60_000), 7);
  const end = text.indexOf("]", text.indexOf('"edges":[') + 9) + 1;
  // A short second section under the same key: the bisection, misled to the end of the
  // first, finds edges after its ']', which the worker would parse in place of the first.
  const twice = text.slice(0, end) + ',\n"edges":[2,0,7]' + text.slice(end);
  const file = join(dir, "edges-twice.heapsnapshot");
  writeFileSync(file, twice);
  await assert.rejects(readHeapSnapshot(file, { parallel: false, cacheDir: null }), { code: "INVALID_JSON" });
  await assert.rejects(readHeapSnapshot(file, { parallel: true, cacheDir: null }), { code: "INVALID_JSON" });
});

test("the edges' end is found by bisection too; a later section whose lines look like edges misleads it, and the file is read again in order", async () => {
  // Samples written three numbers a line, most of the file: the bisection for the edges'
  // ']' goes on into them, and this thread jumps to the samples' ']' instead.
  const text = chainSnapshot(60_000);
  const samples = Array.from({ length: 240_000 }, (_, i) => `${1000 + i},${i},${7 * i}`).join("\n,");
  const misleading = text.replace('"samples":[]', `"samples":[${samples}]`);
  assert.notEqual(misleading, text);
  const file = join(dir, "samples-like-edges.heapsnapshot");
  writeFileSync(file, misleading);
  const one = await readHeapSnapshot(file, { parallel: false, cacheDir: null });
  let jobs = 0;
  const edgeThread = { take: () => (jobs++, null), giveBack: async () => undefined };
  const two = await readHeapSnapshot(file, { parallel: true, cacheDir: null, edgeThread });
  assert.equal(jobs, 1, "a worker began on the edges");
  for (const col of ["firstEdge", "edgeType", "edgeName", "edgeTarget", "nodeId", "nodeName", "samples"] as const) assert.deepEqual(two[col], one[col], col);
  assert.equal(two.strings.count, one.strings.count);
  assert.equal(two.samples.length, 720_000);
});

test("names looked up together are found as one at a time finds them", async () => {
  const text = synthSnapshot(tricky);
  const extra = ["abc", "abd", "abc", "ab", 'x"y', "ends with backslash \\"];
  const withExtra = text.slice(0, text.lastIndexOf("]}")) + "," + extra.map((s) => JSON.stringify(s)).join(",") + "]}";
  const asked = ["abc", "abd", "ab", "abc", "absent", 'x"y', "ends with backslash \\", tricky[1]!.name, ""];
  const together = await readFromSource(bufferSource("t", [Buffer.from(withExtra)]));
  together.strings.lookUp(asked);
  const alone = await readFromSource(bufferSource("t", [Buffer.from(withExtra)]));
  for (const s of asked) assert.deepEqual(together.strings.indicesOf(s), alone.strings.indicesOf(s), s);
  // (Each index is the string's own: both "abc"s, and a name with escapes found by its decoded text.)
  const first = together.strings.count - extra.length;
  assert.deepEqual(together.strings.indicesOf("abc"), [first, first + 2]);
  assert.deepEqual(together.strings.indicesOf('x"y'), [first + 4]);
  assert.deepEqual(together.strings.indicesOf("absent"), []);
});

test("the edge reader's thread ends with the read, whether it fails before the edges or succeeds", async (t) => {
  if (!existsSync("/proc/self/task")) return t.skip("counts threads in /proc (Linux)");
  const threads = (): number => readdirSync("/proc/self/task").length;
  const settled = async (want: number): Promise<number> => {
    for (let i = 0; i < 100 && threads() !== want; i++) await new Promise((r) => setTimeout(r, 50));
    return threads();
  };
  const good = synthSnapshot(tricky);
  const badHeader = join(dir, "bad-header.heapsnapshot");
  writeFileSync(badHeader, good.replace('"meta"', '"mota"'));
  const plain = join(dir, "parallel-good.heapsnapshot");
  writeFileSync(plain, good);
  // Warm up: the file system's own threads start on first use.
  await readHeapSnapshot(plain, { cacheDir: null, parallel: true });
  const before = await settled(threads());
  await assert.rejects(readHeapSnapshot(badHeader, { cacheDir: null, parallel: true }), { code: "BAD_META" });
  assert.equal(await settled(before), before, "no thread left after a failed header");
  await readHeapSnapshot(plain, { cacheDir: null, parallel: true });
  assert.equal(await settled(before), before, "no thread left after a read");
});
