import { GuppyError } from "../../errors.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { readFromSource, type ReadOptions } from "../snapshot/reader.js";
import { CdpConnection, listTargets, snapshotSource, type CdpTarget } from "./cdp.js";

/** Where SIGUSR1 makes a Node process listen (Node's default inspector address). */
const DEFAULT_INSPECTOR = "127.0.0.1:9229";

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/**
 * Wakes the inspector of a Node process that was started without --inspect, the way
 * Node documents it (SIGUSR1, on Linux and macOS), and waits for it to listen.
 */
async function wakeInspector(pid: number): Promise<string> {
  try {
    process.kill(pid, "SIGUSR1");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GuppyError("SNAPSHOT_FAILED", code === "ESRCH" ? `There is no process ${pid}.` : `Process ${pid} cannot be signalled (${code}).`);
  }
  for (let i = 0; i < 50; i++) {
    try {
      await listTargets(DEFAULT_INSPECTOR);
      return DEFAULT_INSPECTOR;
    } catch {
      await sleep(200);
    }
  }
  throw new GuppyError("SNAPSHOT_FAILED", `Process ${pid} did not open its inspector at ${DEFAULT_INSPECTOR} within 10 s.`);
}

/** A Node process first, else the first browser page. */
function pickTarget(targets: CdpTarget[], endpoint: string): CdpTarget {
  const t = targets.find((x) => x.type === "node") ?? targets.find((x) => x.type === "page");
  if (!t) throw new GuppyError("SNAPSHOT_FAILED", `${endpoint} has no Node process or page to attach to.`);
  return t;
}

/**
 * A heap snapshot of another process over the DevTools protocol. `spec` is
 * `host:port` of an inspector (`node --inspect`, Chromium's --remote-debugging-port),
 * or a PID of a Node process to wake with SIGUSR1. The snapshot streams into the
 * reader while the target writes it.
 */
export async function attachSnapshot(spec: string, options: ReadOptions = {}): Promise<HeapGraph> {
  const endpoint = /^\d+$/.test(spec) ? await wakeInspector(Number(spec)) : spec;
  const target = pickTarget(await listTargets(endpoint), endpoint);
  const conn = await CdpConnection.open(target.webSocketDebuggerUrl);
  try {
    return await readFromSource(snapshotSource(conn, `${endpoint} (${target.type} ${target.title || target.url})`), options);
  } finally {
    conn.close();
  }
}
