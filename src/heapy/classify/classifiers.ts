import { DOM_DETACHED, domStatesOf } from "../graph/dom-state.js";
import { retainersOf } from "../graph/retainers.js";
import { ephemeronsOf } from "../graph/weakmap-edges.js";
import { NO_OWNER, ownersOf, shallowSizes } from "../graph/shallow-sizes.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { SourceMaps } from "../source/source-maps.js";

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
  /** How a label reads in the Kind column of tables, when not as it is (Size right-aligns). */
  formatKind?(label: string): string;
  /** For a combined classifier (`a.and(b)`): the classifiers it combines. */
  readonly parts?: readonly Classifier[];
  /**
   * Whether an object whose kind is `label` belongs to the kind named by `wanted`
   * (see Kind). Exact equality unless a classifier says otherwise: for Via and Rcs,
   * whose kinds are sets, any one member named is enough.
   */
  selects?(label: string, wanted: readonly string[]): boolean;
}

/** For classifiers whose labels are sorted sets joined by ", ": any named member selects. */
function anyMember(label: string, wanted: readonly string[]): boolean {
  return label.split(", ").some((part) => wanted.includes(part));
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

/** Kinds from a label for each node (a classifier that names each node on its own). */
export function byLabel(nodes: Uint32Array, labelOf: (n: number) => string): Kinds {
  return byPosition(nodes.length, (i) => labelOf(nodes[i]!));
}

/** Heapy's Type: the V8 node type (object, closure, string, array, hidden, code, ...). */
export const Type: Classifier = {
  name: "Type",
  kindHeader: "Type",
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
 * code, "RegExp", and "(type)" for the rest. Native nodes DevTools finds detached
 * (see domStatesOf: the state spreads from a detached `<div>` to its Text and internal
 * nodes) read "Detached <div>", "Detached Text".
 */
export function className(g: HeapGraph, n: number): string {
  const t = g.nodeType[n]!;
  const T = g.nodeTypes;
  if (t === T.hidden) return "(system)";
  if (t === T.code) return "(compiled code)";
  if (t === T.closure) return "Function";
  if (t === T.regexp) return "RegExp";
  if (t === T.object || t === T.native) {
    // DevTools renames detached native nodes before it derives their class from the name.
    const raw = g.name(n);
    const name = t === T.native && domStatesOf(g)[n] === DOM_DETACHED && !raw.startsWith("Detached ") ? `Detached ${raw}` : raw;
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
    const states = domStatesOf(g);
    const T = g.nodeTypes;
    const stores = new Set([...g.strings.indicesOf("(object properties)"), ...g.strings.indicesOf("(object elements)")]);
    const table = new LabelTable();
    // The class name depends on the type alone, or for objects and native objects on
    // the name (and detachedness): one kind per name index, found by array lookup.
    const byName: (Int32Array | undefined)[] = [];
    const byType = new Int32Array(g.layout.nodeTypes.length).fill(-1);
    const kindOfNode = (n: number): number => {
      const t = g.nodeType[n]!;
      if (t !== T.object && t !== T.native) {
        let k = byType[t]!;
        if (k < 0) byType[t] = k = table.kindOf(className(g, n));
        return k;
      }
      // Detached DOM nodes get their own table: "Detached <div>" is another class than "<div>".
      const slot = t * 2 + (t === T.native && states[n] === DOM_DETACHED ? 1 : 0);
      let names = byName[slot];
      if (names === undefined) byName[slot] = names = new Int32Array(g.strings.count).fill(-1);
      const name = g.nodeName[n]!;
      let k = names[name]!;
      if (k < 0) names[name] = k = table.kindOf(className(g, n));
      return k;
    };
    // Stores by (store name, owner's kind).
    const storeKinds = new Map<number, number>();
    const kinds = new Uint32Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      if (g.nodeType[n] === T.array && stores.has(g.nodeName[n]!)) {
        const owner = owners[n]!;
        if (owner !== NO_OWNER && owner !== n) {
          const ownerKind = kindOfNode(owner);
          const key = g.nodeName[n]! * 0x100000000 + ownerKind;
          let k = storeKinds.get(key);
          if (k === undefined) storeKinds.set(key, (k = table.kindOf(`${g.name(n)} of ${table.labels[ownerKind]}`)));
          kinds[i] = k;
          continue;
        }
      }
      kinds[i] = kindOfNode(n);
    }
    return { kinds, labels: table.labels };
  },
};

/** Heapy's Size: objects of equal shallow size together. */
export const Size: Classifier = {
  name: "Size",
  kindHeader: "Individual Size",
  // Heapy right-aligns sizes in the Kind column (%9d).
  formatKind: (label) => label.padStart(9),
  classify(g, nodes) {
    const sizes = shallowSizes(g);
    return byLabel(nodes, (n) => String(sizes[n]!));
  },
};

/** Heapy's Unity: everything is of one kind. */
export const Unity: Classifier = {
  name: "Unity",
  kindHeader: "<unclassified>",
  classify(_g, nodes) {
    return { kinds: new Uint32Array(nodes.length), labels: ["<Anything>"] };
  },
};

/** For Id and IdSet: a label is named by itself, by `@id` or by the id alone (`h.Id(70853)`). */
function byObjectId(label: string, wanted: readonly string[]): boolean {
  const id = /@(\d+)>?$/.exec(label)?.[1];
  return wanted.some((w) => w === label || (id !== undefined && (w === id || w === `@${id}`)));
}

/** Heapy's Id: every object its own kind, labelled as DevTools does, `@id`. */
export const Id: Classifier = {
  name: "Id",
  kindHeader: "Kind (object id)",
  selects: byObjectId,
  classify(g, nodes) {
    return byLabel(nodes, (n) => `${className(g, n)} @${g.nodeId[n]}`);
  },
};

/** `.name` when it is an identifier, else `["name"]`. */
export function member(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/**
 * Heapy's Idset: each object its own kind, labelled as the one-object set's brief
 * `<1 Foo: @id>` (where Id labels it `Foo @id`); kinds of it select objects by identity.
 */
export const IdSet: Classifier = {
  name: "IdSet",
  kindHeader: "by identity set",
  selects: byObjectId,
  classify(g, nodes) {
    return byLabel(nodes, (n) => `<1 ${className(g, n)}: @${g.nodeId[n]}>`);
  },
};

/** How a JavaScript programmer would write the accessor an edge stands for. */
export function edgeAccessor(g: HeapGraph, e: number): string {
  const T = g.edgeTypes;
  const t = g.edgeType[e]!;
  const name = g.edgeNameText(e);
  if (t === T.element) return `[${name}]`;
  if (t === T.context) return `<context>.${name}`;
  if (t === T.property || t === T.shortcut) return member(name);
  if (t === T.weak) return `<weak ${name}>`;
  return name === "" ? `<${g.edgeTypeName(e)}>` : `<${g.edgeTypeName(e)} ${name}>`;
}

/** The JavaScript collections whose entries V8 keeps in an internal "table". */
export const COLLECTIONS: ReadonlySet<string> = new Set(["Map", "Set", "WeakMap", "WeakSet"]);

/** The collection ("Map", "Set", "WeakMap", "WeakSet") whose entry table node `table` is, else null. */
export function collectionOfTable(g: HeapGraph, table: number): string | null {
  const { firstRetainer, retainerEdge, retainerNode } = retainersOf(g);
  for (let s = firstRetainer[table]!; s < firstRetainer[table + 1]!; s++) {
    const e = retainerEdge[s]!;
    const owner = retainerNode[s]!;
    if (g.edgeType[e] !== g.edgeTypes.internal || g.edgeNameText(e) !== "table" || g.nodeType[owner] !== g.nodeTypes.object) continue;
    const kind = g.name(owner);
    if (COLLECTIONS.has(kind)) return kind;
  }
  return null;
}

/**
 * Heapy's Via: the edges by which an object is referred to, as accessors, sorted
 * (`.cache, [3]`); entries of a collection's table read `<Map entry>`, `<Set entry>`, ...,
 * WeakMap values `<WeakMap value>`. Objects with no referrers are "<none>".
 */
export const Via: Classifier = {
  name: "Via",
  kindHeader: "Referred Via:",
  selects: anyMember,
  // Heapy quotes each relation in the table: '.history', '<Map entry>'.
  formatKind: (label) => (label === "<none>" ? label : label.split(", ").map((r) => `'${r}'`).join(", ")),
  classify(g, nodes) {
    const { firstRetainer, retainerEdge, retainerNode } = retainersOf(g);
    const { isEphemeron } = ephemeronsOf(g);
    const tables = new Map<number, string | null>();
    const accessor = (s: number): string => {
      const e = retainerEdge[s]!;
      if (g.edgeType[e] === g.edgeTypes.internal) {
        if (isEphemeron[g.edgeName[e]!]) return "<WeakMap value>";
        const owner = retainerNode[s]!;
        let kind = tables.get(owner);
        if (kind === undefined) tables.set(owner, (kind = collectionOfTable(g, owner)));
        if (kind !== null) return `<${kind} entry>`;
      }
      return edgeAccessor(g, e);
    };
    return byLabel(nodes, (n) => {
      const names = new Set<string>();
      for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) names.add(accessor(s));
      return names.size === 0 ? "<none>" : [...names].sort().join(", ");
    });
  },
};

/**
 * The kinds of an object's referrers by `base`, sorted and joined (`Map, Session`);
 * objects with no referrers are "<none>" (Heapy's `er.refdby`; Rcs is Clodo's).
 */
export function referrersBy(base: Classifier, name = `${base.name}.refdby`, kindHeader = `Referrers by ${base.kindHeader}`): Classifier {
  return {
    name,
    kindHeader,
    selects: anyMember,
    classify(g, nodes) {
      const { firstRetainer, retainerNode } = retainersOf(g);
      const referrers = new Set<number>();
      for (const n of nodes) for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) referrers.add(retainerNode[s]!);
      const list = Uint32Array.from(referrers);
      const kinds = base.classify(g, list);
      const kindOfReferrer = new Map<number, string>();
      list.forEach((r, i) => kindOfReferrer.set(r, kinds.labels[kinds.kinds[i]!]!));
      return byLabel(nodes, (n) => {
        const found = new Set<string>();
        for (let s = firstRetainer[n]!; s < firstRetainer[n + 1]!; s++) found.add(kindOfReferrer.get(retainerNode[s]!)!);
        return found.size === 0 ? "<none>" : [...found].sort().join(", ");
      });
    },
  };
}

