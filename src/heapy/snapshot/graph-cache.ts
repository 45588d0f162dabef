import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants, fstat, fstatSync, lstatSync, open as openCallback, read, readSync, rmSync, type Stats } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { promisify } from "node:util";
import { GuppyError } from "../../errors.js";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { ensureFolder } from "../../folders.js";
import { HeapGraph, type AllocationTraces, type DeferredColumn, type DeferredParts, type HeapGraphParts, type SourceStamp } from "./heap-graph.js";
import type { SnapshotHeader, SnapshotLayout } from "./meta.js";
import { StringTable } from "./string-table.js";

/**
 * A binary cache of a loaded snapshot: its columns, strings and whichever derived
 * arrays (retainers, dominators, distances, ...) were computed, so the next open
 * reads arrays straight into memory instead of parsing JSON. It is tied to the
 * source's path, size, mtime, ctime, inode and a hash of sampled content, versioned,
 * and each section is hashed: a cache that does not match in every respect is
 * ignored (and rewritten), never trusted.
 *
 * Trust model: the hashes catch damage and a cache left from another file, not an
 * attacker — whoever can write the cache file can recompute them. What keeps others
 * out is the folder: a folder that is not ours or that others can write is not used
 * at all, cache files that are not ours alone are ignored, and files are created
 * exclusively (O_EXCL | O_NOFOLLOW) so a planted link is never written through.
 */

const MAGIC = "GUPPYGC\0";
/** Bumped whenever the layout of the file or of any cached array changes (3: the stamp's ctime and content sample; 4: path trees start at a page's Window; 5: page-owned objects one bit a node). */
const VERSION = 5;
const FIXED = 20; // magic 8, version 4, meta length 4, meta hash 4
const META_LIMIT = 64 << 20;
/** Bytes hashed at each of three places of the source for its stamp. */
const SAMPLE_BYTES = 64 << 10;
/** Derived arrays worth keeping: costly to compute, plain typed arrays or records of them. */
const CACHED_DERIVED = ["retainers", "dominators", "distances", "pathTree", "shallowSizes", "owners", "idIndex", "pageOwned", "ephemerons", "ephemeronPairs", "dominationRoots"];

const openFd = promisify(openCallback);
const fstatFd = promisify(fstat);
/** A positional read on a raw descriptor (libuv's threads), resolving to the bytes read. */
const readFd = (fd: number, b: Uint8Array, at: number, n: number, position: number): Promise<number> =>
  new Promise((done, fail) => read(fd, b, at, n, position, (e, bytesRead) => (e ? fail(e) : done(bytesRead))));

type Typed = Uint8Array | Uint32Array | Int32Array | Float64Array;
const KINDS = { u8: Uint8Array, u32: Uint32Array, i32: Int32Array, f64: Float64Array } as const;
type KindName = keyof typeof KINDS;

interface Section {
  name: string;
  kind: KindName;
  length: number;
  offset: number;
  hash: number;
}

type Stamp = SourceStamp;

interface Meta {
  version: number;
  source: Stamp;
  header: SnapshotHeader;
  layout: SnapshotLayout;
  nodeCount: number;
  edgeCount: number;
  stringCount: number;
  warnings: string[];
  traceFields: string[] | null;
  /** Scalars and nulls of derived records, by "key.field". */
  scalars: Record<string, number | null>;
  /** Keys of derived entries whose value is a bare array (not a record). */
  bareDerived: string[];
  sections: Section[];
}

function kindOf(a: Typed): KindName | null {
  if (a instanceof Uint8Array) return "u8";
  if (a instanceof Uint32Array) return "u32";
  if (a instanceof Int32Array) return "i32";
  if (a instanceof Float64Array) return "f64";
  return null;
}

/**
 * FNV-1a over 32-bit words in four lanes (fast in V8), then the tail bytes; -1 when
 * a word is `bound` or more (so a column of node ordinals is hashed and bounds-checked
 * in one pass).
 */
