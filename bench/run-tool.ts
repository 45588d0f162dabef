/**
 * One measurement in a fresh process, so each tool's peak RSS is its own:
 * `node run-tool.js TOOL FILE RESULT.json` with TOOL one of scan, guppy, guppy+dist, devtools, memlab.
 * Writes {ms, maxRssMiB, rootRetained, nodes} to RESULT.json (tools may print to stdout).
 */
import { createReadStream, writeFileSync } from "node:fs";
import { distancesOf } from "../src/heapy/graph/distances.js";
import { dominatorsOf } from "../src/heapy/graph/dominators.js";
import { readHeapSnapshot } from "../src/heapy/snapshot/reader.js";
import { devtoolsSnapshot } from "../test/support/devtools.js";

interface Measured {
  rootRetained: number;
  nodes: number;
}

/** The floor: read every byte and count commas, in JavaScript, with the reader's chunk size. */
async function scan(file: string): Promise<Measured> {
  let commas = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 8 << 20 })) {
    const b = chunk as Buffer;
    for (let i = 0; i < b.length; i++) if (b[i] === 44) commas++;
  }
  return { rootRetained: 0, nodes: commas };
}

/** The measure: load, dominators and retained sizes. */
async function guppy(file: string): Promise<Measured> {
  const g = await readHeapSnapshot(file);
  const d = dominatorsOf(g);
  return { rootRetained: d.retainedSize[g.root]!, nodes: g.nodeCount };
}

/** Everything DevTools' initialisation also computes that Guppy has: distances too. */
async function guppyAll(file: string): Promise<Measured> {
  const g = await readHeapSnapshot(file);
  const d = dominatorsOf(g);
  distancesOf(g);
  return { rootRetained: d.retainedSize[g.root]!, nodes: g.nodeCount };
}

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

const [tool, file, result] = process.argv.slice(2);
const tools: Record<string, (f: string) => Promise<Measured>> = { scan, guppy, "guppy+dist": guppyAll, devtools, memlab };
const run = tool === undefined ? undefined : tools[tool];
if (!run || !file || !result) {
  process.stderr.write("usage: run-tool (scan|guppy|guppy+dist|devtools|memlab) FILE RESULT.json\n");
  process.exit(2);
}
const t0 = performance.now();
const m = await run(file);
const ms = performance.now() - t0;
writeFileSync(result, JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, ...m }));
