import { byLabel, className, type Classifier } from "../classify/classifiers.js";
import { DOM_DETACHED, DOM_UNKNOWN, domStatesOf } from "../graph/dom-state.js";
import { prefixFlags } from "../graph/name-flags.js";
import { IdentitySet } from "../sets/identity-set.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import type { WasteAnalysis } from "./waste-report.js";

/** Whether a node is one of the embedder's objects that could be DOM: Node's own ("Node / ...") also carry detachedness. */
function browserNative(g: HeapGraph, n: number): boolean {
  return g.nodeType[n] === g.nodeTypes.native && !prefixFlags(g, "Node / ")[g.nodeName[n]!];
}

/** Whether a node is a DOM node the page no longer shows, as DevTools finds it (see domStatesOf). */
export function isDetached(g: HeapGraph, n: number): boolean {
  return browserNative(g, n) && domStatesOf(g)[n] === DOM_DETACHED;
}

/**
 * Dom: DOM nodes by whether they are in a document, by their class ("Detached
 * <div>", "<div>"), from the DOM state DevTools derives from the snapshot's
 * detachedness field (or the "Detached" name older browsers give); objects the
 * browser says nothing about are "(not DOM)".
 */
export const Dom: Classifier = {
  name: "Dom",
  kindHeader: "Kind (DOM node)",
  classify(g, nodes) {
    const states = domStatesOf(g);
    // className says "Detached" for detached native nodes, as DevTools does.
    return byLabel(nodes, (n) => (browserNative(g, n) && states[n] !== DOM_UNKNOWN ? className(g, n) : "(not DOM)"));
  },
};

/**
 * Detached DOM nodes: each class of detached node wastes what its nodes retain
 * together (Heapy's domisize: a node inside another's subtree counts once).
 */
export const detachedDom: WasteAnalysis = {
  title: "Detached DOM nodes",
  classifier: Dom,
  waste(g, label, nodes) {
    return label.startsWith("Detached ") ? IdentitySet.of(g, nodes).domisize : null;
  },
  note: (g) => (g.nodeDetachedness === null ? "this snapshot has no detachedness field: only nodes named \"Detached\" are found" : null),
};
