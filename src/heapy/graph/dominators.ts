import type { HeapGraph } from "../snapshot/heap-graph.js";
import { essentialEdges } from "./essential-edges.js";
import { retainersOf } from "./retainers.js";
import { shallowSizes } from "./shallow-sizes.js";

/** The dominator tree and the retained sizes it implies. */
export interface Dominators {
  /** Immediate dominator per node ordinal; the root is its own. */
  idom: Uint32Array;
  /** Retained size per node: its shallow size plus that of everything it dominates. */
  retainedSize: Float64Array;
  /** Nodes in dominator-tree pre-order from the root (children after parents). */
  order: Uint32Array;
  /** Nodes no essential path reaches from the root, which DevTools hangs under the root. */
  unreachable: number;
}

/**
 * Lengauer–Tarjan ("simple" eval/link) over the essential edges, with DevTools'
 * treatment of what the root does not reach: first nodes with only weak
 * retainers (and their descendants) are searched from as if the root pointed at
 * them, in node order; then any node still unvisited (a cycle held only by
 * itself) is hung under the root on its own. Equal inputs give DevTools' tree.
 * Arrays are 1-based (vertex v is node v-1) so 0 can mean "none".
 */
export function computeDominators(g: HeapGraph): Dominators {
  const { nodeCount, firstEdge, edgeTarget } = g;
  const essential = essentialEdges(g);
  const bits = essential.words;
  const { firstRetainer, retainerEdge, retainerNode } = retainersOf(g);
  const size = nodeCount + 1;
  const parent = new Uint32Array(size);
  const ancestor = new Uint32Array(size);
  const vertex = new Uint32Array(size);
  const label = new Uint32Array(size);
  const semi = new Uint32Array(size);
  const nextEdge = new Uint32Array(size);
  let n = 0;

  const dfs = (start: number): void => {
    nextEdge[start - 1] = firstEdge[start - 1]!;
    let v = start;
    while (v !== 0) {
      if (semi[v] === 0) {
        semi[v] = ++n;
        vertex[n] = label[v] = v;
      }
      let next = parent[v]!;
      const vo = v - 1;
      const end = firstEdge[vo + 1]!;
      for (let e = nextEdge[vo]!; e < end; e++) {
        if ((bits[e >>> 5]! & (1 << (e & 31))) === 0) continue;
        const w = edgeTarget[e]! + 1;
        if (semi[w] === 0) {
          parent[w] = v;
          nextEdge[w - 1] = firstEdge[w - 1]!;
          nextEdge[vo] = e + 1;
          next = w;
          break;
        }
      }
      if (next === parent[v]) nextEdge[vo] = end;
      v = next;
    }
  };

  const hasOnlyWeakRetainers = (node: number): boolean => {
    const end = firstRetainer[node + 1]!;
    for (let s = firstRetainer[node]!; s < end; s++) {
      const e = retainerEdge[s]!;
      if ((bits[e >>> 5]! & (1 << (e & 31))) !== 0) return false;
    }
    return true;
  };

  const r = g.root + 1;
  dfs(r);
  let unreachable = 0;
  if (n < nodeCount) {
    unreachable = nodeCount - n;
    for (let v = 1; v <= nodeCount; v++) {
      if (semi[v] === 0 && hasOnlyWeakRetainers(v - 1)) {
        parent[v] = r;
        dfs(v);
      }
    }
  }
  if (n < nodeCount) {
    for (let v = 1; v <= nodeCount; v++) {
      if (semi[v] === 0) {
        parent[v] = r;
        semi[v] = ++n;
        vertex[n] = label[v] = v;
      }
    }
  }

  // Path compression without recursion; the stack never outgrows the node count.
  const stack = nextEdge; // the DFS is done with it
  const evaluate = (v: number): number => {
    if (ancestor[v] === 0) return v;
    let sp = 0;
    let x = v;
    while (ancestor[ancestor[x]!] !== 0) {
      stack[sp++] = x;
      x = ancestor[x]!;
    }
    while (sp > 0) {
      const w = stack[--sp]!;
      const a = ancestor[w]!;
      if (semi[label[a]!]! < semi[label[w]!]!) label[w] = label[a]!;
      ancestor[w] = ancestor[a]!;
    }
    return label[v]!;
  };

  // Buckets as singly linked lists in typed arrays: each vertex joins one bucket once.
  const bucketHead = new Uint32Array(size);
  const bucketNext = new Uint32Array(size);
  const dom = new Uint32Array(size);
  for (let i = n; i >= 2; i--) {
    const w = vertex[i]!;
    const wo = w - 1;
    let orphan = true;
    const end = firstRetainer[wo + 1]!;
    for (let s = firstRetainer[wo]!; s < end; s++) {
      const e = retainerEdge[s]!;
      if ((bits[e >>> 5]! & (1 << (e & 31))) === 0) continue;
      orphan = false;
      const u = evaluate(retainerNode[s]! + 1);
      if (semi[u]! < semi[w]!) semi[w] = semi[u]!;
    }
    if (orphan) semi[w] = semi[r]!;
    const b = vertex[semi[w]!]!;
    bucketNext[w] = bucketHead[b]!;
    bucketHead[b] = w;
    const p = parent[w]!;
    ancestor[w] = p;
    for (let v = bucketHead[p]!; v !== 0; v = bucketNext[v]!) {
      const u = evaluate(v);
      dom[v] = semi[u]! < semi[v]! ? u : p;
    }
    bucketHead[p] = 0;
  }
  dom[0] = dom[r] = r;
  for (let i = 2; i <= n; i++) {
    const w = vertex[i]!;
    if (dom[w] !== vertex[semi[w]!]) dom[w] = dom[dom[w]!]!;
  }

  const sizes = shallowSizes(g);
  const idom = new Uint32Array(nodeCount);
  const retainedSize = new Float64Array(nodeCount);
  for (let v = 0; v < nodeCount; v++) {
    idom[v] = dom[v + 1]! - 1;
    retainedSize[v] = sizes[v]!;
  }
  for (let i = n; i > 1; i--) {
    const v = vertex[i]! - 1;
    retainedSize[idom[v]!]! += retainedSize[v]!;
  }
  return { idom, retainedSize, order: dominatorPreorder(idom, g.root), unreachable };
}

/** Nodes in pre-order of the dominator tree, by counting sort on the parent. */
function dominatorPreorder(idom: Uint32Array, root: number): Uint32Array {
  const count = idom.length;
  const firstChild = new Uint32Array(count + 1);
  for (let v = 0; v < count; v++) if (v !== root) firstChild[idom[v]! + 1]!++;
  for (let v = 0; v < count; v++) firstChild[v + 1]! += firstChild[v]!;
  const fill = firstChild.slice(0, count);
  const children = new Uint32Array(count);
  for (let v = 0; v < count; v++) if (v !== root) children[fill[idom[v]!]!++] = v;
  const order = new Uint32Array(count);
  let out = 0;
  const stack = fill; // reused: the counting is done
  let sp = 0;
  stack[sp++] = root;
  while (sp > 0) {
    const v = stack[--sp]!;
    order[out++] = v;
    for (let c = firstChild[v + 1]!; c > firstChild[v]!; ) stack[sp++] = children[--c]!;
  }
  return order.subarray(0, out);
}

/** The graph's dominator tree and retained sizes, computed on first use. */
export function dominatorsOf(g: HeapGraph): Dominators {
  return g.derived("dominators", () => computeDominators(g));
}
