import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync, writeSync, closeSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { dominatorsOf, GuppyError, readHeapSnapshot } from "../src/index.js";
import { cacheIsStale, cachePathOf, readGraphCache, writeGraphCache } from "../src/heapy/snapshot/graph-cache.js";
import { cacheSections, damageSection, forgeSectionHash } from "./support/cache-sections.js";
import { fixtureSnapshot } from "./support/fixtures.js";

// Issue 15, finding 2: a cache folder that others can write, forged caches, planted links and FIFOs.

/** A private copy of a fixture and a cache folder (owner-only, as Guppy makes it). */
async function copyOf(name: "classes-in-map" | "known-waste"): Promise<{ file: string; dir: string; tmp: string }> {
  const tmp = mkdtempSync(join(tmpdir(), "guppy-cachesec-"));
  const file = join(tmp, `${name}.heapsnapshot`);
  copyFileSync(await fixtureSnapshot(name), file);
  const dir = join(tmp, "cache");
  mkdirSync(dir, { mode: 0o700 });
  return { file, dir, tmp };
}

async function cached(file: string, dir: string): Promise<{ file: string; dir: string; path: string }> {
  const g = await readHeapSnapshot(file, { cacheDir: dir });
  dominatorsOf(g);
  const path = await writeGraphCache(g, dir);
  assert.equal(path, cachePathOf(file, dir));
  assert.notEqual(await readGraphCache(file, dir), null, "a good cache is used");
  return { file, dir, path: path! };
}

const posix = process.platform !== "win32";

test("a cache folder others can write is not used: one warning, no cache read or written", { skip: !posix }, async () => {
  const { file, dir } = await copyOf("classes-in-map");
  const { path } = await cached(file, dir);
  chmodSync(dir, 0o777);
  const warnings: string[] = [];
  assert.equal(await readGraphCache(file, dir, (w) => warnings.push(w)), null);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /is not owner-only/);
  const seen: string[] = [];
  const g = await readHeapSnapshot(file, { cacheDir: dir, onWarning: (w) => seen.push(w) });
  assert.equal(g.hasCache(), false, "parsed, not read from the cache");
  assert.equal(seen.length, 1);
  assert.deepEqual(g.warnings, [], "the folder's warning is not the snapshot's");
  const before = statSync(path).mtimeMs;
  assert.equal(await writeGraphCache(g, dir), null, "nothing written there either");
  assert.equal(statSync(path).mtimeMs, before);
  chmodSync(dir, 0o1777);
  assert.equal(await readGraphCache(file, dir), null, "sticky does not help: others can still plant names");
  chmodSync(dir, 0o770);
  assert.equal(await readGraphCache(file, dir), null, "group-writable is others too");
  chmodSync(dir, 0o755);
  assert.notEqual(await readGraphCache(file, dir), null, "readable by others is allowed; writable is not");
});

test("a cache file that others can write, or that is another user's, is not trusted", { skip: !posix }, async () => {
  const { file, dir } = await copyOf("classes-in-map");
  const { path } = await cached(file, dir);
  chmodSync(path, 0o666);
  assert.equal(await readGraphCache(file, dir), null);
  chmodSync(path, 0o600);
  assert.notEqual(await readGraphCache(file, dir), null);
  if (process.getuid?.() === 0) {
    chownSync(path, 65534, 65534);
    assert.equal(await readGraphCache(file, dir), null, "owned by nobody");
  }
});

test("a forged cache (another snapshot's, renamed into place) is not trusted", async () => {
  const a = await copyOf("classes-in-map");
  const b = await copyOf("known-waste");
  const { path: theirs } = await cached(b.file, b.dir);
  renameSync(theirs, cachePathOf(a.file, a.dir));
  assert.equal(await readGraphCache(a.file, a.dir), null);
  const g = await readHeapSnapshot(a.file, { cacheDir: a.dir });
  assert.equal(g.hasCache(), false);
});

test("a snapshot rewritten in place with its size and mtime restored is not served from its old cache", { skip: !posix }, async () => {
  const { file, dir } = await copyOf("classes-in-map");
  await cached(file, dir);
  const before = statSync(file);
  // touch -r keeps nanoseconds, as an attacker restoring the timestamps would.
  const ref = `${file}.ref`;
  writeFileSync(ref, "");
  execFileSync("touch", ["-r", file, ref]);
  const text = readFileSync(file);
  const at = text.indexOf('"strings":[') + 20;
  const fd = openSync(file, "r+");
  writeSync(fd, new Uint8Array([text[at]! === 0x41 ? 0x42 : 0x41]), 0, 1, at);
  closeSync(fd);
  execFileSync("touch", ["-r", ref, file]);
  const after = statSync(file);
  assert.equal(after.size, before.size);
  assert.equal(after.mtimeMs, before.mtimeMs);
  assert.equal(await readGraphCache(file, dir), null, "ctime and content moved on");
});