/** Heapy's Rcs (referrer classification set): the Clodo kinds of an object's referrers. */
export const Rcs: Classifier = referrersBy(Clodo, "Rcs", "Referrers by Kind (class / dict of class)");

/**
 * V8's property and element stores by the kind of the object that owns them
 * (Heapy's `er.dictof`, dicts by their owner's kind); other objects are
 * "(not a store)", stores no one object owns "(no owner)".
 */
export function storesBy(base: Classifier): Classifier {
  return {
    name: `${base.name}.dictof`,
    kindHeader: `Store of ${base.kindHeader}`,
    classify(g, nodes) {
      const owners = ownersOf(g);
      const store = (n: number): boolean => isStore(g, n);
      const owned = Uint32Array.from([...nodes].filter((n) => store(n) && owners[n] !== NO_OWNER && owners[n] !== n).map((n) => owners[n]!));
      const ownerKinds = base.classify(g, owned);
      const labelOfOwner = new Map<number, string>();
      owned.forEach((o, i) => labelOfOwner.set(o, ownerKinds.labels[ownerKinds.kinds[i]!]!));
      return byLabel(nodes, (n) => (!store(n) ? "(not a store)" : owners[n] === NO_OWNER || owners[n] === n ? "(no owner)" : labelOfOwner.get(owners[n]!)!));
    },
  };
}

