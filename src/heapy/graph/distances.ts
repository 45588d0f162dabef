import type { HeapGraph } from "../snapshot/heap-graph.js";
import { backgroundWorthy, joinKernel, queuedJob, shared, startKernel, type BackgroundJob, type KernelWork } from "./background.js";
import { PATH_ORIGIN, search, type SearchInput } from "./distance-search.js";
import { documentDomTreesNames, hasUserRoots, isUserRoot } from "./roots.js";
import { globalObjectList } from "./globals.js";
import { kernelColumns } from "./kernel-columns.js";
import { nameFlags, suffixFlags } from "./name-flags.js";
import { offerSpares, spareInt32, spareUint32 } from "./spare-arrays.js";
import { V8_NAMES } from "./v8-names.js";
import { ephemeronPairsOf, ephemeronsOf } from "./weakmap-edges.js";

export { BASE_SYSTEM_DISTANCE, NO_DISTANCE, PATH_ORIGIN } from "./distance-search.js";

/** What one breadth-first search records besides the distances. */
interface SearchOptions {
  /** Filled with the edge by which each node was first reached. */
  parentEdge?: Int32Array;
  /** The path search's order (see pathTreeOf) instead of DevTools'. */
  readable?: boolean;
  /** Stop as soon as every node flagged here has been reached (`targetCount` of them). */
  targets?: Uint8Array;
  targetCount?: number;
}

/**
 * Shortest distance from the root in edges, as DevTools computes it (see search):
 * from the user roots, then from the root for what is left. `readable` gives the path
 * search's order instead (pathTreeOf); `targets` stops it early.
 */
export function computeDistances(g: HeapGraph, options: SearchOptions = {}): Int32Array {
  // (The search writes every entry of both before it reads one.)
  const distances = spareInt32(g, g.nodeCount);
  const queue = spareUint32(g, g.nodeCount);
  search(searchInput(g, options.readable ?? false), { distances, parentEdge: options.parentEdge, targets: options.targets, targetCount: options.targetCount, queue });
  offerSpares(g, queue);
  return distances;
}

/** The search's input for a graph: its columns, and the tables made from its strings. */
export function searchInput(g: HeapGraph, readable: boolean): SearchInput {
  const { isEphemeron } = ephemeronsOf(g);
  const { pair, pairCount } = ephemeronPairsOf(g);
  const T = g.edgeTypes;
  const mapDescriptors = nameFlags(g, V8_NAMES.mapDescriptors);
  return {
    ...kernelColumns(g),
    nodeType: g.nodeType,
    nodeName: g.nodeName,
    codes: { weak: T.weak, internal: T.internal, element: T.element, hidden: T.hidden, hiddenNode: g.nodeTypes.hidden, arrayNode: g.nodeTypes.array },
    sloppyMap: nameFlags(g, V8_NAMES.sloppyFunctionMap),
    nativeContext: nameFlags(g, V8_NAMES.nativeContext),
    mapDescriptors,
    descriptorIndex: descriptorIndexOf(g, mapDescriptors),
    isEphemeron,
    pair,
    pairCount,
    // For readable paths: handles the DevTools console holds are taken only when nothing else reaches.
    consoleHandle: readable ? suffixFlags(g, CONSOLE_HANDLE) : null,
    starts: startsOf(g, readable),
  };
}

/** The nodes at distance 1 and their edges: the user roots, or for readable paths of a page without them, its globals. */
function startsOf(g: HeapGraph, readable: boolean): Int32Array {
  const dom = documentDomTreesNames(g);
  const starts: number[] = [];
  for (let e = g.firstEdge[g.root]!; e < g.firstEdge[g.root + 1]!; e++) {
    const t = g.edgeTarget[e]!;
    if (isUserRoot(g, t, dom)) starts.push(t, e);
  }
  if (readable && starts.length === 0) for (const t of globalObjectList(g)) starts.push(t, PATH_ORIGIN);
  return Int32Array.from(starts);
}

/** Numbers of the names of descriptor arrays' named edges (V8 writes indices; a name is read as parseInt does); found once per graph. */
function descriptorIndexOf(g: HeapGraph, mapDescriptors: Uint8Array): Float64Array | null {
  return g.derived("descriptorIndex", () => findDescriptorIndex(g, mapDescriptors));
}

function findDescriptorIndex(g: HeapGraph, mapDescriptors: Uint8Array): Float64Array | null {
  let index: Float64Array | null = null;
  for (let n = 0; n < g.nodeCount; n++) {
    if (g.nodeType[n] !== g.nodeTypes.array || !mapDescriptors[g.nodeName[n]!]) continue;
    for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) {
      if (g.edgeNameIsIndex(e)) continue;
      index ??= new Float64Array(g.strings.count).fill(NaN);
      index[g.edgeName[e]!] = parseInt(g.strings.get(g.edgeName[e]!), 10);
    }
  }
  return index;
}

/**
 * Whether the path search (pathTreeOf) visits as DevTools' distance search does: the
 * snapshot has user roots and no DevTools-console handles. Then one search gives both.
 */
function pathSearchIsDistanceSearch(g: HeapGraph): boolean {
  return g.derived("pathSearchIsDistanceSearch", () => hasUserRoots(g) && !suffixFlags(g, CONSOLE_HANDLE).includes(1));
}

