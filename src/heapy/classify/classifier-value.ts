import { inspect } from "node:util";
import { GuppyError } from "../../errors.js";
import { IdentitySet } from "../sets/identity-set.js";
import { CLASSIFIERS, combine, referrersBy, storesBy, type Classifier } from "./classifiers.js";
import { ANYTHING, Kind, LabelKind, NOTHING, SoKind, classifierText, describe } from "./kind.js";
import { partition } from "./partition.js";

/** What calling a classifier takes: labels (numbers where the label is one: Size, Id) or, for Rcs and refdby, a sokind. */
export type KindArg = string | number | SoKind;

/**
 * A classifier as a session hands it out: an equivalence relation that is also a
 * value. Called, it names kinds (`h.Clodo("Foo")`, `h.Size(2096)`, `h.Id(70853)`);
 * it combines (`h.Type.and(h.Size)`, finer), compares by refinement (`h.Clodo.lt(h.Type)`),
 * derives others (`dictof`, `refdby`, `sokind`), and prints as `h.Clodo`.
 */
export type CallableClassifier = Classifier &
  ((...labels: KindArg[]) => Kind) & {
    /** The finer classifier by both (Heapy's `a & b`); when one refines the other, that one. */
    and(other: Classifier): CallableClassifier;
    /** Whether this classifier refines the other (Heapy's `<=`): objects it puts together, the other does too. */
    le(other: Classifier): boolean;
    /** Refines the other and is not the same relation (Heapy's `<`). */
    lt(other: Classifier): boolean;
    /** The other refines this one (Heapy's `>=`). */
    ge(other: Classifier): boolean;
    /** Strictly coarser (Heapy's `>`). */
    gt(other: Classifier): boolean;
    /** Whether the classifier puts all members of the set in one kind (Heapy's `set in er`). */
    has(set: IdentitySet): boolean;
    /** V8's property and element stores by the kind of their owner (Heapy's `er.dictof`). */
    readonly dictof: CallableClassifier;
    /** Objects by the kinds of their referrers (Heapy's `er.refdby`; Rcs is Clodo's). */
    readonly refdby: CallableClassifier;
    /** A set of this classifier's kinds, for Rcs and refdby (Heapy's `er.sokind(...)`). */
    sokind(...labels: (string | number)[]): SoKind;
  };

/** Type with its attribute kinds, the V8 node types: `h.Type.string`, `h.Type.Array` (the same as `h.Type.array`). */
export type TypeClassifier = CallableClassifier & { readonly [nodeType: string]: Kind };

/** Clodo with its attribute kinds, any capitalised class name: `h.Clodo.Session`. */
export type ClodoClassifier = CallableClassifier & { readonly [className: string]: Kind };

/** The types V8 gives heap nodes: `h.Type.string`, `h.Type.closure`, ... (also capitalised, `h.Type.Array`). */
export const NODE_TYPES: readonly string[] = ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape"];

function isClassifier(x: unknown): x is Classifier {
  return (typeof x === "object" || typeof x === "function") && x !== null && typeof (x as Classifier).classify === "function" && typeof (x as Classifier).kindHeader === "string";
}

/** A classifier argument, or a USAGE error saying what is taken. */
export function classifierArg(x: unknown, where: string): Classifier {
  if (isClassifier(x)) return x;
  throw new GuppyError("USAGE", `${where} takes a classifier (h.Type, h.Clodo, h.Type.and(h.Size), ...) or its name ('Type', 'Type&Size'); got ${describe(x)}.`);
}

/** Classifiers some relation is known to refine: Clodo's classes each have one V8 type. */
const REFINES: Readonly<Record<string, readonly string[]>> = Object.freeze({ Clodo: ["Type"] });

/** The classifier a value wraps (callable() keeps it here), or the classifier itself. */
const WRAPPED = Symbol("classifier");

function unwrapped(c: Classifier): Classifier {
  return (c as { [WRAPPED]?: Classifier })[WRAPPED] ?? c;
}

/**
 * Relations known to be one by name: the built-in ones and what they derive. Others
 * (findex, growth, your own) are one only when they are the same classifier.
 */
