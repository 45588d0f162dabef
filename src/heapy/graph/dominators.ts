import type { HeapGraph } from "../snapshot/heap-graph.js";
import { allShared, BACKGROUND_MIN_NODES, backgroundWorthy, holdWorker, joinKernel, shared, startKernel, type BackgroundJob, type KernelWork } from "./background.js";
import { BitVector } from "./bit-vector.js";
import { essentialEdges, retainInput } from "./essential-edges.js";
import { markRetaining, retains, type RetainInput } from "./retaining-edges.js";
import { fillPredecessors, predecessorTotal, type PredecessorInput } from "./predecessors.js";
import { prefetchOwners, shallowSizes } from "./shallow-sizes.js";
import { offerSpares } from "./spare-arrays.js";
import { lookUpV8Names } from "./v8-names.js";
import { prefetchEphemeronNames, prefetchEphemeronPairs } from "./weakmap-edges.js";

/** The dominator tree and the retained sizes it implies. */
export interface Dominators {
  /** Immediate dominator per node ordinal; the root is its own. */
  idom: Uint32Array;
  /** Retained size per node: its shallow size plus that of everything it dominates. */
  retainedSize: Float64Array;
  /** Nodes no essential path reaches from the root, which DevTools hangs under the root. */
  unreachable: number;
}

/**
 * SEMI-NCA (Lengauer–Tarjan's semidominators, then nearest common ancestors) over
 * the essential edges, with DevTools' treatment of what the root does not reach:
 * first nodes with only weak retainers (and their descendants) are searched from as
 * if the root pointed at them, in node order; then any node still unvisited (a cycle held only by
 * itself) is hung under the root on its own. Equal inputs give DevTools' tree.
 * Arrays are 1-based (vertex v is node v-1) so 0 can mean "none".
 */
