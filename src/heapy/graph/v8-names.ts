import type { HeapGraph } from "../snapshot/heap-graph.js";

/** Names V8 gives the nodes and edges Guppy's analyses look for. */
export const V8_NAMES = {
  documentDomTrees: "(Document DOM trees)",
  externalStringData: "system / ExternalStringData",
  globalObject: "global_object",
  mapDescriptors: "(map descriptors)",
  sloppyFunctionMap: "sloppy_function_map",
  nativeContext: "system / NativeContext",
} as const;

/**
 * Looks all of them up in one pass over the strings (a pass each otherwise: 30 ms a
 * name on a heap of 6 M strings), ahead of the analyses that ask for them in turn.
 */
export function lookUpV8Names(g: HeapGraph): void {
  g.strings.lookUp(Object.values(V8_NAMES));
}
