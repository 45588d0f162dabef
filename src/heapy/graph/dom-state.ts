import type { HeapGraph } from "../snapshot/heap-graph.js";
import { prefixFlags } from "./name-flags.js";

/** DOM link states, as V8's detachedness field and DevTools number them. */
export const DOM_UNKNOWN = 0;
export const DOM_ATTACHED = 1;
export const DOM_DETACHED = 2;

/**
 * Each node's DOM link state as DevTools' worker computes it (propagateDOMState): the
 * states the embedder wrote spread along edges other than hidden, invisible and weak ones, into
 * native nodes only (JavaScript objects are entry points that know their own state);
 * what an attached node reaches is attached, and what only detached nodes reach is
 * detached. So a detached `<div>`'s Text and internal nodes are detached too. Snapshots
 * without the field (older browsers) have only the native nodes named "Detached …",
 * and DevTools spreads nothing there.
 */
export function domStatesOf(g: HeapGraph): Uint8Array {
  return g.derived("domStates", () => {
    const { nodeCount, nodeType } = g;
    const native = g.nodeTypes.native;
    const state = new Uint8Array(nodeCount);
    if (g.nodeDetachedness === null) {
      const named = prefixFlags(g, "Detached ");
      for (let n = 0; n < nodeCount; n++) if (nodeType[n] === native && named[g.nodeName[n]!]) state[n] = DOM_DETACHED;
      return state;
    }
    state.set(g.nodeDetachedness);
    // A heap without DOM (Node's: the field is all zero) spreads nothing, and needs no edges read.
    if (state.indexOf(DOM_ATTACHED) < 0 && state.indexOf(DOM_DETACHED) < 0) return state;
    const { firstEdge, edgeTarget, edgeType } = g;
    const visited = new Uint8Array(nodeCount);
    // Each node is visited once, so each stack holds it once at most.
    const attached = new Uint32Array(nodeCount);
    const detached = new Uint32Array(nodeCount);
    let attachedTop = 0;
    let detachedTop = 0;
    const process = (n: number, s: number): void => {
      if (visited[n]) return;
      visited[n] = 1;
      if (nodeType[n] !== native) return;
      state[n] = s;
      if (s === DOM_ATTACHED) attached[attachedTop++] = n;
      else if (s === DOM_DETACHED) detached[detachedTop++] = n;
    };
    // Per edge type, whether the state does not spread along it (a table, read at every edge).
    const skip = new Uint8Array(256);
    for (const t of [g.edgeTypes.hidden, g.layout.edgeTypes.indexOf("invisible"), g.edgeTypes.weak]) if (t >= 0) skip[t] = 1;
    const spread = (from: number, s: number): void => {
      const end = firstEdge[from + 1]!;
      for (let e = firstEdge[from]!; e < end; e++) if (skip[edgeType[e]!] === 0) process(edgeTarget[e]!, s);
    };
    for (let n = 0; n < nodeCount; n++) if (state[n] !== DOM_UNKNOWN) process(n, state[n]!);
    while (attachedTop > 0) spread(attached[--attachedTop]!, DOM_ATTACHED);
    while (detachedTop > 0) {
      const n = detached[--detachedTop]!;
      // Found attached meanwhile through another parent.
      if (state[n] !== DOM_ATTACHED) spread(n, DOM_DETACHED);
    }
    return state;
  });
}
