import { edgeNamed } from "../classify/classifiers.js";
import { nameFlags } from "../graph/name-flags.js";
import { pathText } from "../render/paths.js";
import { IdentitySet } from "../sets/identity-set.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";

/** Unmounted fibers of one component. */
export interface FiberEntry {
  /** The component's function name, or "(host elements)" for fibers of DOM elements, "(other)" for the rest. */
  component: string;
  count: number;
  /** What the entry's fibers retain together. */
  retainedSize: number;
  /** The shortest path to the entry's largest unmounted subtree root, or null. */
  path: string | null;
}

export interface FiberReport {
  /** Unmounted fibers among the objects looked at. */
  count: number;
  retainedSize: number;
  entries: FiberEntry[];
}

/** Longest `return` chain followed: React trees are shallow next to this. */
const MAX_DEPTH = 10_000;

/**
 * Whether a React fiber still belongs to a mounted tree: its `return` chain ends
 * at the root fiber (whose stateNode is the FiberRootNode). React clears a deleted
 * fiber's `return` (detachFiberAfterEffects), so the chain of an unmounted
 * component's fiber ends short of the root. Detected by the class names React's
 * own builds keep (FiberNode, FiberRootNode), in development and production.
 */
function mounted(g: HeapGraph, fiber: number, isFiber: Uint8Array, isRoot: Uint8Array): boolean {
  const P = g.edgeTypes.property;
  let n = fiber;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const up = edgeNamed(g, n, P, ["return"]);
    if (up < 0 || !isFiber[g.nodeName[up]!]) {
      const state = edgeNamed(g, n, P, ["stateNode"]);
      return state >= 0 && isRoot[g.nodeName[state]!] === 1;
    }
    n = up;
  }
  return true;
}

/** The component a fiber renders: its function's name (names of code, never heap strings). */
function componentOf(g: HeapGraph, fiber: number): string {
  const type = edgeNamed(g, fiber, g.edgeTypes.property, ["type"]);
  if (type < 0) return "(other)";
  if (g.nodeType[type] === g.nodeTypes.string) return "(host elements)";
  if (g.nodeType[type] === g.nodeTypes.closure) return g.name(type) || "(anonymous component)";
  return "(other)";
}

/**
 * React fibers of unmounted components among `set`: what a subscription, a timer
 * or a module-level closure keeps after the component went away. Entries by
 * component, largest first.
 */
export function unmountedFibers(set: IdentitySet): FiberReport {
  const g = set.graph;
  const isFiber = nameFlags(g, "FiberNode");
  const isRoot = nameFlags(g, "FiberRootNode");
  const byComponent = new Map<string, number[]>();
  set.forEach((n) => {
    if (g.nodeType[n] !== g.nodeTypes.object || !isFiber[g.nodeName[n]!] || mounted(g, n, isFiber, isRoot)) return;
    const c = componentOf(g, n);
    const list = byComponent.get(c);
    if (list) list.push(n);
    else byComponent.set(c, [n]);
  });
  const entries: FiberEntry[] = [];
  for (const [component, nodes] of byComponent) {
    const of = IdentitySet.of(g, nodes);
    // The path to the subtree's root fiber (the one without a return), which names the holder.
    const top = nodes.find((n) => edgeNamed(g, n, g.edgeTypes.property, ["return"]) < 0) ?? nodes[0]!;
    entries.push({ component, count: nodes.length, retainedSize: of.domisize, path: pathText(g, top) });
  }
  entries.sort((a, b) => b.retainedSize - a.retainedSize || b.count - a.count || (a.component < b.component ? -1 : 1));
  return { count: entries.reduce((s, e) => s + e.count, 0), retainedSize: IdentitySet.of(g, [...byComponent.values()].flat()).domisize, entries };
}

/** The fiber report as text. */
export function renderFibers(report: FiberReport): string {
  if (report.count === 0) return "React fibers of unmounted components: none.";
  const lines = [`React fibers of unmounted components: ${report.count} fiber${report.count === 1 ? "" : "s"}, retaining ${report.retainedSize} bytes.`];
  report.entries.forEach((e, i) => {
    lines.push(`${String(i + 1).padStart(4)}. ${e.component}: ${e.count} fiber${e.count === 1 ? "" : "s"}, retaining ${e.retainedSize} bytes`);
    if (e.path !== null) lines.push(`      held by ${e.path}`);
  });
  return lines.join("\n");
}
