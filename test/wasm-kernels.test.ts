import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bufferSource } from "../src/heapy/snapshot/byte-source.js";
import { EdgeColumns } from "../src/heapy/snapshot/edge-columns.js";
import { JsonCursor } from "../src/heapy/snapshot/json-cursor.js";
import { readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { RecordKernel } from "../src/heapy/snapshot/record-kernel.js";
import { StringKernel } from "../src/heapy/snapshot/string-kernel.js";
import { StringTableBuilder } from "../src/heapy/snapshot/string-table.js";
import { fixtureSnapshot, FIXTURES } from "./support/fixtures.js";
import { EDGE_TYPES, prng, randomHeap, synthSnapshot } from "./support/synthetic.js";

/**
 * The WebAssembly kernels (record-kernel.ts, string-kernel.ts) against the JavaScript
 * readers, which decide what they accept: the same columns and strings from every
 * file, and on any bytes the same records taken and the same place stopped at.
 */
const dir = mkdtempSync(join(tmpdir(), "guppy-kernel-"));

const COLUMNS = ["nodeType", "nodeName", "nodeId", "nodeSelfSize", "firstEdge", "nodeTraceId", "nodeDetachedness", "edgeType", "edgeName", "edgeTarget", "locations", "samples"] as const;

async function sameColumns(file: string, label: string): Promise<void> {
  const js = await readHeapSnapshot(file, { cacheDir: null, parallel: false, wasm: false });
  for (const parallel of [false, true]) {
    const wasm = await readHeapSnapshot(file, { cacheDir: null, parallel });
    for (const col of COLUMNS) assert.deepEqual(wasm[col], js[col], `${label} (parallel: ${parallel}): ${col}`);
    assert.equal(wasm.strings.count, js.strings.count, label);
    for (let i = 0; i < js.strings.count; i++) if (wasm.strings.get(i) !== js.strings.get(i)) assert.fail(`${label}: string ${i}`);
  }
}

test("the kernels compile on this engine (a module it refused would leave the JavaScript readers, silently slower)", () => {
  assert.ok(RecordKernel.edges(7, 1, 4) !== null);
  assert.ok(RecordKernel.nodes(true) !== null && RecordKernel.nodes(false) !== null);
  assert.ok(RecordKernel.flat(4) !== null);
  assert.ok(StringKernel.create(128) !== null);
});

test("the kernels read every fixture into the columns the JavaScript readers read", { timeout: 300_000 }, async () => {
  for (const name of FIXTURES) await sameColumns(await fixtureSnapshot(name), name);
});

test("nodes with trace ids and detachedness here and there, over many of the kernel's windows, read as the JavaScript readers read them", async () => {
  const rnd = prng(7);
  const nodes = randomHeap(11, 120_000);
  // (Zero in most nodes: a window of all zeros must leave the column as it is.)
  nodes.forEach((n, i) => {
    if (i > 60_000 && rnd() < 0.02) n.trace = 1 + Math.floor(rnd() * 4_000_000_000);
    if (i > 90_000 && rnd() < 0.05) n.detachedness = 1 + Math.floor(rnd() * 2);
  });
  const text = synthSnapshot(nodes);
  assert.ok(text.length > 4 << 20, "the nodes and edges sections span several windows");
  const file = join(dir, "traced.heapsnapshot");
  writeFileSync(file, text);
  await sameColumns(file, "traced");
  const g = await readHeapSnapshot(file, { cacheDir: null });
  assert.ok(g.nodeTraceId !== null && g.nodeTraceId.some((t) => t > 2 ** 31), "trace ids beyond 2^31 kept");
  assert.ok(g.nodeDetachedness!.some((d) => d === 2));
});

/** Faults of a record's field: all stop both readers in the target's field, the first and the last two nowhere else. */
function faultsOf(nodeCount: number): string[] {
  return ["4294967295", "4294967296", "99999999999999999999", "", "-1", "1.5", " 3", String(nodeCount * 7), String(7 * 5 + 3)];
}

/**
 * Edge records as V8 writes them, random; the field `fault.field` of record
 * `fault.at` replaced by `fault.text`, or its separator by `fault.sep`.
 */
function edgeText(seed: number, records: number, nodeCount: number, fault?: { at: number; field?: number; text?: string; sep?: string }): string {
  const rnd = prng(seed);
  const parts: string[] = [];
  for (let r = 0; r < records; r++) {
    const fields = [String(Math.floor(rnd() * EDGE_TYPES.length)), String(Math.floor(rnd() * (rnd() < 0.1 ? 4e9 : 5000))), String(7 * Math.floor(rnd() * nodeCount))];
    if (r === 0) fields[1] = "0007";
    let sep = "\n,";
    if (fault?.at === r) {
      if (fault.text !== undefined) fields[fault.field!] = fault.text;
      if (fault.sep !== undefined) sep = fault.sep;
    }
    parts.push(fields.join(","), sep);
  }
  return parts.join("") + "0,0,0";
}

const EDGE_LAYOUT = { edgeFieldCount: 3, nodeFieldCount: 7, edgeType: 0, edgeNameOrIndex: 1, edgeToNode: 2, edgeTypes: EDGE_TYPES };

/** Both readers over the same bytes, from 0 to the last comma: the same stop, records and columns. */
function sameRecords(buf: Uint8Array, count: number, nodeCount: number, label: string): { stop: number; filled: number } {
  const safe = buf.lastIndexOf(0x2c);
  const js = new EdgeColumns(count, nodeCount, EDGE_LAYOUT);
  const wasm = new EdgeColumns(count, nodeCount, EDGE_LAYOUT);
  const stop = js.records(false)!.read(buf, 0, safe);
  assert.equal(wasm.records(true)!.read(buf, 0, safe), stop, `${label}: where it stopped`);
  assert.equal(wasm.filled, js.filled, `${label}: records taken`);
  assert.equal(wasm.maxType, js.maxType, label);
  assert.equal(wasm.maxStringName, js.maxStringName, label);
  assert.deepEqual(wasm.type, js.type, label);
  assert.deepEqual(wasm.name, js.name, label);
  assert.deepEqual(wasm.target, js.target, label);
  return { stop, filled: js.filled };
}

test("edge records: the kernel takes the records the JavaScript reader takes and stops where it stops, across windows", () => {
  const nodeCount = 50_000;
  const records = 250_000;
  // (Over 3 MiB: the kernel's 256 KiB windows cut records of every kind.)
  const whole = sameRecords(new TextEncoder().encode(edgeText(1, records, nodeCount)), records + 1, nodeCount, "no fault");
  assert.equal(whole.filled, records);
  const faults = faultsOf(nodeCount);
  for (const at of [0, 1, 77_777, 149_800]) {
    for (let field = 0; field < 3; field++) {
      for (const text of faults) {
        const label = `record ${at}, field ${field}: '${text}'`;
        const r = sameRecords(new TextEncoder().encode(edgeText(at + field, records, nodeCount, { at, field, text })), records + 1, nodeCount, label);
        const valid = field < 2 && (text === faults[0] || faults.indexOf(text) >= faults.length - 2);
        assert.equal(r.filled, valid ? records : at, `${label}: ${valid ? "reads on" : "stops there"}`);
      }
    }
    for (const sep of [",\n", ", ", "\n\n,", ";", "\n"]) sameRecords(new TextEncoder().encode(edgeText(at, records, nodeCount, { at, sep })), records + 1, nodeCount, `record ${at}, separator ${JSON.stringify(sep)}`);
  }
});

test("a record cut at the end of the room left stops both readers at the same record", () => {
  const buf = new TextEncoder().encode(edgeText(99, 300_000, 1000));
  // (The kernel returns at most 2^15 records a call.)
  for (const count of [1, 32_767, 32_768, 32_769, 299_999]) assert.equal(sameRecords(buf, count, 1000, `room ${count}`).filled, count);
});

test("edge counts that add up past 2^32 within one call are refused as the JavaScript reader refuses them", async () => {
  const nodes = randomHeap(3, 2_000);
  const text = synthSnapshot(nodes);
  // Two nodes claim 2^31 edges each more than they have: the sum is the header's count plus 2^32.
  let changed = 0;
  const tampered = text.replace(/"nodes":\[([^\]]*)\]/, (section) =>
    section.replace(/(\n,|\[)(\d+),(\d+),(\d+),(\d+),(\d+),/g, (all, sep: string, t: string, nm: string, id: string, size: string, e: string) =>
      changed < 2 && Number(e) > 0 ? `${sep}${t},${nm},${id},${size},${Number(e) + 2 ** 31 + 0 * changed++},` : all,
    ),
  );
  assert.equal(changed, 2);
  const file = join(dir, "edge-count-wraps.heapsnapshot");
  writeFileSync(file, tampered);
  for (const wasm of [false, true]) {
    await assert.rejects(readHeapSnapshot(file, { cacheDir: null, parallel: false, wasm }), (e: Error & { code?: string }) => e.code === "COUNT_MISMATCH" && /add up to 42949/.test(e.message), `wasm: ${wasm}`);
  }
});

/** A JSON array of random strings: short and long, escaped and not, ASCII and not, separated as V8 and Chromium write them and otherwise. */
function stringArray(seed: number, count: number): { text: string; strings: string[] } {
  const rnd = prng(seed);
  const alphabet = ["a", "b", "Z", "0", " ", "/", "é", "€", "😀", "\"", "\\", "\n", "\u0001", "]", ",", "["];
  const strings: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = rnd();
    const len = r < 0.6 ? Math.floor(rnd() * 20) : r < 0.9 ? 100 + Math.floor(rnd() * 40) : Math.floor(rnd() * 400);
    let s = "";
    const plain = rnd() < 0.85;
    for (let k = 0; k < len; k++) s += plain ? alphabet[Math.floor(rnd() * 6)]! : alphabet[Math.floor(rnd() * alphabet.length)]!;
    strings.push(s);
  }
  const seps = [",\n", ",\n", ",", ",", ", ", ",\n\n", " ,"];
  const text = "[" + strings.map((s, i) => JSON.stringify(s) + (i === strings.length - 1 ? "" : seps[Math.floor(rnd() * (seed % 2 === 0 ? 2 : seps.length))]!)).join("") + "]";
  return { text, strings };
}

