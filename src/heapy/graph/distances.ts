import type { HeapGraph } from "../snapshot/heap-graph.js";
import { documentDomTreesNames, hasUserRoots, isUserRoot } from "./roots.js";
import { globalObjectList } from "./globals.js";
import { nameFlags, suffixFlags } from "./name-flags.js";
import { ephemeronPairsOf, ephemeronsOf } from "./weakmap-edges.js";

/** Distance of nodes nothing reaches (DevTools' "no distance"). */
export const NO_DISTANCE = -5;
/** Added to distances of objects reached only through the system roots, as DevTools does. */
export const BASE_SYSTEM_DISTANCE = 100000000;

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
 * Shortest distance from the root in edges, as DevTools computes it: a breadth-first
 * search from the user roots (distance 1) and then from the root for what is left
 * (offset by BASE_SYSTEM_DISTANCE when there are user roots). Weak edges are not
 * followed, nor the links DevTools skips: a native context's sloppy_function_map,
 * the shared slots of map descriptor arrays, and the first of the two edges V8
 * writes to each WeakMap value (so a value is as far as the farther of key and map).
 * With `targets`, the search stops once it has reached them all: a breadth-first
 * search visits in the same order however far it goes, so what it has assigned by
 * then equals the whole search's.
 */
export function computeDistances(g: HeapGraph, options: SearchOptions = {}): Int32Array {
  const { parentEdge, readable = false, targets } = options;
  let remaining = targets === undefined ? -1 : options.targetCount ?? 0;
  const { nodeCount, firstEdge, edgeTarget, edgeType, edgeName, nodeType, nodeName, strings } = g;
  const distances = new Int32Array(nodeCount).fill(NO_DISTANCE);
  const queue = new Uint32Array(nodeCount);
  const weak = g.edgeTypes.weak;
  const internal = g.edgeTypes.internal;
  const hiddenNode = g.nodeTypes.hidden;
  const arrayNode = g.nodeTypes.array;
  const sloppyMap = nameFlags(g, "sloppy_function_map");
  const nativeContext = nameFlags(g, "system / NativeContext");
  const mapDescriptors = nameFlags(g, "(map descriptors)");
  const { isEphemeron } = ephemeronsOf(g);
  const { pair, pairCount } = ephemeronPairsOf(g);
  // Per key/value pair: 1 once the first of its two edges has been skipped.
  const pending = new Uint8Array(pairCount);
  const SLOPPY_CONTEXT = 1;
  const DESCRIPTORS = 2;
  // For readable paths: handles the DevTools console holds are taken only when nothing else reaches.
  const consoleHandle = readable ? suffixFlags(g, CONSOLE_HANDLE) : null;
  const deferred: number[] = [];
  let taken = 0;

  const bfs = (length: number): void => {
    let head = 0;
    while (head < length) {
      const n = queue[head++]!;
      const d = distances[n]! + 1;
      const t = nodeType[n]!;
      // The few nodes whose edges DevTools filters are recognised once, not per edge.
      const special = t === hiddenNode && nativeContext[nodeName[n]!] ? SLOPPY_CONTEXT : t === arrayNode && mapDescriptors[nodeName[n]!] ? DESCRIPTORS : 0;
      const end = firstEdge[n + 1]!;
      for (let e = firstEdge[n]!; e < end; e++) {
        const type = edgeType[e]!;
        if (type === weak) continue;
        const to = edgeTarget[e]!;
        if (distances[to] !== NO_DISTANCE) continue;
        if (special === SLOPPY_CONTEXT) {
          if (!g.edgeNameIsIndex(e) && sloppyMap[edgeName[e]!]) continue;
        } else if (special === DESCRIPTORS) {
          const index = g.edgeNameIsIndex(e) ? edgeName[e]! : parseInt(strings.get(edgeName[e]!), 10);
          if (!(index < 2 || index % 3 !== 1)) continue;
        }
        if (special !== DESCRIPTORS && type === internal && isEphemeron[edgeName[e]!]) {
          const p = pair[edgeName[e]!]!;
          pending[p] ^= 1;
          if (pending[p]) continue;
        }
        if (consoleHandle !== null && !g.edgeNameIsIndex(e) && consoleHandle[edgeName[e]!]) {
          deferred.push(e, d);
          continue;
        }
        distances[to] = d;
        if (parentEdge) parentEdge[to] = e;
        queue[length++] = to;
        if (targets !== undefined && targets[to] && --remaining === 0) return;
      }
      // The queue ran dry: what only the console's handles reach comes last.
      while (head === length && taken < deferred.length) {
        const e = deferred[taken++]!;
        const at = deferred[taken++]!;
        const to = edgeTarget[e]!;
        if (distances[to] !== NO_DISTANCE) continue;
        distances[to] = at;
        if (parentEdge) parentEdge[to] = e;
        queue[length++] = to;
        if (targets !== undefined && targets[to] && --remaining === 0) return;
      }
    }
  };

  const root = g.root;
  const dom = documentDomTreesNames(g);
  let length = 0;
  for (let e = firstEdge[root]!; e < firstEdge[root + 1]!; e++) {
    const t = edgeTarget[e]!;
    if (isUserRoot(g, t, dom) && distances[t] !== 1) {
      distances[t] = 1;
      if (parentEdge) parentEdge[t] = e;
      queue[length++] = t;
      if (targets !== undefined && targets[t]) remaining--;
    }
  }
  // A page snapshot whose root has no user roots: its paths start at its global objects.
  if (readable && length === 0) {
    for (const t of globalObjectList(g)) {
      distances[t] = 1;
      if (parentEdge) parentEdge[t] = PATH_ORIGIN;
      queue[length++] = t;
      if (targets !== undefined && targets[t]) remaining--;
    }
  }
  if (remaining === 0) return distances;
  bfs(length);
  if (remaining === 0) return distances;
  distances[root] = length > 0 ? BASE_SYSTEM_DISTANCE : 0;
  queue[0] = root;
  bfs(1);
  return distances;
}

