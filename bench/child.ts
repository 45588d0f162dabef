/**
 * Runs Node on a script in a child process of its own process group, timed from
 * outside by /usr/bin/time: wall time and the child's peak RSS (what a user's
 * shell would see), with a timeout that kills the whole group.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

/** GNU time, which reports a child's peak RSS (Debian's `time` package). */
const TIME = "/usr/bin/time";

/** A finished child: its wall time and peak RSS, or why it failed. */
export type ChildResult = { ok: true; wallMs: number; maxRssMiB: number } | { ok: false; message: string };

export interface ChildOptions {
  timeoutMs: number;
  /** Exit codes that count as success (the CLI exits 1 on findings). */
  okCodes?: readonly number[];
  env?: NodeJS.ProcessEnv;
  /** Where /usr/bin/time writes its line (removed afterwards). */
  timeFile: string;
}

/** One line saying why a child failed, from its stderr: never a stack, never heap contents. */
function whyFailed(stderr: string, code: number | null, timedOut: boolean): string {
  if (timedOut) return "timed out";
  if (/heap out of memory|Invalid string length|Array buffer allocation failed|RangeError: .*memory/i.test(stderr)) return "out of memory";
  // The thrown error's line, not the stack after it nor Node's closing version line.
  const lines = stderr.trim().split("\n").filter((l) => l.trim() !== "" && !/^(Command |Node\.js v|\s+at |\s*\^)/.test(l));
  const why = lines.filter((l) => /^[A-Za-z]*Error\b/.test(l)).slice(-1)[0] ?? lines.slice(-1)[0];
  return (why ?? `exit code ${code}`).slice(0, 120);
}

/** `node ARGS` as a child timed by /usr/bin/time; never rejects. */
export function timedNode(args: readonly string[], o: ChildOptions): Promise<ChildResult> {
  if (!existsSync(TIME)) return Promise.resolve({ ok: false, message: `no ${TIME} (apt-get install time)` });
  const okCodes = o.okCodes ?? [0];
  return new Promise((resolve) => {
    rmSync(o.timeFile, { force: true });
    const t0 = performance.now();
    const child = spawn(TIME, ["-f", "%e %M", "-o", o.timeFile, process.execPath, ...args], {
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: o.env ?? process.env,
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => void (stderr = (stderr + d).slice(-65536)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, o.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ ok: false, message: e.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      const line = existsSync(o.timeFile) ? readFileSync(o.timeFile, "utf8").trim().split("\n").slice(-1)[0]! : "";
      rmSync(o.timeFile, { force: true });
      const kib = Number(line.split(" ")[1]);
      if (timedOut || code === null || !okCodes.includes(code)) return resolve({ ok: false, message: whyFailed(stderr, code, timedOut) });
      if (!(kib > 0)) return resolve({ ok: false, message: `${TIME} reported no peak RSS` });
      // Our own clock: time's %e has only 10 ms resolution; the fork of time itself costs about 1 ms.
      resolve({ ok: true, wallMs, maxRssMiB: kib / 1024 });
    });
  });
}
