import { GuppyError } from "../../errors.js";
import { idIndexOf, ordinalOfId } from "../graph/id-index.js";
import { lowerBound } from "../graph/lower-bound.js";
import { dominated, immediateDominators, referrerDominators, referents, referrers } from "../graph/relations.js";
import { shallowSizes } from "../graph/shallow-sizes.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";

/** Below one member per 32 nodes a sorted list is smaller than a bitset. */
const SPARSE_PER_NODE = 1 / 32;

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Clears the bits past the last node, which word operations such as xor and not could set. */
function maskTail(words: Uint32Array, nodeCount: number): void {
  const rest = nodeCount & 31;
  if (rest !== 0 && words.length > 0) words[words.length - 1]! &= (1 << rest) - 1;
}

/**
 * An immutable set of objects of one snapshot: Heapy's IdentitySet. Members are node
 * ordinals of `graph`, held as a sorted list when sparse and as a bitset when dense.
 *
 * Between sets of the same snapshot, algebra works on ordinals. Between sets of two
 * snapshots of one process it goes through V8 object ids, which stay the same for an
 * object's whole life: `after.minus(before)` is what was allocated between the two
 * and is still alive. The result always belongs to the left operand's snapshot;
 * members of the right operand that this snapshot does not have are left out.
 */
export class IdentitySet {
  /** The snapshot the members belong to. */
  readonly graph: HeapGraph;
  /** Number of members. */
  readonly count: number;
  private sorted: Uint32Array | null;
  private bits: Uint32Array | null;

  /** Subclasses (the session's sets) pass another set to take over its members. */
  protected constructor(graph: HeapGraph | IdentitySet, sorted: Uint32Array | null = null, bits: Uint32Array | null = null, count = 0) {
    if (graph instanceof IdentitySet) {
      this.graph = graph.graph;
      this.sorted = graph.sorted;
      this.bits = graph.bits;
      this.count = graph.count;
      return;
    }
    this.graph = graph;
    this.sorted = sorted;
    this.bits = bits;
    this.count = count;
  }

  /** The set of the given node ordinals (any order, repeats allowed). */
  static of(graph: HeapGraph, ordinals: ArrayLike<number>): IdentitySet {
    const list = Uint32Array.from(ordinals);
    for (const n of list) {
      if (n >= graph.nodeCount) throw new GuppyError("USAGE", `Node ordinal ${n} is outside this snapshot of ${graph.nodeCount} nodes.`);
    }
    list.sort();
    let k = 0;
    for (let i = 0; i < list.length; i++) if (i === 0 || list[i] !== list[k - 1]) list[k++] = list[i]!;
    return IdentitySet.fromSorted(graph, list.subarray(0, k));
  }

