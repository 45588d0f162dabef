import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { GuppyError } from "../../errors.js";
import { analyseFile, type AnalyseOptions } from "../analyse.js";

const run = promisify(execFile);

/**
 * `guppy demo`: runs the built-in leaky program in a child process, snapshots it,
 * and analyses the snapshot. The snapshot is kept (its path is printed) for exploring.
 */
export async function runDemo(opts: AnalyseOptions & { out?: string }): Promise<void> {
  const out = opts.out ?? join(tmpdir(), `guppy-demo-${process.pid}.heapsnapshot`);
  const app = fileURLToPath(new URL("./leaky-app.js", import.meta.url));
  if (!opts.json) process.stderr.write("Running the demo program (a request handler whose session cache never evicts)…\n");
  try {
    await run(process.execPath, [app, out], { timeout: 120_000 });
  } catch (e) {
    throw new GuppyError("SNAPSHOT_FAILED", `The demo program failed to write its snapshot (${(e as Error).message.split("\n")[0]}).`);
  }
  await analyseFile(out, opts);
  if (!opts.json) process.stdout.write(`\nThe snapshot is kept at ${out}; analyse it again with: guppy summary ${out}\n`);
}
