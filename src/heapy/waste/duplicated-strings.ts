import { byLabel, type Classifier } from "../classify/classifiers.js";
import { programHolds } from "../classify/program-held.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import type { WasteAnalysis } from "./waste-report.js";

const PREVIEW = 40;

/** A string's kind label: its first characters, quoted (the snapshot's text of it is at most 1024 characters). */
function preview(text: string, size: number): string {
  const shown = text.length > PREVIEW ? `${JSON.stringify(text.slice(0, PREVIEW))}…` : JSON.stringify(text);
  return `${shown} (${size} bytes)`;
}

/**
 * Dupstr: strings by content, for finding the same text held many times. Flat
 * strings with the same text and size (the snapshot's string table stores each text
 * once, so this is a comparison of indices) are one kind, `"text" (24 bytes)`;
 * concatenated and sliced strings have no text in a snapshot and are
 * "(concatenated or sliced string)"; strings only the runtime holds (function
 * names, scope names, strings in code) are "(runtime's string)"; other objects
 * "(not a string)".
 */
export const Dupstr: Classifier = {
  name: "Dupstr",
  kindHeader: "Kind (string content)",
  classify(g, nodes) {
    const T = g.nodeTypes;
    const labels = new Map<string, string>();
    const held = programHolds(g);
    return byLabel(nodes, (n) => {
      const t = g.nodeType[n]!;
      if (t === T.consString || t === T.slicedString) return "(concatenated or sliced string)";
      if (t !== T.string) return "(not a string)";
      if (!held(n)) return "(runtime's string)";
      // Text and size: names stop at 1024 characters, so longer strings also differ by size.
      const key = `${g.nodeName[n]!}:${g.nodeSelfSize[n]!}`;
      let label = labels.get(key);
      if (label === undefined) labels.set(key, (label = preview(g.name(n), g.nodeSelfSize[n]!)));
      return label;
    });
  },
};

/** Duplicated strings: each text held more than once wastes all copies but one. */
export const duplicatedStrings: WasteAnalysis = {
  title: "Duplicated strings",
  classifier: Dupstr,
  waste(g: HeapGraph, label, nodes) {
    if (label.startsWith("(") || nodes.length < 2) return null;
    return (nodes.length - 1) * g.nodeSelfSize[nodes[0]!]!;
  },
};
