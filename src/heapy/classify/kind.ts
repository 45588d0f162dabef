import { inspect } from "node:util";
import { GuppyError } from "../../errors.js";
import { shallowSizes } from "../graph/shallow-sizes.js";
import type { IdentitySet } from "../sets/identity-set.js";
import { Rcs, referrersBy, type Classifier } from "./classifiers.js";

/** The comparisons `kind.alt(op)` takes, as Heapy's. */
export type AltOp = "<" | "<=" | ">" | ">=" | "!=" | "==";
const ALT_OPS: readonly string[] = ["<", "<=", ">", ">=", "!=", "=="];

/**
 * A kind: the symbolic set of every object of some description (Heapy's Kind), as
 * `h.Clodo("Foo")`, `h.Type.string`, `h.Size(1000).alt(">=")`, `h.Anything`. It selects
 * from a concrete set (`set.and(kind)`, `kind.select(set)`), and kinds combine into
 * kinds (`and`, `or`, `minus`, `xor`, `complement`), simplified as Heapy does where the
 * answer is known (`Anything.and(k)` is `k`; two Size ranges meet in one range).
 */
export abstract class Kind {
  /** The members of `set` that are of this kind. */
  select<S extends IdentitySet>(set: S): S {
    if (!isSet(set)) throw new GuppyError("USAGE", `select() takes a set of objects (s0, s0.at(0), ...); got ${describe(set)}.`);
    return this.pick(set);
  }

  /** The members of a set (checked) that are of this kind. */
  protected abstract pick<S extends IdentitySet>(set: S): S;

  /** Heapy's text of the kind: `h.Type.string`, `(h.Clodo("A") | h.Clodo("B"))`, `<Nothing>`. */
  abstract toString(): string;

  /** Objects of both kinds; with a set, the members of the set of this kind. */
  and<S extends IdentitySet>(other: S): S;
  and(other: Kind): Kind;
  and(other: Kind | IdentitySet): Kind | IdentitySet {
    if (isSet(other)) return this.select(other);
    return meet(this, kindArg(other, "and"));
  }

  /** Objects of either kind (with a set: the set's objects and this kind's, symbolically). */
  or(other: Kind | IdentitySet): Kind {
    return join(this, isSet(other) ? new SetKind(other) : kindArg(other, "or"));
  }

  /** Objects of this kind and not of the other. */
  minus(other: Kind): Kind {
    return meet(this, kindArg(other, "minus").complement());
  }

  /** Objects of exactly one of the kinds. */
  xor(other: Kind): Kind {
    const o = kindArg(other, "xor");
    return this.minus(o).or(o.minus(this));
  }

  /** Every object not of this kind (Heapy's `~k`), symbolically. */
  complement(): Kind {
    return new NotKind(this);
  }

  /** Whether every member of the set is of this kind (Heapy's `x in kind`). */
  has(set: IdentitySet): boolean {
    if (!isSet(set)) throw new GuppyError("USAGE", "has() takes a set of objects (s0, s0.at(0), ...).");
    return this.select(set).count === set.count;
  }

  /**
   * Whether the two are the same kind, as written after simplification; kinds made
   * of concrete sets (whose text names only a few members) are the same only when
   * they are one value, or two sets of the same objects.
   */
  equals(other: Kind): boolean {
    if (!(other instanceof Kind)) return false;
    if (this.concrete || other.concrete) return this === other || (this instanceof SetKind && other instanceof SetKind && this.set.equals(other.set));
    return String(other) === String(this);
  }

  /** Whether a concrete set is part of the kind (`set.or(kind)`). */
  get concrete(): boolean {
    return false;
  }

  /** Another kind of the same classifier by comparison (Heapy's `alt`): for Size, Type and Rcs. */
  alt(op: AltOp): Kind {
    const o = altOp(op);
    if (o === "==") return this;
    if (o === "!=") return this.complement();
    throw new GuppyError("USAGE", `alt('${o}') is defined for kinds of one Size, Type or Rcs label (h.Size(1000).alt('>=')); ${this} has no order.`);
  }

  /** The same as toString. */
  get brief(): string {
    return String(this);
  }

  /**
   * A simpler kind for `this and other`, or null when none is known.
   * @internal A hook of the simplification in and(): subclasses override it.
   */
  meetWith(_other: Kind): Kind | null {
    return null;
  }

  /**
   * A simpler kind for `this or other`, or null when none is known.
   * @internal A hook of the simplification in or(): subclasses override it.
   */
  joinWith(_other: Kind): Kind | null {
    return null;
  }

  [inspect.custom](): string {
    return String(this);
  }

  toJSON(): { kind: string } {
    return { kind: String(this) };
  }
}

function isSet(x: unknown): x is IdentitySet {
  return typeof x === "object" && x !== null && "graph" in x && "count" in x && typeof (x as IdentitySet).sibling === "function";
}