test("the cache's temporary file is created exclusively: a planted link is never written through", { skip: !posix }, async () => {
  const { file, dir, tmp } = await copyOf("classes-in-map");
  const victim = join(tmp, "victim");
  writeFileSync(victim, "precious");
  const path = cachePathOf(file, dir);
  // The names an attacker could predict: the old `PATH.PID.tmp`, and the cache path itself.
  symlinkSync(victim, `${path}.${process.pid}.tmp`);
  const g = await readHeapSnapshot(file, { cacheDir: dir });
  const written = await writeGraphCache(g, dir);
  assert.equal(written, path);
  assert.equal(readFileSync(victim, "utf8"), "precious");
  assert.equal(statSync(path).mode & 0o777, 0o600);
  // A link at the cache path is replaced by the rename, never followed.
  const other = await copyOf("known-waste");
  const linked = cachePathOf(other.file, other.dir);
  symlinkSync(victim, linked);
  assert.equal(await readGraphCache(other.file, other.dir), null, "a link at the cache path is not read");
  await writeGraphCache(await readHeapSnapshot(other.file, { cacheDir: other.dir }), other.dir);
  assert.equal(readFileSync(victim, "utf8"), "precious");
  assert.ok(statSync(linked).isFile() && !readdirSync(other.dir).some((f) => f.endsWith(".tmp")));
});

test("a FIFO at the cache path is ignored at once; so is a folder under /proc", { skip: !posix, timeout: 20_000 }, async () => {
  const { file, dir } = await copyOf("classes-in-map");
  execFileSync("mkfifo", [cachePathOf(file, dir)]);
  const t0 = Date.now();
  assert.equal(await readGraphCache(file, dir), null);
  const g = await readHeapSnapshot(file, { cacheDir: dir });
  assert.equal(g.hasCache(), false);
  assert.ok(Date.now() - t0 < 10_000);
  // GUPPY_CACHE=/proc/x: a recursive mkdir there spins; Guppy gives up at once and runs uncached.
  if (process.platform === "linux") {
    assert.equal(await readGraphCache(file, "/proc/x/guppy"), null);
    assert.equal(await writeGraphCache(g, "/proc/x/guppy"), null);
  }
});

test("a cache edited in its body is caught by its section hashes, whenever the section is read", async () => {
  const { file, dir } = await copyOf("known-waste");
  const fresh = await readHeapSnapshot(file, { cacheDir: null });
  const { path } = await cached(file, dir);
  const good = readFileSync(path);
  // A byte of the string table (the class names `heap` shows), read with the graph: no graph from the cache.
  damageSection(path, "stringBytes");
  assert.equal(await readGraphCache(file, dir), null);
  // A derived array, read when first used: it is computed anew instead, and the cache no longer counts as holding it.
  writeFileSync(path, good, { mode: 0o600 });
  damageSection(path, "derived.dominators.retainedSize");
  const g = (await readGraphCache(file, dir))!;
  assert.ok(g !== null);
  assert.deepEqual(dominatorsOf(g).retainedSize, dominatorsOf(fresh).retainedSize);
  assert.equal(cacheIsStale(g), true, "worth writing again");
  // An edge column, read when first used: the command stops with CACHE_DAMAGED, and the cache is removed so the next run parses.
  writeFileSync(path, good, { mode: 0o600 });
  damageSection(path, "edgeTarget");
  const damaged = (await readGraphCache(file, dir))!;
  assert.ok(damaged !== null);
  assert.throws(() => damaged.edgeTarget, (e: unknown) => e instanceof GuppyError && e.code === "CACHE_DAMAGED" && !e.message.includes(file));
  assert.equal(existsSync(path), false);
  const again = await readHeapSnapshot(file, { cacheDir: dir });
  assert.equal(again.hasCache(), false);
  assert.deepEqual(again.edgeTarget, fresh.edgeTarget);
});

test("a cache whose edge targets point past the nodes is refused when they are read, though its hash was recomputed", async () => {
  const { file, dir } = await copyOf("known-waste");
  const { path } = await cached(file, dir);
  const sec = cacheSections(path).get("edgeTarget")!;
  const g0 = (await readGraphCache(file, dir))!;
  const bytes = readFileSync(path);
  // A forged target: nodeCount, one past the last node.
  bytes.writeUInt32LE(g0.nodeCount, sec.start);
  writeFileSync(path, bytes, { mode: 0o600 });
  await forgeSectionHash(path, "edgeTarget");
  const g = (await readGraphCache(file, dir))!;
  assert.ok(g !== null, "its hash matches: the graph opens");
  assert.throws(() => g.edgeTarget, (e: unknown) => e instanceof GuppyError && e.code === "CACHE_DAMAGED");
});

test("a cache written before anything was derived reads back (its empty last sections lie past the end)", async () => {
  const { file, dir } = await copyOf("known-waste");
  const g = await readHeapSnapshot(file, { cacheDir: dir });
  assert.deepEqual(g.uncachedKeys(), []);
  assert.notEqual(await writeGraphCache(g, dir), null);
  const back = await readGraphCache(file, dir);
  assert.ok(back !== null && back.nodeCount === g.nodeCount);
});