export function computeDominators(g: HeapGraph, onProgress?: (done: number) => void, minBackgroundNodes = BACKGROUND_MIN_NODES): Dominators {
  const { nodeCount, firstEdge, edgeTarget } = g;
  // On a large graph in shared memory (`minBackgroundNodes` nodes at least), a worker
  // recognises the WeakMap names while this thread finds the page-owned objects; then
  // it marks the retaining edges and builds the predecessor lists while this thread
  // does the depth-first search, applying the same rule edge by edge; then it finds
  // the owners (for shallow sizes) and pairs the WeakMap names (for the paths most
  // commands print next). Neither thread needs the other's result until later.
  const background = backgroundWorthy(g, minBackgroundNodes);
  // This and what most commands do next look for these names.
  lookUpV8Names(g);
  // Held open from the names to the pairs: the names are often done before this thread
  // has the page-owned objects that the predecessor lists need (which are made here
  // when the retaining edges are known already).
  const release = background && !g.hasDerived("essentialEdges") ? holdWorker(g) : null;
  let rule: RetainInput;
  let predecessors: PredecessorInput | PredecessorJob;
  try {
    if (background) prefetchEphemeronNames(g, minBackgroundNodes);
    rule = retainInput(g);
    onProgress?.(0.1);
    predecessors = startPredecessors(g, rule, background);
    if (background) {
      prefetchOwners(g, minBackgroundNodes);
      prefetchEphemeronPairs(g, minBackgroundNodes);
    }
  } finally {
    release?.();
  }
  onProgress?.(0.2);
  const { owned } = rule;
  const size = nodeCount + 1;
  // Each vertex's semidominator and ancestor side by side (sa[2v], sa[2v + 1]): the
  // evaluation reads both of a vertex at once, so one cache miss brings them. Once the
  // tree is built, the same 8 bytes a node hold the retained sizes.
  const sa = new Uint32Array(size * 2);
  // Each vertex's DFS parent, at the vertex's DFS number: written and read in DFS
  // order (the search, SEMI-NCA and the tree walk it in turn), so never a random access.
  const parentAt = new Uint32Array(size);
  const vertex = new Uint32Array(size);
  const label = new Uint32Array(size);
  let n = 0;

  // An explicit stack of (vertex, next edge to look at): the search's working state
  // stays in a few cache lines, instead of a random read of per-node cursors at every
  // step back. It grows with the depth (long chains make deep searches).
  let stackV = new Uint32Array(1 << 16);
  let stackE = new Uint32Array(1 << 16);
  // Which vertices the search has numbered, one bit each: most edges lead to one it
  // has, and this small array stays in the cache where the semidominators would be a
  // random read from memory per edge.
  const seen = new Uint32Array((size + 31) >>> 5);
  const dfs = (start: number, from: number): void => {
    sa[start << 1] = ++n;
    parentAt[n] = from;
    seen[start >>> 5]! |= 1 << (start & 31);
    vertex[n] = start;
    let sp = 0;
    let v = start;
    let e = firstEdge[start - 1]!;
    let end = firstEdge[start]!;
    for (;;) {
      let w = 0;
      const vo = v - 1;
      const fromOwned = owned[vo >>> 5]! & (1 << (vo & 31));
      for (; e < end; e++) {
        const t = edgeTarget[e]! + 1;
        if ((seen[t >>> 5]! & (1 << (t & 31))) === 0 && retains(rule, vo, e, t - 1, fromOwned)) {
          w = t;
          break;
        }
      }
      if (w !== 0) {
        sa[w << 1] = ++n;
        parentAt[n] = v;
        seen[w >>> 5]! |= 1 << (w & 31);
        vertex[n] = w;
        stackV[sp] = v;
        stackE[sp] = e + 1;
        if (++sp === stackV.length) {
          const grownV = new Uint32Array(sp * 2);
          grownV.set(stackV);
          stackV = grownV;
          const grownE = new Uint32Array(sp * 2);
          grownE.set(stackE);
          stackE = grownE;
        }
        v = w;
        e = firstEdge[w - 1]!;
        end = firstEdge[w]!;
      } else {
        if (sp === 0) return;
        v = stackV[--sp]!;
        e = stackE[sp]!;
        end = firstEdge[v]!;
      }
    }
  };

  const r = g.root + 1;
  dfs(r, 0);
  onProgress?.(0.45);
  // (What the root's search left needs the lists: only nodes without retainers start a search of their own.)
  const { firstPred, preds } = finishPredecessors(g, rule, predecessors);
  let unreachable = 0;
  if (n < nodeCount) {
    unreachable = nodeCount - n;
    for (let v = 1; v <= nodeCount; v++) {
      if (sa[v << 1] === 0 && firstPred[v - 1] === firstPred[v]) {
        dfs(v, r);
      }
    }
  }
  if (n < nodeCount) {
    for (let v = 1; v <= nodeCount; v++) {
      if (sa[v << 1] === 0) {
        sa[v << 1] = ++n;
        parentAt[n] = r;
        vertex[n] = v;
      }
    }
  }

  // Path compression without recursion. Paths are short in practice, so the stack
  // starts small and doubles when a long one comes. A linked vertex's label is the
  // least semidominator on its compressed path (the value, not the vertex that has it:
  // one random read less at every step and every predecessor); an unlinked vertex's
  // semidominator is still its DFS number.
  let stack = new Uint32Array(1024);
  const evaluate = (v: number): number => {
    if (sa[(v << 1) | 1] === 0) return sa[v << 1]!;
    let sp = 0;
    let x = v;
    while (sa[(sa[(x << 1) | 1]! << 1) | 1] !== 0) {
      if (sp === stack.length) {
        const grown = new Uint32Array(stack.length * 2);
        grown.set(stack);
        stack = grown;
      }
      stack[sp++] = x;
      x = sa[(x << 1) | 1]!;
    }
    while (sp > 0) {
      const w = stack[--sp]!;
      const a = sa[(w << 1) | 1]!;
      if (label[a]! < label[w]!) label[w] = label[a]!;
      sa[(w << 1) | 1] = sa[(a << 1) | 1]!;
    }
    return label[v]!;
  };

  // SEMI-NCA: the semidominators as Lengauer–Tarjan finds them, then each immediate
  // dominator as the nearest ancestor of its DFS parent numbered at most its
  // semidominator (processed in DFS order, so the ancestors' are known). No buckets
  // and no second pass: less memory traffic, the same tree.
  // Progress every 2^20 vertices: cheap, and often enough for a bar on a big heap.
  for (let i = n; i >= 2; i--) {
    if (onProgress && (i & 0xfffff) === 0) onProgress(0.45 + 0.45 * (1 - i / n));
    const w = vertex[i]!;
    const wo = w - 1;
    const end = firstPred[wo + 1]!;
    let sw = sa[w << 1]!;
    // A node nothing essential retains hangs from the root (its semidominator is the least).
    if (firstPred[wo] === end) sw = sa[r << 1]!;
    for (let s = firstPred[wo]!; s < end; s++) {
      const su = evaluate(preds[s]! + 1);
      if (su < sw) sw = su;
    }
    sa[w << 1] = sw;
    label[w] = sw;
    sa[(w << 1) | 1] = parentAt[i]!;
  }
  // The DFS numbers again, where the ancestors were (only the evaluation read them;
  // every vertex is numbered by now, so every entry is written).
  for (let i = 1; i <= n; i++) sa[(vertex[i]! << 1) | 1] = i;
  // The dominators go where the labels were: only the evaluation read them.
  const dom = label.fill(0);
  dom[0] = dom[r] = r;
  for (let i = 2; i <= n; i++) {
    const w = vertex[i]!;
    const sw = sa[w << 1]!;
    let d = parentAt[i]!;
    while (sa[(d << 1) | 1]! > sw) d = dom[d]!;
    dom[w] = d;
  }

  // Shift to 0-based node ordinals in place.
  for (let v = 0; v < nodeCount; v++) dom[v] = dom[v + 1]! - 1;
  const idom = dom.subarray(0, nodeCount);
  const retainedSize = new Float64Array(sa.buffer, 0, nodeCount);
  // The shallow sizes go where the parents were (read last by the tree above): no new
  // array at the computation's peak of memory.
  const shallow = shallowSizes(g, new Uint32Array(parentAt.buffer, 0, nodeCount));
  retainedSize.set(shallow);
  for (let i = n; i > 1; i--) {
    const v = vertex[i]! - 1;
    retainedSize[idom[v]!]! += retainedSize[v]!;
  }
  // The paths most commands print next search with arrays of this size.
  offerSpares(g, ...(shallow.buffer === parentAt.buffer ? [vertex] : [parentAt, vertex]));
  return { idom, retainedSize, unreachable };
}

