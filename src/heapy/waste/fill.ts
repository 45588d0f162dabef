import { byLabel, type Classifier } from "../classify/classifiers.js";
import { collectionName, elementCount, SLOT, storeSlots, tableEntries, tableOf } from "./collections.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import type { WasteAnalysis } from "./waste-report.js";

/** An array is sparse when at least this many slots, and at least half of them, hold nothing. */
const SPARSE_MIN_SLOTS = 16;

/** Whether the snapshot records small integers (V8's "expose numeric values" option): only then are arrays of numbers visible. */
export function numbersCaptured(g: HeapGraph): boolean {
  return g.strings.indicesOf("smi number").length > 0;
}

/**
 * How full one collection is: "empty Array", "sparse Array" (a backing store at
 * least half unused), "empty Map", "empty Set", "used Array", "used Map", "used Set",
 * else "(not a collection)". What a snapshot shows of an array or a collection is
 * its heap objects; small integers are not objects, so without captured numeric
 * values an array of numbers can only be told by its store, and such arrays are
 * never called sparse.
 */
export function fillOf(g: HeapGraph, n: number, numbers: boolean): string {
  if (g.nodeType[n] !== g.nodeTypes.object) return "(not a collection)";
  const name = collectionName(g, n);
  if (name === "Map" || name === "Set") {
    return tableOf(g, n) >= 0 && tableEntries(g, n, name === "Map" ? 3 : 2) === 0 ? `empty ${name}` : `used ${name}`;
  }
  if (name !== "Array") return "(not a collection)";
  const elements = elementCount(g, n);
  const slots = storeSlots(g, n);
  if (elements === 0 && slots === 0) return "empty Array";
  const unused = slots - elements;
  if ((numbers || elements > 0) && unused >= SPARSE_MIN_SLOTS && unused * 2 >= slots) return "sparse Array";
  return "used Array";
}

/** The bytes a sparse array's store spends on nothing. */
function unusedStoreBytes(g: HeapGraph, n: number): number {
  return Math.max(0, storeSlots(g, n) - elementCount(g, n)) * SLOT;
}

/** Fill: arrays, Maps and Sets by how full they are (see fillOf). */
export const Fill: Classifier = {
  name: "Fill",
  kindHeader: "Kind (fill of collection)",
  classify(g, nodes) {
    const numbers = numbersCaptured(g);
    return byLabel(nodes, (n) => fillOf(g, n, numbers));
  },
};

/**
 * Empty and sparse collections: an empty Array, Map or Set wastes what it and its
 * store take; a sparse Array the unused part of its store.
 */
export const emptyCollections: WasteAnalysis = {
  title: "Empty and sparse collections",
  classifier: Fill,
  waste(g, label, nodes) {
    if (!label.startsWith("empty ") && label !== "sparse Array") return null;
    let bytes = 0;
    for (const n of nodes) {
      if (label === "sparse Array") bytes += unusedStoreBytes(g, n);
      else {
        bytes += g.nodeSelfSize[n]!;
        const table = tableOf(g, n);
        if (table >= 0) bytes += g.nodeSelfSize[table]!;
      }
    }
    return bytes;
  },
  note: (g) => (numbersCaptured(g) ? null : "numbers were not captured: Maps and Sets holding only small integers look empty, arrays of numbers are never called sparse"),
};
