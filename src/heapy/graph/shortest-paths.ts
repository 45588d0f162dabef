import type { HeapGraph } from "../snapshot/heap-graph.js";
import { retainersOf } from "./retainers.js";
import { documentDomTreesNames, isUserRoot } from "./roots.js";
import { ephemeronPairsOf, ephemeronsOf } from "./weakmap-edges.js";

/** Where Heapy's shortest-paths search starts and what it must not use. */
export interface ShortestPathsOptions {
  /** The source nodes (level 0); the root when not given. */
  src?: ArrayLike<number>;
  /** Nodes no path may pass through (Heapy's `avoid_nodes`). */
  avoidNodes?: ArrayLike<number>;
  /** Edge ordinals no path may use (Heapy's `avoid_edges`). */
  avoidEdges?: ArrayLike<number>;
  /**
   * Nodes where a path starts although the search reached them from elsewhere: the
   * global objects when searching from the root, so that the many ways V8 reaches a
   * global (a root shortcut, a native context, global handles) read as one path.
   */
  starts?: Uint8Array;
  /**
   * Nodes searched first, at level 1, before the sources' other edges: DevTools' user
   * roots (the global objects), so a path the program made is found before one through
   * V8's handles of the same length or shorter.
   */
  first?: ArrayLike<number>;
}

/**
 * The graph of all shortest paths from the sources to the members nearest them
 * (Heapy's ShortestPaths): a breadth-first search that stops at the first level
 * reaching the set; every edge from one level to the next is a step of some path.
 */
export interface ShortestPathGraph {
  readonly graph: HeapGraph;
  /** Level of each node from the sources (-1 when the search did not reach it). */
  readonly level: Int32Array;
  /** Number of distinct paths from a start to each node (Heapy counts every edge between two nodes). */
  readonly count: Float64Array;
  /** The members at the nearest level, in node order. */
  readonly targets: Uint32Array;
  /** That level (-1 when no member is reached). */
  readonly depth: number;
  /** Whether a node is where paths start (a source, or one of `starts`). */
  readonly isStart: Uint8Array;
  /** Edges the search stepped along from one level to the next (1), on a path or not. */
  readonly stepEdge: Uint8Array;
  /** Number of paths in all. */
  readonly numpaths: number;
}

/**
 * Breadth-first from the sources over strong edges, skipping avoided nodes and edges,
 * until the level that first reaches a member; counts the paths to every node on the way.
 */
export function shortestPaths(g: HeapGraph, member: (n: number) => boolean, options: ShortestPathsOptions = {}): ShortestPathGraph {
  const { nodeCount, firstEdge, edgeTarget, edgeType, edgeName } = g;
  const weak = g.edgeTypes.weak;
  const internal = g.edgeTypes.internal;
  const level = new Int32Array(nodeCount).fill(-1);
  const count = new Float64Array(nodeCount);
  const isStart = new Uint8Array(nodeCount);
  const avoidedEdge = new Uint8Array(g.edgeCount);
  const stepEdge = new Uint8Array(g.edgeCount);
  const { isEphemeron } = ephemeronsOf(g);
  const { pair, pairCount } = ephemeronPairsOf(g);
  // Per key/value pair: 1 once the first of V8's two edges to a WeakMap value was met, since
  // the value lives only while both its key and its map do (a step from the farther one).
  const pending = new Uint8Array(pairCount);
  for (const e of Array.from(options.avoidEdges ?? [])) avoidedEdge[e] = 1;
  // Avoided nodes are marked as seen at a level no step can come from.
  const AVOIDED = -2;
  for (const n of Array.from(options.avoidNodes ?? [])) level[n] = AVOIDED;
  const queue = new Uint32Array(nodeCount);
  let length = 0;
  let head = 0;
  let depth = -1;
  const targets: number[] = [];
  const starts = options.starts;
  const enter = (n: number, at: number): void => {
    level[n] = at;
    queue[length++] = n;
    if (starts?.[n] || at === 0) {
      isStart[n] = 1;
      count[n] = 1;
    }
    if (member(n)) targets.push(n);
  };
  // Breadth-first from what is queued, one whole level at a time (so each count is
  // final before its node is expanded), until a level reaches the set.
  const search = (): void => {
    if (targets.length > 0) depth = level[queue[0]!]!;
    while (head < length && depth < 0) {
      const current = level[queue[head]!]!;
      while (head < length && level[queue[head]!] === current) {
        const n = queue[head++]!;
        for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e++) {
          if (edgeType[e] === weak || avoidedEdge[e]) continue;
          if (edgeType[e] === internal && isEphemeron[edgeName[e]!]) {
            const p = pair[edgeName[e]!]!;
            pending[p] ^= 1;
            if (pending[p]) continue;
          }
          const to = edgeTarget[e]!;
          if (level[to] === -1) enter(to, current + 1);
          if (level[to] === current + 1 && !isStart[to]) {
            count[to]! += count[n]!;
            stepEdge[e] = 1;
          }
        }
      }
      if (targets.length > 0) depth = current + 1;
    }
  };
  const sources = Array.from(options.src ?? [g.root]).filter((n) => level[n] === -1);
  if (options.first) {
    // The preferred starts are searched before the sources' other edges (DevTools' user roots).
    for (const n of sources) level[n] = 0;
    for (const n of Array.from(options.first)) {
      if (level[n] !== -1) continue;
      isStart[n] = 1;
      count[n] = 1;
      enter(n, 1);
    }
    search();
    if (depth >= 0) return finish();
    for (const n of sources) {
      level[n] = -1;
      count[n] = 0;
    }
  }
  for (const n of sources) if (level[n] === -1) enter(n, 0);
  search();
  return finish();

  function finish(): ShortestPathGraph {
    targets.sort((a, b) => a - b);
    const numpaths = targets.reduce((sum, t) => sum + count[t]!, 0);
    return { graph: g, level, count, targets: Uint32Array.from(targets), depth, isStart, stepEdge, numpaths };
  }
}

