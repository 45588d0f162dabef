import type { SnapshotHeader, SnapshotLayout } from "./meta.js";
import type { StringTable } from "./string-table.js";

/** Allocation-tracking data of a snapshot taken with allocation tracking on; empty otherwise. */
export interface AllocationTraces {
  /** trace_function_infos, flat, `functionInfoFieldCount` numbers per function. */
  functionInfos: Float64Array;
  functionInfoFields: string[];
  /** The trace tree, flattened in pre-order: id, function info index, count, size, parent row (-1 at the top). */
  treeId: Uint32Array;
  treeFunctionInfo: Uint32Array;
  treeCount: Float64Array;
  treeSize: Float64Array;
  treeParent: Int32Array;
}

/** Everything about one snapshot that is not a node or edge column. */
export interface HeapGraphParts {
  file: string;
  header: SnapshotHeader;
  layout: SnapshotLayout;
  nodeCount: number;
  edgeCount: number;
  nodeType: Uint8Array;
  nodeName: Uint32Array;
  nodeSelfSize: Uint32Array;
  nodeTraceId: Uint32Array | null;
  nodeDetachedness: Uint8Array | null;
  strings: StringTable;
  traces: AllocationTraces | null;
  samples: Float64Array;
  warnings: string[];
  /** The file the graph was read from, as it was then (for its cache); absent for streams. */
  source?: SourceStamp | null;
  /** The deferrable columns, each given or else read from `deferred` when first used. */
  nodeId?: Uint32Array;
  firstEdge?: Uint32Array;
  edgeType?: Uint8Array;
  edgeName?: Uint32Array;
  edgeTarget?: Uint32Array;
  locations?: Uint32Array | Float64Array;
  /** Where columns not given, and derived values, are read from when first used (a cache file). */
  deferred?: DeferredParts;
}

/** The columns a graph may read only when first used. */
export type DeferredColumn = "nodeId" | "firstEdge" | "edgeType" | "edgeName" | "edgeTarget" | "locations";

/**
 * The parts of a graph not read yet: a cache file's sections, read and checked when
 * first used, so that what a command never touches is never read.
 * @internal The binary cache's plumbing.
 */
export interface DeferredParts {
  /** The column, read and checked now; throws GuppyError CACHE_DAMAGED when it fails its check. */
  column(name: DeferredColumn): Uint8Array | Uint32Array | Float64Array;
  /** The derived keys it holds. */
  readonly derivedKeys: ReadonlySet<string>;
  /** The derived value, read and checked now; null when it fails its check (it is then computed anew). */
  derived(key: string): unknown;
  /** Reads every part not read yet, in the background (libuv's threads), so later uses wait for nothing. */
  readRest(): Promise<void>;
  /** The names of the sections not read yet. */
  unread(): string[];
}

/** What identifies a snapshot file's content without reading it. */
export interface SourceStamp {
  /** Absolute path. */
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** Moves on every write, even one that restores size and mtime. */
  ctimeMs: number;
  /** A hash of the file's first, middle and last bytes: content, whatever the timestamps say. */
  sample: string;
}

/** Node type numbers, looked up once from the snapshot's own enum (-1 when absent). */
export interface NodeTypeCodes {
  hidden: number;
  array: number;
  string: number;
  object: number;
  code: number;
  closure: number;
  regexp: number;
  number: number;
  native: number;
  synthetic: number;
  consString: number;
  slicedString: number;
  symbol: number;
  bigint: number;
}

/** Edge type numbers, looked up once from the snapshot's own enum (-1 when absent). */
export interface EdgeTypeCodes {
  context: number;
  element: number;
  property: number;
  internal: number;
  hidden: number;
  shortcut: number;
  weak: number;
}

/**
 * One heap snapshot as an immutable columnar graph. Nodes and edges are integer
 * ordinals; each column is a typed array indexed by ordinal. Edges of node n are
 * firstEdge[n] .. firstEdge[n+1]-1 (CSR), and edgeTarget holds node ordinals.
 *
 * Derived arrays (retainers, dominators, ...) are computed by the graph layer and
 * kept in this graph's memo, so each is computed at most once per graph.
 */
