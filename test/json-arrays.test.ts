import { test } from "node:test";
import assert from "node:assert/strict";
import { bufferSource } from "../src/heapy/snapshot/byte-source.js";
import { GuppyError } from "../src/errors.js";
import { JsonCursor } from "../src/heapy/snapshot/json-cursor.js";
import { StringTableBuilder } from "../src/heapy/snapshot/string-table.js";

/** What `reading` gives over `text` cut in chunks of `chunkSize` bytes: its value, or the error's code and offset. */
async function inChunks<T>(text: string, chunkSize: number, reading: (cursor: JsonCursor) => Promise<T>): Promise<T | string> {
  const bytes = Buffer.from(text, "utf8");
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(new Uint8Array(bytes.subarray(i, i + chunkSize)));
  try {
    return await reading(new JsonCursor(bufferSource("t", chunks), () => undefined));
  } catch (e) {
    if (!(e instanceof GuppyError)) throw e;
    return `${e.code} at ${e.offset}`;
  }
}

/** What reading `text` as a number array gives: the numbers, or the error's code and offset. */
function read(text: string, chunkSize: number, unsigned32: boolean): Promise<number[] | string> {
  return inChunks(text, chunkSize, async (cursor) => {
    const batch = new Float64Array(6);
    const out: number[] = [];
    await cursor.readNumberArray(batch, (n) => out.push(...batch.subarray(0, n)), unsigned32);
    return out;
  });
}

/** A random array's text: up to `most` of the pieces, closed nine times in ten. */
function randomArray(next: () => number, pieces: readonly string[], most: number): string {
  let text = "[";
  const len = Math.floor(next() * most);
  for (let j = 0; j < len; j++) text += pieces[Math.floor(next() * pieces.length)];
  return text + (next() < 0.9 ? "]" : "");
}

/** What JSON.parse makes of `text`, or null where it is not JSON. */
function parsedOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A small deterministic generator, so a failure names its case. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ["0", "7", "12", "4294967295", "4294967296", "123456789012345678", "-3", ",", ",", "\n,", "\n", " ", "\t", ",,", "1.5", "1e3", "x", "]"];

test("number arrays read the same in every chunking: V8's own layout on its fast loop, anything else on the general one", async () => {
  // V8's layout, valid, read whole and a byte at a time (one byte never takes the fast loop).
  const v8 = "[9,1,1,0,10,0,0\n,9,2,3,0,4294967295,0,0\n,1,2,3]";
  for (const size of [1, 2, 3, 7, 64, 1 << 20]) assert.deepEqual(await read(v8, size, true), [9, 1, 1, 0, 10, 0, 0, 9, 2, 3, 0, 4294967295, 0, 0, 1, 2, 3], `chunk size ${size}`);
  // Errors keep their code and offset on the fast loop.
  assert.equal(await read("[1,2,4294967296,3]", 1 << 20, true), "TOO_LARGE at 15");
  assert.equal(await read("[1,2,4294967296,3]", 1, true), "TOO_LARGE at 15");
  assert.equal(await read("[1,2,,3]", 1 << 20, false), "INVALID_JSON at 5");
  assert.deepEqual(await read("[1,2\n\n,3,-4]", 1 << 20, false), [1, 2, 3, -4]);
  // Random arrays of valid and invalid pieces: every chunking gives what one byte at a time gives.
  const next = rng(18);
  for (let k = 0; k < 400; k++) {
    const text = randomArray(next, PIECES, 24);
    const unsigned32 = next() < 0.5;
    const slow = await read(text, 1, unsigned32);
    for (const size of [2, 5, 16, 1 << 20]) assert.deepEqual(await read(text, size, unsigned32), slow, `${JSON.stringify(text)}, chunk size ${size}, unsigned32 ${unsigned32}`);
    // And where JSON itself reads it as whole numbers written as such (Guppy refuses 1e3), the same numbers.
    const parsed = parsedOrNull(text);
    if (!/[.e]/.test(text) && Array.isArray(parsed) && parsed.every((x) => Number.isSafeInteger(x) && (!unsigned32 || (x >= 0 && x <= 0xffffffff)))) assert.deepEqual(slow, parsed, JSON.stringify(text));
  }
});

/** What reading `text` as a string array gives: the strings, or the error's code and offset. */
function readStrings(text: string, chunkSize: number): Promise<string[] | string> {
  return inChunks(text, chunkSize, async (cursor) => {
    const out = new StringTableBuilder(16);
    await cursor.readStringArray(out);
    const table = out.finish();
    return Array.from({ length: table.count }, (_, k) => table.get(k));
  });
}

const STRING_PIECES = ['"a"', '"(GC roots)"', `"${"x".repeat(100)}"`, `"${"y".repeat(300)}"`, '"é"', '"q\\"q"', '"b\\\\"', '"\\n\\u00e9"', '"\\x"', '""', ",\n", ",", " ", "\n", '"', "]"];

test("string arrays read the same in every chunking: short plain names on their fast loop, the rest on the general one", async () => {
  const v8 = `["<dummy>",\n"",\n"(GC roots)",\n"${"z".repeat(127)}",\n"${"z".repeat(128)}",\n"a\\"b",\n"c"]`;
  const expected = JSON.parse(v8) as string[];
  for (const size of [1, 2, 3, 7, 64, 1 << 20]) assert.deepEqual(await readStrings(v8, size), expected, `chunk size ${size}`);
  const next = rng(21);
  for (let k = 0; k < 400; k++) {
    const text = randomArray(next, STRING_PIECES, 16);
    const slow = await readStrings(text, 1);
    for (const size of [2, 5, 16, 200, 1 << 20]) assert.deepEqual(await readStrings(text, size), slow, `${JSON.stringify(text)}, chunk size ${size}`);
    const parsed = parsedOrNull(text);
    if (Array.isArray(parsed)) assert.deepEqual(slow, parsed, JSON.stringify(text));
  }
});
