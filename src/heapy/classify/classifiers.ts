import { retainersOf } from "../graph/retainers.js";
import { NO_OWNER, ownersOf, shallowSizes } from "../graph/shallow-sizes.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";

/** Kinds of some nodes: a kind number per node and a label per kind number. */
export interface Kinds {
  /** kinds[i] is the kind of the i-th node given to classify. */
  kinds: Uint32Array;
  labels: string[];
}

/**
 * An equivalence relation on the nodes of a snapshot (Heapy's classifier): it maps
 * each node to a kind. `kindHeader` is the Kind column's header in partition tables.
 */
export interface Classifier {
  readonly name: string;
  readonly kindHeader: string;
  classify(g: HeapGraph, nodes: Uint32Array): Kinds;
}

/** Numbers labels as they first appear. */
class LabelTable {
  readonly labels: string[] = [];
  private readonly index = new Map<string, number>();
  kindOf(label: string): number {
    let k = this.index.get(label);
    if (k === undefined) {
      k = this.labels.length;
      this.labels.push(label);
      this.index.set(label, k);
    }
    return k;
  }
}

/** Kinds from a label for each position 0..count-1. */
function byPosition(count: number, labelAt: (i: number) => string): Kinds {
  const table = new LabelTable();
  const kinds = new Uint32Array(count);
  for (let i = 0; i < count; i++) kinds[i] = table.kindOf(labelAt(i));
  return { kinds, labels: table.labels };
}

/** Kinds from a label for each node. */
function byLabel(nodes: Uint32Array, labelOf: (n: number) => string): Kinds {
  return byPosition(nodes.length, (i) => labelOf(nodes[i]!));
}

/** Heapy's Type: the V8 node type (object, closure, string, array, hidden, code, ...). */
export const Type: Classifier = {
  name: "Type",
  kindHeader: "Kind (V8 node type)",
  classify(g, nodes) {
    const kinds = new Uint32Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) kinds[i] = g.nodeType[nodes[i]!]!;
    return { kinds, labels: [...g.layout.nodeTypes] };
  },
};

/**
 * DevTools' class name of a node (the Memory panel's Constructor column): the
 * constructor for objects and native objects (`<div>` for `<div id=...>`),
 * "Function" for closures, "(system)" for hidden objects, "(compiled code)" for
 * code, "RegExp", and "(type)" for the rest.
 */
export function className(g: HeapGraph, n: number): string {
  const t = g.nodeType[n]!;
  const T = g.nodeTypes;
  if (t === T.hidden) return "(system)";
  if (t === T.code) return "(compiled code)";
  if (t === T.closure) return "Function";
  if (t === T.regexp) return "RegExp";
  if (t === T.object || t === T.native) {
    const name = g.name(n);
    const tag = name.startsWith("<") ? 0 : name.startsWith("Detached <") ? 9 : -1;
    if (tag >= 0) {
      const space = name.indexOf(" ", tag + 1);
      return space < 0 ? name : `${name.slice(0, space)}>`;
    }
    return name;
  }
  return `(${g.typeName(n)})`;
}

/**
 * Heapy's Clodo ("class or dict of class"): DevTools' class name, and for V8's
 * property and element stores that one object owns, "(object properties) of Foo" /
 * "(object elements) of Foo" — the analogue of Python's "dict of Foo". (Their
 * shallow size is 0 when DevTools has moved it onto the owning Foo.)
 */
export const Clodo: Classifier = {
  name: "Clodo",
  kindHeader: "Kind (class / dict of class)",
  classify(g, nodes) {
    const owners = ownersOf(g);
    const array = g.nodeTypes.array;
    const stores = new Set([...g.strings.indicesOf("(object properties)"), ...g.strings.indicesOf("(object elements)")]);
    // Class names depend on the name string alone for most nodes: decode each name once.
    const cache = new Map<number, string>();
    return byLabel(nodes, (n) => {
      const t = g.nodeType[n]!;
      if (t === array && stores.has(g.nodeName[n]!)) {
        const owner = owners[n]!;
        if (owner !== NO_OWNER && owner !== n) return `${g.name(n)} of ${className(g, owner)}`;
      }
      const key = t * 0x100000000 + g.nodeName[n]!;
      let label = cache.get(key);
      if (label === undefined) cache.set(key, (label = className(g, n)));
      return label;
    });
  },
};

