import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { GuppyError, type GuppyErrorCode } from "../src/errors.js";
import { dominatorsOf } from "../src/heapy/graph/dominators.js";
import { readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { synthSnapshot, type SynthNode } from "./support/synthetic.js";

const dir = mkdtempSync(join(tmpdir(), "guppy-errors-"));
let serial = 0;

function write(content: string | Buffer, ext = ".heapsnapshot"): string {
  const file = join(dir, `case-${serial++}${ext}`);
  writeFileSync(file, content);
  return file;
}

const SECRET = "hunter2-password-token";
const small: SynthNode[] = [
  { type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "1", to: 1 }] },
  { type: "object", name: "Holder", size: 16, edges: [{ type: "property", name: "secret", to: 2 }] },
  { type: "string", name: SECRET, size: 40, edges: [] },
];
const good = synthSnapshot(small);

/** A comma in the middle of the file's edges section, where this thread can take the rest from the worker; undefined if none. */
function middleEdgeComma(file: string): number | undefined {
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch {
    return undefined;
  }
  const at = text.indexOf('"edges":[');
  if (at < 0) return undefined;
  const end = text.indexOf("]", at);
  const comma = text.indexOf(",", at + Math.floor(((end < 0 ? text.length : end) - at) / 2));
  return comma < 0 || (end >= 0 && comma > end) ? undefined : comma;
}

/**
 * Asserts the read fails with `code`, one line, never quoting heap strings, and the
 * same whether a worker parses the edges or not, or shares them with this thread.
 */
async function rejects(file: string, code: GuppyErrorCode, offset?: number): Promise<GuppyError> {
  const seen: GuppyError[] = [];
  const modes = [{ parallel: false }, { parallel: true }, { parallel: true, edgeTailFrom: middleEdgeComma(file) }];
  for (const mode of modes) {
    const parallel = JSON.stringify(mode);
    try {
      await readHeapSnapshot(file, { ...mode, cacheDir: null });
      assert.fail(`expected ${code} (parallel: ${parallel})`);
    } catch (e) {
      assert.ok(e instanceof GuppyError, `expected a GuppyError, got ${String(e)}`);
      assert.equal(e.code, code, `${e.message} (parallel: ${parallel})`);
      assert.ok(!e.message.includes("\n"), "one line");
      assert.ok(!e.describe().includes(SECRET), "no heap strings in messages");
      assert.equal(e.file, file);
      if (offset !== undefined) assert.equal(e.offset, offset, `offset (parallel: ${parallel})`);
      seen.push(e);
    }
  }
  assert.equal(seen[1]!.describe(), seen[0]!.describe(), "the same error either way");
  assert.equal(seen[2]!.describe(), seen[0]!.describe(), "the same error with the edges shared");
  await rejectsGzipped(file, seen[0]!);
  return seen[0]!;
}

/**
 * The same bad content gzipped: the same code whether a worker inflates the stream on
 * its own to parse the edges or not, and the same error both ways.
 */
async function rejectsGzipped(file: string, plain: GuppyError): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return; // missing, a directory: nothing to compress
  }
  if (bytes.length === 0 || (bytes[0] === 0x1f && bytes[1] === 0x8b)) return;
  const gz = write(gzipSync(bytes), ".gz");
  const seen: string[] = [];
  for (const parallel of [false, true]) {
    try {
      await readHeapSnapshot(gz, { parallel, cacheDir: null });
      assert.fail(`expected ${plain.code} from the gzipped file (parallel: ${parallel})`);
    } catch (e) {
      assert.ok(e instanceof GuppyError, `expected a GuppyError, got ${String(e)}`);
      assert.equal(e.code, plain.code, `gzipped: ${e.message} (parallel: ${parallel})`);
      if (plain.offset !== undefined) assert.equal(e.offset, plain.offset, `gzipped offset (parallel: ${parallel})`);
      seen.push(e.describe());
    }
  }
  assert.equal(seen[1], seen[0], "the same gzipped error either way");
}

test("the well-formed base case reads", async () => {
  const g = await readHeapSnapshot(write(good));
  assert.equal(g.nodeCount, 3);
});

test("missing file, directory and empty file", async () => {
  await rejects(join(dir, "nope.heapsnapshot"), "FILE_NOT_FOUND");
  const sub = join(dir, "a-directory");
  mkdirSync(sub);
  await rejects(sub, "FILE_UNREADABLE");
  await rejects(write(""), "EMPTY_FILE");
});

test("other formats are named as such", async () => {
  await rejects(write("hello, this is text"), "WRONG_FORMAT", 0);
  await rejects(write(Buffer.from([0x00, 0x01, 0x02, 0xff])), "WRONG_FORMAT", 0);
  const jsc = await rejects(write('{"version":2,"type":"Inspector","nodes":[0,0,0,0],"nodeClassNames":["Object"]}'), "WRONG_FORMAT");
  assert.match(jsc.message, /JavaScriptCore/);
  await rejects(write('{"other":1}'), "WRONG_FORMAT");
});

