import { docOf, type Doc } from "../../doc.js";
import { CLASSIFIERS, type Classifier } from "../classify/classifiers.js";
import { ERS, callable, findex, resolveClassifier, type CallableClassifier, type ClodoClassifier, type TypeClassifier } from "../classify/classifier-value.js";
import { ANYTHING, NOTHING, describe, type Kind } from "../classify/kind.js";
import { GuppyError } from "../../errors.js";
import { NO_DISTANCE, distancesOf } from "../graph/distances.js";
import { IdentitySet } from "../sets/identity-set.js";
import { HeapGraph } from "../snapshot/heap-graph.js";
import type { ReadOptions } from "../snapshot/reader.js";
import { LiveHeap } from "../capture/live-heap.js";
import { isStatFile, loadStats } from "../stat/stat.js";
import { StatView } from "../render/stat-text.js";
import { GraphFiles } from "./graph-files.js";
import { HeapySet } from "./heapy-set.js";
import { rootPath, type RootPath } from "./root-path.js";
import { guppyInstances, ownObjectsToHide } from "./own-objects.js";
import { WASTE_CLASSIFIERS } from "../waste/known-waste.js";
import { growth, growthClassifier, GrowingView } from "../waste/growth.js";

/** Options of hpy(). */
export interface SessionOptions {
  /**
   * Whose heap heap(), setref() and track() look at: this thread's (the default), or,
   * from a worker thread, the main thread's.
   */
  target?: "self" | "main-thread";
  /**
   * The folder of binary snapshot caches (see saveCaches); null for none. Default:
   * GUPPY_CACHE, else ~/.cache/guppy/snapshots.
   */
  cacheDir?: string | null;
  /**
   * Heapy's `h.pb(files)`: starts the profile browser. The profile browser is a layer
   * above the session, so the package's `hpy()` (src/index.ts) gives it here.
   */
  pb?: (files: readonly string[], options: PbOptions) => Promise<PbHandle>;
  /** Heapy's `h.monitor()`: the remote-monitor console on stdin and stdout, given likewise. */
  monitor?: () => Promise<void>;
}

/** Options of `h.pb()`. */
export interface PbOptions {
  /** The port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Open it in the web browser: by default when on a terminal on a desktop. */
  open?: boolean;
}

/** A running profile browser, as `h.pb()` gives it. */
export interface PbHandle {
  /** Its address, with the access token in the fragment. */
  readonly url: string;
  /** Whether a web browser was asked to open it. */
  readonly opened: boolean;
  /** Stops it. */
  close(): Promise<void>;
  /** Its address and how to stop it, as the REPL prints it. */
  toString(): string;
}

/**
 * A Heapy session (Guppy-PE's "Use" object, made by `hpy()`). All state — the
 * snapshots loaded, the classifiers — lives here; two sessions share nothing.
 */
export class Session {
  constructor(private readonly options: SessionOptions = {}) {
    this.files = new GraphFiles(options.cacheDir);
  }

  /** Snapshots loaded by this session, by file name. */
  private readonly files: GraphFiles;
  /** Graphs of this process's own heap, and the sets heap() returned, while anything holds them. */
  private readonly ownLive: WeakRef<object>[] = [];
  /** The inspector connection for snapshots of this process, made on first use. */
  private live: LiveHeap | null = null;
  /** The snapshot loaded or taken last, for Root (not kept alive by it). */
  private latest: WeakRef<HeapGraph> | null = null;
  /** With setref(): the largest heap object id at the reference point. */
  private refMaxId = 0;
  /** With setref() or setrelheapu(): the same for heapu(). */
  private refMaxIdU = 0;
  /** With setref({ reachable, unreachable }): the ids of the reference sets. */
  private refSet: Set<number> | null = null;
  private refSetU: Set<number> | null = null;
  /** Classifiers by name: the built-in ones and any the user adds (this session only). */
  private readonly registry = new Map<string, CallableClassifier>(Object.entries({ ...CLASSIFIERS, ...WASTE_CLASSIFIERS }).map(([k, c]) => [k, ERS[k] ?? callable(c)]));
  readonly Type = this.registry.get("Type")! as TypeClassifier;
  readonly Clodo = this.registry.get("Clodo")! as ClodoClassifier;
  readonly Size = this.registry.get("Size")!;
  readonly Unity = this.registry.get("Unity")!;
  readonly Id = this.registry.get("Id")!;
  readonly Via = this.registry.get("Via")!;
  readonly Rcs = this.registry.get("Rcs")!;
  readonly Module = this.registry.get("Module")!;
  readonly Prod = this.registry.get("Prod")!;
  readonly IdSet = this.registry.get("IdSet")!;
  /** The same as IdSet (Heapy's spelling). */
  readonly Idset = this.IdSet;
  /** Strings by content (known waste: duplicated strings). */
  readonly Dupstr = this.registry.get("Dupstr")!;
  /** DOM nodes by whether they are detached. */
  readonly Dom = this.registry.get("Dom")!;
  /** Arrays, Maps and Sets by how full they are. */
  readonly Fill = this.registry.get("Fill")!;
  /** Closures by the context variables they hold and do not use. */
  readonly Capture = this.registry.get("Capture")!;