export function hashBytes(bytes: Uint8Array, bound = 2 ** 32): number {
  const words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2) : new Uint32Array(bytes.slice(0, bytes.length & ~3).buffer);
  let h0 = 0x811c9dc5 | 0, h1 = 0x01000193 | 0, h2 = 0x5bd1e995 | 0, h3 = bytes.length | 0;
  let max = 0;
  const m = words.length & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    const a = words[i]!, b = words[i + 1]!, c = words[i + 2]!, d = words[i + 3]!;
    h0 = Math.imul(h0 ^ a, 16777619);
    h1 = Math.imul(h1 ^ b, 16777619);
    h2 = Math.imul(h2 ^ c, 16777619);
    h3 = Math.imul(h3 ^ d, 16777619);
    max = Math.max(max, a, b, c, d);
  }
  for (; i < words.length; i++) {
    h0 = Math.imul(h0 ^ words[i]!, 16777619);
    max = Math.max(max, words[i]!);
  }
  if (max >= bound) return -1;
  for (let j = words.length * 4; j < bytes.length; j++) h1 = Math.imul(h1 ^ bytes[j]!, 16777619);
  return (Math.imul(h0, 31) ^ Math.imul(h1, 37) ^ Math.imul(h2, 41) ^ h3) >>> 0;
}

function bytesOf(a: Typed): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * The folder for snapshot caches: GUPPY_CACHE if set ("off" disables caching), else
 * $XDG_CACHE_HOME/guppy/snapshots or ~/.cache/guppy/snapshots.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const set = env.GUPPY_CACHE;
  if (set !== undefined && set !== "") return set === "off" || set === "0" ? null : resolve(set);
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "guppy", "snapshots");
}

/** The cache file of a snapshot: its name for people, a hash of its absolute path for uniqueness. */
export function cachePathOf(file: string, dir: string): string {
  const abs = resolve(file);
  return join(dir, `${basename(abs).slice(0, 80)}-${createHash("sha256").update(abs).digest("hex").slice(0, 24)}.gcache`);
}

/**
 * The file's stamp now, or null when it cannot be seen or is not a regular file (a
 * pipe has no stable content to tie a cache to; opening it non-blocking never waits).
 */
