import { COLLECTIONS, edgeAccessor, member } from "../classify/classifiers.js";
import { BASE_SYSTEM_DISTANCE, distancesOf, PATH_ORIGIN, pathTreeOf } from "../graph/distances.js";
import { globalName, globalObjectsOf } from "../graph/globals.js";
import { ephemeronsOf } from "../graph/weakmap-edges.js";
import type { IdentitySet } from "../sets/identity-set.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { PagedView } from "./paged-view.js";
import { DEFAULT_ROWS } from "./partition-table.js";
import { terminalText } from "./terminal-text.js";


/** The node that owns edge e (binary search over the CSR offsets). */
export function edgeOwner(g: HeapGraph, e: number): number {
  let lo = 0;
  let hi = g.nodeCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (g.firstEdge[mid]! <= e) lo = mid;
    else hi = mid - 1;
  }
  // Nodes without edges share an offset with the next; the owner is the last of them.
  while (lo + 1 < g.nodeCount && g.firstEdge[lo + 1]! <= e) lo++;
  return lo;
}

/**
 * One step of a path as a JavaScript programmer would write it: `.prop`, `[3]`,
 * `<closure context>.x` (a closure's context, then the variable), `<Map entry>`,
 * `<Set entry>` (a key or value in a collection's table), `<WeakMap value>`, element
 * and property stores left out (`a[1]`), and V8's other links as `<internal name>`.
 */
function stepText(g: HeapGraph, from: number, e: number, previous: number, last: boolean): string {
  const T = g.edgeTypes;
  const t = g.edgeType[e]!;
  const name = g.edgeNameText(e);
  // From the root to what is not a global object (those start the path): the node by its name, without V8's " / url".
  if (from === g.root) return member(globalName(g, g.edgeTarget[e]!) || name);
  // A GC root's named parts ("(Stack roots)", "(Handle scope)") by name, not by their index.
  if (t === T.element && g.nodeType[from] === g.nodeTypes.synthetic && g.nodeType[g.edgeTarget[e]!] === g.nodeTypes.synthetic) return member(g.name(g.edgeTarget[e]!));
  // Inside a closure's context, variables read as members: `<closure context>.x`.
  if (t === T.context) return member(name);
  if (t === T.internal) {
    if (ephemeronsOf(g).isEphemeron[g.edgeName[e]!]) return "<WeakMap value>";
    if (name === "context" && g.nodeType[from] === g.nodeTypes.closure) return "<closure context>";
    const ofObject = g.nodeType[from] === g.nodeTypes.object;
    // V8's element and property stores are invisible to JavaScript: `a[1]`, not `a<elements>[1]`.
    if (ofObject && (name === "elements" || name === "properties")) return last ? `<${name}>` : "";
    // A collection's table shows as the entry it leads to, or as the table when the path ends there.
    if (ofObject && name === "table" && COLLECTIONS.has(g.name(from))) return last ? `<${g.name(from)} table>` : "";
  }
  if (previous >= 0 && g.edgeType[previous] === T.internal && g.edgeNameText(previous) === "table") {
    const owner = edgeOwner(g, previous);
    if (g.nodeType[owner] === g.nodeTypes.object && COLLECTIONS.has(g.name(owner))) return `<${g.name(owner)} entry>`;
  }
  return edgeAccessor(g, e);
}

/**
 * The shortest path from the root to `node` as text, `h.Root.global.cache<Map entry>`,
 * `h.Root.Window.items[0]`, or null if none; along `parent` (a path tree, or a Reach's
 * edges for a few nodes) when given.
 */
export function pathText(g: HeapGraph, node: number, root = "h.Root", parent: Int32Array = pathTreeOf(g)): string | null {
  const globals = globalObjectsOf(g);
  const edges: number[] = [];
  let start = root;
  for (let x = node; x !== g.root; ) {
    // A path through a global object reads from it, however the runtime reaches it
    // (a root shortcut, a native context, the GC roots' global handles).
    if (globals[x]) {
      start = root + member(globalName(g, x));
      break;
    }
    const e = parent[x]!;
    if (e === PATH_ORIGIN) {
      start += member(globalName(g, x));
      break;
    }
    if (e < 0) return null;
    edges.push(e);
    x = edgeOwner(g, e);
    if (edges.length > g.nodeCount) return null;
  }
  return edgesText(g, start, edges.reverse());
}