test("a file cut off before its string table is an error when nodes or edges are incomplete", async () => {
  const nodesAt = good.indexOf('"nodes"');
  await rejects(write(good.slice(0, nodesAt + 20)), "TRUNCATED");
  const edgesAt = good.indexOf('"edges"');
  await rejects(write(good.slice(0, edgesAt + 12)), "TRUNCATED");
  await rejects(write(good.slice(0, 30)), "TRUNCATED");
});

test("a real snapshot cut inside its strings opens with a warning, exact sizes and placeholder names", async () => {
  const file = await fixtureSnapshot("cycles-and-chains");
  const text = readFileSync(file);
  const stringsAt = text.indexOf('"strings"');
  const cut = write(text.subarray(0, stringsAt + Math.floor((text.length - stringsAt) / 2)));
  const warnings: string[] = [];
  const g = await readHeapSnapshot(cut, { onWarning: (w) => warnings.push(w) });
  const full = await readHeapSnapshot(file);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /cut off inside its string table/);
  assert.deepEqual(g.warnings, warnings);
  assert.ok(g.strings.count < full.strings.count);
  for (const col of ["nodeType", "nodeId", "nodeSelfSize", "firstEdge", "edgeType", "edgeTarget"] as const) assert.deepEqual(g[col], full[col], col);
  assert.equal(dominatorsOf(g).retainedSize[g.root], dominatorsOf(full).retainedSize[full.root]);
  assert.match(g.strings.get(full.strings.count - 1), /^<missing string \d+>$/);
  // The same with a worker parsing the edges.
  const g2 = await readHeapSnapshot(cut, { parallel: true, cacheDir: null });
  for (const col of ["nodeType", "nodeId", "edgeType", "edgeTarget"] as const) assert.deepEqual(g2[col], full[col], col);
  assert.deepEqual(g2.warnings, warnings);
  // And gzipped, with a worker inflating the stream on its own.
  const g3 = await readHeapSnapshot(write(gzipSync(readFileSync(cut)), ".gz"), { parallel: true, cacheDir: null });
  for (const col of ["nodeType", "nodeId", "edgeType", "edgeTarget"] as const) assert.deepEqual(g3[col], full[col], col);
  assert.deepEqual(g3.warnings, warnings);
});

test("syntax errors report the byte offset of the bad byte", async () => {
  const at = good.indexOf('"nodes":[') + 11;
  await rejects(write(good.slice(0, at) + "x" + good.slice(at + 1)), "INVALID_JSON", at);
  const frac = good.indexOf('"nodes":[') + 10;
  await rejects(write(good.slice(0, frac) + ".5" + good.slice(frac)), "INVALID_JSON", frac);
  const comma = good.indexOf('"edges":[') + 9;
  await rejects(write(good.slice(0, comma) + "," + good.slice(comma)), "INVALID_JSON", comma);
});

test("negative or oversized numbers in the node and edge sections are caught", async () => {
  const at = good.indexOf('"nodes":[') + 9;
  await rejects(write(good.slice(0, at) + "-" + good.slice(at)), "INVALID_JSON", at);
  const size = good.indexOf(",16,", good.indexOf('"nodes":[')) + 1;
  await rejects(write(good.slice(0, size) + "99999999999" + good.slice(size + 2)), "TOO_LARGE");
});

test("counts that disagree with the data are caught", async () => {
  await rejects(write(good.replace('"node_count":3', '"node_count":4')), "COUNT_MISMATCH");
  await rejects(write(good.replace('"node_count":3', '"node_count":2')), "COUNT_MISMATCH");
  await rejects(write(good.replace('"edge_count":2', '"edge_count":3')), "COUNT_MISMATCH");
  // A header that claims more than the file can hold fails before anything is allocated.
  await rejects(write(good.replace('"node_count":3', '"node_count":900000000')), "COUNT_MISMATCH");
  await rejects(write(good.replace('"node_count":3', '"node_count":9000000000000')), "TOO_LARGE");
});

test("references outside the node, type and string tables are caught", async () => {
  // Edge 1 points at node 2 (index 14): make it 21 (past the end) and 15 (not a node start).
  const edges = good.slice(good.indexOf('"edges"'));
  const swap = (from: string, to: string): string => good.replace(edges, edges.replace(from, to));
  await rejects(write(swap(",14]", ",21]")), "EDGE_OUT_OF_RANGE");
  await rejects(write(swap(",14]", ",15]")), "EDGE_OUT_OF_RANGE");
  await rejects(write(good.replace('"nodes":[9,', '"nodes":[99,')), "TYPE_OUT_OF_RANGE");
  await rejects(write(good.replace('"nodes":[9,0', '"nodes":[9,77')), "STRING_OUT_OF_RANGE");
});

