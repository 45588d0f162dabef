import type { HeapGraph } from "../snapshot/heap-graph.js";
import { allShared, BACKGROUND_MIN_NODES, backgroundWorthy, holdWorker, joinKernel, shared, startKernel, type BackgroundJob, type KernelWork } from "./background.js";
import { BitVector } from "./bit-vector.js";
import { grown } from "./grown.js";
import { Leaders } from "./largest.js";
import { essentialEdges, retainInput } from "./essential-edges.js";
import { markRetaining, retains, type RetainInput } from "./retaining-edges.js";
import { kernelColumns } from "./kernel-columns.js";
import { dropIntoOwned, fillPredecessors, listTotal, NO_PREDECESSOR, type PredecessorInput } from "./predecessors.js";
import { markOwned, markPageEntries, pageOwnedArray } from "./roots.js";
import { prefetchOwners, shallowSizes } from "./shallow-sizes.js";
import { offerSpares } from "./spare-arrays.js";
import { lookUpV8Names } from "./v8-names.js";
import { ephemeronsOf, prefetchEphemeronNames, prefetchEphemeronPairs } from "./weakmap-edges.js";

/** The dominator tree and the retained sizes it implies. */
export interface Dominators {
  /** Immediate dominator per node ordinal; the root is its own. */
  idom: Uint32Array;
  /** Retained size per node: its shallow size plus that of everything it dominates. */
  retainedSize: Float64Array;
  /** Nodes no essential path reaches from the root, which DevTools hangs under the root. */
  unreachable: number;
  /** The LEADERS (64) nodes with the largest retained sizes but the root, largest first, ties by lower ordinal (largest.ts). */
  largest: Uint32Array;
}

/**
 * SEMI-NCA (Lengauer–Tarjan's semidominators, then nearest common ancestors) over
 * the essential edges, with DevTools' treatment of what the root does not reach:
 * first nodes with only weak retainers (and their descendants) are searched from as
 * if the root pointed at them, in node order; then any node still unvisited (a cycle held only by
 * itself) is hung under the root on its own. Equal inputs give DevTools' tree.
 * Arrays are 1-based (vertex v is node v-1) so 0 can mean "none".
 * `pathsNext`: whether the caller searches paths or distances next, for which the
 * worker then pairs the WeakMap names while this thread finishes (else it does not:
 * at 1 GB that work slows this thread's last steps by a tenth of a second).
 */
