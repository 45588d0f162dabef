import { className } from "../heapy/classify/classifiers.js";
import { dominatorsOf } from "../heapy/graph/dominators.js";
import { pathsOf } from "../heapy/graph/distances.js";
import { largestRetainerRows, largestRetainersReached, renderRetainers } from "../heapy/overview.js";
import { pathText } from "../heapy/render/paths.js";
import type { CommandRun } from "./command-run.js";
import { loadGraph } from "./load.js";
import { createProgress } from "./progress.js";

/** `guppy dom FILE`: the objects with the largest retained sizes, each with its shortest path. */
export async function domCommand(file: string, opts: { top: number; json: boolean }, run: CommandRun): Promise<void> {
  // The graph, not the reachable set: the rows need dominators and the paths of a few objects, no distance of all.
  const g = await loadGraph(file, opts.json, await run.graphs());
  const progress = createProgress(!opts.json);
  const { retainedSize } = dominatorsOf(g, (done) => progress.computing("Dominators", done));
  progress.done();
  const total = retainedSize[g.root]!;
  if (opts.json) {
    const { rows: largest, reach } = largestRetainersReached(g, opts.top);
    const rows = largest.map((r) => ({ ...r, className: className(g, r.node), path: pathText(g, r.node, "h.Root", reach.parentEdge) }));
    process.stdout.write(JSON.stringify({ totalSize: total, rows }, null, 2) + "\n");
    return;
  }
  // The text shows paths and no distances: where the two searches differ (a page), only the paths'.
  const largest = largestRetainerRows(g, opts.top);
  const parentEdge = pathsOf(g, largest.map((r) => r.node));
  const rows = largest.map((r) => ({ ...r, path: pathText(g, r.node, "h.Root", parentEdge) }));
  const table = renderRetainers(rows, total).split("\n");
  const out = [table[0]!];
  rows.forEach((r, i) => out.push(table[i + 1]!, `        ${r.path ?? "(no path from the root)"}`));
  process.stdout.write(out.join("\n") + "\n");
}
