import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { readHeapSnapshot } from "../../src/heapy/snapshot/reader.js";
import { cacheDir, projectRoot } from "./paths.js";

const run = promisify(execFile);

/** The fixture programs: each builds a known object graph and snapshots itself (or V8 does). */
export const FIXTURES = [
  "classes-in-map",
  "cycles-and-chains",
  "closures",
  "maps-weakmaps",
  "typed-arrays",
  "allocation-traces",
  "near-heap-limit",
  "on-signal",
  "allocations-between",
  "three-snapshots",
  "planted-leaks",
  "known-waste",
  "shared-holders",
] as const;
export type FixtureName = (typeof FIXTURES)[number];

/** The two snapshots of the "allocations-between" program: [before, after]. */
export async function snapshotPair(): Promise<[string, string]> {
  const before = await fixtureSnapshot("allocations-between");
  return [before, `${before}.after`];
}

/** Runs a program whose snapshot V8 writes into the working folder; returns that file. */
async function v8WrittenSnapshot(name: FixtureName, program: string): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), "guppy-v8-"));
  if (name === "near-heap-limit") {
    // The process dies of OOM after V8 writes the snapshot: a non-zero exit is expected.
    await run(process.execPath, ["--max-old-space-size=24", "--heapsnapshot-near-heap-limit=1", program], { cwd, timeout: 120_000 }).catch(() => undefined);
  } else {
    const child = spawn(process.execPath, ["--heapsnapshot-signal=SIGUSR2", program], { cwd, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${name} did not finish`));
      }, 120_000);
      child.stdout!.on("data", (d: Buffer) => {
        if (String(d).includes("ready")) child.kill("SIGUSR2");
      });
      child.on("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  const written = readdirSync(cwd).filter((f) => f.endsWith(".heapsnapshot"));
  if (written.length !== 1) throw new Error(`${name}: expected one snapshot from V8, found ${written.length}`);
  return join(cwd, written[0]!);
}

/** Whether some node of the snapshot carries an allocation trace. */
async function hasTracedNodes(file: string): Promise<boolean> {
  const g = await readHeapSnapshot(file, { cacheDir: null });
  if (g.nodeTraceId === null) return false;
  // The program's own objects (its 500 Tracked) must be attributed: on Node 26 under load
  // V8 has attributed some of the runtime's allocations and none of the program's.
  let tracked = 0;
  for (let n = 0; n < g.nodeCount; n++) {
    if (g.name(n) !== "Tracked" || g.typeName(n) !== "object") continue;
    if (g.nodeTraceId[n] === 0) return false;
    tracked++;
  }
  return tracked > 0;
}

/**
 * Path of a snapshot written by the named fixture program in a fresh Node process.
 * Cached by the programs' path and content, so test files that share a fixture make it once.
 */
export async function fixtureSnapshot(name: FixtureName): Promise<string> {
  const dir = join(projectRoot(), "test", "fixtures", "programs");
  const program = join(dir, `${name}.mjs`);
  // The path too: snapshots record their scripts' URLs, so two checkouts must not share one.
  const hash = createHash("sha256").update(program).update(readFileSync(program)).update(readFileSync(join(dir, "shared.mjs"))).digest("hex").slice(0, 16);
  const out = join(cacheDir("fixtures"), `${name}-${hash}.heapsnapshot`);
  if (!existsSync(out)) {
    if (name === "near-heap-limit" || name === "on-signal") {
      const file = await v8WrittenSnapshot(name, program);
      renameSync(file, out);
      rmSync(join(file, ".."), { recursive: true, force: true });
    } else {
      // The program writes OUT.tmp and renames it, so a concurrent reader never sees half a file.
      await run(process.execPath, [program, out], { timeout: 120_000 });
      // V8 (seen on Node 24 and 26 under load) now and then attributes none of the program's
      // allocations; such a snapshot tests nothing of the traces, so the program runs again
      // (four times at most).
      for (let attempt = 1; name === "allocation-traces" && attempt < 5 && !(await hasTracedNodes(out)); attempt++) {
        rmSync(out, { force: true });
        await run(process.execPath, [program, out], { timeout: 120_000 });
      }
    }
  }
  return out;
}
