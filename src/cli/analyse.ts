import { dominatorsOf } from "../heapy/graph/dominators.js";
import { overview, renderOverview, type Overview } from "../heapy/overview.js";
import { loadGraph, type GraphSource } from "./load.js";
import { createProgress } from "./progress.js";

export interface AnalyseOptions {
  top: number;
  json: boolean;
}

/** Reads a snapshot with progress on a TTY and prints its overview (text or JSON) to stdout. */
export async function analyseFile(file: string, opts: AnalyseOptions, files?: GraphSource): Promise<Overview> {
  const g = await loadGraph(file, opts.json, files);
  const progress = createProgress(!opts.json);
  let result: Overview;
  try {
    // The text shows no distances: only the JSON needs the search that places them.
    dominatorsOf(g, (done) => progress.computing("Dominators", done), opts.json);
    result = overview(g, opts.top, { distances: opts.json });
  } finally {
    progress.done();
  }
  process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + "\n" : renderOverview(result) + "\n");
  return result;
}