function kindArg(other: unknown, op: string): Kind {
  if (other instanceof Kind) return other;
  throw new GuppyError("USAGE", `kind.${op}() takes a kind (h.Type.string, h.Clodo("Foo"), h.Size(100).alt(">="), h.Anything)${op === "and" || op === "or" ? " or a set" : ""}; got ${describe(other)}.`);
}

/** What a wrong argument was, without its contents (they may be heap strings). */
export function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  if (typeof x === "function") return "a function";
  if (typeof x === "object") return `an object (${(x as object).constructor?.name ?? "Object"})`;
  return typeof x === "undefined" ? "undefined" : `a ${typeof x}`;
}

function altOp(op: unknown): AltOp {
  if (typeof op !== "string" || !ALT_OPS.includes(op)) throw new GuppyError("USAGE", `alt() takes one of '<', '<=', '>', '>=', '!=', '=='; got ${typeof op === "string" ? `'${op.slice(0, 10)}'` : describe(op)}.`);
  return op as AltOp;
}

/** Every object (Heapy's `h.Anything`). */
class AnythingKind extends Kind {
  protected pick<S extends IdentitySet>(set: S): S {
    return set;
  }
  override complement(): Kind {
    return NOTHING;
  }
  toString(): string {
    return "h.Anything";
  }
}

/** No object (Heapy's `h.Nothing`). */
class NothingKind extends Kind {
  protected pick<S extends IdentitySet>(set: S): S {
    return set.sibling([]);
  }
  override complement(): Kind {
    return ANYTHING;
  }
  /** Python's str and repr, as Heapy's: `<Nothing>` as text, `h.Nothing` where the REPL shows a value. */
  toString(): string {
    return "<Nothing>";
  }
  override [inspect.custom](): string {
    return "h.Nothing";
  }
}

export const ANYTHING: Kind = new AnythingKind();
export const NOTHING: Kind = new NothingKind();
// Shared by every session, so never to be changed.
Object.freeze(ANYTHING);
Object.freeze(NOTHING);

/** The members of `set` whose label by `classifier` passes `test`. */
function selectByLabel<S extends IdentitySet>(set: S, classifier: Classifier, test: (label: string) => boolean): S {
  const nodes = set.ordinals();
  const { kinds, labels } = classifier.classify(set.graph, nodes);
  const keep = labels.map(test);
  const out: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (keep[kinds[i]!]) out.push(nodes[i]!);
  return set.sibling(out);
}

/** How a classifier reads in kinds' texts: `h.Clodo`, `h.Clodo.dictof`. */
export function classifierText(c: Classifier): string {
  return c.parts ? `(${c.parts.map(classifierText).join(" & ")})` : `h.${c.name}`;
}

/** The kinds a classifier names by label: `h.Clodo("Foo")`, `h.Type.string`, `h.Size(2096)`. */
export class LabelKind extends Kind {
  constructor(
    readonly classifier: Classifier,
    readonly labels: readonly string[],
    /** Given a set of kinds, labels match exactly, even where the classifier matches any member (Rcs). */
    readonly sokind?: SoKind,
  ) {
    super();
  }

  get exact(): boolean {
    return this.sokind !== undefined;
  }

  protected pick<S extends IdentitySet>(set: S): S {
    const selects = this.exact ? undefined : this.classifier.selects?.bind(this.classifier);
    const wanted = this.labels;
    return selectByLabel(set, this.classifier, selects ? (l) => selects(l, wanted) : (l) => wanted.includes(l));
  }

  /** Labels of one classifier compared as plain strings can be merged and subtracted. */
  private plain(other: Kind): other is LabelKind {
    return other instanceof LabelKind && other.classifier.name === this.classifier.name && !this.exact && !other.exact && this.classifier.selects === undefined;
  }

  override meetWith(other: Kind): Kind | null {
    if (this.plain(other)) return labelKind(this.classifier, this.labels.filter((l) => other.labels.includes(l)));
    if (other instanceof NotKind && this.plain(other.kind)) {
      const out = (other.kind as LabelKind).labels;
      return labelKind(this.classifier, this.labels.filter((l) => !out.includes(l)));
    }
    const range = this.asRange();
    return range && (other instanceof RangeKind || (other instanceof LabelKind && other.asRange())) ? range.meetWith(other) : null;
  }

  override joinWith(other: Kind): Kind | null {
    if (other instanceof LabelKind && other.classifier.name === this.classifier.name && !this.exact && !other.exact) {
      return labelKind(this.classifier, [...this.labels, ...other.labels.filter((l) => !this.labels.includes(l))]);
    }
    return null;
  }