  /** The objects of `graph` whose V8 ids are given; ids the snapshot lacks are ignored. */
  static ofIds(graph: HeapGraph, ids: ArrayLike<number>): IdentitySet {
    const found: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const n = ordinalOfId(graph, ids[i]!);
      if (n >= 0) found.push(n);
    }
    return IdentitySet.of(graph, found);
  }

  /** Every node of the snapshot. */
  static all(graph: HeapGraph): IdentitySet {
    const bits = new Uint32Array((graph.nodeCount + 31) >>> 5).fill(0xffffffff);
    maskTail(bits, graph.nodeCount);
    return new IdentitySet(graph, null, bits, graph.nodeCount);
  }

  /** The empty set of the snapshot. */
  static empty(graph: HeapGraph): IdentitySet {
    return new IdentitySet(graph, new Uint32Array(0), null, 0);
  }

  /** The set of the nodes `keep` accepts. */
  static where(graph: HeapGraph, keep: (node: number) => boolean): IdentitySet {
    const bits = new Uint32Array((graph.nodeCount + 31) >>> 5);
    let count = 0;
    for (let n = 0; n < graph.nodeCount; n++) {
      if (keep(n)) {
        bits[n >>> 5]! |= 1 << (n & 31);
        count++;
      }
    }
    return IdentitySet.fromBits(graph, bits, count);
  }

  private static fromSorted(graph: HeapGraph, sorted: Uint32Array): IdentitySet {
    if (sorted.length < graph.nodeCount * SPARSE_PER_NODE) return new IdentitySet(graph, sorted, null, sorted.length);
    const bits = new Uint32Array((graph.nodeCount + 31) >>> 5);
    for (const n of sorted) bits[n >>> 5]! |= 1 << (n & 31);
    return new IdentitySet(graph, null, bits, sorted.length);
  }

  /** A set from a bitset whose members have not been counted yet. */
  private static counted(graph: HeapGraph, bits: Uint32Array): IdentitySet {
    let count = 0;
    for (let w = 0; w < bits.length; w++) count += popcount32(bits[w]!);
    return IdentitySet.fromBits(graph, bits, count);
  }

  private static fromBits(graph: HeapGraph, bits: Uint32Array, count: number): IdentitySet {
    const set = new IdentitySet(graph, null, bits, count);
    if (count >= graph.nodeCount * SPARSE_PER_NODE) return set;
    return new IdentitySet(graph, set.ordinals(), null, count);
  }

  /** Whether node ordinal `n` is a member. */
  has(n: number): boolean {
    if (this.bits !== null) return n < this.graph.nodeCount && (this.bits[n >>> 5]! & (1 << (n & 31))) !== 0;
    const s = this.sorted!;
    const i = lowerBound(s, n);
    return i < s.length && s[i] === n;
  }

  /** The members' ordinals in increasing order (do not modify). */
  ordinals(): Uint32Array {
    if (this.sorted === null) {
      const out = new Uint32Array(this.count);
      const bits = this.bits!;
      let k = 0;
      for (let w = 0; w < bits.length; w++) {
        let word = bits[w]!;
        while (word !== 0) {
          const low = word & -word;
          out[k++] = (w << 5) + 31 - Math.clz32(low);
          word ^= low;
        }
      }
      this.sorted = out;
    }
    return this.sorted;
  }

  /** The members as a bitset over all nodes (do not modify). */
  private bitset(): Uint32Array {
    if (this.bits === null) {
      const bits = new Uint32Array((this.graph.nodeCount + 31) >>> 5);
      for (const n of this.sorted!) bits[n >>> 5]! |= 1 << (n & 31);
      this.bits = bits;
    }
    return this.bits;
  }

  /** The members' V8 object ids, in ordinal order. */
  ids(): Uint32Array {
    const out = new Uint32Array(this.count);
    const ord = this.ordinals();
    for (let i = 0; i < ord.length; i++) out[i] = this.graph.nodeId[ord[i]!]!;
    return out;
  }

  /** Sum of the members' shallow sizes (DevTools' shallow size; Heapy's `size`). */
  get size(): number {
    const sizes = shallowSizes(this.graph);
    let total = 0;
    for (const n of this.ordinals()) total += sizes[n]!;
    return total;
  }

  /** Everything a member refers to (Heapy's `referents`). */
  get referents(): this {
    return this.related(referents);
  }

  /** Everything that refers to a member (Heapy's `referrers`). */
  get referrers(): this {
    return this.related(referrers);
  }

  /**
   * Heapy's `imdom`: the referrers that a path from the root reaches while avoiding
   * every other referrer (a subset of `referrers`; for an object held by one global
   * and one cache, whichever is not reached only through the other).
   */
  get imdom(): this {
    return this.related(referrerDominators);
  }

  /** The members' immediate dominators in the dominator tree (DevTools' dominator; the root's is itself). */
  get idom(): this {
    return this.related(immediateDominators);
  }

  /** What would be freed if the members went away, the members included (Heapy's `dominos`). */
  get dominos(): this {
    return this.related(dominated);
  }

  /** Total shallow size of `dominos`: the retained size of the set as a whole (Heapy's `domisize`). */
  get domisize(): number {
    return this.dominos.size;
  }

  private related(relation: (g: HeapGraph, members: Uint32Array) => Uint32Array): this {
    return this.adopt(IdentitySet.counted(this.graph, relation(this.graph, this.ordinals())));
  }

  /** `other` as a set of this snapshot: itself, or its objects found here by id. */
  private local(other: IdentitySet): IdentitySet {
    if (other.graph === this.graph) return other;
    if (other.count === 0) return IdentitySet.empty(this.graph);
    // Walk both id-sorted lists once instead of a binary search per member.
    const theirs = other.ids().sort();
    const { ids, ordinals } = idIndexOf(this.graph);
    const found: number[] = [];
    let i = 0;
    for (const id of theirs) {
      while (i < ids.length && ids[i]! < id) i++;
      if (i < ids.length && ids[i] === id) found.push(ordinals[i]!);
    }
    return IdentitySet.of(this.graph, found);
  }

  private combine(other: IdentitySet, op: (a: number, b: number) => number): this {
    const o = this.local(other);
    const a = this.bitset();
    const b = o.bitset();
    const out = new Uint32Array(a.length);
    for (let w = 0; w < a.length; w++) out[w] = op(a[w]!, b[w]!);
    return this.adopt(IdentitySet.counted(this.graph, out));
  }

  /** Members of both (Heapy's `&`). */
  and(other: IdentitySet): this {
    return this.combine(other, (a, b) => a & b);
  }

  /** Members of either (Heapy's `|`). */
  or(other: IdentitySet): this {
    return this.combine(other, (a, b) => a | b);
  }

  /** Members of this set that are not in `other` (Heapy's `-`). */
  minus(other: IdentitySet): this {
    return this.combine(other, (a, b) => a & ~b);
  }

  /** Members of exactly one of the two (Heapy's `^`). */
  xor(other: IdentitySet): this {
    return this.combine(other, (a, b) => a ^ b);
  }

  /** Every node of the snapshot that is not a member (Heapy's `~`). */
  complement(): this {
    return this.adopt(IdentitySet.all(this.graph).minus(this));
  }

  /** Whether every member is also in `other` (Heapy's `<=`). */
  le(other: IdentitySet): boolean {
    return this.minus(other).count === 0;
  }

  /** Subset and not equal (Heapy's `<`). */
  lt(other: IdentitySet): boolean {
    return this.le(other) && other.count > this.count;
  }

  /** Superset (Heapy's `>=`): every member of `other` is here (found by id across snapshots). */
  ge(other: IdentitySet): boolean {
    const here = this.local(other);
    return here.count === other.count && here.minus(this).count === 0;
  }

  /** Superset and not equal (Heapy's `>`). */
  gt(other: IdentitySet): boolean {
    return this.ge(other) && this.count > other.count;
  }

  /** The same members (Heapy's `==`); sets of two snapshots compare by object id. */
  equals(other: IdentitySet): boolean {
    return this.le(other) && this.ge(other);
  }

  /** No member in common. */
  disjoint(other: IdentitySet): boolean {
    return this.and(other).count === 0;
  }

  /** The only member of a singleton (Heapy's `theone`). */
  get theone(): number {
    if (this.count !== 1) throw new GuppyError("USAGE", `theone needs a set of exactly one object; this one has ${this.count}.`);
    return this.ordinals()[0]!;
  }

  /** Calls `fn` with each member ordinal in increasing order. */
  forEach(fn: (node: number) => void): void {
    for (const n of this.ordinals()) fn(n);
  }

  /**
   * The set of the given ordinals of this snapshot, of this set's own type (a
   * session's set gives a session's set): how partitions and patterns make their rows.
   */
  sibling(ordinals: ArrayLike<number>): this {
    return this.adopt(IdentitySet.of(this.graph, ordinals));
  }

  /**
   * Every set an operation returns passes through here, so a subclass's operations
   * return its own kind; a subclass overrides this to wrap `set`.
   */
  protected adopt(set: IdentitySet): this {
    return set as this;
  }

  /** A small summary (no heap contents): count, size and the snapshot file. */
  toJSON(): { count: number; size: number; file: string } {
    return { count: this.count, size: this.size, file: this.graph.file };
  }
}