/** The root's user roots (the global objects), which DevTools searches from first. */
export function userRootsOf(g: HeapGraph): number[] {
  const dom = documentDomTreesNames(g);
  const out: number[] = [];
  for (let e = g.firstEdge[g.root]!; e < g.firstEdge[g.root + 1]!; e++) {
    const t = g.edgeTarget[e]!;
    if (isUserRoot(g, t, dom) && !out.includes(t)) out.push(t);
  }
  return out;
}

/** The retainer slots by which a path steps into `n` from the level before (in retainer order). */
export function stepsInto(sg: ShortestPathGraph, n: number): number[] {
  const g = sg.graph;
  const { firstRetainer, retainerEdge } = retainersOf(g);
  const out: number[] = [];
  for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) if (sg.stepEdge[retainerEdge[s]!]) out.push(s);
  return out;
}

/** Path number i (from 0): the node it starts at and its edges, or null past the last. */
export function pathAt(sg: ShortestPathGraph, i: number): { start: number; edges: number[] } | null {
  if (!Number.isInteger(i) || i < 0 || i >= sg.numpaths) return null;
  let rest = i;
  for (const t of sg.targets) {
    if (rest < sg.count[t]!) return pathTo(sg, t, rest);
    rest -= sg.count[t]!;
  }
  return null;
}

/** Path number i (from 0) of those that end at `target`. */
export function pathTo(sg: ShortestPathGraph, target: number, i = 0): { start: number; edges: number[] } {
  const { retainerEdge, retainerNode } = retainersOf(sg.graph);
  let rest = i;
  let node = target;
  const edges: number[] = [];
  // Walk back: the steps into a node split its paths in order, by the counts of where they come from.
  while (!sg.isStart[node]) {
    const before = node;
    for (const s of stepsInto(sg, node)) {
      const from = retainerNode[s]!;
      if (rest < sg.count[from]!) {
        edges.push(retainerEdge[s]!);
        node = from;
        break;
      }
      rest -= sg.count[from]!;
    }
    if (node === before) throw new Error(`path ${i} to node ${target} has no step into node ${node}`);
  }
  return { start: node, edges: edges.reverse() };
}

/**
 * The steps of the shortest paths from each given level to the next (Heapy's
 * `sp.edges_at`): only edges on some path to a member, found walking back from them.
 */
export function edgesAtLevels(sg: ShortestPathGraph, levels: number[]): number[] {
  const { retainerEdge, retainerNode } = retainersOf(sg.graph);
  const seen = new Uint8Array(sg.graph.nodeCount);
  const out: number[] = [];
  const work = Array.from(sg.targets);
  for (const t of work) seen[t] = 1;
  while (work.length > 0) {
    const n = work.pop()!;
    if (sg.isStart[n]) continue;
    for (const s of stepsInto(sg, n)) {
      const from = retainerNode[s]!;
      if (levels.includes(sg.level[from]!)) out.push(retainerEdge[s]!);
      if (!seen[from]) {
        seen[from] = 1;
        work.push(from);
      }
    }
  }
  return out;
}