export function computeDominators(g: HeapGraph, onProgress?: (done: number) => void, minBackgroundNodes = BACKGROUND_MIN_NODES, pathsNext = true): Dominators {
  const { nodeCount, firstEdge, edgeTarget } = g;
  // On a large graph in shared memory (`minBackgroundNodes` nodes at least), a worker
  // and this thread recognise the WeakMap names, half each; then it marks the
  // retaining edges (as if the page owned every object) and builds the predecessor
  // lists while this thread does the depth-first search, applying the same rule edge by
  // edge and finding the page-owned objects as it goes; then it finds the owners (for
  // shallow sizes) and, when paths come next, pairs the WeakMap names (which their
  // search reads), while this thread takes out of the lists the edges the page-owned
  // objects rule out, and goes on. Neither waits for the other until the lists.
  const background = backgroundWorthy(g, minBackgroundNodes);
  // Held open from the names to the pairs: a worker done with one kernel before this
  // thread sends the next would close, and a new one take tens of milliseconds to
  // start (the lists are made here when the retaining edges are known already).
  const release = background && !g.hasDerived("essentialEdges") ? holdWorker(g) : null;
  let rule: RetainInput;
  let predecessors: PredecessorInput | PredecessorJob;
  try {
    // First, as all that follows on both threads waits for them.
    if (background) prefetchEphemeronNames(g, minBackgroundNodes);
    // This and what most commands do next look for these names.
    lookUpV8Names(g);
    const early = background ? startPredecessorsEarly(g) : null;
    rule = early?.rule ?? retainInput(g);
    onProgress?.(0.1);
    predecessors = early === null ? startPredecessors(g, rule, background) : early.job;
    if (background) {
      prefetchOwners(g, minBackgroundNodes);
      if (pathsNext) prefetchEphemeronPairs(g, minBackgroundNodes);
    }
  } finally {
    release?.();
  }
  onProgress?.(0.2);
  const { owned } = rule;
  const size = nodeCount + 1;
  // Two words a vertex side by side, so that one cache miss brings both: its DFS
  // number (its label once processed) at sa[2v], its ancestor in the evaluation's
  // forest at sa[2v + 1]. Once the tree is built, the same 8 bytes a node hold the
  // retained sizes.
  const sa = new Uint32Array(size * 2);
  // Each vertex's DFS parent (by its DFS number; its dominator's at the end), at the
  // vertex's DFS number: written and read in DFS order (the search, SEMI-NCA and the
  // tree walk it in turn), so never a random access.
  const parentAt = new Uint32Array(size);
  const vertex = new Uint32Array(size);
  let n = 0;

  // An explicit stack of (vertex, its DFS number, next edge to look at): the search's
  // working state stays in a few cache lines, instead of a random read of per-node
  // cursors at every step back. It grows with the depth (long chains make deep searches).
  let stackV = new Uint32Array(1 << 16);
  let stackN = new Uint32Array(1 << 16);
  let stackE = new Uint32Array(1 << 16);
  // Which vertices the search has numbered, one bit each: most edges lead to one it
  // has, and this small array stays in the cache where the semidominators would be a
  // random read from memory per edge.
  const seen = new Uint32Array((size + 31) >>> 5);
  // While the search runs from the page's entries (`marking`), every object it reaches
  // is the page's, and so is every other it could reach but for a weak edge: it sets
  // their bits, those of the objects it does not enter (`claimed`) to be searched from
  // once it is done (see markOwned). The edges it follows are the same as with the
  // bits known: from an object the page owns, the rule never reads its target's bit.
  const { weak } = g.edgeTypes;
  const { edgeType } = g;
  const r = g.root + 1;
  let claimed = new Uint32Array(1024);
  let claims = 0;
  const claim = (o: number): void => {
    if ((owned[o >>> 5]! & (1 << (o & 31))) !== 0) return;
    owned[o >>> 5]! |= 1 << (o & 31);
    if (claims === claimed.length) claimed = grown(claimed);
    claimed[claims++] = o;
  };
  // (`parent`: the DFS number of the vertex the search hangs from, 0 for none.)
  const dfs = (start: number, parent: number, marking: boolean): void => {
    parentAt[++n] = parent;
    seen[start >>> 5]! |= 1 << (start & 31);
    vertex[n] = start;
    let sp = 0;
    let v = start;
    let vn = n;
    let e = firstEdge[start - 1]!;
    let end = firstEdge[start]!;
    for (;;) {
      let w = 0;
      const vo = v - 1;
      const fromOwned = owned[vo >>> 5]! & (1 << (vo & 31));
      for (; e < end; e++) {
        const t = edgeTarget[e]! + 1;
        if ((seen[t >>> 5]! & (1 << (t & 31))) !== 0) {
          // (Searched, so marked already while marking, all but the root: the page
          // then owns it too, and all it reaches.)
          if (t === r && marking && edgeType[e] !== weak) claim(g.root);
          continue;
        }
        if (retains(rule, vo, e, t - 1, fromOwned)) {
          w = t;
          break;
        }
        if (marking && edgeType[e] !== weak) claim(t - 1);
      }
      if (w !== 0) {
        parentAt[++n] = vn;
        seen[w >>> 5]! |= 1 << (w & 31);
        if (marking) owned[(w - 1) >>> 5]! |= 1 << ((w - 1) & 31);
        vertex[n] = w;
        stackV[sp] = v;
        stackN[sp] = vn;
        stackE[sp] = e + 1;
        if (++sp === stackV.length) {
          stackV = grown(stackV);
          stackN = grown(stackN);
          stackE = grown(stackE);
        }
        v = w;
        vn = n;
        e = firstEdge[w - 1]!;
        end = firstEdge[w]!;
      } else {
        if (sp === 0) return;
        v = stackV[--sp]!;
        vn = stackN[sp]!;
        e = stackE[sp]!;
        end = firstEdge[v]!;
      }
    }
  };

  // Each vertex's DFS number at the vertex, written after a search rather than at
  // each of its steps: a random write less in the search's chain of dependent reads,
  // and these writes, independent of each other, go as fast as memory takes them.
  const number = (from: number): void => {
    for (let i = from; i <= n; i++) sa[vertex[i]! << 1] = i;
  };
  // The root, then the page's entries in the order of the root's edges, then the
  // rest of its children: not the order DevTools searches in, but the dominators of a
  // graph do not depend on the order of a search.
  parentAt[++n] = 0;
  seen[r >>> 5]! |= 1 << (r & 31);
  vertex[n] = r;
  const entries = markPageEntries(g, owned);
  const rootOwned = owned[g.root >>> 5]! & (1 << (g.root & 31));
  const fromRoot = (e: number, marking: boolean): void => {
    const t = edgeTarget[e]! + 1;
    if ((seen[t >>> 5]! & (1 << (t & 31))) === 0 && retains(rule, g.root, e, t - 1, rootOwned)) dfs(t, 1, marking);
  };
  for (const e of entries) fromRoot(e, true);
  markOwned(g, owned, claimed.subarray(0, claims));
  if (!g.hasDerived("pageOwned")) g.preload("pageOwned", owned);
  for (let e = firstEdge[g.root]!; e < firstEdge[r]!; e++) fromRoot(e, false);
  // (While the worker may still be building the lists.)
  number(1);
  onProgress?.(0.45);
  // (What the root's search left needs the lists: only nodes without retainers start a search of their own.)
  const { heads, preds } = finishPredecessors(g, rule, predecessors);
  let unreachable = 0;
  if (n < nodeCount) {
    unreachable = nodeCount - n;
    const searched = n + 1;
    for (let v = 1; v <= nodeCount; v++) {
      if ((seen[v >>> 5]! & (1 << (v & 31))) === 0 && heads[v - 1] === NO_PREDECESSOR) {
        dfs(v, 1, false);
      }
    }
    for (let v = 1; v <= nodeCount; v++) {
      if ((seen[v >>> 5]! & (1 << (v & 31))) === 0) {
        parentAt[++n] = 1;
        vertex[n] = v;
      }
    }
    number(searched);
  }

  // Path compression without recursion. Paths are short in practice, so the stack
  // starts small and doubles when a long one comes. A linked vertex's label is the
  // least semidominator on its compressed path (the value, not the vertex that has it:
  // one random read less at every step and every predecessor), kept where its DFS
  // number was, beside its ancestor; an unlinked vertex's semidominator is still its
  // DFS number, so the same word answers for both.
  let stack = new Uint32Array(1024);
  const evaluate = (v: number): number => {
    if (sa[(v << 1) | 1] === 0) return sa[v << 1]!;
    let sp = 0;
    let x = v;
    while (sa[(sa[(x << 1) | 1]! << 1) | 1] !== 0) {
      if (sp === stack.length) stack = grown(stack);
      stack[sp++] = x;
      x = sa[(x << 1) | 1]!;
    }
    while (sp > 0) {
      const w = stack[--sp]!;
      const a = sa[(w << 1) | 1]!;
      if (sa[a << 1]! < sa[w << 1]!) sa[w << 1] = sa[a << 1]!;
      sa[(w << 1) | 1] = sa[(a << 1) | 1]!;
    }
    return sa[v << 1]!;
  };

  // SEMI-NCA: the semidominators as Lengauer–Tarjan finds them, then each immediate
  // dominator as the nearest ancestor of its DFS parent numbered at most its
  // semidominator (processed in DFS order, so the ancestors' are known). No buckets
  // and no second pass: less memory traffic, the same tree.
  // Progress every 2^20 vertices: cheap, and often enough for a bar on a big heap.
  // The search's bits, done with, now tell by DFS number which vertices have their
  // parent for semidominator (most, with one retainer): their dominator is the parent.
  const atParent = seen.fill(0);
  for (let i = n; i >= 2; i--) {
    if (onProgress && (i & 0xfffff) === 0) onProgress(0.45 + 0.45 * (1 - i / n));
    const w = vertex[i]!;
    const h = heads[w - 1]!;
    const pn = parentAt[i]!;
    const parent = vertex[pn]!;
    // (Its DFS number: no read of its own word.)
    let sw = i;
    if (h >= 0) {
      for (let s = h; ; s++) {
        const p = preds[s]!;
        // (p ^ p >> 31: ~p for the list's last, marked negative, else p.)
        const su = evaluate((p ^ (p >> 31)) + 1);
        if (su < sw) sw = su;
        if (p < 0) break;
      }
    } else if (h !== NO_PREDECESSOR) {
      // One retainer, which is its DFS parent (unless it hangs from the root for want
      // of a path): not yet processed, so its DFS number, known without a read.
      const su = ~h + 1 === parent ? pn : evaluate(~h + 1);
      if (su < sw) sw = su;
    } else {
      // A node nothing essential retains hangs from the root (its semidominator is the least).
      sw = sa[r << 1]!;
    }
    // Any other semidominator where the vertex's head was (read once, just now): no
    // array of its own at the computation's peak of memory.
    if (sw === pn) atParent[i >>> 5]! |= 1 << (i & 31);
    else heads[w - 1] = sw;
    sa[w << 1] = sw;
    sa[(w << 1) | 1] = parent;
  }
  // The dominators by DFS number, each where the vertex's parent was (read once, just
  // before): an ancestor's is final by then, so the walk up the tree reads one array
  // in DFS order, and most vertices need no semidominator read at all.
  for (let i = 2; i <= n; i++) {
    let d = parentAt[i]!;
    if ((atParent[i >>> 5]! & (1 << (i & 31))) === 0) {
      const sw = heads[vertex[i]! - 1]!;
      while (d > sw) d = parentAt[d]!;
    }
    parentAt[i] = d;
  }
  // As 0-based node ordinals, where the semidominators were (read last by the loop above).
  const idom = new Uint32Array(heads.buffer, heads.byteOffset, nodeCount);
  idom[r - 1] = r - 1;
  for (let i = 2; i <= n; i++) idom[vertex[i]! - 1] = vertex[parentAt[i]!]! - 1;
  const retainedSize = new Float64Array(sa.buffer, 0, nodeCount);
  // The shallow sizes go where the parents were (read last by the tree above): no new
  // array at the computation's peak of memory.
  const shallow = shallowSizes(g, new Uint32Array(parentAt.buffer, 0, nodeCount));
  retainedSize.set(shallow);
  // In reverse DFS order a node's retained size is final when it is added to its
  // dominator's: the largest are noted then, not found by another pass over them all.
  const leaders = new Leaders();
  let least = -1;
  for (let i = n; i > 1; i--) {
    const v = vertex[i]! - 1;
    const size = retainedSize[v]!;
    if (size >= least) least = leaders.offer(v, size);
    retainedSize[idom[v]!]! += size;
  }
  // The paths most commands print next search with arrays of this size.
  offerSpares(g, ...(shallow.buffer === parentAt.buffer ? [vertex] : [parentAt, vertex]));
  return { idom, retainedSize, unreachable, largest: leaders.list() };
}