function sameRelation(a: Classifier, b: Classifier): boolean {
  if (unwrapped(a) === unwrapped(b)) return true;
  const base = (name: string): string => name.replace(/\.(dictof|refdby)$/, "");
  return a.name === b.name && base(a.name) in CLASSIFIERS;
}

function refinesOne(a: Classifier, b: Classifier): boolean {
  return sameRelation(a, b) || b.name === "Unity" || a.name === "Id" || a.name === "IdSet" || (REFINES[a.name]?.includes(b.name) ?? false);
}

/** Whether `a` refines `b`: every part of `b` is refined by some part of `a`. */
export function refines(a: Classifier, b: Classifier): boolean {
  const as = a.parts ?? [a];
  return (b.parts ?? [b]).every((pb) => as.some((pa) => refinesOne(pa, pb)));
}

/** The labels of a call, checked: strings, finite numbers, or one sokind. */
function labelsOf(c: Classifier, args: unknown[]): { labels: string[]; sokind?: SoKind } {
  if (args.length === 1 && args[0] instanceof SoKind) return { labels: [args[0].label], sokind: args[0] };
  const labels = args.map((a, i) => {
    if (typeof a === "string") return a;
    if (typeof a === "number" && Number.isFinite(a)) return String(a);
    throw new GuppyError("USAGE", `${classifierText(c)}() takes labels: strings such as "Session" (numbers for Size and Id${c.name === "Rcs" || c.name.endsWith(".refdby") ? ", or a sokind" : ""}); argument ${i} is ${describe(a)}.`);
  });
  return { labels };
}

/** The kind of the objects `c` puts under any of the labels; no labels is Nothing (for Unity, Anything). */
function kindOf(c: Classifier, args: unknown[]): Kind {
  if (args.length === 0) return c.name === "Unity" ? ANYTHING : NOTHING;
  const { labels, sokind } = labelsOf(c, args);
  return new LabelKind(c, labels, sokind);
}

/** Attribute kinds of Type, the V8 node types by name: `h.Type.string`, `h.Type.Array`, `h.Type.concatenatedString`. */
function typeAttributes(c: Classifier, fn: object): void {
  for (const t of NODE_TYPES) {
    const camel = t.replace(/ (\w)/g, (_m, ch: string) => ch.toUpperCase());
    for (const name of new Set([camel, camel[0]!.toUpperCase() + camel.slice(1)])) {
      Object.defineProperty(fn, name, { get: () => new LabelKind(c, [t]), enumerable: false });
    }
  }
}

/** Wraps a classifier as a value (see CallableClassifier). */
export function callable(c: Classifier): CallableClassifier {
  if (typeof c === "function" && WRAPPED in c) return c as CallableClassifier;
  const fn = (...labels: KindArg[]): Kind => kindOf(c, labels);
  // Function objects own a read-only `name`; define the classifier's fields explicitly.
  Object.defineProperty(fn, "name", { value: c.name });
  const text = classifierText(c);
  const fields = {
    kindHeader: c.kindHeader,
    classify: c.classify.bind(c),
    ...(c.parts ? { parts: c.parts } : {}),
    ...(c.selects ? { selects: c.selects.bind(c) } : {}),
    ...(c.formatKind ? { formatKind: c.formatKind.bind(c) } : {}),
    and: (other: Classifier): CallableClassifier => {
      const o = classifierArg(other, `${text}.and()`);
      if (refines(c, o)) return value;
      if (refines(o, c)) return callable(o);
      return callable(combine(c, o));
    },
    le: (other: Classifier): boolean => refines(c, classifierArg(other, `${text}.le()`)),
    lt: (other: Classifier): boolean => refines(c, classifierArg(other, `${text}.lt()`)) && !refines(other, c),
    ge: (other: Classifier): boolean => refines(classifierArg(other, `${text}.ge()`), c),
    gt: (other: Classifier): boolean => refines(classifierArg(other, `${text}.gt()`), c) && !refines(c, other),
    has: (set: IdentitySet): boolean => {
      if (typeof set !== "object" || set === null || typeof (set as IdentitySet).sibling !== "function") throw new GuppyError("USAGE", `${text}.has() takes a set of objects.`);
      return partition(set, c).rows.length <= 1;
    },
    sokind: (...labels: (string | number)[]): SoKind => new SoKind(c, labelsOf(c, labels).labels),
    toString: (): string => text,
    toJSON: (): { classifier: string } => ({ classifier: c.name }),
    [inspect.custom]: (): string => text,
  };
  Object.assign(fn, fields, { [WRAPPED]: c });
  Object.defineProperty(fn, "dictof", { get: () => callable(storesBy(c)), enumerable: false });
  Object.defineProperty(fn, "refdby", { get: () => callable(referrersBy(c)), enumerable: false });
  if (c.name === "Type") typeAttributes(c, fn);
  // Clodo's kinds by attribute, as Heapy's `h.Type.Dict`: any capitalised name is a class (`h.Clodo.Session`).
  const value = (
    c.name === "Clodo"
      ? new Proxy(fn, { get: (t, p, r) => (typeof p === "string" && /^[A-Z]/.test(p) && !(p in t) ? new LabelKind(c, [p]) : Reflect.get(t, p, r)) })
      : fn
  ) as unknown as CallableClassifier;
  return value;
}

