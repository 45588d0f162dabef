import { CLASSIFIERS, type Classifier } from "../classify/classifiers.js";
import { callable, type CallableClassifier } from "../classify/kind.js";
import { GuppyError } from "../../errors.js";
import { NO_DISTANCE, distancesOf } from "../graph/distances.js";
import { IdentitySet } from "../sets/identity-set.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { readHeapSnapshot, type ReadOptions } from "../snapshot/reader.js";
import { loadStats, type Stat } from "../stat/stat.js";
import { HeapySet } from "./heapy-set.js";

/**
 * A Heapy session (Guppy-PE's "Use" object, made by `hpy()`). All state — the
 * snapshots loaded, the classifiers — lives here; two sessions share nothing.
 */
export class Session {
  /** Snapshots loaded by this session, by file name. */
  private readonly graphs = new Map<string, HeapGraph>();
  /** Classifiers by name: the built-in ones and any the user adds (this session only). */
  private readonly registry = new Map<string, CallableClassifier>(Object.entries(CLASSIFIERS).map(([k, c]) => [k, callable(c)]));
  readonly Type = this.registry.get("Type")!;
  readonly Clodo = this.registry.get("Clodo")!;
  readonly Size = this.registry.get("Size")!;
  readonly Unity = this.registry.get("Unity")!;
  readonly Id = this.registry.get("Id")!;
  readonly Via = this.registry.get("Via")!;
  readonly Rcs = this.registry.get("Rcs")!;
  readonly Module = this.registry.get("Module")!;
  readonly Prod = this.registry.get("Prod")!;
  readonly IdSet = this.registry.get("IdSet")!;

  /**
   * Adds a classifier for the user's own kinds (Guppy-PE's "function table" for
   * non-standard types); it is then found by name like the built-in ones.
   */
  addClassifier(classifier: Classifier): CallableClassifier {
    if (this.registry.has(classifier.name)) throw new GuppyError("USAGE", `A classifier named '${classifier.name}' exists already.`);
    const c = callable(classifier);
    this.registry.set(classifier.name, c);
    return c;
  }

  /** A classifier by name (built-in or added). */
  classifier(name: string): CallableClassifier {
    const c = this.registry.get(name);
    if (c === undefined) throw new GuppyError("USAGE", `No classifier named '${name}'; there are ${[...this.registry.keys()].join(", ")}.`);
    return c;
  }

  /**
   * Loads a snapshot file and returns its objects reachable from the root through
   * strong (non-weak) references; synthetic nodes (the root and GC root groups)
   * are not objects and are left out. Loading the same file again reuses the graph.
   */
  async load(file: string, options: ReadOptions = {}): Promise<HeapySet> {
    return this.heap(await this.graph(file, options));
  }

  /** The stats dumped to a file, oldest first (Heapy's `h.load(statfile)`); a cut-off last dump is skipped with a warning. */
  loadStats(file: string, onWarning?: (w: string) => void): Stat[] {
    return loadStats(file, onWarning);
  }

  /** The loaded graph of a file (read on first use). */
  async graph(file: string, options: ReadOptions = {}): Promise<HeapGraph> {
    let g = this.graphs.get(file);
    if (g === undefined) {
      g = await readHeapSnapshot(file, options);
      this.graphs.set(file, g);
    }
    return g;
  }

  /** Objects of a graph reachable through strong references (Heapy's heap()). */
  heap(g: HeapGraph): HeapySet {
    const distance = distancesOf(g);
    const synthetic = g.nodeTypes.synthetic;
    return HeapySet.from(IdentitySet.where(g, (n) => distance[n] !== NO_DISTANCE && g.nodeType[n] !== synthetic));
  }

  /** Objects present in the snapshot but reachable only through weak references, or not at all (Heapy's heapu()). */
  heapu(g: HeapGraph): HeapySet {
    const distance = distancesOf(g);
    const synthetic = g.nodeTypes.synthetic;
    return HeapySet.from(IdentitySet.where(g, (n) => distance[n] === NO_DISTANCE && g.nodeType[n] !== synthetic));
  }

  /** The set of the given objects of a graph, by node ordinal (Heapy's iso()). */
  iso(g: HeapGraph, ...nodes: number[]): HeapySet {
    return HeapySet.from(IdentitySet.of(g, nodes));
  }

  /** The objects of a graph with the given V8 ids (Heapy's idset()). */
  idset(g: HeapGraph, ids: ArrayLike<number>): HeapySet {
    return HeapySet.from(IdentitySet.ofIds(g, ids));
  }

  /** The empty set of a graph (Heapy's Nothing). */
  nothing(g: HeapGraph): HeapySet {
    return HeapySet.from(IdentitySet.empty(g));
  }

  toString(): string {
    return "Top level interface to Heapy.";
  }
}

/** A new Heapy session: `const h = hpy();`. */
export function hpy(): Session {
  return new Session();
}