  /** Every object (Heapy's `h.Anything`): `s.and(h.Anything)` is s, `h.Anything.and(k)` is k. */
  readonly Anything: Kind = ANYTHING;
  /** No object (Heapy's `h.Nothing`), printing `<Nothing>`. */
  readonly Nothing: Kind = NOTHING;

  /**
   * Heapy's findex: a classifier by the index of the first of the kinds an object is
   * of (`s.by(h.findex(h.Type.string, h.Clodo("Session")))`); others are `<None>`.
   */
  findex(...kinds: Kind[]): CallableClassifier {
    return findex(...kinds);
  }

  /**
   * Growth: how each collection changed since `earlier`, a set of an earlier snapshot
   * of the same process ("grew", "shrank", "unchanged", "new", "(not a collection)"):
   * `later.by(h.growth(earlier))`, `later.and(h.growth(earlier)("grew"))`.
   */
  growth(earlier: IdentitySet): CallableClassifier {
    if (!(earlier instanceof IdentitySet)) throw new GuppyError("USAGE", `h.growth() takes a set of an earlier snapshot of the same process; got ${describe(earlier)}.`);
    return callable(growthClassifier(earlier));
  }

  /** The collections that grew at every step of these sets of successive snapshots (oldest first). */
  growing(sets: readonly IdentitySet[], minGrowth = 10): GrowingView {
    if (!Array.isArray(sets) || !sets.every((x) => x instanceof IdentitySet)) throw new GuppyError("USAGE", "h.growing() takes an array of sets of successive snapshots, oldest first.");
    return new GrowingView(growth(sets, minGrowth));
  }

  /**
   * Adds a classifier for the user's own kinds (Guppy-PE's "function table" for
   * non-standard types); it is then found by name like the built-in ones.
   */
  addClassifier(classifier: Classifier): CallableClassifier {
    if (typeof classifier !== "object" || classifier === null || typeof classifier.name !== "string" || typeof classifier.kindHeader !== "string" || typeof classifier.classify !== "function") {
      throw new GuppyError("USAGE", "h.addClassifier() takes { name, kindHeader, classify(graph, nodes) } returning { kinds, labels }.");
    }
    if (this.registry.has(classifier.name)) throw new GuppyError("USAGE", `A classifier named '${classifier.name}' exists already.`);
    const c = callable(classifier);
    this.registry.set(classifier.name, c);
    return c;
  }