/** Heapy's built-in classifiers as values (immutable, so every session may share them). */
export const ERS: Readonly<Record<string, CallableClassifier>> = Object.freeze(Object.fromEntries(Object.entries(CLASSIFIERS).map(([k, c]) => [k, callable(c)])));

/**
 * A classifier from a value or a name: 'Type', 'clodo', 'Type&Size' (several joined
 * by & are combined), found with `lookup` (the session's names).
 */
export function resolveClassifier(x: unknown, lookup: (name: string) => CallableClassifier | undefined, where: string): CallableClassifier {
  if (typeof x !== "string") return callable(classifierArg(x, where));
  const parts = x.split("&").map((p) => p.trim());
  const found = parts.map((p) => {
    const c = lookup(p);
    if (c === undefined) throw new GuppyError("USAGE", `${where} takes a classifier or its name ('Type', 'Clodo', 'Type&Size'); there is no classifier '${p.slice(0, 40)}'.`);
    return c;
  });
  return found.reduce((a, b) => a.and(b));
}

/**
 * Heapy's findex: each object classified by the index of the first of the kinds it is
 * of (`h.findex(h.Type.string, h.Clodo("Session"))`); objects of none are "<None>".
 * Its kinds go by index: `h.findex(a, b)(1)` is the objects of b and not of a.
 */
export function findex(...kinds: Kind[]): CallableClassifier {
  kinds.forEach((k, i) => {
    if (!(k instanceof Kind)) throw new GuppyError("USAGE", `h.findex() takes kinds (h.Type.string, h.Clodo("Foo"), ...); argument ${i} is ${describe(k)}.`);
  });
  const c: Classifier = {
    name: "findex",
    kindHeader: "First Matching Kind / Index",
    // A kind names a row by its index too: findex(a, b)(0) is a's row, (2) the rest (<None>).
    selects: (label, wanted) => wanted.some((w) => w === label || label.endsWith(` / ${w}`) || (label === "<None>" && w === String(kinds.length))),
    classify(g, nodes) {
      const index = new Int32Array(g.nodeCount).fill(-1);
      const labels = [...kinds.map((k, i) => `${k.brief} / ${i}`), "<None>"];
      const out = new Uint32Array(nodes.length).fill(kinds.length);
      const members = IdentitySet.of(g, nodes);
      // Last kind first, so each node ends with the index of the first kind it is of.
      for (let i = kinds.length - 1; i >= 0; i--) {
        for (const n of kinds[i]!.select(members).ordinals()) index[n] = i;
      }
      for (let j = 0; j < nodes.length; j++) if (index[nodes[j]!]! >= 0) out[j] = index[nodes[j]!]!;
      return { kinds: out, labels };
    },
  };
  return callable(c);
}