type PredecessorJob = BackgroundJob<Extract<KernelWork, { kernel: "predecessors" }>>;

/**
 * The predecessor lists, made here, or started on a worker (then finishPredecessors
 * waits for them). The worker also marks the retaining edges when they are not marked
 * yet: it cannot know their count before, so its list has room for every edge.
 */
function startPredecessors(g: HeapGraph, rule: RetainInput, background: boolean): PredecessorInput | PredecessorJob {
  const { nodeCount, firstEdge, edgeTarget } = g;
  if (g.hasDerived("essentialEdges")) {
    const bits = essentialEdges(g).words;
    const heads = countPredecessors(g, bits);
    const input: PredecessorInput = { nodeCount, firstEdge, edgeTarget, bits, heads, preds: new Int32Array(listTotal(heads)), rule: null, ownedLater: false };
    fillPredecessors(input);
    return input;
  }
  return (background ? listsKernel(g, rule, false) : null) ?? predecessorsHere(g, rule);
}

/** The lists started on the worker by `rule` (see PredecessorInput.ownedLater), or null when its arrays are not all in shared memory. */
function listsKernel(g: HeapGraph, rule: RetainInput, ownedLater: boolean): PredecessorJob | null {
  if (!allShared([rule.owned, rule.nodeId, rule.isEphemeron, rule.tableId])) return null;
  const { nodeCount, firstEdge, edgeTarget, edgeCount } = g;
  const input: PredecessorInput = { nodeCount, firstEdge, edgeTarget, bits: shared(Uint32Array, BitVector.wordsFor(edgeCount)), heads: shared(Int32Array, nodeCount), preds: shared(Int32Array, edgeCount), rule, ownedLater };
  return startKernel(g, { kernel: "predecessors", input, state: shared(Int32Array, 1) });
}