test("a bad record deep in a section fails alike in every reading mode: records read straight in leave it to the general reading", async () => {
  // 3000 nodes in a chain, an edge each: the bad record comes after records read
  // straight into the columns, in the same chunk.
  const chain: SynthNode[] = [{ type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "1", to: 1 }] }];
  for (let i = 1; i < 3000; i++) chain.push({ type: "object", name: "Link", size: 16, edges: i + 1 < 3000 ? [{ type: "property", name: "next", to: i + 1 }] : [] });
  const text = synthSnapshot(chain);
  const edgesAt = text.indexOf('"edges":[');
  const recordAt = (k: number): number => {
    let at = edgesAt + '"edges":['.length;
    for (let j = 0; j < k; j++) at = text.indexOf("\n,", at) + 2;
    return at;
  };
  const target = (k: number, to: string): string => {
    const at = recordAt(k);
    const last = text.lastIndexOf(",", text.indexOf("\n", at));
    return text.slice(0, last + 1) + to + text.slice(text.indexOf("\n", at));
  };
  const outside = await rejects(write(target(2000, String(3000 * 7))), "EDGE_OUT_OF_RANGE");
  assert.match(outside.message, /^Edge 2000 points to node index 21000, /);
  const between = await rejects(write(target(1500, "15")), "EDGE_OUT_OF_RANGE");
  assert.match(between.message, /^Edge 1500 points to node index 15, /);
  // A value over 32 bits: at the byte that ends it, in either section (an edge's target,
  // a node's self size).
  const to = text.indexOf(",", recordAt(2500) + 2) + 1;
  await rejects(write(text.slice(0, to) + "4294967296" + text.slice(text.indexOf("\n", to))), "TOO_LARGE", to + 10);
  const nodeAt = text.indexOf("\n,", text.indexOf('"nodes":[') + 7 * 2000) + 2;
  const size = text.indexOf(",", text.indexOf(",", text.indexOf(",", nodeAt) + 1) + 1) + 1;
  await rejects(write(text.slice(0, size) + "99999999999" + text.slice(text.indexOf(",", size))), "TOO_LARGE", size + 11);
  // One node more than the header announces, in the middle of the reading.
  const fewer = await rejects(write(text.replace(`"node_count":3000`, `"node_count":2999`)), "COUNT_MISMATCH");
  assert.match(fewer.message, /more than the 2999 nodes/);
});

test("a malformed header is named", async () => {
  await rejects(write(good.replace('"node_fields"', '"nodefields"')), "BAD_META");
  await rejects(write(good.replace('"root_index"', "").replace('"trace_function_count":0', '"trace_function_count":0,"root_index":5')), "BAD_META");
  await rejects(write(good.replace('{"snapshot":{', '{"snapshot":[').replace('"trace_function_count":0}', '"trace_function_count":0]')), "BAD_META");
});

test("sections in another order read to the same graph, whether or not a worker takes the edges", async () => {
  const edges = good.slice(good.indexOf('"edges":['), good.indexOf("]", good.indexOf('"edges":[')) + 1);
  const moved = good.replace(`${edges},\n`, "").replace('"strings":', `${edges},\n"strings":`);
  assert.notEqual(moved, good);
  for (const input of [write(moved), write(gzipSync(moved), ".gz")]) {
    for (const parallel of [false, true]) {
      const g = await readHeapSnapshot(input, { parallel, cacheDir: null });
      assert.deepEqual([...g.edgeTarget], [1, 2], `${input} (parallel: ${parallel})`);
      assert.equal(g.strings.get(g.nodeName[2]!), SECRET);
    }
  }
});

test("data after the snapshot is an error, so a damaged gzip trailer is noticed", async () => {
  assert.equal((await readHeapSnapshot(write(good + "\n"))).nodeCount, 3);
  await rejects(write(good + "{}"), "INVALID_JSON", good.length);
});

test("gzip that is corrupt or cut off", async () => {
  const gz = gzipSync(Buffer.from(good));
  await rejects(write(gz.subarray(0, Math.floor(gz.length * 0.3)), ".gz"), "TRUNCATED");
  // Cut in the strings: it opens, and says what was lost.
  const tail = await readHeapSnapshot(write(gz.subarray(0, gz.length - 12), ".gz"));
  assert.match(tail.warnings[0]!, /cut off/);
  const corrupt = Buffer.from(gz);
  corrupt.fill(0x55, 12, 40);
  await rejects(write(corrupt, ".gz"), "GZIP_CORRUPT");
});

