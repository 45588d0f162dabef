import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "./paths.js";

const program = join(projectRoot(), "test", "fixtures", "programs", "inspect-target.mjs");

/**
 * Starts the inspect-target fixture (777 Leaky objects, runs until killed) with the given
 * Node flags; resolves once it is ready, with its inspector port when --inspect was given.
 */
export async function startInspectTarget(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number | null }> {
  const child = spawn(process.execPath, [...args, program], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let err = "";
  let port: number | null = null;
  child.stderr!.on("data", (d: Buffer) => {
    err += String(d);
    const m = /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
    if (m) port = Number(m[1]);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`target did not start: ${err}`)), 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      if (String(d).includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { child, port };
}