export class HeapGraph {
  readonly file: string;
  readonly header: SnapshotHeader;
  readonly layout: SnapshotLayout;
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** V8 node type per node, an index into layout.nodeTypes. */
  readonly nodeType: Uint8Array;
  /** Name per node, an index into strings. */
  readonly nodeName: Uint32Array;
  /** Self size as V8 reported it (see graph/shallow-sizes for the size DevTools shows). */
  readonly nodeSelfSize: Uint32Array;
  /** Allocation trace node per node, or null when the snapshot has none. */
  readonly nodeTraceId: Uint32Array | null;
  /** DOM detachedness per node (0 unknown, 1 attached, 2 detached), or null. */
  readonly nodeDetachedness: Uint8Array | null;
  readonly strings: StringTable;
  readonly traces: AllocationTraces | null;
  /** samples, flat, as in the file (timestamp_us, last_assigned_id pairs). */
  readonly samples: Float64Array;
  /** Ordinal of the root node. */
  readonly root: number;
  /** Problems the reader worked around (for example a cut-off string table). */
  readonly warnings: readonly string[];
  readonly nodeTypes: NodeTypeCodes;
  readonly edgeTypes: EdgeTypeCodes;
  /** The file as it was when read, or null (a live snapshot, a stream). */
  readonly source: SourceStamp | null;
  private readonly memo = new Map<string, unknown>();
  /** The derived entries the graph's cache file holds, once it was read from or written to one. */
  private cached: Set<string> | null = null;
  private readonly deferred: DeferredParts | null;
  private nodeIdColumn: Uint32Array | undefined;
  private firstEdgeColumn: Uint32Array | undefined;
  private edgeTypeColumn: Uint8Array | undefined;
  private edgeNameColumn: Uint32Array | undefined;
  private edgeTargetColumn: Uint32Array | undefined;
  private locationsColumn: Uint32Array | Float64Array | undefined;

  constructor(p: HeapGraphParts) {
    this.file = p.file;
    this.header = p.header;
    this.layout = p.layout;
    this.nodeCount = p.nodeCount;
    this.edgeCount = p.edgeCount;
    this.nodeType = p.nodeType;
    this.nodeName = p.nodeName;
    this.nodeSelfSize = p.nodeSelfSize;
    this.nodeTraceId = p.nodeTraceId;
    this.nodeDetachedness = p.nodeDetachedness;
    this.strings = p.strings;
    this.traces = p.traces;
    this.samples = p.samples;
    this.deferred = p.deferred ?? null;
    this.nodeIdColumn = p.nodeId;
    this.firstEdgeColumn = p.firstEdge;
    this.edgeTypeColumn = p.edgeType;
    this.edgeNameColumn = p.edgeName;
    this.edgeTargetColumn = p.edgeTarget;
    this.locationsColumn = p.locations;
    if (this.deferred === null && [p.nodeId, p.firstEdge, p.edgeType, p.edgeName, p.edgeTarget, p.locations].includes(undefined)) {
      throw new TypeError("HeapGraph: a column is missing and there is nowhere to read it from");
    }
    this.warnings = p.warnings;
    this.source = p.source ?? null;
    this.root = Math.floor((p.header.root_index ?? 0) / p.layout.nodeFieldCount);
    const nt = p.layout.nodeTypes;
    const n = (name: string): number => nt.indexOf(name);
    this.nodeTypes = {
      hidden: n("hidden"),
      array: n("array"),
      string: n("string"),
      object: n("object"),
      code: n("code"),
      closure: n("closure"),
      regexp: n("regexp"),
      number: n("number"),
      native: n("native"),
      synthetic: n("synthetic"),
      consString: n("concatenated string"),
      slicedString: n("sliced string"),
      symbol: n("symbol"),
      bigint: n("bigint"),
    };
    const et = p.layout.edgeTypes;
    const e = (name: string): number => et.indexOf(name);
    this.edgeTypes = {
      context: e("context"),
      element: e("element"),
      property: e("property"),
      internal: e("internal"),
      hidden: e("hidden"),
      shortcut: e("shortcut"),
      weak: e("weak"),
    };
  }

  /** V8 heap object id per node; stable across snapshots of one process. */
  get nodeId(): Uint32Array {
    return (this.nodeIdColumn ??= this.deferred!.column("nodeId") as Uint32Array);
  }

  /** CSR offsets into the edge columns, nodeCount + 1 entries. */
  get firstEdge(): Uint32Array {
    return (this.firstEdgeColumn ??= this.deferred!.column("firstEdge") as Uint32Array);
  }

  /** Edge type per edge, an index into layout.edgeTypes. */
  get edgeType(): Uint8Array {
    return (this.edgeTypeColumn ??= this.deferred!.column("edgeType") as Uint8Array);
  }

  /** Edge name: a string index, or the element/hidden index for element and hidden edges. */
  get edgeName(): Uint32Array {
    return (this.edgeNameColumn ??= this.deferred!.column("edgeName") as Uint32Array);
  }

