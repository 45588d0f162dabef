import { GuppyError } from "../../errors.js";
import { COLLECTIONS, member } from "../classify/classifiers.js";
import { globalName, globalObjectsOf } from "../graph/globals.js";
import { ephemeronsOf } from "../graph/weakmap-edges.js";
import { IdentitySet } from "../sets/identity-set.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { HeapySet } from "./heapy-set.js";

/**
 * Heapy's `h.Root` as a value: the objects a printed path names, reached by the same
 * steps the path printer writes. `h.Root.global.app.cache` is that object as a set;
 * `[3]` an element, `["(GC roots)"]` a node under the root, and the steps that are no
 * property names by their text: `x["<Map entry>"]`, `["<closure context>"]`,
 * `["<WeakMap value>"]`, `["<internal table>"]`. Where a step's name is also a set's
 * member (`count`, `size`, ...), `x.$("count")` takes the step.
 */
export type RootPath = HeapySet & { readonly [step: string]: RootPath } & { $(step: string): RootPath };

/** The objects one step from `from` by `key`, as the path printer writes the step. */
function step(g: HeapGraph, from: Uint32Array, key: string): number[] {
  const T = g.edgeTypes;
  const out = new Set<number>();
  const globals = globalObjectsOf(g);
  const { isEphemeron } = ephemeronsOf(g);
  const add = (n: number, e: number): void => {
    const t = g.edgeType[e]!;
    if (t === T.weak) return;
    const name = g.edgeNameText(e);
    const to = g.edgeTarget[e]!;
    const ofObject = g.nodeType[n] === T.hidden ? false : g.nodeType[n] === g.nodeTypes.object;
    if (t === T.element && `[${name}]` === `[${key}]`) out.add(to);
    else if ((t === T.property || t === T.shortcut || t === T.context) && name === key) out.add(to);
    else if (t === T.internal && isEphemeron[g.edgeName[e]!]) {
      if (key === "<WeakMap value>") out.add(to);
    } else if (t === T.internal && name === "context" && key === "<closure context>") out.add(to);
    else if (t !== T.property && t !== T.element && key === (name === "" ? `<${g.edgeTypeName(e)}>` : `<${g.edgeTypeName(e)} ${name}>`)) out.add(to);
    else if (ofObject && t === T.internal && name === "table" && COLLECTIONS.has(g.name(n)) && key === `<${g.name(n)} entry>`) {
      // A collection's entries: what its table holds.
      for (let f = g.firstEdge[to]!; f < g.firstEdge[to + 1]!; f++) if (g.edgeType[f] !== T.weak) out.add(g.edgeTarget[f]!);
    } else if (ofObject && t === T.internal && (name === "elements" || name === "properties")) {
      // V8's element and property stores are invisible in the path text: their entries are the object's.
      if (key === `<${name}>`) out.add(to);
      else for (let f = g.firstEdge[to]!; f < g.firstEdge[to + 1]!; f++) if (g.edgeNameText(f) === key && g.edgeType[f] !== T.weak) out.add(g.edgeTarget[f]!);
    }
  };
  for (const n of from) {
    if (n === g.root) {
      // From the root: a global object by its name, or a node under the root by its name.
      for (let x = 0; x < g.nodeCount; x++) if (globals[x] && globalName(g, x) === key) out.add(x);
      for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) {
        const to = g.edgeTarget[e]!;
        if (g.name(to).replace(/ \/ .*$/, "") === key) out.add(to);
      }
      continue;
    }
    for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) add(n, e);
  }
  return [...out];
}

/** The root of a graph as a path value (`h.Root`). */
export function rootPath(g: HeapGraph): RootPath {
  return pathOf(g, HeapySet.from(IdentitySet.of(g, [g.root])), "h.Root");
}

function pathOf(g: HeapGraph, set: HeapySet, text: string): RootPath {
  const next = (key: string): RootPath => {
    const to = step(g, set.ordinals(), key);
    const steps = /^\d+$/.test(key) ? `[${key}]` : key.startsWith("<") ? key : member(key);
    if (to.length === 0) throw new GuppyError("USAGE", `${text}${steps} names no object of the snapshot (no such step from ${set.count === 1 ? "that object" : `those ${set.count} objects`}).`);
    return pathOf(g, HeapySet.from(IdentitySet.of(g, to)), text + steps);
  };
  return new Proxy(set, {
    get(target, key, receiver) {
      if (key === "$") return next;
      if (typeof key === "symbol" || key in target) {
        const v = Reflect.get(target, key, receiver === undefined ? target : target);
        return typeof v === "function" ? v.bind(target) : v;
      }
      // Promise-like checks (await, REPL) must not take a step.
      if (key === "then") return undefined;
      return next(key);
    },
  }) as RootPath;
}
