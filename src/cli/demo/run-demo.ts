import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { GuppyError } from "../../errors.js";
import { ensureFolder } from "../../folders.js";
import { dominatorsOf } from "../../heapy/graph/dominators.js";
import { largestRetainers } from "../../heapy/overview.js";
import { pathText } from "../../heapy/render/paths.js";
import { hpy } from "../../heapy/session/session.js";
import { loadHeap } from "../load.js";

const run = promisify(execFile);

export interface DemoOptions {
  json: boolean;
  /** Where to keep the two snapshots: DIR/demo-before.heapsnapshot and DIR/demo-after.heapsnapshot. */
  dir?: string;
}

/**
 * `guppy demo`: a walk through Heapy's main ideas on a built-in program with a known
 * leak — the heap table, what a stretch of work left behind (a relative heap), why a
 * leaked object is alive (its shortest path), and what freeing its holder would release.
 */
export async function runDemo(opts: DemoOptions): Promise<void> {
  const dir = opts.dir ?? tmpdir();
  if (!(await ensureFolder(dir))) throw new GuppyError("FILE_UNREADABLE", "The demo's folder cannot be created.", { file: dir });
  const before = join(dir, `guppy-demo-${process.pid}-before.heapsnapshot`);
  const after = join(dir, `guppy-demo-${process.pid}-after.heapsnapshot`);
  const app = fileURLToPath(new URL("./leaky-app.js", import.meta.url));
  const say = (s: string): void => void (opts.json || process.stdout.write(s + "\n"));
  say("Guppy demo: a request handler whose session cache never evicts. It handles 100 requests,\nis snapshotted, handles 2900 more, and is snapshotted again.\n");
  try {
    await run(process.execPath, [app, before, after], { timeout: 120_000 });
  } catch (e) {
    throw new GuppyError("SNAPSHOT_FAILED", `The demo program failed to write its snapshots (${(e as Error).message.split("\n")[0]}).`);
  }
  const h = hpy();
  const first = await loadHeap(h, before, true);
  const heap = await loadHeap(h, after, opts.json);

  const table = heap.byclodo;
  say("1. The heap after the requests, by class (Heapy's partition table; sizes are DevTools' shallow sizes):");
  say(String(table) + "\n");

  const born = heap.minus(first);
  say("2. What the 2900 requests left behind: objects in the second snapshot that the first did not have (by V8 object id):");
  say(String(born.byclodo) + "\n");

  const sessions = born.and(h.Clodo("Session"));
  const g = heap.graph;
  const path = sessions.count > 0 ? pathText(g, sessions.ordinals()[0]!) : null;
  say("3. Why a leaked Session is still alive — its shortest path from the root:");
  say(`   ${path ?? "(no path)"}\n`);

  const total = dominatorsOf(g).retainedSize[g.root]!;
  const [top] = largestRetainers(g, 1);
  const holder = top === undefined ? null : { label: top.label, id: top.id, retainedSize: top.retainedSize, path: pathText(g, top.node) };
  say("4. What freeing the holder would release — the object with the largest retained size:");
  if (holder) say(`   ${holder.label} @${holder.id} at ${holder.path}: ${holder.retainedSize} bytes, ${Math.round((holder.retainedSize * 100) / total)}% of the heap.\n`);
  say(`The snapshots are kept. Try:\n  guppy heap ${after}\n  guppy diff ${before} ${after}\n  guppy sp ${after} --kind Session\n  guppy rp ${after} --kind Session\n  guppy dom ${after}`);

  if (opts.json) {
    const json = { before, after, heap: table.toJSON(), born: born.byclodo.toJSON(), sessionPath: path, holder, totalSize: total };
    process.stdout.write(JSON.stringify(json, null, 2) + "\n");
  }
}
