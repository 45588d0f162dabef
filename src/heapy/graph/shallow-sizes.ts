import type { HeapGraph } from "../snapshot/heap-graph.js";
import { hasUserRoots } from "./roots.js";

const UNVISITED = 0xffffffff;
const SHARED = 0xfffffffe;


/**
 * The shallow sizes DevTools shows: V8's internal arrays and hidden objects that
 * belong to exactly one ordinary object (its property and element backing stores,
 * say) have their size moved onto that owner, so a JS object's shallow size is
 * what it costs. Skipped, as in DevTools, for snapshots taken with internals
 * exposed (no user roots). The sum over all nodes is unchanged.
 */
export function shallowSizes(g: HeapGraph): Uint32Array {
  return g.derived("shallowSizes", () => {
    const sizes = g.nodeSelfSize.slice();
    if (!hasUserRoots(g)) return sizes;
    // Kept (4 bytes a node): Clodo's "(object properties) of Foo" needs the same owners.
    const owners = ownersOf(g);
    const { nodeCount, nodeType } = g;
    const synthetic = g.nodeTypes.synthetic;
    for (let n = 0; n < nodeCount; n++) {
      const owner = owners[n]!;
      if (owner === NO_OWNER || owner === n) continue;
      if (nodeType[owner] === synthetic || owner === g.root) continue;
      sizes[owner]! += sizes[n]!;
      sizes[n] = 0;
    }
    return sizes;
  });
}

/** What ownersOf gives a node that no ordinary object owns alone. */
export const NO_OWNER = 0xffffffff;

/**
 * For each node, the ordinary object that alone owns it: itself for ordinary nodes;
 * for V8's internal arrays and hidden objects, the one ordinary object that reaches
 * them through internal nodes only, or NO_OWNER when there is none or several.
 */
export function ownersOf(g: HeapGraph): Uint32Array {
  return g.derived("owners", () => computeOwners(g));
}

function computeOwners(g: HeapGraph): Uint32Array {
  const { nodeCount, nodeType, nodeName, firstEdge, edgeTarget, edgeType } = g;
  const { hidden, array, native } = g.nodeTypes;
  const weak = g.edgeTypes.weak;
  const externalStringData = new Set(g.strings.indicesOf("system / ExternalStringData"));
  const owners = new Uint32Array(nodeCount);
  // Each node enters the work list at most twice: once owned, once shared.
  const work = new Uint32Array(nodeCount * 2);
  let top = 0;
  for (let n = 0; n < nodeCount; n++) {
    const t = nodeType[n]!;
    if (t === hidden || t === array || (t === native && externalStringData.has(nodeName[n]!))) {
      owners[n] = UNVISITED;
    } else {
      owners[n] = n;
      work[top++] = n;
    }
  }
  while (top > 0) {
    const n = work[--top]!;
    const owner = owners[n]!;
    const end = firstEdge[n + 1]!;
    for (let e = firstEdge[n]!; e < end; e++) {
      if (edgeType[e] === weak) continue;
      const t = edgeTarget[e]!;
      const current = owners[t]!;
      if (current === UNVISITED) {
        owners[t] = owner;
        work[top++] = t;
      } else if (current !== t && current !== owner && current !== SHARED) {
        owners[t] = SHARED;
        work[top++] = t;
      }
    }
  }
  for (let n = 0; n < nodeCount; n++) if (owners[n] === UNVISITED || owners[n] === SHARED) owners[n] = NO_OWNER;
  return owners;
}