/** A path given by its edges, from the start node, as text after `start`: `h.Root.global` + `.cache<Map entry>`. */
export function edgesText(g: HeapGraph, start: string, edges: number[]): string {
  return terminalText(start + edges.map((e, i) => stepText(g, edgeOwner(g, e), e, i > 0 ? edges[i - 1]! : -1, i === edges.length - 1)).join(""));
}

/** Compares text with runs of digits as numbers, so `[2]` sorts before `[10]`. */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) return Number(x) - Number(y) || (x < y ? -1 : 1);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/**
 * The set's objects that a path reaches, in the listing's order: shortest first (by
 * DevTools distance, then in text order when there are few enough to build them all),
 * with the paths' texts when they were built.
 */
export function pathOrder(set: IdentitySet, root?: string): { reached: number[]; texts: Map<number, string> | null } {
  const g = set.graph;
  const parent = pathTreeOf(g);
  const distance = distancesOf(g);
  const reached = [...set.ordinals()].filter((n) => n === g.root || parent[n] !== -1);
  const steps = reached.reduce((sum, n) => sum + (distance[n]! % BASE_SYSTEM_DISTANCE), 0);
  // Equal lengths read best in text order (fresh[2] before fresh[10]); that needs every
  // path's text, so it is done when the paths are few and short enough to build them all.
  const texts = reached.length <= 10000 && steps <= 1_000_000 ? new Map(reached.map((n) => [n, pathText(g, n, root)!])) : null;
  reached.sort((a, b) => distance[a]! - distance[b]! || (texts ? naturalCompare(texts.get(a)!, texts.get(b)!) : 0) || a - b);
  return { reached, texts };
}

/**
 * Heapy's shortest-paths listing for a set: one numbered line per object that has a
 * path, shortest first (by DevTools distance, then in text order when there are few
 * enough to build them all), `limit` lines and then how many more.
 */
export function renderPaths(set: IdentitySet, options: { start?: number; limit?: number; root?: string; order?: ReturnType<typeof pathOrder> } = {}): string {
  const g = set.graph;
  if (set.count === 0) return "The set is empty.";
  // A caller that also needs the order (the profile browser's links) passes it in: it is computed once.
  const { reached, texts } = options.order ?? pathOrder(set, options.root);
  const start = options.start ?? 0;
  const limit = options.limit ?? DEFAULT_ROWS;
  if (start > 0 && start >= reached.length) return "No more paths.";
  const out: string[] = [];
  for (let i = start; i < reached.length && i < start + limit; i++) {
    out.push(`${String(i).padStart(2)}: ${texts?.get(reached[i]!) ?? pathText(g, reached[i]!, options.root)}`);
  }
  const more = reached.length - start - limit;
  if (more > 0) out.push(`<${more} more paths. Type e.g. '_.more' to view.>`);
  if (reached.length === 0) out.push("No path from the root reaches these objects (they are held only weakly, or not at all).");
  return out.join("\n");
}

/** The shortest paths of a set, ten at a time (Heapy's `x.sp`), with `more` and `all`. */
export class PathsView extends PagedView {
  constructor(
    readonly set: IdentitySet,
    start = 0,
    limit = DEFAULT_ROWS,
  ) {
    super(start, limit);
  }

  protected get total(): number {
    return this.set.count;
  }

  protected page(start: number, limit: number): this {
    return new PathsView(this.set, start, limit) as this;
  }

  toString(): string {
    return renderPaths(this.set, { start: this.start, limit: this.limit });
  }

  /** Every member with its path (null when none), in node order. */
  toJSON(): { count: number; paths: { id: number; path: string | null }[] } {
    const g = this.set.graph;
    const members = [...this.set.ordinals()].slice(this.start, this.start + (Number.isFinite(this.limit) ? this.limit : this.set.count));
    return { count: this.set.count, paths: members.map((n) => ({ id: g.nodeId[n]!, path: pathText(g, n) })) };
  }
}