/** Heapy's Size: objects of equal shallow size together. */
export const Size: Classifier = {
  name: "Size",
  kindHeader: "Kind (shallow size)",
  classify(g, nodes) {
    const sizes = shallowSizes(g);
    return byLabel(nodes, (n) => String(sizes[n]!));
  },
};

/** Heapy's Unity: everything is of one kind. */
export const Unity: Classifier = {
  name: "Unity",
  kindHeader: "Kind (unity)",
  classify(_g, nodes) {
    return { kinds: new Uint32Array(nodes.length), labels: ["<Anything>"] };
  },
};

/** Heapy's Id: every object its own kind, labelled as DevTools does, `@id`. */
export const Id: Classifier = {
  name: "Id",
  kindHeader: "Kind (object id)",
  classify(g, nodes) {
    return byLabel(nodes, (n) => `${className(g, n)} @${g.nodeId[n]}`);
  },
};

/** How a JavaScript programmer would write the accessor an edge stands for. */
export function edgeAccessor(g: HeapGraph, e: number): string {
  const T = g.edgeTypes;
  const t = g.edgeType[e]!;
  const name = g.edgeNameText(e);
  if (t === T.element) return `[${name}]`;
  if (t === T.context) return `<context>.${name}`;
  if (t === T.property || t === T.shortcut) return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
  if (t === T.weak) return `<weak>[${name}]`;
  return `<${g.edgeTypeName(e)}>${name === "" ? "" : ` ${name}`}`;
}

/**
 * Heapy's Via: the edges by which an object is referred to, as accessors, sorted
 * (`.cache, [3]`). Objects with no referrers are "<none>".
 */
export const Via: Classifier = {
  name: "Via",
  kindHeader: "Kind (referred via)",
  classify(g, nodes) {
    const { firstRetainer, retainerEdge } = retainersOf(g);
    return byLabel(nodes, (n) => {
      const names = new Set<string>();
      for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) names.add(edgeAccessor(g, retainerEdge[s]!));
      return names.size === 0 ? "<none>" : [...names].sort().join(", ");
    });
  },
};

/**
 * Heapy's Rcs (referrer classification set): the Clodo kinds of an object's
 * referrers, sorted and joined (`Map, Session`). Objects with no referrers are "<none>".
 */
export const Rcs: Classifier = {
  name: "Rcs",
  kindHeader: "Kind (Clodo of referrers)",
  classify(g, nodes) {
    const { firstRetainer, retainerNode } = retainersOf(g);
    const referrers = new Set<number>();
    for (const n of nodes) for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) referrers.add(retainerNode[s]!);
    const list = Uint32Array.from(referrers);
    const clodo = Clodo.classify(g, list);
    const kindOfReferrer = new Map<number, string>();
    list.forEach((r, i) => kindOfReferrer.set(r, clodo.labels[clodo.kinds[i]!]!));
    return byLabel(nodes, (n) => {
      const kinds = new Set<string>();
      for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) kinds.add(kindOfReferrer.get(retainerNode[s]!)!);
      return kinds.size === 0 ? "<none>" : [...kinds].sort().join(", ");
    });
  },
};

/**
 * The finer classifier by all of `classifiers` (Heapy's `a & b`): objects are of one
 * kind when every classifier puts them together; kinds read "object, 40".
 */
export function combine(...classifiers: Classifier[]): Classifier {
  const header = classifiers.map((c) => c.kindHeader.replace(/^Kind \((.*)\)$/, "$1")).join(" & ");
  return {
    name: classifiers.map((c) => c.name).join("&"),
    kindHeader: `Kind (${header})`,
    classify(g, nodes) {
      const parts = classifiers.map((c) => c.classify(g, nodes));
      return byPosition(nodes.length, (i) => parts.map((p) => p.labels[p.kinds[i]!]!).join(", "));
    },
  };
}

/** The built-in classifiers by their Heapy names. */
export const CLASSIFIERS: Readonly<Record<string, Classifier>> = { Type, Clodo, Size, Unity, Id, Via, Rcs };