  /** Size(n) as the range [n, n]. */
  asRange(): RangeKind | null {
    if (this.classifier.name !== "Size" || this.labels.length !== 1 || !/^\d+$/.test(this.labels[0]!)) return null;
    const n = Number(this.labels[0]);
    return new RangeKind(this.classifier, n, true, n, true);
  }

  override alt(op: AltOp): Kind {
    const o = altOp(op);
    if (o === "==") return this;
    if (o === "!=") return this.complement();
    const name = this.classifier.name;
    const range = this.asRange();
    if (range) {
      const n = range.lo;
      if (o === ">=") return new RangeKind(this.classifier, n, true, Infinity, false);
      if (o === ">") return new RangeKind(this.classifier, n, false, Infinity, false);
      if (o === "<=") return new RangeKind(this.classifier, 0, true, n, true);
      return new RangeKind(this.classifier, 0, true, n, false);
    }
    // V8's node types have no subtypes: a type is its only subtype and supertype.
    if (name === "Type") return o === "<=" || o === ">=" ? this : NOTHING;
    if (name === "Rcs" || name.endsWith(".refdby")) return new ReferrerSetKind(this, o);
    return super.alt(o);
  }

  /** The labels, as Heapy's brief of a kind (`string`, `(Foo | Bar)`). */
  override get brief(): string {
    return this.labels.length === 1 ? this.labels[0]! : `(${this.labels.join(" | ")})`;
  }

  toString(): string {
    const c = this.classifier;
    const l = this.labels;
    if (this.sokind) return `${this.sokind}.refdby`;
    // Several labels are a union, written as Heapy writes one: `(h.Type.string | h.Type.array)`.
    const one = (x: string): string => {
      if (c.name === "Type" && /^[a-z]+$/.test(x)) return `h.Type.${x}`;
      return `${classifierText(c)}(${c.name === "Size" && /^\d+$/.test(x) ? x : JSON.stringify(x)})`;
    };
    return l.length === 1 ? one(l[0]!) : `(${l.map(one).join(" | ")})`;
  }
}

/** A label kind, or Nothing when no label is left. */
function labelKind(c: Classifier, labels: readonly string[]): Kind {
  return labels.length === 0 ? NOTHING : new LabelKind(c, labels);
}

/** Objects whose shallow size is in a range: what `h.Size(n).alt(op)` gives, and ranges meet in ranges. */
export class RangeKind extends Kind {
  constructor(
    readonly classifier: Classifier,
    readonly lo: number,
    readonly loIncluded: boolean,
    readonly hi: number,
    readonly hiIncluded: boolean,
  ) {
    super();
  }

  private contains(n: number): boolean {
    return (n > this.lo || (this.loIncluded && n === this.lo)) && (n < this.hi || (this.hiIncluded && n === this.hi));
  }

  protected pick<S extends IdentitySet>(set: S): S {
    const sizes = shallowSizes(set.graph);
    const out: number[] = [];
    for (const n of set.ordinals()) if (this.contains(sizes[n]!)) out.push(n);
    return set.sibling(out);
  }

  override meetWith(other: Kind): Kind | null {
    const r = other instanceof RangeKind ? other : other instanceof LabelKind ? other.asRange() : null;
    if (r === null) return null;
    const [lo, loIn] = r.lo > this.lo ? [r.lo, r.loIncluded] : r.lo < this.lo ? [this.lo, this.loIncluded] : [this.lo, this.loIncluded && r.loIncluded];
    const [hi, hiIn] = r.hi < this.hi ? [r.hi, r.hiIncluded] : r.hi > this.hi ? [this.hi, this.hiIncluded] : [this.hi, this.hiIncluded && r.hiIncluded];
    if (lo > hi || (lo === hi && !(loIn && hiIn))) return NOTHING;
    if (lo === hi) return new LabelKind(this.classifier, [String(lo)]);
    return new RangeKind(this.classifier, lo, loIn, hi, hiIn);
  }

  toString(): string {
    const lower = this.lo > 0 || !this.loIncluded ? `h.Size(${this.lo}).alt('${this.loIncluded ? ">=" : ">"}')` : "";
    const upper = Number.isFinite(this.hi) ? `h.Size(${this.hi}).alt('${this.hiIncluded ? "<=" : "<"}')` : "";
    if (lower && upper) return `(${upper} & ${lower})`;
    return lower || upper || "h.Anything";
  }
}

/** Rcs kinds by comparison: objects whose set of referrer kinds is a subset (`<=`), superset, ... of the named one. */
class ReferrerSetKind extends Kind {
  constructor(
    readonly base: LabelKind,
    readonly op: AltOp,
  ) {
    super();
  }

