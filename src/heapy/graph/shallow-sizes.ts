import type { HeapGraph } from "../snapshot/heap-graph.js";
import { backgroundWorthy, joinKernel, queuedJob, shared, startKernel, type BackgroundJob, type KernelWork } from "./background.js";
import { NO_OWNER, ownerSearch, type OwnerInput } from "./owner-search.js";
import { hasUserRoots } from "./roots.js";
import { V8_NAMES } from "./v8-names.js";

/**
 * The shallow sizes DevTools shows: V8's internal arrays and hidden objects that
 * belong to exactly one ordinary object (its property and element backing stores,
 * say) have their size moved onto that owner, so a JS object's shallow size is
 * what it costs. Skipped, as in DevTools, for snapshots taken with internals
 * exposed (no user roots). The sum over all nodes is unchanged.
 */
export function shallowSizes(g: HeapGraph, into?: Uint32Array): Uint32Array {
  return g.derived("shallowSizes", () => {
    // (`into`: memory a caller is done with, nodeCount entries, so that no new array is made.)
    const sizes = into === undefined ? g.nodeSelfSize.slice() : (into.set(g.nodeSelfSize), into);
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

export { NO_OWNER } from "./owner-search.js";

type OwnersJob = BackgroundJob<Extract<KernelWork, { kernel: "owners" }>>;

/**
 * For each node, the ordinary object that alone owns it: itself for ordinary nodes;
 * for V8's internal arrays and hidden objects, the one ordinary object that reaches
 * them through internal nodes only, or NO_OWNER when there is none or several.
 * Computed on first use, or taken from the worker prefetchOwners started.
 */
export function ownersOf(g: HeapGraph): Uint32Array {
  return g.derived("owners", () => {
    const job = queuedJob<OwnersJob>(g, "ownersSearch");
    if (job !== null && joinKernel(job)) return job.work.input.owners;
    const input = ownerInput(g, new Uint32Array(g.nodeCount));
    ownerSearch(input);
    return input.owners;
  });
}

/**
 * Starts the owners search on a worker thread (graphs of `minNodes` nodes or more,
 * default 2^20, whose columns are in shared memory), so that shallowSizes() finds it
 * done while this thread does other work: the dominators' edge marking and search.
 */
export function prefetchOwners(g: HeapGraph, minNodes?: number): void {
  if (!backgroundWorthy(g, minNodes) || g.hasDerived("owners") || g.hasDerived("ownersSearch") || !hasUserRoots(g)) return;
  g.preload("ownersSearch", startKernel(g, { kernel: "owners", input: ownerInput(g, shared(Uint32Array, g.nodeCount)), state: shared(Int32Array, 1) }) satisfies OwnersJob);
}

function ownerInput(g: HeapGraph, owners: Uint32Array): OwnerInput {
  const { nodeCount, nodeType, nodeName, firstEdge, edgeTarget, edgeType } = g;
  const { hidden, array, native } = g.nodeTypes;
  const codes = { hidden, array, native, weak: g.edgeTypes.weak };
  return { nodeCount, nodeType, nodeName, firstEdge, edgeTarget, edgeType, codes, externalStringData: Uint32Array.from(g.strings.indicesOf(V8_NAMES.externalStringData)), owners };
}