/**
 * Whether the path search (pathTreeOf) visits as DevTools' distance search does: the
 * snapshot has user roots and no DevTools-console handles. Then one search gives both.
 */
function pathSearchIsDistanceSearch(g: HeapGraph): boolean {
  return g.derived("pathSearchIsDistanceSearch", () => hasUserRoots(g) && !suffixFlags(g, CONSOLE_HANDLE).includes(1));
}

const CONSOLE_HANDLE = " / DevTools console";

/** The graph's distances from the root, computed on first use (with the path tree, when one search gives both). */
export function distancesOf(g: HeapGraph): Int32Array {
  return g.derived("distances", () => {
    if (!pathSearchIsDistanceSearch(g) || g.hasDerived("pathTree")) return computeDistances(g);
    const parentEdge = new Int32Array(g.nodeCount).fill(-1);
    const distances = computeDistances(g, { parentEdge });
    g.preload("pathTree", parentEdge);
    return distances;
  });
}

/** In a path tree: the node is where paths start (a page's global object), not reached by an edge. */
export const PATH_ORIGIN = -2;

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
    const parentEdge = new Int32Array(g.nodeCount).fill(-1);
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
  const targets = new Uint8Array(g.nodeCount);
  let targetCount = 0;
  for (const n of nodes) {
    if (n === g.root || targets[n]) continue;
    targets[n] = 1;
    targetCount++;
  }
  const parentEdge = new Int32Array(g.nodeCount).fill(-1);
  if (pathSearchIsDistanceSearch(g)) return { distance: computeDistances(g, { parentEdge, targets, targetCount }), parentEdge };
  computeDistances(g, { parentEdge, readable: true, targets, targetCount });
  return { distance: g.hasDerived("distances") ? distancesOf(g) : computeDistances(g, { targets, targetCount }), parentEdge };
}
