import { shallowSizes } from "../graph/shallow-sizes.js";
import type { IdentitySet } from "../sets/identity-set.js";
import type { Classifier } from "./classifiers.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";

/** One row of a partition: a kind and the count and size of its objects. */
export interface PartitionRow {
  kind: string;
  count: number;
  size: number;
}

/** A set split into the kinds of a classifier, rows by size (largest first). */
export interface Partition<S extends IdentitySet = IdentitySet> {
  set: S;
  classifier: Classifier;
  rows: PartitionRow[];
  /** The members of row i, as a set of the partitioned set's type. */
  rowSet(i: number): S;
}

/**
 * Partitions a set by a classifier. Rows are sorted by size, then kind name (as Heapy),
 * so the order is stable; sizes are DevTools' shallow sizes.
 */
export function partition<S extends IdentitySet>(set: S, classifier: Classifier): Partition<S> {
  const g = set.graph;
  const nodes = set.ordinals();
  const { kinds, labels } = classifier.classify(g, nodes);
  const sizes = shallowSizes(g);
  const count = new Float64Array(labels.length);
  const size = new Float64Array(labels.length);
  for (let i = 0; i < nodes.length; i++) {
    const k = kinds[i]!;
    count[k]!++;
    size[k]! += sizes[nodes[i]!]!;
  }
  const order = rowOrder(labels, count, size);
  const rowOfKind = new Int32Array(labels.length).fill(-1);
  order.forEach((k, r) => (rowOfKind[k] = r));
  const rows = order.map((k) => ({ kind: labels[k]!, count: count[k]!, size: size[k]! }));
  return {
    set,
    classifier,
    rows,
    rowSet(i: number): S {
      const members: number[] = [];
      for (let j = 0; j < nodes.length; j++) if (rowOfKind[kinds[j]!] === i) members.push(nodes[j]!);
      return set.sibling(members);
    },
  };
}

/** The kinds that have members, in the rows' order: as Heapy sorts, by size, largest first, equal sizes by kind name. */
function rowOrder(labels: readonly string[], count: Float64Array, size: Float64Array): number[] {
  const order: number[] = [];
  for (let k = 0; k < labels.length; k++) if (count[k]! > 0) order.push(k);
  order.sort((a, b) => size[b]! - size[a]! || (labels[a]! < labels[b]! ? -1 : labels[a]! > labels[b]! ? 1 : 0));
  return order;
}

/**
 * The rows of the partition of every node by V8 node type, as
 * partition(IdentitySet.all(g), Type) gives them, in one pass over the type column:
 * no array of the members and their kinds (8 bytes a node, at the peak of a command
 * that has just computed the dominators).
 */
export function typeRowsOfAll(g: HeapGraph): PartitionRow[] {
  const labels = g.layout.nodeTypes;
  const sizes = shallowSizes(g);
  const { nodeType, nodeCount } = g;
  const count = new Float64Array(labels.length);
  const size = new Float64Array(labels.length);
  for (let n = 0; n < nodeCount; n++) {
    const t = nodeType[n]!;
    count[t]!++;
    size[t]! += sizes[n]!;
  }
  return rowOrder(labels, count, size).map((k) => ({ kind: labels[k]!, count: count[k]!, size: size[k]! }));
}