const CONSOLE_HANDLE = " / DevTools console";

type DistanceJob = BackgroundJob<Extract<KernelWork, { kernel: "distances" }>>;

/**
 * Starts the distance search (with the path tree, when one search gives both) on a
 * worker thread, so that distancesOf() finds it done, or waits for it, while this
 * thread computes something else, say dominators. Only for large graphs whose columns
 * are in shared memory (read by the parallel reader); otherwise does nothing.
 * `minNodes` (default 2^20) is the size below which a thread is not worth starting.
 */
export function prefetchDistances(g: HeapGraph, minNodes?: number): void {
  if (!backgroundWorthy(g, minNodes) || g.hasDerived("distances") || g.hasDerived("distanceSearch")) return;
  const input = searchInput(g, false);
  const tree = pathSearchIsDistanceSearch(g) && !g.hasDerived("pathTree");
  const job: DistanceJob = startKernel(g, { kernel: "distances", input, distances: shared(Int32Array, g.nodeCount), parentEdge: tree ? shared(Int32Array, g.nodeCount) : null, state: shared(Int32Array, 1) });
  g.preload("distanceSearch", job);
}

/** The background search's result, waited for; null when none was started or it failed or stalled. */
function backgroundResult(g: HeapGraph): { distances: Int32Array; parentEdge: Int32Array | null } | null {
  const job = queuedJob<DistanceJob>(g, "distanceSearch");
  if (job === null || !joinKernel(job)) return null;
  return { distances: job.work.distances, parentEdge: job.work.parentEdge };
}

/** The graph's distances from the root, computed on first use (with the path tree, when one search gives both). */
export function distancesOf(g: HeapGraph): Int32Array {
  return g.derived("distances", () => {
    const done = backgroundResult(g);
    if (done !== null) {
      if (done.parentEdge !== null) g.preload("pathTree", done.parentEdge);
      return done.distances;
    }
    if (!pathSearchIsDistanceSearch(g) || g.hasDerived("pathTree")) return computeDistances(g);
    const parentEdge = spareInt32(g, g.nodeCount);
    const distances = computeDistances(g, { parentEdge });
    g.preload("pathTree", parentEdge);
    return distances;
  });
}

/**
 * For each node, the edge by which the path search first reached it (-1 for the
 * root and for nodes it never reaches, PATH_ORIGIN for a global object paths start
 * at): following these back gives a shortest path as a program reads it. It is the
 * distance search, DevTools' order (user roots first), with two differences: a page
 * snapshot without user roots starts at its global objects (`Window`), and the
 * DevTools console's handles are followed only for what nothing else reaches.
 */
export function pathTreeOf(g: HeapGraph): Int32Array {
  return g.derived("pathTree", () => {
    const done = backgroundResult(g);
    if (done?.parentEdge) {
      g.preload("distances", done.distances);
      return done.parentEdge;
    }
    const parentEdge = spareInt32(g, g.nodeCount);
    const distances = computeDistances(g, { parentEdge, readable: true });
    if (pathSearchIsDistanceSearch(g)) g.preload("distances", distances);
    return parentEdge;
  });
}

/** Distances and path-tree edges, valid for some nodes and every node on their paths. */
export interface Reach {
  distance: Int32Array;
  parentEdge: Int32Array;
}

/**
 * The distances and paths of a few nodes (a command that prints five objects' paths
 * needs no path tree of all): the whole graph's when they were computed already,
 * else searches that stop once they have reached those nodes.
 */
export function reachOf(g: HeapGraph, nodes: Iterable<number>): Reach {
  if (g.hasDerived("distances") && g.hasDerived("pathTree")) return { distance: distancesOf(g), parentEdge: pathTreeOf(g) };
  const { targets, targetCount } = targetsOf(g, nodes);
  const parentEdge = spareInt32(g, g.nodeCount);
  if (pathSearchIsDistanceSearch(g)) return { distance: computeDistances(g, { parentEdge, targets, targetCount }), parentEdge };
  computeDistances(g, { parentEdge, readable: true, targets, targetCount });
  return { distance: g.hasDerived("distances") ? distancesOf(g) : computeDistances(g, { targets, targetCount }), parentEdge };
}

/**
 * The paths of a few nodes alone (as reachOf's parentEdge): one search that stops once
 * it has reached them, and no search for distances where that is another (a page
 * without user roots), for a command that prints paths and no distances.
 */
export function pathsOf(g: HeapGraph, nodes: Iterable<number>): Int32Array {
  if (g.hasDerived("pathTree")) return pathTreeOf(g);
  const { targets, targetCount } = targetsOf(g, nodes);
  const parentEdge = spareInt32(g, g.nodeCount);
  computeDistances(g, { parentEdge, readable: true, targets, targetCount });
  return parentEdge;
}

/** The nodes as a search's targets (the root is reached from the start). */
function targetsOf(g: HeapGraph, nodes: Iterable<number>): { targets: Uint8Array; targetCount: number } {
  const targets = new Uint8Array(g.nodeCount);
  let targetCount = 0;
  for (const n of nodes) {
    if (n === g.root || targets[n]) continue;
    targets[n] = 1;
    targetCount++;
  }
  return { targets, targetCount };
}
