import type { HeapGraph } from "../snapshot/heap-graph.js";
import { documentDomTreesNames, isUserRoot } from "./roots.js";
import { EphemeronNames } from "./weakmap-edges.js";

/** Distance of nodes nothing reaches (DevTools' "no distance"). */
export const NO_DISTANCE = -5;
/** Added to distances of objects reached only through the system roots, as DevTools does. */
export const BASE_SYSTEM_DISTANCE = 100000000;

/**
 * Shortest distance from the root in edges, as DevTools computes it: a breadth-first
 * search from the user roots (distance 1) and then from the root for what is left
 * (offset by BASE_SYSTEM_DISTANCE when there are user roots). Weak edges are not
 * followed, nor the links DevTools skips: a native context's sloppy_function_map,
 * the shared slots of map descriptor arrays, and the first of the two edges V8
 * writes to each WeakMap value (so a value is as far as the farther of key and map).
 */
export function computeDistances(g: HeapGraph): Int32Array {
  const { nodeCount, firstEdge, edgeTarget, edgeType, edgeName, nodeType, nodeName, strings } = g;
  const distances = new Int32Array(nodeCount).fill(NO_DISTANCE);
  const queue = new Uint32Array(nodeCount);
  const weak = g.edgeTypes.weak;
  const internal = g.edgeTypes.internal;
  const hiddenNode = g.nodeTypes.hidden;
  const arrayNode = g.nodeTypes.array;
  const sloppyMap = new Set(strings.indicesOf("sloppy_function_map"));
  const nativeContext = new Set(strings.indicesOf("system / NativeContext"));
  const mapDescriptors = new Set(strings.indicesOf("(map descriptors)"));
  const ephemerons = new EphemeronNames(g);
  const pendingPairs = new Set<string>();

  const follow = (from: number, e: number): boolean => {
    const t = nodeType[from]!;
    if (t === hiddenNode && sloppyMap.has(edgeName[e]!) && nativeContext.has(nodeName[from]!) && !g.edgeNameIsIndex(e)) return false;
    if (t === arrayNode && mapDescriptors.has(nodeName[from]!)) {
      const index = g.edgeNameIsIndex(e) ? edgeName[e]! : parseInt(strings.get(edgeName[e]!), 10);
      return index < 2 || index % 3 !== 1;
    }
    if (edgeType[e] === internal) {
      const eph = ephemerons.of(e);
      if (eph !== undefined && !pendingPairs.delete(eph.pair)) {
        pendingPairs.add(eph.pair);
        return false;
      }
    }
    return true;
  };

  const bfs = (length: number): void => {
    let head = 0;
    while (head < length) {
      const n = queue[head++]!;
      const d = distances[n]! + 1;
      const end = firstEdge[n + 1]!;
      for (let e = firstEdge[n]!; e < end; e++) {
        if (edgeType[e] === weak) continue;
        const t = edgeTarget[e]!;
        if (distances[t] !== NO_DISTANCE) continue;
        if (!follow(n, e)) continue;
        distances[t] = d;
        queue[length++] = t;
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
      queue[length++] = t;
    }
  }
  bfs(length);
  distances[root] = length > 0 ? BASE_SYSTEM_DISTANCE : 0;
  queue[0] = root;
  bfs(1);
  return distances;
}

/** The graph's distances from the root, computed on first use. */
export function distancesOf(g: HeapGraph): Int32Array {
  return g.derived("distances", () => computeDistances(g));
}