  /** A classifier by name (built-in or added). */
  classifier(name: string): CallableClassifier {
    if (typeof name !== "string") throw new GuppyError("USAGE", `h.classifier() takes a name ('Type', 'Type&Size'); got ${describe(name)}.`);
    const c = this.registry.get(name);
    if (c !== undefined) return c;
    const lookup = (n: string): CallableClassifier | undefined => this.registry.get(n) ?? [...this.registry.entries()].find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1];
    if (name.includes("&")) return resolveClassifier(name, lookup, "h.classifier()");
    const found = lookup(name);
    if (found === undefined) throw new GuppyError("USAGE", `No classifier named '${name.slice(0, 40)}'; there are ${[...this.registry.keys()].join(", ")}.`);
    return found;
  }

  /**
   * Loads a snapshot file and returns its objects reachable from the root through
   * strong (non-weak) references; synthetic nodes (the root and GC root groups)
   * are not objects and are left out. Loading the same file again reuses the graph.
   */
  async load<T extends HeapySet | StatView = HeapySet>(file: string, options: ReadOptions = {}): Promise<NoInfer<T>> {
    if (typeof file !== "string" || file === "") throw new GuppyError("USAGE", `h.load() takes the path of a .heapsnapshot or .heapsnapshot.gz file, or of a stat file; got ${describe(file)}.`);
    // A stat file is told by its content, Heapy's `.loader:` first line: its first record, as Heapy's load.
    if (isStatFile(file)) {
      const first = loadStats(file, options.onWarning)[0];
      if (first === undefined) throw new GuppyError("BAD_STAT_FILE", "The stat file has no complete record.");
      return new StatView(first) as T;
    }
    return this.reachable(await this.graph(file, options)) as T;
  }

  /** The stats dumped to a file, oldest first (Heapy's `h.load(statfile)`); a torn or damaged record is skipped with a warning, the rest kept. */
  loadStats(file: string, onWarning?: (w: string) => void): StatView[] {
    return loadStats(file, onWarning).map((s) => new StatView(s));
  }

  /** The loaded graph of a file (read on first use). */
  async graph(file: string, options: ReadOptions = {}): Promise<HeapGraph> {
    const g = await this.files.graph(file, options);
    this.latest = new WeakRef(g);
    return g;
  }

  /**
   * Heapy's Root as a value, in the snapshot loaded or taken last: the printed paths
   * evaluate to the sets they name (`h.Root.global.app.cache`, `h.Root["(GC roots)"]`,
   * `x["<Map entry>"]` for the steps that are no property names).
   */
  get Root(): RootPath {
    const g = this.latest?.deref();
    if (g === undefined) throw new GuppyError("USAGE", "h.Root walks the snapshot loaded last: load one first (h.load(file), h.heap()), or use h.rootOf(graph).");
    return rootPath(g);
  }

  /** The Root of a given snapshot (see Root). */
  rootOf(g: HeapGraph): RootPath {
    return rootPath(graphArg(g, "h.rootOf()"));
  }

  /**
   * Heapy's heap(). With a graph: its objects reachable through strong references.
   * Without: a snapshot of this running program, less Guppy's own objects (this
   * session, its graphs and all they alone hold) and, after setref(), less every
   * object that existed at the reference point.
   */
  heap(): Promise<HeapySet>;
  heap(g: HeapGraph): HeapySet;
  heap(g?: HeapGraph): HeapySet | Promise<HeapySet> {
    return g === undefined ? this.liveHeap() : this.reachable(graphArg(g, "h.heap()"));
  }

  /**
   * Makes the current moment the reference point (Heapy's setref / setrelheap): later
   * heap() calls show only objects allocated since and still alive. V8 numbers the
   * objects of its heap with increasing odd ids, so "since" is "an odd id above any
   * seen now". The embedder's objects (Node's and Blink's native nodes) carry even
   * ids V8 derives otherwise; when they were made cannot be told, so the relative
   * heap leaves them out.
   */
  async setref(options: { reachable?: IdentitySet; unreachable?: IdentitySet } = {}): Promise<void> {
    if (options === null || typeof options !== "object") throw new GuppyError("USAGE", `h.setref() takes { reachable, unreachable }, sets of a heap; got ${describe(options)}.`);
    const { reachable, unreachable } = options;
    for (const x of [reachable, unreachable]) if (x !== undefined && !(x instanceof IdentitySet)) throw new GuppyError("USAGE", `h.setref() takes { reachable, unreachable }, sets of a heap; got ${describe(x)}.`);
    if (reachable !== undefined || unreachable !== undefined) {
      // Heapy's explicit reference sets: later heaps leave out exactly their objects (by id).
      this.refSet = reachable === undefined ? this.refSet : new Set(reachable.ids());
      this.refSetU = unreachable === undefined ? this.refSetU : new Set(unreachable.ids());
      return;
    }
    this.refMaxId = this.refMaxIdU = maxOddId(await this.liveSnapshot());
  }

  /** The reference point for heapu() alone: later heapu() calls show only what became unreachable since. */
  async setrelheapu(): Promise<void> {
    this.refMaxIdU = maxOddId(await this.liveSnapshot());
  }

  /**
   * Starts recording allocation sites (Heapy's `h.track()`): objects allocated from
   * now on carry their allocating function in later heap() results, for `byProd`.
   */
  async track(): Promise<void> {
    await this.liveHeapTool().startTracking();
  }

  /** Stops recording allocation sites. */
  async untrack(): Promise<void> {
    await this.live?.stopTracking();
  }

  /** The same as setref() (Guppy-PE's older name). */
  async setrelheap(): Promise<void> {
    await this.setref();
  }

  /** Forgets the reference points: heap() and heapu() show the whole heap again. */
  clearref(): void {
    this.refMaxId = this.refMaxIdU = 0;
    this.refSet = this.refSetU = null;
  }

  /**
   * The set of the given live objects in a fresh snapshot of this program (Heapy's
   * iso()): `(await h.iso(x)).sp` says why x is alive, `.domisize` what freeing it releases.
   */
  async iso(...values: unknown[]): Promise<HeapySet> {
    const g = await this.liveSnapshot();
    const ids = await this.liveHeapTool().idsOf(values);
    return HeapySet.from(IdentitySet.ofIds(g, ids));
  }

  private liveHeapTool(): LiveHeap {
    return (this.live ??= new LiveHeap(this.options.target ?? "self"));
  }

  private async liveSnapshot(): Promise<HeapGraph> {
    const g = await this.liveHeapTool().snapshot();
    this.ownLive.push(new WeakRef(g));
    this.latest = new WeakRef(g);
    return g;
  }

  private async liveHeap(): Promise<HeapySet> {
    const g = await this.liveSnapshot();
    if (this.liveHeapTool().target !== "self") {
      // Another thread's heap holds none of this session's objects; only Guppy's classes there (a handle to us).
      return this.reachable(g).minus(guppyInstances(g).dominos);
    }
    // Guppy's own objects, found by id in the new snapshot, and all that they alone hold.
    const own: unknown[] = [this, this.live, ...(this.live?.ownObjects() ?? []), ...this.files.loaded()];
    // Drop the references that died; the living are Guppy's objects to hide.
    for (let i = this.ownLive.length - 1; i >= 0; i--) {
      const o = this.ownLive[i]!.deref();
      if (o === undefined) this.ownLive.splice(i, 1);
      else if (o !== g) own.push(o);
    }
    const ownSet = IdentitySet.ofIds(g, await this.liveHeapTool().idsOf(own)).or(guppyInstances(g));
    let heap = this.reachable(g).minus(ownObjectsToHide(g, ownSet));
    heap = relative(heap, this.refMaxId, this.refSet);
    this.ownLive.push(new WeakRef(heap));
    return heap;
  }

  private async liveHeapu(): Promise<HeapySet> {
    const g = await this.liveSnapshot();
    const heapu = relative(this.unreachable(g), this.refMaxIdU, this.refSetU);
    this.ownLive.push(new WeakRef(heapu));
    return heapu;
  }

  /** Objects of a graph reachable through strong references. */
  private reachable(g: HeapGraph): HeapySet {
    const distance = distancesOf(g);
    const synthetic = g.nodeTypes.synthetic;
    return HeapySet.from(IdentitySet.where(g, (n) => distance[n] !== NO_DISTANCE && g.nodeType[n] !== synthetic));
  }

  /**
   * Objects present in the snapshot but reachable only through weak references, or not
   * at all (Heapy's heapu(), as a set: `.stat` is Heapy's Stat of it). Without a graph:
   * those of this running program (await it), after setrelheapu() only the newer ones.
   */
  heapu(): Promise<HeapySet>;
  heapu(g: HeapGraph): HeapySet;
  heapu(g?: HeapGraph): HeapySet | Promise<HeapySet> {
    return g === undefined ? this.liveHeapu() : this.unreachable(graphArg(g, "h.heapu()"));
  }

  private unreachable(g: HeapGraph): HeapySet {
    const distance = distancesOf(g);
    const synthetic = g.nodeTypes.synthetic;
    return HeapySet.from(IdentitySet.where(g, (n) => distance[n] === NO_DISTANCE && g.nodeType[n] !== synthetic));
  }

  /** The set of the given objects of a graph, by node ordinal. */
  nodes(g: HeapGraph, ...nodes: number[]): HeapySet {
    graphArg(g, "h.nodes()");
    if (!nodes.every((n) => Number.isInteger(n) && n >= 0)) throw new GuppyError("USAGE", "h.nodes() takes a graph and node ordinals (whole numbers from 0).");
    return HeapySet.from(IdentitySet.of(g, nodes));
  }

  /** The objects of a graph with the given V8 ids (Heapy's idset()). */
  idset(g: HeapGraph, ids: ArrayLike<number>): HeapySet {
    graphArg(g, "h.idset()");
    if (typeof ids !== "object" || ids === null || typeof ids.length !== "number") throw new GuppyError("USAGE", `h.idset() takes a graph and an array of V8 object ids; got ${describe(ids)}.`);
    return HeapySet.from(IdentitySet.ofIds(g, ids));
  }

  /**
   * Heapy's `h.pb(file)`: the profile browser of stat files and snapshots, served on
   * 127.0.0.1 (await it) and opened in the web browser when Guppy runs on a desktop
   * terminal; the handle gives its address and `close()`.
   */
  async pb(files: string | readonly string[], options: PbOptions = {}): Promise<PbHandle> {
    const list = typeof files === "string" ? [files] : files;
    if (!Array.isArray(list) || list.length === 0 || !list.every((f) => typeof f === "string")) throw new GuppyError("USAGE", `h.pb() takes a file name or a list of them (stat files, snapshots); got ${describe(files)}.`);
    if (this.options.pb === undefined) throw new GuppyError("USAGE", "h.pb() is given by the guppy package's hpy() (import { hpy } from \"guppy\"); this session was made without it.");
    return this.options.pb(list, options);
  }

  /**
   * Heapy's `h.monitor()`: the remote-monitor console (`guppy monitor`) on this
   * process's stdin and stdout, until `exit` (await it). Not in the REPL, whose input it
   * would share.
   */
  async monitor(): Promise<void> {
    if (this.options.monitor === undefined) throw new GuppyError("USAGE", "h.monitor() is given by the guppy package's hpy() in a script; in the REPL, run guppy monitor in another terminal.");
    return this.options.monitor();
  }

  /** The empty set of a graph (Heapy's Nothing). */
  nothing(g: HeapGraph): HeapySet {
    graphArg(g, "h.nothing()");
    return HeapySet.from(IdentitySet.empty(g));
  }

  /** Closes the inspector connection, if heap(), setref(), iso() or track() opened one. */
  close(): void {
    this.live?.close();
    this.live = null;
  }

  /**
   * Writes the binary cache of each snapshot file loaded in this session whose cache
   * is missing or lacks derived arrays computed since (retainers, dominators,
   * distances, ...), so the next load of that file takes a fraction of a second.
   * Returns the caches written; `onWriting` hears of each snapshot before its cache is
   * written. Caching never fails a session: a folder that cannot be written is skipped.
   */
  async saveCaches(onWriting?: (snapshot: string) => void): Promise<string[]> {
    return this.files.saveCaches(onWriting);
  }

  /** Interactive help: `h.doc` lists the attributes, `h.doc.heap` explains one. */
  get doc(): Doc {
    return docOf("Session", "h");
  }

  toString(): string {
    return "Top level interface to Heapy.\nUse eg: h.doc for more info on h.";
  }
}

