import { dominatorsOf } from "../graph/dominators.js";
import { prefixFlags } from "../graph/name-flags.js";
import { retainersOf } from "../graph/retainers.js";
import { ephemeronsOf } from "../graph/weakmap-edges.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { collectionOfTable } from "./classifiers.js";

/**
 * Objects that the runtime keeps for its own reasons (compiled code, hidden classes,
 * V8's internal arrays and hidden objects, the embedder's native nodes, synthetic
 * roots) are not a program's: growth or waste there is not the program's doing.
 */
export function programObject(g: HeapGraph, n: number): boolean {
  const T = g.nodeTypes;
  const t = g.nodeType[n]!;
  if (t === T.code || t === T.hidden || t === T.synthetic || t === T.native || t === T.array) return false;
  if (g.layout.nodeTypes[t] === "object shape") return false;
  return !prefixFlags(g, "system / ")[g.nodeName[n]!];
}

/**
 * A test of whether the program holds a node the way programs hold things: a
 * property or element of its object, a variable of a closure's context, an entry
 * of a collection. What only V8's internals hold (strings in code, allocation-site
 * boilerplates, caches, function names) is the runtime's.
 */
export function programHolds(g: HeapGraph): (n: number) => boolean {
  const { firstRetainer, retainerEdge, retainerNode } = retainersOf(g);
  const { isEphemeron } = ephemeronsOf(g);
  const E = g.edgeTypes;
  // Whether node `table` is the entry table of a collection, asked once per node.
  const tables = new Map<number, boolean>();
  const isTable = (table: number): boolean => {
    let known = tables.get(table);
    if (known === undefined) tables.set(table, (known = collectionOfTable(g, table) !== null));
    return known;
  };
  return (n) => {
    for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) {
      const e = retainerEdge[s]!;
      const t = g.edgeType[e]!;
      const from = retainerNode[s]!;
      if (t === E.context) return true;
      if ((t === E.property || t === E.element || t === E.shortcut) && programObject(g, from)) return true;
      if (t === E.internal && (isEphemeron[g.edgeName[e]!] || isTable(from))) return true;
    }
    return false;
  };
}

/**
 * A test of whether V8's own structures are the only way to a node: its dominator
 * chain passes through a node of type code. Feedback cells and vectors, allocation
 * sites (whose `transition_info` holds an object literal's boilerplate), bytecode's
 * constant pools and code caches are all of that type, so what they alone keep (a
 * literal's boilerplate and its arrays, cached compiled data) is the runtime's, while
 * an object the program also holds is not dominated by them.
 */
export function runtimeDominated(g: HeapGraph): (n: number) => boolean {
  const { idom } = dominatorsOf(g);
  const code = g.nodeTypes.code;
  // 0 not yet known, 1 dominated by code, 2 not.
  const state = new Uint8Array(g.nodeCount);
  const chain: number[] = [];
  return (n) => {
    let x = n;
    while (state[x] === 0) {
      const up = idom[x]!;
      if (x === g.root || up === x) state[x] = 2;
      else if (g.nodeType[up] === code) state[x] = 1;
      else {
        chain.push(x);
        x = up;
      }
    }
    for (const c of chain) state[c] = state[x]!;
    chain.length = 0;
    return state[n] === 1;
  };
}
