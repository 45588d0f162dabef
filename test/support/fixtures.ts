import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
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
    }
  }
  return out;
}