/**
 * The lists started on the worker before the page-owned objects are known: this
 * thread finds them in its depth-first search (see `marking` there), which saves a
 * search of the whole graph. The worker marks and counts the retaining edges as if the
 * page owned every object and builds the lists; once joined, dropIntoOwned takes out
 * what the rule drops (a few thousand edges in a Node heap). The rule has the
 * page-owned bits still to be found. Null when the bits are known already, or the
 * names are not in shared memory (startPredecessors then).
 */
function startPredecessorsEarly(g: HeapGraph): { job: PredecessorJob; rule: RetainInput } | null {
  if (g.hasDerived("essentialEdges") || g.hasDerived("pageOwned")) return null;
  const { isEphemeron, tableId } = ephemeronsOf(g);
  const { weak, internal, shortcut } = g.edgeTypes;
  const rule: RetainInput = { ...kernelColumns(g), nodeId: g.nodeId, weak, internal, shortcut, owned: pageOwnedArray(g), isEphemeron, tableId };
  const job = listsKernel(g, rule, true);
  return job === null ? null : { job, rule };
}

/** Marks the retaining edges and builds the lists on this thread. */
function predecessorsHere(g: HeapGraph, rule: RetainInput): PredecessorInput {
  const { nodeCount, firstEdge, edgeTarget, edgeCount } = g;
  const bits = new BitVector(edgeCount);
  const heads = new Int32Array(nodeCount);
  markRetaining(rule, bits.words, heads);
  g.preload("essentialEdges", bits);
  const input: PredecessorInput = { nodeCount, firstEdge, edgeTarget, bits: bits.words, heads, preds: new Int32Array(listTotal(heads)), rule: null, ownedLater: false };
  fillPredecessors(input);
  return input;
}