export async function stampOf(file: string): Promise<Stamp | null> {
  let fh;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return null;
    const h = createHash("sha256");
    // Not Node's pooled Buffer: Guppy's reads must never show as the analysed program's allocations.
    const buf = Buffer.allocUnsafeSlow(SAMPLE_BYTES);
    for (const at of [0, Math.max(0, Math.floor((st.size - SAMPLE_BYTES) / 2)), Math.max(0, st.size - SAMPLE_BYTES)]) {
      const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, at);
      h.update(buf.subarray(0, bytesRead));
    }
    return { path: resolve(file), size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, ctimeMs: st.ctimeMs, sample: h.digest("hex") };
  } catch {
    return null;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

function sameStamp(a: Stamp, b: Stamp): boolean {
  return a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.ctimeMs === b.ctimeMs && a.sample === b.sample;
}

/** Whether a file or folder is ours and no one else can write it (POSIX; Windows has other ACLs). */
function oursAlone(st: Stats): boolean {
  if (process.platform === "win32") return true;
  const uid = process.getuid?.();
  return (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
}

/**
 * Why the cache folder must not be used, or null when it is ours alone (or does not
 * exist yet: it is then created owner-only). Others who can write the folder could
 * plant links, forge caches or replace ours.
 */
export async function unsafeCacheDir(dir: string): Promise<string | null> {
  let st: Stats;
  try {
    st = await stat(dir);
  } catch {
    return null;
  }
  if (!st.isDirectory()) return "is not a folder";
  if (!oursAlone(st)) return "is not owner-only (another user owns it or can write it)";
  return null;
}

/** The graph's arrays to write, by section name, and the scalars of its derived records. */
function collect(g: HeapGraph): { arrays: [string, Typed][]; scalars: Record<string, number | null>; bare: string[] } {
  const { bytes, starts } = g.strings.rawView();
  const arrays: [string, Typed][] = [
    ["nodeType", g.nodeType],
    ["nodeName", g.nodeName],
    ["nodeId", g.nodeId],
    ["nodeSelfSize", g.nodeSelfSize],
    ["firstEdge", g.firstEdge],
    ["edgeType", g.edgeType],
    ["edgeName", g.edgeName],
    ["edgeTarget", g.edgeTarget],
    ["stringBytes", bytes.subarray(0, starts[g.strings.count]!)],
    ["stringStarts", starts.subarray(0, g.strings.count + 1)],
    ["samples", g.samples],
    ["locations", g.locations],
  ];
  if (g.nodeTraceId !== null) arrays.push(["nodeTraceId", g.nodeTraceId]);
  if (g.nodeDetachedness !== null) arrays.push(["nodeDetachedness", g.nodeDetachedness]);
  if (g.traces !== null) {
    const t = g.traces;
    arrays.push(["traces.functionInfos", t.functionInfos], ["traces.treeId", t.treeId], ["traces.treeFunctionInfo", t.treeFunctionInfo], ["traces.treeCount", t.treeCount], ["traces.treeSize", t.treeSize], ["traces.treeParent", t.treeParent]);
  }
  const scalars: Record<string, number | null> = {};
  const bare: string[] = [];
  for (const [key, value] of g.memoEntries()) {
    if (!CACHED_DERIVED.includes(key)) continue;
    if (ArrayBuffer.isView(value)) {
      const k = kindOf(value as Typed);
      if (k === null) continue;
      arrays.push([`derived.${key}`, value as Typed]);
      bare.push(key);
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    const fields = Object.entries(value as Record<string, unknown>);
    // Only records made of typed arrays, numbers and nulls can be written and read back as they were.
    if (!fields.every(([, v]) => v === null || typeof v === "number" || (ArrayBuffer.isView(v) && kindOf(v as Typed) !== null))) continue;
    for (const [f, v] of fields) {
      if (ArrayBuffer.isView(v)) arrays.push([`derived.${key}.${f}`, v as Typed]);
      else scalars[`${key}.${f}`] = v as number | null;
    }
  }
  return { arrays, scalars, bare };
}

/**
 * Writes the cache of a graph read from a file (atomically: a temporary file
 * renamed into place). Returns the cache's path, or null when the graph has no
 * file to tie it to or the folder cannot be written (caching is an optimisation:
 * its failure is never the user's error).
 */
export async function writeGraphCache(g: HeapGraph, dir: string | null = defaultCacheDir()): Promise<string | null> {
  if (dir === null || g.source === null) return null;
  const now = await stampOf(g.file);
  if (now === null || !sameStamp(now, g.source)) return null;
  const { arrays, scalars, bare } = collect(g);
  const sections: Section[] = [];
  let offset = 0;
  for (const [name, a] of arrays) {
    sections.push({ name, kind: kindOf(a)!, length: a.length, offset, hash: hashBytes(bytesOf(a)) });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const meta: Meta = {
    version: VERSION,
    source: g.source,
    header: g.header,
    layout: g.layout,
    nodeCount: g.nodeCount,
    edgeCount: g.edgeCount,
    stringCount: g.strings.count,
    warnings: [...g.warnings],
    traceFields: g.traces?.functionInfoFields ?? null,
    scalars,
    bareDerived: bare,
    sections,
  };
  const metaBytes = new TextEncoder().encode(JSON.stringify(meta));
  const dataStart = Math.ceil((FIXED + metaBytes.length) / 8) * 8;
  const head = new Uint8Array(dataStart);
  head.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(head.buffer);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, metaBytes.length, true);
  view.setUint32(16, hashBytes(metaBytes), true);
  head.set(metaBytes, FIXED);
  const path = cachePathOf(g.file, dir);
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  if (!(await ensureFolder(dir, 0o700)) || (await unsafeCacheDir(dir)) !== null) return null;
  try {
    // 0600: the cache holds the snapshot's strings, which can be secrets. Exclusive and
    // no-follow: a file or link planted at the temporary name is never written through.
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await fh.write(head, 0, head.length, 0);
      for (let i = 0; i < arrays.length; i++) {
        const b = bytesOf(arrays[i]![1]);
        if (b.length > 0) await fh.write(b, 0, b.length, dataStart + sections[i]!.offset);
      }
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    g.markCached();
    return path;
  } catch {
    await rm(tmp, { force: true }).catch(() => undefined);
    return null;
  }
}

/**
 * The graph from a snapshot's cache, or null when there is no cache, or it was
 * made from another version of the file or by another version of Guppy, or any
 * part of it fails its check. A folder others could write is not used (`onWarning`
 * hears why); a cache file that is not a regular file of ours alone is ignored.
 *
 * Only the node columns and strings are read now; the edge columns, ids, locations
 * and derived arrays are read (and checked) when first used, so a command reads only
 * what it needs. The file stays open until every part is read: the cache is only
 * ever replaced by renaming a new file over it, so the open file keeps what was checked.
 */
export async function readGraphCache(file: string, dir: string | null = defaultCacheDir(), onWarning?: (message: string) => void): Promise<HeapGraph | null> {
  if (dir === null) return null;
  const unsafe = await unsafeCacheDir(dir);
  if (unsafe !== null) {
    onWarning?.(`The cache folder ${dir} ${unsafe}: reading without the cache and writing none.`);
    return null;
  }
  const stamp = await stampOf(file);
  if (stamp === null) return null;
  const path = cachePathOf(file, dir);
  let fd: number;
  try {
    // Non-blocking: a FIFO planted at the cache path must not stall the run.
    fd = await openFd(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  // The file stays open only for a graph that will read from it.
  let kept = false;
  try {
    const st = await fstatFd(fd);
    if (!st.isFile() || !oursAlone(st)) return null;
    const size = st.size;
    const fixed = new Uint8Array(FIXED);
    if ((await readFd(fd, fixed, 0, FIXED, 0)) !== FIXED) return null;
    if (new TextDecoder().decode(fixed.subarray(0, 8)) !== MAGIC) return null;
    const view = new DataView(fixed.buffer);
    const metaLength = view.getUint32(12, true);
    if (view.getUint32(8, true) !== VERSION || metaLength > META_LIMIT || FIXED + metaLength > size) return null;
    const metaBytes = new Uint8Array(metaLength);
    if ((await readFd(fd, metaBytes, 0, metaLength, FIXED)) !== metaLength) return null;
    if (hashBytes(metaBytes) !== view.getUint32(16, true)) return null;
    const meta = JSON.parse(new TextDecoder().decode(metaBytes)) as Meta;
    if (meta.version !== VERSION || typeof meta.source !== "object" || meta.source === null || !sameStamp(meta.source, stamp)) return null;
    const dataStart = Math.ceil((FIXED + metaLength) / 8) * 8;
    for (const sec of meta.sections) {
      const Kind = KINDS[sec.kind];
      // (An empty section may sit at the padded end, past the last byte written.)
      if (Kind === undefined || !(sec.length >= 0) || (sec.length > 0 && dataStart + sec.offset + sec.length * Kind.BYTES_PER_ELEMENT > size)) return null;
    }
    const g = await new CacheSections(fd, path, dataStart, meta).graph(file, stamp);
    kept = g !== null;
    return g;
  } catch {
    return null;
  } finally {
    if (!kept) closeSync(fd);
  }
}

/** Section names of the columns a cached graph reads when first used, with the length each must have. */
const DEFERRED: Record<DeferredColumn, (m: Meta) => number | null> = {
  nodeId: (m) => m.nodeCount,
  firstEdge: (m) => m.nodeCount + 1,
  edgeType: (m) => m.edgeCount,
  edgeName: (m) => m.edgeCount,
  edgeTarget: (m) => m.edgeCount,
  locations: () => null,
};

/**
 * A cache file's sections: the eager ones read at once, the rest when first asked for
 * (synchronously, or all in the background by readRest). Every section is checked
 * against its hash when read, and the columns against the graph's bounds.
 */
class CacheSections implements DeferredParts {
  readonly derivedKeys: ReadonlySet<string>;
  private readonly byName: Map<string, Section>;
  /** Sections read (and checked) but not yet taken, and those still to read. */
  private readonly ready = new Map<string, Typed>();
  private readonly unreadNames: Set<string>;
  private fd: number | null;
  private background: Promise<void> | null = null;

  constructor(fd: number, private readonly path: string, private readonly dataStart: number, private readonly meta: Meta) {
    this.fd = fd;
    this.byName = new Map(meta.sections.map((s) => [s.name, s]));
    const keys = new Set<string>();
    for (const s of meta.sections) if (s.name.startsWith("derived.")) keys.add(derivedKeyOf(s.name, meta));
    for (const k of Object.keys(meta.scalars)) keys.add(k.slice(0, k.indexOf(".")));
    this.derivedKeys = new Set([...keys].filter((k) => CACHED_DERIVED.includes(k)));
    this.unreadNames = new Set(meta.sections.filter((s) => isDeferred(s.name)).map((s) => s.name));
  }

  /** The graph, its eager sections read (each hashed while the next is read); null when one fails. */
  async graph(file: string, stamp: Stamp): Promise<HeapGraph | null> {
    const arrays = new Map<string, Typed>();
    let hashing: Promise<boolean> = Promise.resolve(true);
    for (const sec of this.meta.sections) {
      if (isDeferred(sec.name)) continue;
      const a = new KINDS[sec.kind](sec.length);
      const b = bytesOf(a);
      const [ok, n] = await Promise.all([hashing, b.length === 0 ? 0 : readFd(this.fd!, b, 0, b.length, this.dataStart + sec.offset)]);
      if (!ok || n !== b.length) return null;
      hashing = Promise.resolve().then(() => hashBytes(b) === sec.hash);
      arrays.set(sec.name, a);
    }
    if (!(await hashing)) return null;
    for (const [name, length] of Object.entries(DEFERRED)) {
      const want = length(this.meta);
      const sec = this.byName.get(name);
      if (sec === undefined || (want !== null && sec.length !== want)) return null;
    }
    return graphOf(file, stamp, this.meta, arrays, this);
  }

  column(name: DeferredColumn): Uint8Array | Uint32Array | Float64Array {
    const a = this.take(name);
    const fits = a !== null && (name === "edgeType" ? a instanceof Uint8Array : name === "locations" ? a instanceof Uint32Array || a instanceof Float64Array : a instanceof Uint32Array);
    if (!fits) {
      this.discard();
      throw new GuppyError("CACHE_DAMAGED", "The snapshot's cache failed its check while in use and was removed; open the snapshot again to read it from the file.", { file: this.meta.source.path });
    }
    return a as Uint8Array | Uint32Array | Float64Array;
  }

  derived(key: string): unknown {
    const bare = this.meta.bareDerived.includes(key);
    if (bare) return this.take(`derived.${key}`);
    const record: Record<string, unknown> = {};
    for (const s of this.meta.sections) {
      if (!s.name.startsWith(`derived.${key}.`)) continue;
      const a = this.take(s.name);
      if (a === null) return null;
      record[s.name.slice(9 + key.length)] = a;
    }
    for (const [path, v] of Object.entries(this.meta.scalars)) if (path.startsWith(`${key}.`)) record[path.slice(key.length + 1)] = v;
    return record;
  }

  unread(): string[] {
    return [...this.unreadNames];
  }

  readRest(): Promise<void> {
    this.background ??= this.readAll();
    return this.background;
  }

  /** Closes the file (reads after this fail their check). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private async readAll(): Promise<void> {
    for (const sec of this.meta.sections) {
      if (!this.unreadNames.has(sec.name) || this.fd === null) continue;
      const a = new KINDS[sec.kind](sec.length);
      const b = bytesOf(a);
      let n: number;
      try {
        n = b.length === 0 ? 0 : await readFd(this.fd, b, 0, b.length, this.dataStart + sec.offset);
      } catch {
        return;
      }
      // (Taken meanwhile by a synchronous read: this copy is not needed.)
      if (!this.unreadNames.has(sec.name) || n !== b.length || !this.checked(sec, a)) continue;
      this.unreadNames.delete(sec.name);
      this.ready.set(sec.name, a);
      this.closeWhenRead();
    }
  }

  /** A deferred section, read now unless the background read has it; null when it fails its check. */
  private take(name: string): Typed | null {
    const got = this.ready.get(name);
    if (got !== undefined) {
      this.ready.delete(name);
      return got;
    }
    const sec = this.byName.get(name);
    if (sec === undefined || this.fd === null || !this.unreadNames.has(name)) return null;
    this.unreadNames.delete(name);
    const a = new KINDS[sec.kind](sec.length);
    const b = bytesOf(a);
    let ok: boolean;
    try {
      ok = (b.length === 0 || readSync(this.fd, b, 0, b.length, this.dataStart + sec.offset) === b.length) && this.checked(sec, a);
    } catch {
      ok = false;
    }
    this.closeWhenRead();
    return ok ? a : null;
  }

  /**
   * Whether a section read is what was written (its hash) and, for the columns the
   * graph indexes with, in bounds: the hashes prove the bytes are what was written,
   * the bounds keep even a forged cache from indexing out of range.
   */
  private checked(sec: Section, a: Typed): boolean {
    const { nodeCount: N, edgeCount: E } = this.meta;
    if (hashBytes(bytesOf(a), sec.name === "edgeTarget" ? N : sec.name === "firstEdge" ? E + 1 : 2 ** 32) !== sec.hash) return false;
    if (sec.name === "firstEdge") {
      if (a[N] !== E) return false;
      for (let i = 0; i < N; i++) if (a[i]! > a[i + 1]!) return false;
    }
    return true;
  }

  private closeWhenRead(): void {
    if (this.unreadNames.size === 0) this.close();
  }

  /** A cache that failed its check is removed (if it is still the file that was opened), so the next run parses the snapshot. */
  private discard(): void {
    try {
      if (this.fd !== null && lstatSync(this.path).ino === fstatSync(this.fd).ino) rmSync(this.path, { force: true });
    } catch {
      // Already gone or unreadable: nothing to remove.
    }
    this.close();
  }
}

function isDeferred(name: string): boolean {
  return name.startsWith("derived.") || Object.hasOwn(DEFERRED, name);
}

/** The derived key a section belongs to: "derived.KEY" (a bare array) or "derived.KEY.FIELD". */
function derivedKeyOf(name: string, meta: Meta): string {
  const rest = name.slice(8);
  if (meta.bareDerived.includes(rest)) return rest;
  const dot = rest.indexOf(".");
  return dot < 0 ? rest : rest.slice(0, dot);
}

/** Rebuilds the graph from its checked eager sections; null when one is missing or out of range. */
function graphOf(file: string, stamp: Stamp, meta: Meta, arrays: Map<string, Typed>, deferred: DeferredParts): HeapGraph | null {
  const get = <T extends Typed>(name: string, Kind: new (n: number) => T, length?: number): T | null => {
    const a = arrays.get(name);
    return a instanceof Kind && (length === undefined || a.length === length) ? (a as T) : null;
  };
  const N = meta.nodeCount;
  const starts = get("stringStarts", Uint32Array, meta.stringCount + 1);
  const bytes = get("stringBytes", Uint8Array);
  if (starts === null || bytes === null || starts[meta.stringCount] !== bytes.length) return null;
  let traces: AllocationTraces | null = null;
  if (meta.traceFields !== null) {
    const t = {
      functionInfos: get("traces.functionInfos", Float64Array),
      functionInfoFields: meta.traceFields,
      treeId: get("traces.treeId", Uint32Array),
      treeFunctionInfo: get("traces.treeFunctionInfo", Uint32Array),
      treeCount: get("traces.treeCount", Float64Array),
      treeSize: get("traces.treeSize", Float64Array),
      treeParent: get("traces.treeParent", Int32Array),
    };
    if (Object.values(t).some((v) => v === null)) return null;
    traces = t as AllocationTraces;
  }
  const parts: HeapGraphParts = {
    file,
    header: meta.header,
    layout: meta.layout,
    nodeCount: N,
    edgeCount: meta.edgeCount,
    nodeType: get("nodeType", Uint8Array, N)!,
    nodeName: get("nodeName", Uint32Array, N)!,
    nodeSelfSize: get("nodeSelfSize", Uint32Array, N)!,
    nodeTraceId: arrays.has("nodeTraceId") ? get("nodeTraceId", Uint32Array, N) : null,
    nodeDetachedness: arrays.has("nodeDetachedness") ? get("nodeDetachedness", Uint8Array, N) : null,
    strings: new StringTable(bytes, starts, meta.stringCount),
    traces,
    samples: get("samples", Float64Array)!,
    warnings: meta.warnings,
    source: stamp,
    deferred,
  };
  if ([parts.nodeType, parts.nodeName, parts.nodeSelfSize, parts.samples].some((a) => a === null)) return null;
  if ((arrays.has("nodeTraceId") && parts.nodeTraceId === null) || (arrays.has("nodeDetachedness") && parts.nodeDetachedness === null)) return null;
  const g = new HeapGraph(parts);
  g.markCached();
  return g;
}

/** Whether the graph has derived arrays its cache lacks (or no cache at all): worth writing. */
export function cacheIsStale(g: HeapGraph): boolean {
  return g.source !== null && (!g.hasCache() || g.uncachedKeys().some((k) => CACHED_DERIVED.includes(k)));
}