/** A graph argument, or a USAGE error saying where one comes from. */
/** The largest odd (V8 heap object) id of a snapshot. */
function maxOddId(g: HeapGraph): number {
  let max = 0;
  for (let n = 0; n < g.nodeCount; n++) {
    const id = g.nodeId[n]!;
    if (id & 1 && id > max) max = id;
  }
  return max;
}

/** A heap relative to a reference point: newer than the id threshold, and none of the reference set's ids. */
function relative(heap: HeapySet, maxId: number, ids: Set<number> | null): HeapySet {
  const g = heap.graph;
  let out = heap;
  if (maxId > 0) out = out.and(IdentitySet.where(g, (n) => (g.nodeId[n]! & 1) === 1 && g.nodeId[n]! > maxId));
  if (ids !== null) out = out.minus(IdentitySet.where(g, (n) => ids.has(g.nodeId[n]!)));
  return out;
}

function graphArg(g: unknown, where: string): HeapGraph {
  if (g instanceof HeapGraph) return g;
  throw new GuppyError("USAGE", `${where} takes a snapshot's graph (await h.graph(file), or s0.graph); got ${describe(g)}.`);
}

/** A new Heapy session: `const h = hpy();` (in a worker, `hpy({ target: "main-thread" })` watches the main thread). */
export function hpy(options: SessionOptions = {}): Session {
  return new Session(options);
}
