import { GuppyError } from "../errors.js";
import { BASE_SYSTEM_DISTANCE, distancesOf } from "../heapy/graph/distances.js";
import { dominatorsOf } from "../heapy/graph/dominators.js";
import { ordinalOfId } from "../heapy/graph/id-index.js";
import { retainersOf } from "../heapy/graph/retainers.js";
import { shallowSizes } from "../heapy/graph/shallow-sizes.js";
import { nodeLabel } from "../heapy/render/node-label.js";
import type { HeapGraph } from "../heapy/snapshot/heap-graph.js";
import type { HeapObject, ObjectEdge, ObjectPage, RetainerPage } from "./protocol.js";

/** String contents shown at first; the rest on demand. */
export const VALUE_PREVIEW = 200;

/** The node of V8 id `id`, or a usage error naming the id only. */
export function nodeOfId(g: HeapGraph, id: number): number {
  const n = ordinalOfId(g, id);
  if (n < 0) throw new GuppyError("USAGE", `This snapshot has no object @${id}.`);
  return n;
}

/** Whether the node's name is its value (the heap's own contents: strings, numbers, regexps...). */
function holdsValue(g: HeapGraph, n: number): boolean {
  const t = g.nodeType[n]!;
  const T = g.nodeTypes;
  return t === T.string || t === T.consString || t === T.slicedString || t === T.number || t === T.regexp || t === T.bigint || t === T.symbol;
}

/** The value of a string, number, regexp, bigint or symbol node, whole; null for other nodes. */
export function fullValue(g: HeapGraph, n: number): string | null {
  return holdsValue(g, n) ? g.name(n) : null;
}

/**
 * One object as the page shows it: class label (never its contents), id, sizes,
 * distance, and its value (first VALUE_PREVIEW characters) when it is a primitive.
 * Distances of objects reached only through the system roots lose DevTools' offset;
 * null means no distance (unreachable).
 */
export function heapObject(g: HeapGraph, n: number): HeapObject {
  const d = distancesOf(g)[n]!;
  const value = fullValue(g, n);
  const out: HeapObject = {
    id: g.nodeId[n]!,
    type: g.typeName(n),
    name: nodeLabel(g, n),
    shallow: shallowSizes(g)[n]!,
    retained: dominatorsOf(g).retainedSize[n]!,
    distance: d < 0 ? null : d % BASE_SYSTEM_DISTANCE,
    edges: g.firstEdge[n + 1]! - g.firstEdge[n]!,
  };
  if (value !== null) {
    out.value = value.length > VALUE_PREVIEW ? value.slice(0, VALUE_PREVIEW) : value;
    out.valueLength = value.length;
  }
  return out;
}

function edgeOf(g: HeapGraph, e: number, target: number): ObjectEdge {
  return { edgeType: g.edgeTypeName(e), edgeName: g.edgeNameText(e), weak: g.edgeType[e] === g.edgeTypes.weak, to: heapObject(g, target) };
}

/** Edges offset..offset+limit of object `id`, in the snapshot's order (DevTools' containment view). */
export function objectPage(g: HeapGraph, id: number, offset: number, limit: number): ObjectPage {
  const n = nodeOfId(g, id);
  const first = g.firstEdge[n]!;
  const end = Math.min(g.firstEdge[n + 1]!, first + offset + limit);
  const edges: ObjectEdge[] = [];
  for (let e = first + offset; e < end; e++) edges.push(edgeOf(g, e, g.edgeTarget[e]!));
  return { object: heapObject(g, n), offset, total: g.firstEdge[n + 1]! - first, edges };
}

/**
 * Retainers offset..offset+limit of object `id`: each referring edge with the object
 * that owns it, nearest to the root first as DevTools sorts them (unreachable ones last).
 */
export function retainerPage(g: HeapGraph, id: number, offset: number, limit: number): RetainerPage {
  const n = nodeOfId(g, id);
  const { firstRetainer, retainerEdge, retainerNode } = retainersOf(g);
  const distance = distancesOf(g);
  const slots: number[] = [];
  for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) slots.push(s);
  const rank = (s: number): number => {
    const d = distance[retainerNode[s]!]!;
    return d < 0 ? Number.MAX_SAFE_INTEGER : d;
  };
  slots.sort((a, b) => rank(a) - rank(b) || a - b);
  const retainers = slots.slice(offset, offset + limit).map((s) => edgeOf(g, retainerEdge[s]!, retainerNode[s]!));
  return { object: heapObject(g, n), offset, total: slots.length, retainers };
}

/**
 * DevTools' retained size of each kind of a partition: the retained sizes of its members
 * that no other member of the same kind dominates. One walk down the dominator tree,
 * counting for each kind how many of its members are on the way from the root.
 */
export function retainedByKind(g: HeapGraph, members: Uint32Array, kinds: Int32Array, kindCount: number): Float64Array {
  const { idom, retainedSize } = dominatorsOf(g);
  const kindOf = new Int32Array(g.nodeCount).fill(-1);
  members.forEach((m, i) => (kindOf[m] = kinds[i]!));
  // The dominator tree's children as CSR.
  const first = new Uint32Array(g.nodeCount + 1);
  for (let v = 0; v < g.nodeCount; v++) if (v !== g.root) first[idom[v]! + 1]!++;
  for (let v = 0; v < g.nodeCount; v++) first[v + 1]! += first[v]!;
  const fill = first.slice(0, g.nodeCount);
  const child = new Uint32Array(g.nodeCount);
  for (let v = 0; v < g.nodeCount; v++) if (v !== g.root) child[fill[idom[v]!]!++] = v;
  const onPath = new Int32Array(kindCount);
  const out = new Float64Array(kindCount);
  // An explicit stack: entering pushes ~v after v, so leaving v is seen after its subtree.
  const stack: number[] = [g.root];
  while (stack.length > 0) {
    const top = stack.pop()!;
    const v = top < 0 ? ~top : top;
    const k = kindOf[v]!;
    if (top < 0) {
      if (k >= 0) onPath[k]!--;
      continue;
    }
    if (k >= 0) {
      if (onPath[k] === 0) out[k]! += retainedSize[v]!;
      onPath[k]!++;
    }
    stack.push(~v);
    for (let c = first[v]!; c < first[v + 1]!; c++) stack.push(child[c]!);
  }
  return out;
}
