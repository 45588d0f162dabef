import { byLabel, edgeNamed, scriptOf, type Classifier } from "../classify/classifiers.js";
import { dominatorsOf } from "../graph/dominators.js";
import { nameFlags } from "../graph/name-flags.js";
import { retainersOf } from "../graph/retainers.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { FunctionScopes } from "../source/function-scopes.js";
import type { WasteAnalysis } from "./waste-report.js";

/** Contexts deeper than this are not followed (V8's chains are a few levels). */
const MAX_CHAIN = 64;

/** What one closure's context holds that no closure sharing it uses. */
interface Capture {
  /** The closure's context node. */
  context: number;
  /** Names of the context's variables no closure using the context mentions. */
  unused: string[];
  /** What dropping those variables would free: their values' retained sizes where the context alone holds them. */
  bytes: number;
}

/** Per closure, its unused captures; "unknown" where a closure's source could not be read; absent when it has none. */
interface Captures {
  byClosure: Map<number, Capture | "unknown">;
  label: Map<number, string>;
}

/** V8's own context slots (`.generator_object`, `*default*`, `this`) are not the program's variables. */
function programVariable(name: string): boolean {
  return name !== "" && name !== "this" && name !== "arguments" && !name.startsWith(".") && !name.startsWith("*");
}

function computeCaptures(g: HeapGraph): Captures {
  const E = g.edgeTypes;
  const T = g.nodeTypes;
  const scopes = new FunctionScopes();
  const { firstRetainer, retainerEdge, retainerNode } = retainersOf(g);
  const { idom, retainedSize } = dominatorsOf(g);
  const location = new Map<number, number>();
  for (let i = 0; i + 3 < g.locations.length; i += 4) location.set(g.locations[i]!, i);
  const contextOf = (n: number): number => edgeNamed(g, n, E.internal, ["context"]);
  const previousOf = (ctx: number): number => edgeNamed(g, ctx, E.internal, ["previous"]);
  const contextName = nameFlags(g, "system / Context");
  const isContext = (n: number): boolean => n >= 0 && contextName[g.nodeName[n]!] === 1;

  // The names each closure uses, and for each context the union over the closures whose chain reaches it.
  const usedBy = new Map<number, Set<string> | null>();
  const closureNames = new Map<number, ReadonlySet<string> | null>();
  for (let n = 0; n < g.nodeCount; n++) {
    if (g.nodeType[n] !== T.closure || !isContext(contextOf(n))) continue;
    const at = location.get(n);
    const script = scriptOf(g, n);
    const names = at === undefined || script === null ? null : scopes.namesUsed(script, g.locations[at + 2]!, g.locations[at + 3]!, g.name(n));
    closureNames.set(n, names);
    let ctx = contextOf(n);
    for (let depth = 0; depth < MAX_CHAIN && isContext(ctx); depth++, ctx = previousOf(ctx)) {
      const known = usedBy.get(ctx);
      if (names === null) usedBy.set(ctx, null);
      else if (known === undefined) usedBy.set(ctx, new Set(names));
      else if (known !== null) for (const name of names) known.add(name);
    }
  }

  // Only contexts that closures and inner contexts alone hold: a module's or script's top level is the program's state.
  const heldByClosuresOnly = (ctx: number): boolean => {
    for (let s = firstRetainer[ctx]!; s < firstRetainer[ctx + 1]!; s++) {
      if (g.edgeType[retainerEdge[s]!] === E.weak) continue;
      const from = retainerNode[s]!;
      if (g.nodeType[from] !== T.closure && !isContext(from)) return false;
    }
    return true;
  };
  const dominatedBy = (n: number, ctx: number): boolean => {
    for (let d = idom[n]!, steps = 0; steps < 100_000; d = idom[d]!, steps++) {
      if (d === ctx) return true;
      if (d === g.root || d === idom[d]) return false;
    }
    return false;
  };
  const captureOf = new Map<number, Capture | null>();
  const captureOfContext = (ctx: number): Capture | null => {
    let c = captureOf.get(ctx);
    if (c !== undefined) return c;
    c = null;
    const used = usedBy.get(ctx);
    if (used !== null && used !== undefined && heldByClosuresOnly(ctx)) {
      const unused: string[] = [];
      let bytes = 0;
      for (let e = g.firstEdge[ctx]!; e < g.firstEdge[ctx + 1]!; e++) {
        if (g.edgeType[e] !== E.context) continue;
        const name = g.edgeNameText(e);
        if (!programVariable(name) || used.has(name)) continue;
        unused.push(name);
        const value = g.edgeTarget[e]!;
        if (dominatedBy(value, ctx)) bytes += retainedSize[value]!;
      }
      if (unused.length > 0) c = { context: ctx, unused: unused.sort(), bytes };
    }
    captureOf.set(ctx, c);
    return c;
  };

  const byClosure = new Map<number, Capture | "unknown">();
  const label = new Map<number, string>();
  for (const [n, names] of closureNames) {
    const ctx = contextOf(n);
    if (names === null) {
      byClosure.set(n, "unknown");
      continue;
    }
    const c = captureOfContext(ctx);
    if (c === null) continue;
    byClosure.set(n, c);
    const at = location.get(n)!;
    const where = `${scriptOf(g, n)}:${g.locations[at + 2]! + 1}:${g.locations[at + 3]! + 1}`;
    label.set(n, `${g.name(n) || "(anonymous)"} ${where} holds ${c.unused.join(", ")}`);
  }
  return { byClosure, label };
}

function capturesOf(g: HeapGraph): Captures {
  return g.derived("unused-captures", () => computeCaptures(g));
}

/**
 * Capture: closures by what their context holds that no closure sharing it uses
 * (`onEvent app.js:17:26 holds bigBuffer`); "uses what it holds", "(source
 * unavailable)" when the closure's script cannot be read and parsed (browser
 * scripts, deleted files, eval), "(no context)" and "(not a closure)". Read from
 * the scripts on disk, so a script edited since the snapshot can mislead.
 */
export const Capture: Classifier = {
  name: "Capture",
  kindHeader: "Kind (closure's unused captures)",
  classify(g, nodes) {
    const { byClosure, label } = capturesOf(g);
    const T = g.nodeTypes;
    return byLabel(nodes, (n) => {
      if (g.nodeType[n] !== T.closure) return "(not a closure)";
      const c = byClosure.get(n);
      if (c === "unknown") return "(source unavailable)";
      if (c !== undefined) return label.get(n)!;
      return edgeNamed(g, n, g.edgeTypes.internal, ["context"]) < 0 ? "(no context)" : "uses what it holds";
    });
  },
};

/**
 * Closures retaining context variables they do not use: V8 gives the closures of
 * one scope one context, so a function keeps alive what a sibling captured. The
 * bytes are what the unused variables alone retain, each context counted once.
 */
export const unusedCaptures: WasteAnalysis = {
  title: "Closures holding variables they do not use",
  classifier: Capture,
  waste(g, label, nodes) {
    if (label.startsWith("(") || label === "uses what it holds") return null;
    const { byClosure } = capturesOf(g);
    const contexts = new Map<number, number>();
    for (const n of nodes) {
      const c = byClosure.get(n);
      if (c !== undefined && c !== "unknown") contexts.set(c.context, c.bytes);
    }
    let bytes = 0;
    for (const b of contexts.values()) bytes += b;
    return bytes;
  },
};
