import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./paths.js";

/** The built annex loader, as users give it to node: `node --import guppy/rm`. */
export const RM = join(projectRoot(), "dist", "src", "heapy", "monitor", "rm.js");

export interface Monitored {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
}

/** Starts a fixture program with the annex, announcing itself in `dir`; resolves when both are ready. */
export async function startMonitored(dir: string, program: string): Promise<Monitored> {
  const child = spawn(process.execPath, ["--import", RM, join(projectRoot(), "test", "fixtures", "programs", program)], {
    env: { ...process.env, GUPPY_MONITOR_DIR: dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += String(d)));
  child.stderr!.on("data", (d: Buffer) => (err += String(d)));
  // Ready when the program says so and its annex has announced itself.
  for (let i = 0; i < 150 && !(out.includes("ready") && readdirSync(dir).includes(`${child.pid}.json`)); i++) await new Promise((r) => setTimeout(r, 100));
  return { child, stdout: () => out, stderr: () => err };
}
