import { createHash, randomBytes } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { ensureFolder } from "../../folders.js";
import { HeapGraph, type AllocationTraces, type HeapGraphParts, type SourceStamp } from "./heap-graph.js";
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
/** Bumped whenever the layout of the file or of any cached array changes (3: the stamp's ctime and content sample; 4: path trees start at a page's Window). */
const VERSION = 4;
const FIXED = 20; // magic 8, version 4, meta length 4, meta hash 4
const META_LIMIT = 64 << 20;
/** Bytes hashed at each of three places of the source for its stamp. */
const SAMPLE_BYTES = 64 << 10;
/** Derived arrays worth keeping: costly to compute, plain typed arrays or records of them. */
const CACHED_DERIVED = ["retainers", "dominators", "distances", "pathTree", "shallowSizes", "owners", "idIndex", "pageOwned", "ephemerons", "ephemeronPairs", "dominationRoots"];

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

/** FNV-1a over 32-bit words in four lanes (fast in V8), then the tail bytes. */
export function hashBytes(bytes: Uint8Array): number {
  const words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2) : new Uint32Array(bytes.slice(0, bytes.length & ~3).buffer);
  let h0 = 0x811c9dc5 | 0, h1 = 0x01000193 | 0, h2 = 0x5bd1e995 | 0, h3 = bytes.length | 0;
  const m = words.length & ~3;
  let i = 0;
  for (; i < m; i += 4) {
    h0 = Math.imul(h0 ^ words[i]!, 16777619);
    h1 = Math.imul(h1 ^ words[i + 1]!, 16777619);
    h2 = Math.imul(h2 ^ words[i + 2]!, 16777619);
    h3 = Math.imul(h3 ^ words[i + 3]!, 16777619);
  }
  for (; i < words.length; i++) h0 = Math.imul(h0 ^ words[i]!, 16777619);
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
  let fh;
  try {
    // Non-blocking: a FIFO planted at the cache path must not stall the run.
    fh = await open(cachePathOf(file, dir), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile() || !oursAlone(st)) return null;
    const size = st.size;
    const fixed = new Uint8Array(FIXED);
    if ((await fh.read(fixed, 0, FIXED, 0)).bytesRead !== FIXED) return null;
    if (new TextDecoder().decode(fixed.subarray(0, 8)) !== MAGIC) return null;
    const view = new DataView(fixed.buffer);
    const metaLength = view.getUint32(12, true);
    if (view.getUint32(8, true) !== VERSION || metaLength > META_LIMIT || FIXED + metaLength > size) return null;
    const metaBytes = new Uint8Array(metaLength);
    await fh.read(metaBytes, 0, metaLength, FIXED);
    if (hashBytes(metaBytes) !== view.getUint32(16, true)) return null;
    const meta = JSON.parse(new TextDecoder().decode(metaBytes)) as Meta;
    if (meta.version !== VERSION || typeof meta.source !== "object" || meta.source === null || !sameStamp(meta.source, stamp)) return null;
    const dataStart = Math.ceil((FIXED + metaLength) / 8) * 8;
    const arrays = new Map<string, Typed>();
    // Reads run on libuv's threads: hash each section while the next one is read.
    let hashing: Promise<boolean> = Promise.resolve(true);
    for (const sec of meta.sections) {
      const Kind = KINDS[sec.kind];
      // (An empty section may sit at the padded end, past the last byte written.)
      if (Kind === undefined || !(sec.length >= 0) || (sec.length > 0 && dataStart + sec.offset + sec.length * Kind.BYTES_PER_ELEMENT > size)) return null;
      const a = new Kind(sec.length);
      const b = bytesOf(a);
      const reading = b.length === 0 ? Promise.resolve({ bytesRead: 0 }) : fh.read(b, 0, b.length, dataStart + sec.offset);
      const [ok, r] = await Promise.all([hashing, reading]);
      if (!ok || r.bytesRead !== b.length) return null;
      hashing = Promise.resolve().then(() => hashBytes(b) === sec.hash);
      arrays.set(sec.name, a);
    }
    if (!(await hashing)) return null;
    return graphOf(file, stamp, meta, arrays);
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

/** Rebuilds the graph and its derived arrays from checked sections; null when one is missing or out of range. */
function graphOf(file: string, stamp: Stamp, meta: Meta, arrays: Map<string, Typed>): HeapGraph | null {
  const get = <T extends Typed>(name: string, Kind: new (n: number) => T, length?: number): T | null => {
    const a = arrays.get(name);
    return a instanceof Kind && (length === undefined || a.length === length) ? (a as T) : null;
  };
  const N = meta.nodeCount;
  const E = meta.edgeCount;
  const firstEdge = get("firstEdge", Uint32Array, N + 1);
  const edgeTarget = get("edgeTarget", Uint32Array, E);
  const starts = get("stringStarts", Uint32Array, meta.stringCount + 1);
  const bytes = get("stringBytes", Uint8Array);
  if (firstEdge === null || edgeTarget === null || starts === null || bytes === null || firstEdge[N] !== E || starts[meta.stringCount] !== bytes.length) return null;
  // The hashes prove the bytes are what was written; these bounds keep even a forged cache from indexing out of range.
  for (let i = 0; i < E; i++) if (edgeTarget[i]! >= N) return null;
  for (let i = 0; i < N; i++) if (firstEdge[i]! > firstEdge[i + 1]!) return null;
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
    edgeCount: E,
    nodeType: get("nodeType", Uint8Array, N)!,
    nodeName: get("nodeName", Uint32Array, N)!,
    nodeId: get("nodeId", Uint32Array, N)!,
    nodeSelfSize: get("nodeSelfSize", Uint32Array, N)!,
    firstEdge,
    nodeTraceId: arrays.has("nodeTraceId") ? get("nodeTraceId", Uint32Array, N) : null,
    nodeDetachedness: arrays.has("nodeDetachedness") ? get("nodeDetachedness", Uint8Array, N) : null,
    edgeType: get("edgeType", Uint8Array, E)!,
    edgeName: get("edgeName", Uint32Array, E)!,
    edgeTarget,
    strings: new StringTable(bytes, starts, meta.stringCount),
    traces,
    samples: get("samples", Float64Array)!,
    locations: get("locations", Float64Array)!,
    warnings: meta.warnings,
    source: stamp,
  };
  if ([parts.nodeType, parts.nodeName, parts.nodeId, parts.nodeSelfSize, parts.edgeType, parts.edgeName, parts.samples, parts.locations].some((a) => a === null)) return null;
  if ((arrays.has("nodeTraceId") && parts.nodeTraceId === null) || (arrays.has("nodeDetachedness") && parts.nodeDetachedness === null)) return null;
  const g = new HeapGraph(parts);
  // Derived records come back field by field; bare arrays as they were.
  const records = new Map<string, Record<string, unknown>>();
  for (const [name, a] of arrays) {
    if (!name.startsWith("derived.")) continue;
    const rest = name.slice(8);
    if (meta.bareDerived.includes(rest)) {
      g.preload(rest, a);
      continue;
    }
    const dot = rest.indexOf(".");
    const key = rest.slice(0, dot);
    if (!records.has(key)) records.set(key, {});
    records.get(key)![rest.slice(dot + 1)] = a;
  }
  for (const [path, v] of Object.entries(meta.scalars)) {
    const dot = path.indexOf(".");
    const key = path.slice(0, dot);
    if (!records.has(key)) records.set(key, {});
    records.get(key)![path.slice(dot + 1)] = v;
  }
  for (const [key, record] of records) if (CACHED_DERIVED.includes(key)) g.preload(key, record);
  g.markCached();
  return g;
}

/** Whether the graph has derived arrays its cache lacks (or no cache at all): worth writing. */
export function cacheIsStale(g: HeapGraph): boolean {
  return g.source !== null && (!g.hasCache() || g.uncachedKeys().some((k) => CACHED_DERIVED.includes(k)));
}
