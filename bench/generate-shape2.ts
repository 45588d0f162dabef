/**
 * The bench's second synthetic shape, unlike generate-heap's: 50 classes whose
 * instances form long linked chains (deep graphs), many closures over nested
 * contexts, Maps of small objects, many typed arrays (each with its buffer) and
 * many short unique strings. Run as `node generate-shape2.js SCALE_MB OUT.heapsnapshot`.
 */
import { renameSync } from "node:fs";
import v8 from "node:v8";
import { scaleArgs } from "./args.js";

type Link = { prev: Link | null };
type LinkClass = new (prev: Link | null, value: number, label: string) => Link;

/** 50 named classes, each with fields of its own, so the snapshot has 50 constructors and hidden classes. */
function makeClasses(): LinkClass[] {
  return Array.from({ length: 50 }, (_, k) => {
    const extra = `this.f${k % 7} = value * ${k + 1};`;
    const source = `return class Kind${k} { constructor(prev, value, label) { this.prev = prev; this.value = value; this.label = label; ${extra} } }`;
    return new Function(source)() as LinkClass;
  });
}

/** A closure two contexts deep: each call makes two contexts and two functions. */
function handlerFor(id: number, tag: string): () => () => string {
  const state = { id, seen: 0 };
  return () => {
    state.seen++;
    const local = tag;
    return () => `${local}:${state.id}`;
  };
}

const { scale, out } = scaleArgs("generate-shape2");

// One unit writes about 7 KB of snapshot on Node 20 (measured); Node's own heap adds about 4.4 MB.
const units = Math.max(1, Math.round((scale - 4.4) * 144));
const classes = makeClasses();
const chains: (Link | null)[] = classes.map(() => null);
const handlers: (() => unknown)[] = [];
const registries: Map<string, { x: number; y: number; name: string }>[] = [];
const arrays: (Uint8Array | Int32Array | Float32Array)[] = [];
const words: string[] = [];
for (let u = 0; u < units; u++) {
  // Ten links a unit, on chains taken in turn: each chain grows by one every five units.
  for (let j = 0; j < 10; j++) {
    const k = (u * 10 + j) % classes.length;
    chains[k] = new classes[k]!(chains[k]!, u, `n${u}.${j}`);
  }
  for (let j = 0; j < 4; j++) {
    const inner = handlerFor(u * 4 + j, `h${j}`);
    handlers.push(inner, inner());
  }
  const registry = new Map<string, { x: number; y: number; name: string }>();
  for (let j = 0; j < 8; j++) registry.set(`k${u}-${j}`, { x: j, y: u, name: `o${j}` });
  registries.push(registry);
  arrays.push(new Uint8Array(16 + (u % 32)), new Int32Array(4 + (u % 8)));
  if (u % 4 === 0) arrays.push(new Float32Array(64));
  for (let j = 0; j < 12; j++) words.push(`w${u * 12 + j}`);
}
(globalThis as Record<string, unknown>).shape2 = { chains, handlers, registries, arrays, words };
renameSync(v8.writeHeapSnapshot(`${out}.tmp`), out);