  protected pick<S extends IdentitySet>(set: S): S {
    const wanted = new Set(this.base.labels.flatMap((l) => l.split(", ")));
    return selectByLabel(set, this.base.classifier, (label) => {
      const mine = label === "<none>" ? [] : label.split(", ");
      const sub = mine.every((k) => wanted.has(k));
      const sup = [...wanted].every((k) => mine.includes(k));
      switch (this.op) {
        case "<=":
          return sub;
        case "<":
          return sub && mine.length < wanted.size;
        case ">=":
          return sup;
        default:
          return sup && mine.length > wanted.size;
      }
    });
  }

  toString(): string {
    return `${this.base}.alt('${this.op}')`;
  }
}

/** Objects of all the kinds. */
class AndKind extends Kind {
  constructor(readonly parts: readonly Kind[]) {
    super();
  }
  override get concrete(): boolean {
    return this.parts.some((k) => k.concrete);
  }
  protected pick<S extends IdentitySet>(set: S): S {
    return this.parts.reduce((s, k) => k.select(s), set);
  }
  toString(): string {
    return `(${this.parts.join(" & ")})`;
  }
}

/** Objects of any of the kinds. */
class OrKind extends Kind {
  constructor(readonly parts: readonly Kind[]) {
    super();
  }
  override get concrete(): boolean {
    return this.parts.some((k) => k.concrete);
  }
  protected pick<S extends IdentitySet>(set: S): S {
    return this.parts.map((k) => k.select(set)).reduce((a, b) => a.or(b));
  }
  toString(): string {
    return `(${this.parts.join(" | ")})`;
  }
}

/** Objects not of a kind (Heapy's `~k`). */
class NotKind extends Kind {
  constructor(readonly kind: Kind) {
    super();
  }
  override get concrete(): boolean {
    return this.kind.concrete;
  }
  protected pick<S extends IdentitySet>(set: S): S {
    return set.minus(this.kind.select(set));
  }
  override complement(): Kind {
    return this.kind;
  }
  toString(): string {
    return `~${this.kind}`;
  }
}

/** A concrete set used where a kind is (`set.or(kind)`): its members, found by object id in another snapshot. */
export class SetKind extends Kind {
  constructor(readonly set: IdentitySet) {
    super();
  }
  override get concrete(): boolean {
    return true;
  }
  protected pick<S extends IdentitySet>(set: S): S {
    return set.and(this.set);
  }
  toString(): string {
    return (this.set as { brief?: string }).brief ?? `<${this.set.count} objects>`;
  }
}

/**
 * Meet (and) and join (or) are duals: `unit` leaves the other kind as it is, `zero`
 * absorbs it, a kind with its complement gives `zero`; else a simpler form if one is
 * known, else the kinds side by side (nested ones of the same operation flattened).
 */
function combineKinds(a: Kind, b: Kind, unit: Kind, zero: Kind, simpler: (x: Kind, y: Kind) => Kind | null, Node: typeof AndKind | typeof OrKind): Kind {
  if (a === unit) return b;
  if (b === unit) return a;
  if (a === zero || b === zero) return zero;
  if (a.equals(b)) return a;
  if ((a instanceof NotKind && a.kind.equals(b)) || (b instanceof NotKind && b.kind.equals(a))) return zero;
  const simple = simpler(a, b) ?? simpler(b, a);
  if (simple) return simple;
  const parts = (k: Kind): readonly Kind[] => (k instanceof Node ? k.parts : [k]);
  return new Node([...parts(a), ...parts(b)]);
}

function meet(a: Kind, b: Kind): Kind {
  return combineKinds(a, b, ANYTHING, NOTHING, (x, y) => x.meetWith(y), AndKind);
}

function join(a: Kind, b: Kind): Kind {
  return combineKinds(a, b, NOTHING, ANYTHING, (x, y) => x.joinWith(y), OrKind);
}

/** A set of kinds of one classifier (Heapy's `er.sokind(...)`): `h.Rcs(h.Clodo.sokind("Map", "Session"))` is the objects referred to by exactly those kinds. */
export class SoKind {
  readonly labels: readonly string[];
  constructor(
    readonly classifier: Classifier,
    labels: readonly string[],
  ) {
    this.labels = [...new Set(labels)].sort();
  }

  /** The label of the set as Rcs and refdby write it: the kinds sorted, joined by ", ". */
  get label(): string {
    return this.labels.length === 0 ? "<none>" : this.labels.join(", ");
  }

  /** The objects whose referrers are of exactly these kinds (Heapy's `sokind(...).refdby`). */
  get refdby(): Kind {
    return new LabelKind(this.classifier.name === "Clodo" ? Rcs : referrersBy(this.classifier), [this.label], this);
  }

  toString(): string {
    return `${classifierText(this.classifier)}.sokind(${this.labels.map((l) => JSON.stringify(l)).join(", ")})`;
  }

  [inspect.custom](): string {
    return String(this);
  }

  toJSON(): { sokind: string } {
    return { sokind: String(this) };
  }
}
