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

/**
 * A table over string indices, 1 where the string starts with `prefix` (printable
 * ASCII): compared on the raw bytes once per string, so hot loops never decode names.
 * V8 writes printable ASCII unescaped, so the raw bytes start with the prefix exactly
 * when the decoded string does.
 */
export function prefixFlags(g: HeapGraph, prefix: string): Uint8Array {
  return g.derived(`prefixFlags:${prefix}`, () => affixFlags(g, prefix, false));
}

/** As prefixFlags, for strings that end with `suffix` (printable ASCII). */
export function suffixFlags(g: HeapGraph, suffix: string): Uint8Array {
  return g.derived(`suffixFlags:${suffix}`, () => affixFlags(g, suffix, true));
}

function affixFlags(g: HeapGraph, affix: string, atEnd: boolean): Uint8Array {
  const { bytes, starts } = g.strings.rawView();
  const want = Array.from(affix, (c) => c.charCodeAt(0));
  const flags = new Uint8Array(g.strings.count);
  for (let i = 0; i < g.strings.count; i++) {
    if (starts[i + 1]! - starts[i]! < want.length) continue;
    const from = atEnd ? starts[i + 1]! - want.length : starts[i]!;
    let k = 0;
    while (k < want.length && bytes[from + k] === want[k]) k++;
    if (k === want.length) flags[i] = 1;
  }
  return flags;
}