/**
 * For each node, the nodes that retain it through an essential edge (predecessors.ts). Only the
 * dominator computation needs these, so they are built for it and then dropped. When
 * the worker failed, all is done again here.
 */
function finishPredecessors(g: HeapGraph, rule: RetainInput, made: PredecessorInput | PredecessorJob): { heads: Int32Array; preds: Int32Array } {
  if (!("work" in made)) return made;
  if (!joinKernel(made)) return predecessorsHere(g, rule);
  const { bits, heads, preds, ownedLater } = made.work.input;
  if (ownedLater) dropIntoOwned(rule, bits, heads, preds);
  g.preload("essentialEdges", new BitVector(g.edgeCount, bits));
  return { heads, preds };
}

/** Each node's count of essential retainers, at counts[node]. */
function countPredecessors(g: HeapGraph, bits: Uint32Array): Int32Array {
  const { nodeCount, edgeTarget, edgeCount } = g;
  const counts = new Int32Array(nodeCount);
  for (let e = 0; e < edgeCount; e++) if ((bits[e >>> 5]! & (1 << (e & 31))) !== 0) counts[edgeTarget[e]!]!++;
  return counts;
}

/**
 * The graph's dominator tree and retained sizes, computed on first use (`onProgress`
 * gets 0..1 then; `pathsNext` false when no path or distance search follows, see
 * computeDominators).
 */
export function dominatorsOf(g: HeapGraph, onProgress?: (done: number) => void, pathsNext = true): Dominators {
  return g.derived("dominators", () => computeDominators(g, onProgress, BACKGROUND_MIN_NODES, pathsNext));
}
