import { readHeapSnapshot, type ReadOptions } from "../heapy/snapshot/reader.js";
import type { HeapGraph } from "../heapy/snapshot/heap-graph.js";
import type { Session } from "../heapy/session/session.js";
import type { HeapySet } from "../heapy/session/heapy-set.js";
import { createProgress } from "./progress.js";

/** What loads a command's graphs once each: a Session, or a CLI run's GraphFiles. */
export interface GraphSource {
  graph(file: string, options: ReadOptions): Promise<HeapGraph>;
}

/**
 * Reads a snapshot for a command: a progress bar on a TTY unless `quiet`, and the
 * reader's warnings on stderr once the bar is gone.
 */
export async function loadGraph(file: string, quiet: boolean, files?: GraphSource): Promise<HeapGraph> {
  const progress = createProgress(!quiet);
  const warnings: string[] = [];
  try {
    const options = { onProgress: (read: number, total: number) => progress.reading(read, total), onWarning: (w: string) => warnings.push(w) };
    return files ? await files.graph(file, options) : await readHeapSnapshot(file, options);
  } finally {
    progress.done();
    for (const w of warnings) process.stderr.write(`guppy: warning: ${w}\n`);
  }
}

/** The reachable objects of a snapshot file, loaded into `session` with progress. */
export async function loadHeap(session: Session, file: string, quiet: boolean): Promise<HeapySet> {
  return session.heap(await loadGraph(file, quiet, session));
}

/** The reachable objects of another process's heap, taken over the DevTools protocol. */
export async function attachHeap(session: Session, spec: string, quiet: boolean): Promise<HeapySet> {
  const progress = createProgress(!quiet);
  try {
    progress.stage(`Taking a heap snapshot of ${spec}…`);
    // (Loaded here: the protocol's modules are for this command alone.)
    const { attachSnapshot } = await import("../heapy/capture/attach.js");
    return session.heap(await attachSnapshot(spec, { onWarning: (w) => process.stderr.write(`guppy: warning: ${w}\n`) }));
  } finally {
    progress.done();
  }
}
