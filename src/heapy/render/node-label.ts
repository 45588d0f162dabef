import type { HeapGraph } from "../snapshot/heap-graph.js";
import { terminalText } from "./terminal-text.js";

/**
 * A short label for a node that never reveals heap contents: strings, numbers,
 * regexps and bigints are named by type only, because snapshots hold secrets.
 */
export function nodeLabel(g: HeapGraph, n: number): string {
  return terminalText(rawLabel(g, n));
}

function rawLabel(g: HeapGraph, n: number): string {
  const t = g.nodeType[n]!;
  const T = g.nodeTypes;
  if (t === T.string || t === T.consString || t === T.slicedString) return "(string)";
  if (t === T.number) return "(number)";
  if (t === T.regexp) return "(regexp)";
  if (t === T.bigint) return "(bigint)";
  if (t === T.symbol) return "(symbol)";
  const name = g.name(n);
  if (t === T.closure) return `${name || "(anonymous)"}()`;
  if (t === T.object || t === T.native) return name;
  return name === "" ? `(${g.typeName(n)})` : `(${g.typeName(n)}) ${name}`;
}
