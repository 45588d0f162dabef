import { inspect } from "node:util";
import { GuppyError } from "../../errors.js";
import { member } from "../classify/classifiers.js";
import { globalName, globalObjectsOf } from "../graph/globals.js";
import { edgesAtLevels, pathAt, pathTo, shortestPaths, userRootsOf, type ShortestPathGraph } from "../graph/shortest-paths.js";
import type { IdentitySet } from "../sets/identity-set.js";
import { nodeLabel } from "./node-label.js";
import { PagedView } from "./paged-view.js";
import { DEFAULT_ROWS } from "./partition-table.js";
import { edgesText, naturalCompare } from "./paths.js";

/** Up to this many members, and steps in their first paths, are put in text order. */
const SORTED_TARGETS = 10000;
const SORTED_STEPS = 1_000_000;

/** Heapy's `get_shpaths` arguments: where paths start and what they must not use. */
export interface ShpathsOptions<S extends IdentitySet> {
  /** The sources (Heapy's `src`); the root when not given. */
  src?: S;
  /** Objects no path may pass through (Heapy's `avoid_nodes`). */
  avoidNodes?: S;
  /** Edge ordinals no path may use (Heapy's `avoid_edges`, as `sp.avoided(levels)` gives them). */
  avoidEdges?: ArrayLike<number>;
}

/** One shortest path (Heapy's Path): its number, its text, and the objects on it. */
export class ShortestPath<S extends IdentitySet> {
  constructor(
    /** Its number in the listing. */
    readonly index: number,
    /** Its text, `h.Root.global.app.cache`. */
    readonly text: string,
    /** The objects on it, from where it starts to the member it ends at. */
    readonly nodes: S,
    /** Its number of steps (Heapy's `len(path)`). */
    readonly length: number,
    /** The V8 id of the member it reaches. */
    readonly id: number,
  ) {}

  toString(): string {
    return this.text;
  }

  /** The REPL shows the path as its numbered line. */
  [inspect.custom](): string {
    return `${String(this.index).padStart(2)}: ${this.text}`;
  }
}

/**
 * Heapy's shortest paths of a set (`x.sp`): every shortest path from the sources to the
 * members nearest them, `maxpaths` (10) at a time, `<... N more paths ...>` after a page
 * and `<No more paths>` past the end; `numpaths`, `at(i)`, iteration, `avoided(levels)`.
 */
export class ShortestPathsView<S extends IdentitySet> extends PagedView {
  /** Lines a page shows (Heapy's `sp.maxpaths`); setting it changes this page and the ones after. */
  get maxpaths(): number {
    return this.limit;
  }

  set maxpaths(value: number) {
    if (!Number.isInteger(value) || value < 1) throw new GuppyError("USAGE", `maxpaths takes a whole number from 1; got ${String(value)}.`);
    (this as { limit: number }).limit = value;
  }

  constructor(
    readonly set: S,
    readonly options: ShpathsOptions<S> = {},
    start = 0,
    limit = DEFAULT_ROWS,
    private readonly computed: { graph?: ShortestPathGraph } = {},
  ) {
    super(start, limit);
  }

  /** The search, done on first use and shared by this view's pages. */
  get graph(): ShortestPathGraph {
    if (!this.computed.graph) {
      const g = this.set.graph;
      for (const s of [this.options.src, this.options.avoidNodes]) {
        if (s !== undefined && s.graph !== g) throw new GuppyError("USAGE", "getShpaths() takes src and avoidNodes from the same snapshot as the set.");
      }
      const src = this.options.src?.ordinals();
      this.computed.graph = shortestPaths(g, (n) => this.set.has(n), {
        src,
        avoidNodes: this.options.avoidNodes?.ordinals(),
        avoidEdges: this.options.avoidEdges,
        // From the root, a path through a global object reads from it.
        starts: src === undefined ? globalObjectsOf(g) : undefined,
        first: src === undefined ? userRootsOf(g) : undefined,
      });
      this.sortTargets(this.computed.graph);
    }
    return this.computed.graph;
  }

