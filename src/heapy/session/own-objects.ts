import { fileURLToPath } from "node:url";
import { constructorOf, edgeNamed, scriptOf } from "../classify/classifiers.js";
import { nameFlags } from "../graph/name-flags.js";
import { IdentitySet } from "../sets/identity-set.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";

/**
 * Where Guppy's own compiled modules are: every class and function defined under here
 * is Guppy's. Scripts are named by URL when Node loads them, by path when a test
 * runner's VM modules do (Jest).
 */
const GUPPY_URL = new URL("../../", import.meta.url);
const GUPPY_SCRIPTS = [GUPPY_URL.href, fileURLToPath(GUPPY_URL)];

function isGuppyFunction(g: HeapGraph, closure: number, known: Map<number, boolean>): boolean {
  let own = known.get(closure);
  if (own === undefined) {
    const script = scriptOf(g, closure) ?? "";
    known.set(closure, (own = GUPPY_SCRIPTS.some((prefix) => script.startsWith(prefix))));
  }
  return own;
}

/**
 * Instances of Guppy's own classes in a snapshot of this process, of any session:
 * objects whose constructor's script is one of Guppy's modules. Found from the
 * snapshot alone, so no process-wide registry of sessions is needed.
 */
export function guppyInstances(g: HeapGraph): IdentitySet {
  const known = new Map<number, boolean>();
  const object = g.nodeTypes.object;
  return IdentitySet.where(g, (n) => {
    if (g.nodeType[n] !== object) return false;
    const c = constructorOf(g, n);
    return c >= 0 && isGuppyFunction(g, c, known);
  });
}

/**
 * What to hide of a live snapshot as Guppy's: `own` and all it alone holds, except the
 * program's suspended functions and what they hold. A program that awaits `h.heap()`
 * is itself held by Guppy's pending inspector request (Node 24 and later keep the
 * request's callbacks in a Map that leads through the promise chain to the caller's
 * frame), so "all Guppy alone holds" would hide the caller's local variables. A
 * suspended function is a generator or async function object: the node with V8's
 * `parameters_and_registers` edge, whose `function` is not one of Guppy's.
 */
export function ownObjectsToHide(g: HeapGraph, own: IdentitySet): IdentitySet {
  const dominated = own.dominos;
  const { firstEdge, edgeTarget, edgeType, edgeName } = g;
  const internal = g.edgeTypes.internal;
  const weak = g.edgeTypes.weak;
  const registers = nameFlags(g, "parameters_and_registers");
  const known = new Map<number, boolean>();
  const kept = new Uint8Array(g.nodeCount);
  const stack: number[] = [];
  for (const n of dominated.ordinals()) {
    if (own.has(n)) continue;
    let frame = false;
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]! && !frame; e++) frame = edgeType[e] === internal && registers[edgeName[e]!] === 1;
    if (!frame) continue;
    const fn = edgeNamed(g, n, internal, ["function"]);
    if (fn < 0 || isGuppyFunction(g, fn, known)) continue;
    kept[n] = 1;
    stack.push(n);
  }
  // What the program's frames reach inside the dominated part, without passing through Guppy's own objects.
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e++) {
      const t = edgeTarget[e]!;
      if (kept[t] || edgeType[e] === weak || own.has(t) || !dominated.has(t)) continue;
      kept[t] = 1;
      stack.push(t);
    }
  }
  return dominated.minus(IdentitySet.where(g, (n) => kept[n] === 1));
}
