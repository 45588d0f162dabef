import type { HeapGraph } from "../snapshot/heap-graph.js";

/**
 * A table over string indices, 1 where the string equals `name`: hot loops test a
 * node's or edge's name with one array read instead of a string comparison.
 */
export function nameFlags(g: HeapGraph, name: string): Uint8Array {
  return g.derived(`nameFlags:${name}`, () => {
    const flags = new Uint8Array(g.strings.count);
    for (const i of g.strings.indicesOf(name)) flags[i] = 1;
    return flags;
  });
}
