/** The bench's table: one row per tool and snapshot, with the anchors' time and peak RSS as multiples of the row's. */

/** What run-tool's tools compute (run-tool adds the time and the peak RSS). */
export interface Measured {
  rootRetained: number;
  nodes: number;
  /** For export: the export's own time (after loading) and the Parquet bytes it wrote. */
  exportMs?: number;
  exportBytes?: number;
  /** For pb-explore: the first table's time and one expansion's, each as the page waits for it. */
  firstTableMs?: number;
  expansionMs?: number;
  /** Another expansion, once the rest of the cache was read in the background. */
  laterExpansionMs?: number;
}

/** One tool's figures on one snapshot (the CLI's rows have no node count nor retained size). */
export interface Measurement extends Partial<Measured> {
  /** The measured time: in the tool's process (after Node started), or the whole process for CLI rows. */
  ms: number;
  /** Peak RSS of the tool's process. */
  maxRssMiB: number;
  /** The whole child process, timed from outside (start-up and exit included). */
  processMs: number;
  processRssMiB: number;
  /** A CLI command: compared with the anchors' whole processes, not their in-process times. */
  wholeProcess: boolean;
}

/** The anchors, each with its own column, in this order. */
const ANCHORS = [
  ["devtools", "DevTools"],
  ["memlab", "memlab"],
  ["vscode", "v8-heap-parser"],
] as const;

const col = (s: string, w: number): string => s.padStart(w);
const fmt = (x: number, d = 1): string => x.toFixed(d);

export const HEADER = [
  "shape".padEnd(10),
  "snapshot".padEnd(9),
  col("nodes", 10),
  "  tool".padEnd(15),
  col("time s", 7),
  col("RSS MiB", 8),
  col("×guppy", 7),
  ...ANCHORS.map(([, label]) => col(`${label} ×`, 15)),
].join(" ");

/** "time×/RSS×" of an anchor against a row, comparing like with like (whole processes with whole processes). */
function against(anchor: Measurement | string | undefined, row: Measurement): string {
  if (typeof anchor !== "object") return "-";
  const ms = row.wholeProcess ? anchor.processMs : anchor.ms;
  const rss = row.wholeProcess ? anchor.processRssMiB : anchor.maxRssMiB;
  return `${fmt(ms / row.ms, 2)}/${fmt(rss / row.maxRssMiB, 2)}`;
}

/** The rows of one snapshot's results (a string result is a failure, printed as such), then notes. */
export function formatRows(shape: string, snapshot: string, results: ReadonlyMap<string, Measurement | string>): string[] {
  const base = results.get("guppy");
  const rows: string[] = [];
  const notes: string[] = [];
  for (const [tool, r] of results) {
    const lead = [shape.padEnd(10), snapshot.padEnd(9)];
    if (typeof r === "string") {
      rows.push([...lead, col("", 10), `  ${tool}`.padEnd(15), `failed: ${r}`].join(" "));
      continue;
    }
    const rel = typeof base === "object" && !r.wholeProcess ? fmt(r.ms / base.ms, 2) : "-";
    // The floor's row has no anchor columns: no tool can beat reading the file.
    const anchors = ANCHORS.map(([name]) => col(tool === "byte scan" ? "-" : against(results.get(name), r), 15));
    const nodes = r.nodes === undefined || tool === "byte scan" ? "" : String(r.nodes);
    rows.push([...lead, col(nodes, 10), `  ${tool}`.padEnd(15), col(fmt(r.ms / 1000, 2), 7), col(fmt(r.maxRssMiB, 0), 8), col(rel, 7), ...anchors].join(" "));
    if (r.exportMs !== undefined && r.exportBytes !== undefined) {
      notes.push(`  note: the export itself took ${fmt(r.exportMs / 1000, 2)} s after loading and wrote ${fmt(r.exportBytes / 2 ** 20)} MiB of Parquet`);
    }
    if (r.firstTableMs !== undefined && r.expansionMs !== undefined) {
      const later = r.laterExpansionMs === undefined ? "" : `; ${fmt(r.laterExpansionMs / 1000, 2)} s once the rest of the cache is read`;
      notes.push(`  note: the explorer's first table took ${fmt(r.firstTableMs / 1000, 2)} s (target 1.5 s) and one expansion at once ${fmt(r.expansionMs / 1000, 2)} s (target 0.3 s), from the cache${later}`);
    }
  }
  for (const [name, label] of ANCHORS) {
    const a = results.get(name);
    // memlab's loader reports no retained size for the root (0): nothing to compare.
    if (typeof base === "object" && typeof a === "object" && a.rootRetained !== 0 && a.rootRetained !== base.rootRetained) {
      notes.push(`  note: total retained differs: Guppy ${base.rootRetained}, ${label} ${a.rootRetained}`);
    }
  }
  return [...rows, ...notes];
}
