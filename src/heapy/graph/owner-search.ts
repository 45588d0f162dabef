/**
 * The owners search behind shallow sizes, over plain typed arrays only (no HeapGraph,
 * no strings), so a worker thread can run it on the graph's shared columns while the
 * main thread marks the edges that retain.
 */
import { grown } from "./grown.js";

/** What ownerSearch gives a node that no ordinary object owns alone. */
export const NO_OWNER = 0xffffffff;
const UNVISITED = 0xffffffff;
const SHARED = 0xfffffffe;

/** What the owners search reads and where it writes. */
export interface OwnerInput {
  nodeCount: number;
  nodeType: Uint8Array;
  nodeName: Uint32Array;
  firstEdge: Uint32Array;
  edgeTarget: Uint32Array;
  edgeType: Uint8Array;
  /** Node types hidden, array and native, and the weak edge type. */
  codes: { hidden: number; array: number; native: number; weak: number };
  /** Indices of the strings "system / ExternalStringData" (native nodes owned as arrays are). */
  externalStringData: Uint32Array;
  /** Written: each node's owner. */
  owners: Uint32Array;
}

/**
 * For each node, the ordinary object that alone owns it: itself for ordinary nodes;
 * for V8's internal arrays and hidden objects, the one ordinary object that reaches
 * them through internal nodes only, or NO_OWNER when there is none or several. Each
 * ordinary object's internal nodes are searched from it in turn, so the work stack
 * holds one object's internals, not the whole heap.
 */
export function ownerSearch(input: OwnerInput, onProgress?: () => void): void {
  const { nodeCount, nodeType, nodeName, firstEdge, edgeTarget, edgeType, owners, externalStringData } = input;
  const { hidden, array, native, weak } = input.codes;
  const external = new Set(externalStringData);
  for (let n = 0; n < nodeCount; n++) {
    const t = nodeType[n]!;
    owners[n] = t === hidden || t === array || (t === native && external.has(nodeName[n]!)) ? UNVISITED : n;
  }
  // Each node enters the stack at most twice: once owned, once shared.
  let work = new Uint32Array(1024);
  for (let root = 0; root < nodeCount; root++) {
    if (onProgress !== undefined && (root & 0xffff) === 0) onProgress();
    if (owners[root] !== root) continue;
    let top = 0;
    work[top++] = root;
    while (top > 0) {
      const n = work[--top]!;
      const owner = owners[n]!;
      const end = firstEdge[n + 1]!;
      for (let e = firstEdge[n]!; e < end; e++) {
        if (edgeType[e] === weak) continue;
        const t = edgeTarget[e]!;
        const current = owners[t]!;
        const next = current === UNVISITED ? owner : current !== t && current !== owner && current !== SHARED ? SHARED : -1;
        if (next < 0) continue;
        owners[t] = next;
        if (top === work.length) work = grown(work);
        work[top++] = t;
      }
    }
  }
  for (let n = 0; n < nodeCount; n++) if (owners[n] === UNVISITED || owners[n] === SHARED) owners[n] = NO_OWNER;
}
