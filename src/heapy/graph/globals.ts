import { prefixFlags } from "./name-flags.js";
import { V8_NAMES } from "./v8-names.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";

/** Whether a node is one of V8's native contexts (a realm: its builtins and its global object). */
export function isNativeContext(g: HeapGraph, n: number): boolean {
  const name = g.name(n);
  return name === V8_NAMES.nativeContext || name.startsWith(`${V8_NAMES.nativeContext} / `);
}

/**
 * The program's global objects (`globalThis`: Node's `global`, a page's `Window`), 1
 * per node, told by what the snapshot says rather than by a runtime's version: a
 * target of the root's shortcut edges that is an object (V8 up to 13, Bun), and the
 * `global_object` of every native context (Node 26's root shortcut leads to the
 * context; Deno and Chromium write no shortcut, only the context under the GC roots).
 */
export function globalObjectsOf(g: HeapGraph): Uint8Array {
  return g.derived("globalObjects", () => {
    const flags = new Uint8Array(g.nodeCount);
    const { firstEdge, edgeTarget, edgeType } = g;
    for (let e = firstEdge[g.root]!; e < firstEdge[g.root + 1]!; e++) {
      const t = edgeTarget[e]!;
      if (edgeType[e] === g.edgeTypes.shortcut && g.nodeType[t] === g.nodeTypes.object) flags[t] = 1;
    }
    const contexts = prefixFlags(g, V8_NAMES.nativeContext);
    const globalObject = g.strings.indicesOf(V8_NAMES.globalObject);
    for (let n = 0; n < g.nodeCount; n++) {
      if (!contexts[g.nodeName[n]!] || !isNativeContext(g, n)) continue;
      for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e++) {
        if (edgeType[e] === g.edgeTypes.internal && globalObject.includes(g.edgeName[e]!)) flags[edgeTarget[e]!] = 1;
      }
    }
    return flags;
  });
}

/** A global object's name as a program says it: `global`, `Window` (without V8's ` (global*)`, ` [JSGlobalObject]`, ` [JSGlobalProxy]` or ` / url`). */
export function globalName(g: HeapGraph, n: number): string {
  return g.name(n).replace(/ \/ .*$/, "").replace(/ (\(global\*?\)|\[JSGlobal(Object|Proxy)\])$/, "");
}

/** The global objects as a list, those of contexts named by a URL (a page's own) first. */
export function globalObjectList(g: HeapGraph): number[] {
  const flags = globalObjectsOf(g);
  const out: number[] = [];
  for (let n = 0; n < g.nodeCount; n++) if (flags[n]) out.push(n);
  return out.sort((a, b) => Number(!g.name(a).includes(" / ")) - Number(!g.name(b).includes(" / ")) || a - b);
}