  /** Target node ordinal per edge. */
  get edgeTarget(): Uint32Array {
    return (this.edgeTargetColumn ??= this.deferred!.column("edgeTarget") as Uint32Array);
  }

  /** locations, flat: node ordinal, script id, line, column. */
  get locations(): Uint32Array | Float64Array {
    return (this.locationsColumn ??= this.deferred!.column("locations") as Uint32Array | Float64Array);
  }

  /**
   * Reads, in the background, every part of the graph's cache not read yet (nothing
   * when it was not read from a cache), so that later steps find them in memory.
   * Long-lived views call it once their first answer is out.
   */
  async readRest(): Promise<void> {
    await this.deferred?.readRest();
  }

  /**
   * The parts of the graph's cache file not read yet (empty when it was not read from one).
   * @internal The binary cache's plumbing.
   */
  unreadParts(): string[] {
    return this.deferred?.unread() ?? [];
  }

  /** The node's name. */
  name(node: number): string {
    return this.strings.get(this.nodeName[node]!);
  }

  /** The node's V8 type name (object, closure, string, ...). */
  typeName(node: number): string {
    return this.layout.nodeTypes[this.nodeType[node]!] ?? "unknown";
  }

  /** The edge's V8 type name (property, element, context, ...). */
  edgeTypeName(edge: number): string {
    return this.layout.edgeTypes[this.edgeType[edge]!] ?? "unknown";
  }

  /** Whether the edge's name field is a number (element and hidden edges) rather than a string. */
  edgeNameIsIndex(edge: number): boolean {
    const t = this.edgeType[edge]!;
    return t === this.edgeTypes.element || t === this.edgeTypes.hidden;
  }

  /** The edge's name as text: the property name, or the index for element and hidden edges. */
  edgeNameText(edge: number): string {
    const v = this.edgeName[edge]!;
    return this.edgeNameIsIndex(edge) ? String(v) : this.strings.get(v);
  }

  /** Native bytes V8 counted for the heap but attributed to no node (DevTools adds them to the total). */
  get extraNativeBytes(): number {
    return this.header.extra_native_bytes ?? 0;
  }

  /**
   * The value stored under `key`, computing it on first use. The graph layer keeps
   * its derived arrays here, so they live and die with the graph and with nothing else.
   * @internal The graph layer's memo (retainersOf, dominatorsOf, ... are the API).
   */
  derived<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    let v = this.deferred?.derivedKeys.has(key) ? (this.deferred.derived(key) as T | null) : null;
    if (v === null) {
      // (A cached value that failed its check is computed anew, and the cache no longer counts as holding it.)
      this.cached?.delete(key);
      v = compute();
    }
    this.memo.set(key, v);
    return v;
  }

  /**
   * Whether the value under `key` was computed (or read from the cache) already.
   * @internal The graph layer's memo.
   */
  hasDerived(key: string): boolean {
    return this.memo.has(key) || (this.deferred?.derivedKeys.has(key) === true && this.cached?.has(key) === true);
  }

  /**
   * The derived values computed so far (for the cache).
   * @internal The binary cache's plumbing.
   */
  memoEntries(): [string, unknown][] {
    for (const key of this.deferred?.derivedKeys ?? []) {
      if (this.memo.has(key) || !this.cached?.has(key)) continue;
      const v = this.deferred!.derived(key);
      if (v === null) this.cached.delete(key);
      else this.memo.set(key, v);
    }
    return [...this.memo];
  }

  /**
   * Stores a derived value read from the cache, as if it had been computed.
   * @internal The binary cache's plumbing.
   */
  preload(key: string, value: unknown): void {
    if (!this.memo.has(key)) this.memo.set(key, value);
  }

  /**
   * Records that the cache file now holds what the memo holds.
   * @internal The binary cache's plumbing.
   */
  markCached(): void {
    this.cached = new Set([...this.memo.keys(), ...(this.cached === null ? (this.deferred?.derivedKeys ?? []) : [])]);
  }

  /**
   * Whether a cache file holds this graph (it was read from one or written to one).
   * @internal The binary cache's plumbing.
   */
  hasCache(): boolean {
    return this.cached !== null;
  }

  /**
   * Derived keys computed since the cache was last read or written (all of them when there is none).
   * @internal The binary cache's plumbing.
   */
  uncachedKeys(): string[] {
    return [...this.memo.keys()].filter((k) => !this.cached?.has(k));
  }
}
