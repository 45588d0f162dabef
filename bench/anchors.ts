/**
 * The anchors Guppy is measured against, each as run-tool runs it: load a snapshot
 * file and compute dominators and retained sizes (and what else each does on load).
 * Kept apart from Guppy's tools so that an anchor's process loads none of Guppy.
 */
import { readFileSync } from "node:fs";
import { devtoolsSnapshot } from "../test/support/devtools.js";
import type { Measured } from "./table.js";

/** Chrome DevTools' heap snapshot worker, its full initialisation. */
async function devtools(file: string): Promise<Measured> {
  const s = await devtoolsSnapshot(file);
  return { rootRetained: s.retainedSizes[0]!, nodes: s.nodeCount };
}

async function memlab(file: string): Promise<Measured> {
  const { getFullHeapFromFile } = (await import("@memlab/heap-analysis")) as unknown as {
    getFullHeapFromFile(f: string): Promise<{ nodes: { length: number }; getNodeByIndex?(i: number): { retainedSize: number } | null }>;
  };
  const heap = await getFullHeapFromFile(file);
  return { rootRetained: heap.getNodeByIndex?.(0)?.retainedSize ?? 0, nodes: heap.nodes.length };
}

/**
 * @vscode/v8-heap-parser (Rust compiled to WebAssembly; VS Code's heap viewer): decode
 * the file's bytes (in its 32-bit memory: large heaps trap), then the class
 * groups by retained size, which need its dominator tree (their counts add up to the
 * node count). The root's retained size is the first of its retainers (the queried node itself).
 */
async function vscode(file: string): Promise<Measured> {
  const parser = await import("@vscode/v8-heap-parser");
  const graph = parser.decode_bytes(readFileSync(file));
  const groups = graph.get_class_groups(0, 2 ** 31 - 1, false);
  const [self] = graph.get_all_retainers(graph.root_index, 0);
  return { rootRetained: Number(self?.retained_size ?? 0), nodes: groups.reduce((n, g) => n + g.children_len, 0) };
}

export const anchors: Record<string, (file: string) => Promise<Measured>> = { devtools, memlab, vscode };
