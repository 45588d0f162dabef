import { GuppyError } from "../../errors.js";
import type { HeapGraph } from "../snapshot/heap-graph.js";
import { readFromSource, type ReadOptions } from "../snapshot/reader.js";
import { CdpConnection, listTargets, snapshotSource, type CdpTarget } from "./cdp.js";
import { isNodeProcess, listenerBelongsTo } from "./process-check.js";

/** Where SIGUSR1 makes a Node process listen (Node's default inspector address). */
const INSPECTOR_HOST = "127.0.0.1";
const INSPECTOR_PORT = 9229;
const DEFAULT_INSPECTOR = `${INSPECTOR_HOST}:${INSPECTOR_PORT}`;

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

function refuse(what: string): GuppyError {
  return new GuppyError("SNAPSHOT_FAILED", what);
}

const heldByOther = (pid: number): GuppyError =>
  refuse(`${DEFAULT_INSPECTOR} is held by another process, not ${pid}: Guppy attaches only to the inspector of the process it was given.`);

/** Refuses a pid that is not a Node process this user may signal (SIGUSR1 ends most other programs). */
function checkNodeProcess(pid: number): void {
  if (!Number.isSafeInteger(pid) || pid < 1) throw new GuppyError("USAGE", "--attach takes HOST:PORT or the PID of a Node process (a whole number from 1).");
  try {
    process.kill(pid, 0);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw refuse(code === "ESRCH" ? `There is no process ${pid}.` : `Process ${pid} cannot be signalled (${code}).`);
  }
  const node = isNodeProcess(pid);
  if (node === false) throw refuse(`Process ${pid} is not a Node process; Guppy wakes the inspector only of Node (start others with --inspect and give HOST:PORT).`);
  if (node === null) throw refuse(`Cannot tell whether process ${pid} is a Node process; start it with --inspect and give HOST:PORT.`);
}

/**
 * Wakes the inspector of a Node process that was started without --inspect, the way
 * Node documents it (SIGUSR1, on Linux and macOS), and waits for it to listen. Where
 * the system tells (/proc), the listening socket must be the process's own, before the
 * signal (someone else's inspector on the port) and after it.
 */
async function wakeInspector(pid: number): Promise<string> {
  checkNodeProcess(pid);
  const owner = listenerBelongsTo(INSPECTOR_PORT, pid);
  if (owner === false) throw heldByOther(pid);
  if (owner !== true) process.kill(pid, "SIGUSR1");
  for (let i = 0; i < 50; i++) {
    if (await listTargets(DEFAULT_INSPECTOR).then(() => true, () => false)) {
      if (listenerBelongsTo(INSPECTOR_PORT, pid) === false) throw heldByOther(pid);
      return DEFAULT_INSPECTOR;
    }
    await sleep(200);
  }
  throw refuse(`Process ${pid} did not open its inspector at ${DEFAULT_INSPECTOR} within 10 s.`);
}

/** A Node process first, else the first browser page (for a pid, only a Node process). */
function pickTarget(targets: CdpTarget[], endpoint: string, nodeOnly: boolean): CdpTarget {
  const t = targets.find((x) => x.type === "node") ?? (nodeOnly ? undefined : targets.find((x) => x.type === "page"));
  if (!t) throw refuse(`${endpoint} has no Node process${nodeOnly ? "" : " or page"} to attach to.`);
  return t;
}

/** The process behind a connection says which pid it is; it must be the one asked for. */
async function checkPid(conn: CdpConnection, pid: number): Promise<void> {
  const r = (await conn.send("Runtime.evaluate", { expression: "process.pid", returnByValue: true })) as { result?: { value?: unknown } } | undefined;
  if (r?.result?.value !== pid) throw heldByOther(pid);
}

/**
 * A heap snapshot of another process over the DevTools protocol. `spec` is
 * `host:port` of an inspector (`node --inspect`, Chromium's --remote-debugging-port),
 * or a PID of a Node process to wake with SIGUSR1. The snapshot streams into the
 * reader while the target writes it.
 */
export async function attachSnapshot(spec: string, options: ReadOptions = {}): Promise<HeapGraph> {
  const pid = /^\d+$/.test(spec) ? Number(spec) : null;
  const endpoint = pid !== null ? await wakeInspector(pid) : spec;
  const target = pickTarget(await listTargets(endpoint), endpoint, pid !== null);
  const conn = await CdpConnection.open(target.webSocketDebuggerUrl);
  try {
    if (pid !== null) await checkPid(conn, pid);
    return await readFromSource(snapshotSource(conn, `${endpoint} (${target.type} ${target.title || target.url})`), options);
  } finally {
    conn.close();
  }
}
