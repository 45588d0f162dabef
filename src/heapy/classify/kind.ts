import { IdentitySet } from "../sets/identity-set.js";
import { combine, type Classifier } from "./classifiers.js";

/**
 * A kind of a classifier (or several kinds of one classifier): the symbolic set of
 * every object the classifier puts there, as `h.Clodo("Foo")` in Heapy. It selects
 * from a concrete set with `set.and(kind)`. For Via and Rcs, whose kinds are sets,
 * `h.Via(".cache")` is every object referred to via `.cache` (among others).
 */
export class Kind {
  constructor(
    readonly classifier: Classifier,
    readonly labels: readonly string[],
  ) {}

  /** The members of `set` that are of this kind. */
  select(set: IdentitySet): IdentitySet {
    const nodes = set.ordinals();
    const { kinds, labels } = this.classifier.classify(set.graph, nodes);
    const selects = this.classifier.selects ?? ((label: string, wanted: readonly string[]) => wanted.includes(label));
    const keep = labels.map((l) => selects(l, this.labels));
    const out: number[] = [];
    for (let i = 0; i < nodes.length; i++) if (keep[kinds[i]!]) out.push(nodes[i]!);
    return IdentitySet.of(set.graph, out);
  }

  toString(): string {
    return `<${this.classifier.name} ${this.labels.map((l) => JSON.stringify(l)).join(" | ")}>`;
  }
}

/**
 * A classifier that can also be called to name its kinds, `h.Clodo("Foo")`, and
 * combined into a finer one, `h.Type.and(h.Size)`.
 */
export type CallableClassifier = Classifier & ((...labels: string[]) => Kind) & { and(other: Classifier): CallableClassifier };

export function callable(c: Classifier): CallableClassifier {
  const fn = (...labels: string[]): Kind => new Kind(c, labels);
  // Function objects own a read-only `name`; define the classifier's fields explicitly.
  Object.defineProperty(fn, "name", { value: c.name });
  const fields = {
    kindHeader: c.kindHeader,
    classify: c.classify.bind(c),
    and: (other: Classifier): CallableClassifier => callable(combine(c, other)),
    ...(c.selects ? { selects: c.selects.bind(c) } : {}),
  };
  return Object.assign(fn, fields) as CallableClassifier;
}
