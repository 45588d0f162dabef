import type { HeapGraph } from "../snapshot/heap-graph.js";
import { nameFlags } from "./name-flags.js";

/** How V8 names the global handles the inspector keeps (evaluation results, injected scripts, remote objects). */
const INSPECTOR_HANDLE = / \/ DevTools console$/;

/**
 * Objects reachable from the root through strong edges without passing through a
 * handle of the DevTools inspector or an allocation site's boilerplate: what the
 * page holds itself, not what a debugger or automation driver (Playwright's
 * injected scripts, Runtime.evaluate results) holds for the moment, nor V8's
 * templates for object literals. 1 per such node. Only the edges of synthetic
 * (root) nodes are decoded; the rest are tested by their name's index.
 */
export function pageHeld(g: HeapGraph): Uint8Array {
  return g.derived("pageHeld", () => {
    const { firstEdge, edgeTarget, edgeType, nodeCount } = g;
    const { weak, internal } = g.edgeTypes;
    const boilerplate = nameFlags(g, "transition_info");
    const synthetic = g.nodeTypes.synthetic;
    const held = new Uint8Array(nodeCount);
    const stack = new Uint32Array(nodeCount);
    let top = 0;
    stack[top++] = g.root;
    held[g.root] = 1;
    while (top > 0) {
      const n = stack[--top]!;
      const rootLike = g.nodeType[n] === synthetic;
      const end = firstEdge[n + 1]!;
      for (let e = firstEdge[n]!; e < end; e++) {
        const t = edgeTarget[e]!;
        if (held[t] || edgeType[e] === weak || (edgeType[e] === internal && boilerplate[g.edgeName[e]!])) continue;
        if (rootLike && INSPECTOR_HANDLE.test(g.edgeNameText(e))) continue;
        held[t] = 1;
        stack[top++] = t;
      }
    }
    return held;
  });
}
