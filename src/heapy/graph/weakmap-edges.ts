import type { HeapGraph } from "../snapshot/heap-graph.js";

/** What V8 writes in the name of the internal edges that hold a WeakMap value. */
export interface EphemeronName {
  /** The part both edges of one key/value pair share. */
  pair: string;
  /** V8 id of the WeakMap's table. */
  tableId: number;
}

// V8 names both edges to a WeakMap value "<n> / part of key (K @id) -> value (V @id) pair in WeakMap (table @id)".
const EPHEMERON = /^\d+( \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$/;

/**
 * Parses edge names as WeakMap ephemeron names, once per distinct string.
 * The parser belongs to whoever holds it (one per computation), not to a module.
 */
export class EphemeronNames {
  private readonly known: Uint8Array;
  private readonly parsed = new Map<number, EphemeronName>();

  constructor(private readonly g: HeapGraph) {
    this.known = new Uint8Array(g.strings.count);
  }

  /** The parsed name of internal edge `edge`, or undefined when it is not an ephemeron edge. */
  of(edge: number): EphemeronName | undefined {
    const s = this.g.edgeName[edge]!;
    const state = this.known[s];
    if (state === 1) return undefined;
    if (state === 2) return this.parsed.get(s);
    const m = EPHEMERON.exec(this.g.strings.get(s));
    if (m === null) {
      this.known[s] = 1;
      return undefined;
    }
    const name = { pair: m[1]!, tableId: Number(m[2]) };
    this.known[s] = 2;
    this.parsed.set(s, name);
    return name;
  }
}
