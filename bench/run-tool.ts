/**
 * One measurement in a fresh process, so each tool's peak RSS is its own:
 * `node run-tool.js TOOL FILE RESULT.json` with TOOL one of Guppy's (guppy-tools.ts:
 * scan, guppy, guppy+dist, guppy-full, guppy-seq, guppy-cached, pb-explore, heap-clodo,
 * cache-prep, export) or an anchor (anchors.ts: devtools, memlab, vscode).
 * Writes {ms, maxRssMiB, rootRetained, nodes} to RESULT.json (tools may print to stdout).
 */
import { writeFileSync } from "node:fs";
import type { Measured } from "./table.js";

type Tools = Record<string, (file: string) => Promise<Measured>>;
const ANCHORS = ["devtools", "memlab", "vscode"];
// Only the module a tool needs is loaded, so that an anchor's whole process loads none
// of Guppy (and Guppy's none of the anchors).
const anchors = async (): Promise<Tools> => (await import("./anchors.js")).anchors;
const guppy = async (): Promise<Tools> => (await import("./guppy-tools.js")).guppyTools;

const [tool, file, result] = process.argv.slice(2);
const run = tool === undefined ? undefined : (await (ANCHORS.includes(tool) ? anchors() : guppy()))[tool];
if (!run || !file || !result) {
  const names = [...Object.keys(await guppy()), ...Object.keys(await anchors())];
  process.stderr.write(`usage: run-tool (${names.join("|")}) FILE RESULT.json\n`);
  process.exit(2);
}
const t0 = performance.now();
const m = await run(file);
const ms = performance.now() - t0;
writeFileSync(result, JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, ...m }));
