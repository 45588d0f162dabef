import { GuppyError } from "../errors.js";
import { edgeNamed } from "../heapy/classify/classifiers.js";
import { partition } from "../heapy/classify/partition.js";
import { ordinalOfId } from "../heapy/graph/id-index.js";
import { shallowSizes } from "../heapy/graph/shallow-sizes.js";
import { nodeLabel } from "../heapy/render/node-label.js";
import { classifierNamed } from "../heapy/session/classifier-names.js";
import { HeapySet } from "../heapy/session/heapy-set.js";
import type { Session } from "../heapy/session/session.js";
import { IdentitySet } from "../heapy/sets/identity-set.js";
import type { HeapGraph } from "../heapy/snapshot/heap-graph.js";
import { isDetached } from "../heapy/waste/detached-dom.js";
import type { OpenSnapshot } from "./workspace.js";

/** Longest string or number value shown in object details. */
const VALUE_CHARS = 1000;

/** An object id as an agent writes it (1234, "1234" or "@1234"), or a USAGE error. */
export function objectId(v: unknown): number {
  const n = typeof v === "number" ? v : Number(String(v).replace(/^@/, ""));
  if (!Number.isInteger(n) || n < 0) throw new GuppyError("USAGE", `'${String(v).slice(0, 40)}' is not an object id; give one such as @1234.`);
  return n;
}

/** The node of an object id in a snapshot, or a USAGE error. */
export function nodeOf(snap: OpenSnapshot, id: number): number {
  const n = ordinalOfId(snap.heap.graph, id);
  if (n < 0) throw new GuppyError("USAGE", `No object has id @${id} in ${snap.handle}.`);
  return n;
}

/**
 * The text of a string or number node, else null: MCP answers go to the agent that
 * asked about the object, so values are shown here (and only here, never in logs).
 * A concatenated string is its parts joined, up to VALUE_CHARS characters; a number
 * has a value only in snapshots taken with numeric values exposed.
 */
export function valueOf(g: HeapGraph, n: number): string | null {
  const T = g.nodeTypes;
  const t = g.nodeType[n]!;
  if (t === T.number) {
    // With numeric values exposed, V8 writes a number's text as a string behind its "value" edge; else it is not known.
    const text = edgeNamed(g, n, g.edgeTypes.internal, ["value"]);
    return text >= 0 ? g.name(text) : null;
  }
  if (t !== T.string && t !== T.consString) return null;
  let text = "";
  // Depth-first over the cons tree's "first" and "second" parts, left to right. A sliced
  // string's text is not in the snapshot (only its parent), so a value holding one is unknown.
  const stack = [n];
  while (stack.length > 0 && text.length <= VALUE_CHARS) {
    const x = stack.pop()!;
    const tx = g.nodeType[x]!;
    if (tx === T.string) {
      text += g.name(x);
      continue;
    }
    const first = tx === T.consString ? edgeNamed(g, x, g.edgeTypes.internal, ["first"]) : -1;
    const second = tx === T.consString ? edgeNamed(g, x, g.edgeTypes.internal, ["second"]) : -1;
    if (first < 0 || second < 0) return null;
    stack.push(second, first);
  }
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS)}…` : text;
}

/** What object_details and the listings say about one node: id, label, type, DevTools' shallow size, and its value if it has one. */
export function describeNode(g: HeapGraph, n: number): { id: number; label: string; type: string; selfSize: number; value?: string } {
  const value = valueOf(g, n);
  return { id: g.nodeId[n]!, label: nodeLabel(g, n), type: g.typeName(n), selfSize: shallowSizes(g)[n]!, ...(value !== null ? { value } : {}) };
}

/** A node as one line: `@12 Foo (object, 24 bytes)`, with ` = "text"` for a value. */
export function nodeText(d: ReturnType<typeof describeNode>): string {
  return `@${d.id} ${d.label}${d.value !== undefined ? ` = ${JSON.stringify(d.value)}` : ""} (${d.type}, ${d.selfSize} bytes)`;
}

/** The per-class comparison of two snapshots: what was allocated and what was freed between them. */
export function comparison(base: HeapySet, target: HeapySet, by: string): { kind: string; newCount: number; newSize: number; deletedCount: number; deletedSize: number; countDelta: number; sizeDelta: number }[] {
  const classifier = classifierNamed(by);
  const born = partition(target.minus(base), classifier).rows;
  const dead = partition(base.minus(target), classifier).rows;
  const rows = new Map<string, { kind: string; newCount: number; newSize: number; deletedCount: number; deletedSize: number; countDelta: number; sizeDelta: number }>();
  const row = (kind: string) => rows.get(kind) ?? rows.set(kind, { kind, newCount: 0, newSize: 0, deletedCount: 0, deletedSize: 0, countDelta: 0, sizeDelta: 0 }).get(kind)!;
  for (const r of born) Object.assign(row(r.kind), { newCount: r.count, newSize: r.size });
  for (const r of dead) Object.assign(row(r.kind), { deletedCount: r.count, deletedSize: r.size });
  const out = [...rows.values()];
  for (const r of out) {
    r.countDelta = r.newCount - r.deletedCount;
    r.sizeDelta = r.newSize - r.deletedSize;
  }
  return out.sort((a, b) => Math.abs(b.sizeDelta) - Math.abs(a.sizeDelta) || Math.abs(b.countDelta) - Math.abs(a.countDelta) || (a.kind < b.kind ? -1 : 1));
}

/** Objects of a set that match every given condition, in node order. */
export function query(set: HeapySet, session: Session, a: { class?: string; type?: string; property?: string; min_size?: number; max_size?: number; detached?: boolean }): HeapySet {
  let out = set;
  if (a.class !== undefined) out = out.and(session.Clodo(a.class));
  if (a.type !== undefined) out = out.and(session.Type(a.type));
  if (a.min_size === undefined && a.max_size === undefined && a.detached === undefined && a.property === undefined) return out;
  const g = set.graph;
  const sizes = shallowSizes(g);
  const names = a.property === undefined ? null : g.strings.indicesOf(a.property);
  const T = g.edgeTypes;
  const hasProperty = (n: number): boolean => {
    for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) {
      const t = g.edgeType[e]!;
      if ((t === T.property || t === T.internal || t === T.context) && names!.includes(g.edgeName[e]!)) return true;
    }
    return false;
  };
  const keep = out.ordinals().filter(
    (n) =>
      (a.min_size === undefined || sizes[n]! >= a.min_size) &&
      (a.max_size === undefined || sizes[n]! <= a.max_size) &&
      (a.detached === undefined || isDetached(g, n) === a.detached) &&
      (names === null || hasProperty(n)),
  );
  return HeapySet.from(IdentitySet.of(g, keep));
}

