/**
 * Builds a realistic object graph of about `scale` MB of snapshot and writes a
 * snapshot of it: class instances in Maps, strings (shared and unique), arrays,
 * closures over contexts, a cyclic linked structure, a tree, typed arrays and
 * WeakMaps. Run as `node generate-heap.js SCALE_MB OUT.heapsnapshot`.
 */
import { renameSync } from "node:fs";
import v8 from "node:v8";
import { scaleArgs } from "./args.js";

class Customer {
  orders: Order[] = [];
  constructor(readonly id: number, readonly name: string, readonly email: string) {}
}
class Order {
  readonly lines: { sku: string; qty: number; price: number }[];
  constructor(readonly id: number, readonly customer: Customer, lines: number) {
    this.lines = Array.from({ length: lines }, (_, i) => ({ sku: `SKU-${(id * 7 + i) % 5000}`, qty: i + 1, price: (id % 97) + i }));
  }
}
class TreeNode {
  children: TreeNode[] = [];
  constructor(readonly parent: TreeNode | null, readonly label: string) {}
}

const { scale, out } = scaleArgs("generate-heap");

// One unit writes about 32 KB of snapshot on Node 20 (measured); Node's own heap adds about 3.5 MB.
const units = Math.max(1, Math.round((scale - 3.5) * 31.5));
const world: Record<string, unknown> = {};
const customers = new Map<number, Customer>();
const handlers: (() => number)[] = [];
const weak = new WeakMap<object, object>();
let root = new TreeNode(null, "root");
const treeRoot = root;
for (let u = 0; u < units; u++) {
  for (let k = 0; k < 10; k++) {
    const id = u * 10 + k;
    const c = new Customer(id, `customer ${id}`, `c${id}@example.com`);
    for (let o = 0; o < 3; o++) c.orders.push(new Order(id * 3 + o, c, 2 + (id % 3)));
    customers.set(id, c);
    const captured = c.orders[0]!;
    handlers.push(() => captured.lines.length);
    weak.set(c, { audit: [id, id + 1] });
  }
  for (let t = 0; t < 5; t++) {
    const child = new TreeNode(root, `node-${u}-${t}`);
    root.children.push(child);
    if (t === 4) root = child;
  }
}
world.customers = customers;
world.handlers = handlers;
world.weak = weak;
world.tree = treeRoot;
world.buffers = Array.from({ length: Math.max(1, units >> 6) }, (_, i) => new Float64Array(256 + i));
(globalThis as Record<string, unknown>).world = world;
renameSync(v8.writeHeapSnapshot(`${out}.tmp`), out);