  /** How many shortest paths there are (Heapy's `sp.numpaths`). */
  get numpaths(): number {
    return this.graph.numpaths;
  }

  protected get total(): number {
    return this.numpaths;
  }

  protected page(start: number, limit: number): this {
    const view = new ShortestPathsView(this.set, this.options, start, limit === DEFAULT_ROWS && Number.isFinite(this.limit) ? this.limit : limit, this.computed);
    return view as this;
  }

  /** Path number i (Heapy's `sp[i]`); a negative i counts from the end. */
  at(i: number): ShortestPath<S> | undefined {
    const sg = this.graph;
    const index = i < 0 ? sg.numpaths + i : i;
    const found = pathAt(sg, index);
    if (!found) return undefined;
    const g = this.set.graph;
    const nodes = [found.start, ...found.edges.map((e) => g.edgeTarget[e]!)];
    return new ShortestPath(index, edgesText(g, this.startText(found.start), found.edges), this.set.sibling(nodes), found.edges.length, g.nodeId[nodes[nodes.length - 1]!]!);
  }

  *[Symbol.iterator](): IterableIterator<ShortestPath<S>> {
    for (let i = 0; i < this.numpaths; i++) yield this.at(i)!;
  }

  /** The same search avoiding the edges between the given levels and the next (Heapy's `sp.avoided(0, 1)`). */
  avoided(...levels: number[]): ShortestPathsView<S> {
    const edges = edgesAtLevels(this.graph, levels.flat());
    const before = Array.from(this.options.avoidEdges ?? []);
    return new ShortestPathsView(this.set, { ...this.options, avoidEdges: [...before, ...edges] });
  }

  /**
   * Members in the text order of their first path (sessions[2] before sessions[10]),
   * when they are few enough to build those texts; otherwise in node order.
   */
  private sortTargets(sg: ShortestPathGraph): void {
    if (sg.targets.length > SORTED_TARGETS || sg.targets.length * sg.depth > SORTED_STEPS) return;
    const text = new Map<number, string>();
    for (const t of sg.targets) {
      const p = pathTo(sg, t);
      text.set(t, edgesText(sg.graph, this.startText(p.start), p.edges));
    }
    sg.targets.sort((a, b) => naturalCompare(text.get(a)!, text.get(b)!) || a - b);
  }

  /** The text a path begins with: `h.Root`, a global's `h.Root.global`, `Src` for a single source. */
  private startText(n: number): string {
    const g = this.set.graph;
    if (this.options.src === undefined) return n === g.root ? "h.Root" : "h.Root" + member(globalName(g, n));
    return this.options.src.count === 1 ? "Src" : `<${nodeLabel(g, n)} @${g.nodeId[n]}>`;
  }

  toString(): string {
    if (this.set.count === 0) return "The set is empty.";
    const total = this.numpaths;
    if (total === 0) return "No path from the sources reaches these objects (they are held only weakly, or not at all).";
    if (this.start >= total) return "<No more paths>";
    const out: string[] = [];
    const end = Math.min(total, this.start + this.limit);
    for (let i = this.start; i < end; i++) out.push(inspect(this.at(i)));
    if (end < total) out.push(`<... ${total - end} more paths ...>`);
    return out.join("\n");
  }

  /** The number of paths and those of this page, each with the id of the member it reaches. */
  toJSON(): { numpaths: number; paths: { index: number; id: number; path: string }[] } {
    const end = Math.min(this.numpaths, this.start + this.limit);
    const paths: { index: number; id: number; path: string }[] = [];
    for (let i = this.start; i < end; i++) {
      const p = this.at(i)!;
      paths.push({ index: i, id: p.id, path: p.text });
    }
    return { numpaths: this.numpaths, paths };
  }
}