type PredecessorJob = BackgroundJob<Extract<KernelWork, { kernel: "predecessors" }>>;

/**
 * The predecessor lists, made here, or started on a worker (then finishPredecessors
 * waits for them). The worker also marks the retaining edges when they are not marked
 * yet: it cannot know their count before, so its list has room for every edge.
 */
function startPredecessors(g: HeapGraph, rule: RetainInput, background: boolean): PredecessorInput | PredecessorJob {
  const { nodeCount, firstEdge, edgeTarget, edgeCount } = g;
  if (g.hasDerived("essentialEdges")) {
    const bits = essentialEdges(g).words;
    const firstPred = countPredecessors(g, bits);
    const input: PredecessorInput = { nodeCount, firstEdge, edgeTarget, bits, firstPred, preds: new Uint32Array(predecessorTotal(firstPred)), rule: null };
    fillPredecessors(input);
    return input;
  }
  if (background && allShared([rule.owned, rule.nodeId, rule.isEphemeron, rule.tableId])) {
    const input: PredecessorInput = { nodeCount, firstEdge, edgeTarget, bits: shared(Uint32Array, BitVector.wordsFor(edgeCount)), firstPred: shared(Uint32Array, nodeCount + 1), preds: shared(Uint32Array, edgeCount), rule };
    return startKernel(g, { kernel: "predecessors", input, state: shared(Int32Array, 1) });
  }
  return predecessorsHere(g, rule);
}

/** Marks the retaining edges and builds the lists on this thread. */
function predecessorsHere(g: HeapGraph, rule: RetainInput): PredecessorInput {
  const { nodeCount, firstEdge, edgeTarget, edgeCount } = g;
  const bits = new BitVector(edgeCount);
  const firstPred = new Uint32Array(nodeCount + 1);
  markRetaining(rule, bits.words, firstPred);
  g.preload("essentialEdges", bits);
  const input: PredecessorInput = { nodeCount, firstEdge, edgeTarget, bits: bits.words, firstPred, preds: new Uint32Array(predecessorTotal(firstPred)), rule: null };
  fillPredecessors(input);
  return input;
}

/**
 * For each node, the nodes that retain it through an essential edge (CSR). Only the
 * dominator computation needs these, so they are built for it and then dropped. When
 * the worker failed, all is done again here.
 */
function finishPredecessors(g: HeapGraph, rule: RetainInput, made: PredecessorInput | PredecessorJob): { firstPred: Uint32Array; preds: Uint32Array } {
  if (!("work" in made)) return made;
  if (!joinKernel(made)) return predecessorsHere(g, rule);
  const { bits, firstPred, preds } = made.work.input;
  g.preload("essentialEdges", new BitVector(g.edgeCount, bits));
  return { firstPred, preds: preds.subarray(0, firstPred[g.nodeCount]) };
}

/** Each node's count of essential retainers, at counts[node + 1]. */
function countPredecessors(g: HeapGraph, bits: Uint32Array): Uint32Array {
  const { nodeCount, edgeTarget, edgeCount } = g;
  const counts = new Uint32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) if ((bits[e >>> 5]! & (1 << (e & 31))) !== 0) counts[edgeTarget[e]! + 1]!++;
  return counts;
}

/** The graph's dominator tree and retained sizes, computed on first use (`onProgress` gets 0..1 then). */
export function dominatorsOf(g: HeapGraph, onProgress?: (done: number) => void): Dominators {
  return g.derived("dominators", () => computeDominators(g, onProgress));
}
