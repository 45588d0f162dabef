import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hpy } from "../src/heapy/session/session.js";
import { readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { assertAgreesWithDevTools } from "./support/compare.js";
import { devtoolsReference } from "./support/devtools.js";
import { WINDOW_FOOS } from "./support/known-graphs.js";
import { synthSnapshot } from "./support/synthetic.js";

/** WINDOW_FOOS as a newer V8 might write it: a node type, an edge type and a node field Guppy has never seen. */
function newerSnapshot(): string {
  const s = JSON.parse(synthSnapshot(WINDOW_FOOS)) as { snapshot: { meta: { node_fields: string[]; node_types: unknown[]; edge_types: [string[], ...unknown[]] } }; nodes: number[]; edges: number[] };
  const meta = s.snapshot.meta;
  const types = meta.node_types[0] as string[];
  types.push("wasm struct");
  meta.edge_types[0].push("mystery");
  const nf = meta.node_fields.length;
  meta.node_fields.push("flags");
  meta.node_types.push("number");
  const nodes: number[] = [];
  for (let i = 0; i < s.nodes.length; i += nf) nodes.push(...s.nodes.slice(i, i + nf), 7);
  nodes[6 * (nf + 1)] = types.length - 1; // the Bar
  s.nodes = nodes;
  for (let e = 0; e < s.edges.length; e += 3) s.edges[e + 2] = (s.edges[e + 2]! / nf) * (nf + 1);
  s.edges[3] = meta.edge_types[0].length - 1; // Window.bar
  return JSON.stringify(s);
}

test("a node type, an edge type and a node field of a newer writer: read with one warning each, the numbers still DevTools'", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "guppy-newer-")), "newer.heapsnapshot");
  writeFileSync(file, newerSnapshot());
  const warnings: string[] = [];
  const g = await readHeapSnapshot(file, { onWarning: (w) => warnings.push(w) });
  assert.deepEqual(warnings, [
    "The snapshot has node types Guppy does not know ('wasm struct'): their nodes are read and classified by type, but no analysis treats them specially.",
    "The snapshot has edge types Guppy does not know ('mystery'): they count as strong references, as in DevTools.",
    "The snapshot has node fields Guppy does not know ('flags'): they are skipped.",
  ]);
  assert.deepEqual(g.warnings, warnings);
  assertAgreesWithDevTools(g, await devtoolsReference(file));
  const h = hpy();
  const heap = h.heap(g);
  assert.equal(heap.and(h.Type("wasm struct")).count, 1);
  assert.equal(heap.and(h.Type("wasm struct")).domisize, 56);
});