async function stringTable(bytes: Uint8Array, chunk: number, wasm: boolean): Promise<string[]> {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const cursor = new JsonCursor(bufferSource("s", chunks), () => undefined);
  const builder = new StringTableBuilder(bytes.length, false, wasm);
  await cursor.readStringArray(builder);
  const table = builder.finish();
  return Array.from({ length: table.count }, (_, i) => table.get(i));
}

test("strings: the kernel's runs give the table the JavaScript loop gives, in chunks of any size and across its windows", async () => {
  for (let seed = 1; seed <= 6; seed++) {
    const { text, strings } = stringArray(seed, seed <= 2 ? 60_000 : 3_000);
    const bytes = new TextEncoder().encode(text);
    if (seed <= 2) assert.ok(bytes.length > 2 << 20, "over the kernel's largest window");
    for (const chunk of [bytes.length, 65_521, 4096, 131]) {
      const js = await stringTable(bytes, chunk, false);
      assert.deepEqual(js, strings, `seed ${seed}, chunks of ${chunk}: the JavaScript loop`);
      assert.deepEqual(await stringTable(bytes, chunk, true), js, `seed ${seed}, chunks of ${chunk}`);
    }
  }
});

test("strings: a bad escape amid a run of short strings is refused at the same offset either way", async () => {
  const good = Array.from({ length: 500 }, (_, i) => JSON.stringify(`name${i}`)).join(",\n");
  for (const bad of ['"a\\x"', '"\\u12"', '"ab\\', '"\\']) {
    const bytes = new TextEncoder().encode(`[${good},\n${bad},\n"tail"]`);
    const outcome = async (wasm: boolean): Promise<string> =>
      stringTable(bytes, bytes.length, wasm).then(
        () => "read",
        (e: Error & { code?: string; offset?: number }) => `${e.code} at ${e.offset}`,
      );
    const js = await outcome(false);
    assert.match(js, /^(BAD_ESCAPE|INVALID_JSON|TRUNCATED) at \d+$/, bad);
    assert.equal(await outcome(true), js, bad);
  }
});
