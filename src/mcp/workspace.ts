import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GuppyError } from "../errors.js";
import { attachSnapshot } from "../heapy/capture/attach.js";
import { readHeapSnapshot } from "../heapy/snapshot/reader.js";
import type { HeapySet } from "../heapy/session/heapy-set.js";
import { hpy, type Session, type SessionOptions } from "../heapy/session/session.js";
import type { HeapGraph } from "../heapy/snapshot/heap-graph.js";
import { listAnnexes, AnnexClient } from "../heapy/monitor/annex-client.js";
import { setOf } from "./expression.js";

/** An open snapshot: its handle, where it came from, and its reachable objects. */
export interface OpenSnapshot {
  handle: string;
  source: string;
  heap: HeapySet;
}

/** Reports how far reading has got (bytes read of total), for MCP progress. */
export type ReadProgress = (done: number, total: number) => void;

/** Hosts an inspector may be on: this machine only. */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/**
 * The state of one MCP server: a Heapy session and the snapshots opened in it, by
 * handle (s0, s1, ...). A file opened twice keeps its first handle; the session keeps
 * its graph and derived arrays, so the second and later questions are fast.
 */
export class Workspace {
  readonly session: Session;
  private readonly open = new Map<string, OpenSnapshot>();
  private readonly byPath = new Map<string, string>();

  constructor(options: SessionOptions = {}) {
    this.session = hpy(options);
  }

  /** Opens a .heapsnapshot or .heapsnapshot.gz file (read once; later opens of the same path reuse it). */
  async openFile(path: string, onProgress?: ReadProgress): Promise<OpenSnapshot> {
    const full = resolve(path);
    const known = this.byPath.get(full);
    if (known !== undefined) return this.open.get(known)!;
    // The reader's warnings stay on the graph (open_snapshot shows them), never on stderr.
    const graph = await this.session.graph(full, onProgress ? { onProgress } : {});
    const snap = this.add(full, graph);
    this.byPath.set(full, snap.handle);
    return snap;
  }

  /** A snapshot of a live process by inspector HOST:PORT on this machine, or by Node PID. */
  async attach(target: string): Promise<OpenSnapshot> {
    if (!/^\d+$/.test(target)) {
      const m = /^(.*):(\d+)$/.exec(target);
      if (m === null || !LOOPBACK.test(m[1]!)) throw new GuppyError("USAGE", `Only an inspector on this machine can be attached: give 127.0.0.1:PORT or a PID, not '${target.slice(0, 80)}'.`);
    }
    const graph = await attachSnapshot(target);
    return this.add(`live process ${target}`, graph);
  }

  /**
   * A snapshot of a program started with `node --import guppy/rm`, by its PID: its
   * annex writes the main thread's heap to a file of ours (0600, in a private folder),
   * asked with the annex's token (the one in its announcement file unless given).
   */
  async annex(pid: number, token: string | undefined, onProgress?: ReadProgress): Promise<OpenSnapshot> {
    const info = listAnnexes().find((a) => a.pid === pid);
    if (info === undefined) throw new GuppyError("USAGE", `No program with pid ${pid} runs with guppy/rm (list_snapshots lists those that do).`);
    let client: AnnexClient;
    try {
      client = await AnnexClient.open({ ...info, token: token ?? info.token });
    } catch (e) {
      throw new GuppyError("SNAPSHOT_FAILED", `The annex of program ${pid} cannot be reached (${(e as Error).message}).`);
    }
    const dir = mkdtempSync(join(tmpdir(), "guppy-mcp-"));
    try {
      const file = join(dir, `annex-${pid}.heapsnapshot`);
      const reply = await client.ask({ code: annexSnapshotCode(file) });
      if (reply.error !== undefined) throw new GuppyError("SNAPSHOT_FAILED", `The annex of program ${pid} did not take a snapshot (${reply.error.slice(0, 200)}).`);
      // Read outside the session's file cache: the file is ours and goes at once, so no cache is kept for it.
      const graph = await readHeapSnapshot(file, { cacheDir: null, ...(onProgress ? { onProgress } : {}) });
      return this.add(`annex of program ${pid} (${info.program})`, graph);
    } finally {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private add(source: string, graph: HeapGraph): OpenSnapshot {
    const snap = { handle: `s${this.open.size}`, source, heap: this.session.heap(graph) };
    this.open.set(snap.handle, snap);
    return snap;
  }

  /** Every open snapshot, in the order opened. */
  list(): OpenSnapshot[] {
    return [...this.open.values()];
  }

  /** An open snapshot by handle. */
  get(handle: string): OpenSnapshot {
    const snap = this.open.get(handle);
    if (snap === undefined) {
      const open = this.open.size === 0 ? "none is open yet; call open_snapshot first" : `open: ${[...this.open.keys()].join(", ")}`;
      throw new GuppyError("USAGE", `No snapshot has the handle '${handle.slice(0, 40)}' (${open}).`);
    }
    return snap;
  }

  /** The set a Heapy expression names (`s1 - s0`, `s0 & Clodo("Foo")`). */
  set(expression: string): HeapySet {
    return setOf(expression, (h) => this.get(h).heap, this.session);
  }

  /** Writes the snapshot files' caches for next time. */
  async close(): Promise<void> {
    try {
      await this.session.saveCaches();
    } finally {
      this.session.close();
    }
  }
}

/** The code the annex runs (in its worker, as Heapy commands) to write the main thread's heap to `file`. */
function annexSnapshotCode(file: string): string {
  return [
    "const { Session } = await import('node:inspector/promises');",
    "const fs = await import('node:fs');",
    `const fd = fs.openSync(${JSON.stringify(file)}, 'wx', 0o600);`,
    "const s = new Session(); s.connectToMainThread();",
    "s.on('HeapProfiler.addHeapSnapshotChunk', (m) => fs.writeSync(fd, m.params.chunk));",
    "try { await s.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false }); } finally { fs.closeSync(fd); s.disconnect(); }",
    "return 'written';",
  ].join("\n");
}