test("a deeply nested unknown section neither overflows the stack nor hangs", async () => {
  const depth = 1_000_000;
  const hostile = good.replace('"strings"', `"deep":${"[".repeat(depth)}${"]".repeat(depth)},"strings"`);
  const g = await readHeapSnapshot(write(hostile));
  assert.equal(g.nodeCount, 3);
  // Cut off inside it, before the strings: opened without names, and said so.
  const cut = await readHeapSnapshot(write(good.replace('"strings"', `"deep":${"[".repeat(depth)}`).slice(0, -200)));
  assert.match(cut.warnings[0]!, /before its string table/);
});

// Issue 15, finding 4: values validated where they are read.

test("a file without its strings section, or with that key damaged, is refused", async () => {
  const at = good.indexOf(',\n"strings"');
  await rejects(write(good.slice(0, at) + "}"), "WRONG_FORMAT");
  await rejects(write(good.replace('"strings"', '"strinqs"')), "WRONG_FORMAT");
});

test("names with bad escapes are refused at read time, at the backslash", async () => {
  for (const bad of ["\\q", "\\x41", "\\u12", "\\u12G4", "\\u12xy"]) {
    const text = good.replace(`"${SECRET}"`, `"ab${bad}"`);
    await rejects(write(text), "INVALID_JSON", text.indexOf(bad));
  }
  // Escapes a chunk boundary does not matter to, and every valid kind, still read.
  const valid = good.replace(`"${SECRET}"`, '"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00"');
  const g = await readHeapSnapshot(write(valid), { cacheDir: null });
  assert.equal(g.strings.get(g.nodeName[2]!), 'a"b\\c/d\b\f\n\r\té😀');
});

test("a header nested 50,000 deep is refused while reading, not when the cache is written", async () => {
  const deep = "[".repeat(50_000) + "]".repeat(50_000);
  const text = good.replace('"trace_function_count":0', `"trace_function_count":0,"extra":${deep}`);
  const e = await rejects(write(text), "INVALID_JSON");
  assert.match(e.message, /nested more than \d+ deep/);
  // V8's own depth (meta.node_types[0]) and a little more still read.
  const ok = good.replace('"trace_function_count":0', '"trace_function_count":0,"extra":[[[[[1]]]]]');
  assert.equal((await readHeapSnapshot(write(ok), { cacheDir: null })).nodeCount, 3);
});

test("a number above 2^32-1 followed by whitespace is refused, never wrapped", async () => {
  // V8 ends every record with a newline: the last field of a node and of an edge.
  // 4294967303 wraps to 7, which as to_node is node 1 — valid, and silently wrong.
  const nodes = good.replace('"nodes":[9,0,1,0,1,0,0\n', '"nodes":[9,0,1,0,1,0,4294967303\n');
  assert.notEqual(nodes, good);
  await rejects(write(nodes), "TOO_LARGE");
  const edgesAt = good.indexOf('"edges":[');
  const edges = good.slice(0, edgesAt) + good.slice(edgesAt).replace(",7\n", ",4294967303\n");
  assert.notEqual(edges, good);
  await rejects(write(edges), "TOO_LARGE");
  await rejects(write(good.slice(0, edgesAt) + good.slice(edgesAt).replace(",7\n", ",4294967303 \n")), "TOO_LARGE");
});

test("a duplicated section is refused by both readers alike", async () => {
  const nodes = good.slice(good.indexOf('"nodes":['), good.indexOf("]", good.indexOf('"nodes":[')) + 1);
  const twice = good.replace(nodes, `${nodes},\n${nodes}`);
  const e = await rejects(write(twice), "INVALID_JSON");
  assert.match(e.message, /'nodes' section twice/);
  // The edges twice: the parallel reader jumps over the first one's key, and must still count it.
  const edges = good.slice(good.indexOf('"edges":['), good.indexOf("]", good.indexOf('"edges":[')) + 1);
  await rejects(write(good.replace(edges, `${edges},\n${edges}`)), "INVALID_JSON");
  const strings = good.slice(good.indexOf('"strings":['), -1);
  await rejects(write(good.replace(strings, `${strings},\n${strings}`)), "INVALID_JSON");
});

test("a renamed node or edge type is a malformed header, so string contents never become class names", async () => {
  const renamed = good.replace('"hidden","array","string"', '"hidden","array","strinG"');
  assert.notEqual(renamed, good);
  const e = await rejects(write(renamed), "BAD_META");
  assert.match(e.message, /'node_types' lacks the 'string' type/);
  await rejects(write(good.replace('"internal","hidden","shortcut"', '"internal","hidden","shortcuts"')), "BAD_META");
  await rejects(write(good.replace('"hidden","array","string"', '"hidden","array","string","string"')), "BAD_META");
});