/** Whether a node is one of V8's property or element stores ("(object properties)", "(object elements)"). */
export function isStore(g: HeapGraph, n: number): boolean {
  if (g.nodeType[n] !== g.nodeTypes.array) return false;
  const name = g.name(n);
  return name === "(object properties)" || name === "(object elements)";
}

/** A classifier's header without `Kind (...)`: "class / dict of class". */
export function headerText(c: Classifier): string {
  return c.kindHeader.replace(/^Kind \((.*)\)$/, "$1");
}

/** A script name without query or fragment (which can carry tokens), or the name as it is. */
function scriptLabel(name: string): string {
  return name.replace(/[?#].*$/, "");
}

/** The script of a function (closure) or of its shared function info, by the edges V8 writes. */
export function scriptOf(g: HeapGraph, n: number): string | null {
  const edgeTo = (from: number, names: readonly string[]): number => edgeNamed(g, from, g.edgeTypes.internal, names);
  const shared = g.nodeType[n] === g.nodeTypes.closure ? edgeTo(n, ["shared"]) : n;
  if (shared < 0) return null;
  let script = edgeTo(shared, ["script_or_debug_info", "script"]);
  if (script < 0) return null;
  // Through a DebugInfo when the function is being debugged.
  const inner = edgeTo(script, ["script"]);
  if (inner >= 0) script = inner;
  const name = g.name(script);
  return name === "" || name.startsWith("system /") ? null : scriptLabel(name);
}

/** The target of the first edge of `from` of type `type` named one of `names`, or -1. */
export function edgeNamed(g: HeapGraph, from: number, type: number, names: readonly string[]): number {
  for (let e = g.firstEdge[from]!; e < g.firstEdge[from + 1]!; e++) {
    if (g.edgeType[e] === type && names.includes(g.edgeNameText(e))) return g.edgeTarget[e]!;
  }
  return -1;
}

/**
 * The constructor (a closure) of an object, from its hidden class: the root map of
 * its transition tree names the constructor; failing that, `prototype.constructor`.
 * -1 when the snapshot does not say.
 */
export function constructorOf(g: HeapGraph, n: number): number {
  const internal = g.edgeTypes.internal;
  let map = edgeNamed(g, n, internal, ["map"]);
  for (let steps = 0; map >= 0 && steps < 64; steps++) {
    const c = edgeNamed(g, map, internal, ["constructor", "constructor_or_back_pointer"]);
    if (c >= 0 && g.nodeType[c] === g.nodeTypes.closure) return c;
    const back = edgeNamed(g, map, internal, ["back_pointer"]);
    if (back < 0) break;
    map = back;
  }
  const proto = map >= 0 ? edgeNamed(g, map, internal, ["prototype"]) : -1;
  const c = proto >= 0 ? edgeNamed(g, proto, g.edgeTypes.property, ["constructor"]) : -1;
  return c >= 0 && g.nodeType[c] === g.nodeTypes.closure ? c : -1;
}

/**
 * Heapy's Module: the script a function comes from (closures and their shared
 * function infos), its URL without query or fragment; other objects are
 * "(not a function)", functions without a named script "(no script)".
 */
export const Module: Classifier = {
  name: "Module",
  kindHeader: "Module",
  classify(g, nodes) {
    const T = g.nodeTypes;
    return byLabel(nodes, (n) => {
      const t = g.nodeType[n]!;
      if (t !== T.closure && t !== T.code) return "(not a function)";
      if (t === T.code && scriptOf(g, n) === null) return "(not a function)";
      return scriptOf(g, n) ?? "(no script)";
    });
  },
};

/**
 * Heapy's Prod: where an object was allocated, for snapshots taken with allocation
 * tracking — the allocating function and its script position as V8 recorded them
 * (`allocate file.js:12:5`; an anonymous function by its nearest named caller,
 * `(anonymous) in makeItems file.js:3:30`); "(no allocation site)" otherwise.
 * Positions in scripts that have a source map (a file beside the script or inline)
 * read as positions in the original source (`allocate src/app.ts:10:3`).
 */
export const Prod: Classifier = {
  name: "Prod",
  kindHeader: "Producer (line of allocation)",
  classify(g, nodes) {
    const traces = g.traces;
    const traceIds = g.nodeTraceId;
    if (traces === null || traceIds === null) return byLabel(nodes, () => "(no allocation site)");
    const rowOfTrace = new Map<number, number>();
    traces.treeId.forEach((id, row) => rowOfTrace.set(id, row));
    const f = traces.functionInfoFields;
    const width = f.length;
    const [oName, oScript, oLine, oCol] = ["name", "script_name", "line", "column"].map((k) => f.indexOf(k));
    const labelOfRow = new Map<number, string>();
    const maps = new SourceMaps();
    const at = (fi: number, o: number | undefined): number => (o === undefined || o < 0 ? 0 : traces.functionInfos[fi * width + o]!);
    const nameOf = (row: number): string => g.strings.get(at(traces.treeFunctionInfo[row]!, oName));
    return byLabel(nodes, (n) => {
      const row = rowOfTrace.get(traceIds[n]!);
      if (row === undefined) return "(no allocation site)";
      let label = labelOfRow.get(row);
      if (label === undefined) {
        const fi = traces.treeFunctionInfo[row]!;
        let fn = nameOf(row);
        if (fn === "") {
          // An anonymous function is named by the nearest named caller in a script (builtins
          // such as Array.from are skipped): "(anonymous) in makeItems".
          const scripted = (r: number): boolean => g.strings.get(at(traces.treeFunctionInfo[r]!, oScript)) !== "";
          let up = traces.treeParent[row]!;
          while (up >= 0 && (nameOf(up) === "" || !scripted(up))) up = traces.treeParent[up]!;
          fn = up >= 0 && nameOf(up) !== "(root)" ? `(anonymous) in ${nameOf(up)}` : "(anonymous)";
        }
        const script = g.strings.get(at(fi, oScript));
        const pos = script === "" ? { script, line: at(fi, oLine), column: at(fi, oCol) } : maps.original({ script, line: at(fi, oLine), column: at(fi, oCol) });
        label = `${fn} ${pos.script === "" ? "(no script)" : scriptLabel(pos.script)}:${pos.line}:${pos.column}`;
        labelOfRow.set(row, label);
      }
      return label;
    });
  },
};

/**
 * The finer classifier by all of `classifiers` (Heapy's `a & b`): objects are of one
 * kind when every classifier puts them together; kinds read "object & 40", as Heapy's "list & 1656".
 */
export function combine(...given: Classifier[]): Classifier {
  const classifiers = given.flatMap((c) => c.parts ?? [c]);
  return {
    name: classifiers.map((c) => c.name).join("&"),
    kindHeader: classifiers.map((c) => c.kindHeader).join(" & "),
    parts: classifiers,
    classify(g, nodes) {
      const parts = classifiers.map((c) => c.classify(g, nodes));
      return byPosition(nodes.length, (i) => parts.map((p) => p.labels[p.kinds[i]!]!).join(" & "));
    },
  };
}

/** The built-in classifiers by their Heapy names. */
export const CLASSIFIERS: Readonly<Record<string, Classifier>> = Object.freeze({ Type, Clodo, Size, Unity, Id, IdSet, Via, Rcs, Module, Prod });
