import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dominatorsOf } from "../src/heapy/graph/dominators.js";
import { pageOwnedNodes } from "../src/heapy/graph/roots.js";
import { shallowSizes } from "../src/heapy/graph/shallow-sizes.js";
import { readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { randomHeap, synthSnapshot, type SynthNode } from "./support/synthetic.js";

/**
 * The retaining edges, restated plainly from DevTools' rules for these random heaps
 * (no WeakMap edges): not weak, not a self edge, shortcuts only from the root, and
 * not from an object outside the page into one reachable from the globals; plus an
 * edge from the root to every node that nothing retains.
 */
function retainingEdges(nodes: SynthNode[]): number[][] {
  const owned = pageOwnedByDefinition(nodes);
  const succ = nodes.map((n, i) =>
    n.edges
      .filter((e) => e.type !== "weak" && e.to !== i && (i === 0 || (e.type !== "shortcut" && !(owned.has(e.to) && !owned.has(i)))))
      .map((e) => e.to),
  );
  // DevTools (and so Guppy) treat a node nothing retains as if the root held it.
  const retained = new Set(succ.flat());
  for (let v = 1; v < nodes.length; v++) if (!retained.has(v)) succ[0]!.push(v);
  return succ;
}

/** What the globals (the root's shortcut targets) reach without weak edges. */
function pageOwnedByDefinition(nodes: SynthNode[]): Set<number> {
  const owned = new Set<number>();
  const todo = nodes[0]!.edges.filter((e) => e.type === "shortcut").map((e) => e.to);
  for (const t of todo) owned.add(t);
  while (todo.length > 0) {
    const n = todo.pop()!;
    for (const e of nodes[n]!.edges) {
      if (e.type !== "weak" && !owned.has(e.to)) {
        owned.add(e.to);
        todo.push(e.to);
      }
    }
  }
  return owned;
}

/** Nodes reachable from the root when `removed` is taken out of the graph. */
function reachable(succ: number[][], removed: number): Set<number> {
  const seen = new Set<number>([0]);
  const todo = [0];
  while (todo.length > 0) {
    const n = todo.pop()!;
    for (const t of succ[n]!) {
      if (t !== removed && !seen.has(t)) {
        seen.add(t);
        todo.push(t);
      }
    }
  }
  return seen;
}

/**
 * Dominators by definition: d dominates v when removing d makes v unreachable.
 * The immediate dominator is the strict dominator with the most dominators itself.
 */
function referenceDominators(succ: number[][]): Map<number, number> {
  const all = reachable(succ, -1);
  const doms = new Map<number, Set<number>>();
  for (const v of all) doms.set(v, new Set(v === 0 ? [] : [0]));
  for (const d of all) {
    if (d === 0) continue;
    const without = reachable(succ, d);
    for (const v of all) if (v !== d && !without.has(v)) doms.get(v)!.add(d);
  }
  const idom = new Map<number, number>();
  for (const v of all) {
    if (v === 0) continue;
    let best = 0;
    for (const d of doms.get(v)!) if (doms.get(d)!.size > doms.get(best)!.size) best = d;
    idom.set(v, best);
  }
  return idom;
}

test("on random heaps, the page-owned objects, dominators and retained sizes of reachable nodes match the definition", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-prop-"));
  for (let seed = 100; seed < 160; seed++) {
    const nodes = randomHeap(seed, 15 + (seed % 40));
    const file = join(dir, `h${seed}.heapsnapshot`);
    writeFileSync(file, synthSnapshot(nodes));
    const g = await readHeapSnapshot(file);
    const { idom, retainedSize } = dominatorsOf(g);
    const owned = pageOwnedByDefinition(nodes);
    const bits = pageOwnedNodes(g);
    for (let v = 0; v < nodes.length; v++) assert.equal((bits[v >>> 5]! >>> (v & 31)) & 1, owned.has(v) ? 1 : 0, `seed ${seed}: node ${v} page-owned`);
    const expected = referenceDominators(retainingEdges(nodes));
    for (const [v, d] of expected) assert.equal(idom[v], d, `seed ${seed}: idom of node ${v}`);
    // Retained size by definition: the shallow sizes of the node and of all it dominates.
    const shallow = shallowSizes(g);
    for (const v of expected.keys()) {
      let sum = shallow[v]!;
      for (const w of expected.keys()) {
        let x = w;
        while (x !== 0 && x !== v) x = expected.get(x)!;
        if (x === v && w !== v) sum += shallow[w]!;
      }
      assert.equal(retainedSize[v], sum, `seed ${seed}: retained size of node ${v}`);
    }
  }
});
