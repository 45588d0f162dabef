import { dominatorsOf } from "../heapy/graph/dominators.js";
import { overview, renderRetainers, type Overview } from "../heapy/overview.js";
import { renderPartition } from "../heapy/render/partition-table.js";
import { Type } from "../heapy/classify/classifiers.js";
import { loadGraph } from "./load.js";
import type { Session } from "../heapy/session/session.js";
import { createProgress } from "./progress.js";

export interface AnalyseOptions {
  top: number;
  json: boolean;
}

/** Reads a snapshot with progress on a TTY and prints its overview (text or JSON) to stdout. */
export async function analyseFile(file: string, opts: AnalyseOptions, session?: Session): Promise<Overview> {
  const g = await loadGraph(file, opts.json, session);
  const progress = createProgress(!opts.json);
  let result: Overview;
  try {
    dominatorsOf(g, (done) => progress.computing("Dominators", done));
    result = overview(g, opts.top);
  } finally {
    progress.done();
  }
  process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + "\n" : renderOverview(result) + "\n");
  return result;
}

export function renderOverview(o: Overview): string {
  const native = o.extraNativeBytes > 0 ? ` (+ ${o.extraNativeBytes} native bytes outside the heap graph)` : "";
  return [
    `Heap snapshot ${o.file}: ${o.nodeCount} nodes, ${o.edgeCount} edges, total size ${o.totalSize} bytes${native}.`,
    "",
    renderPartition(o.byType, Type.kindHeader),
    "",
    "Largest retainers (retained size: the bytes freed if the object went away).",
    renderRetainers(o.largest, o.totalSize),
  ].join("\n");
}
