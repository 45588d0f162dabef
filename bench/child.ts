/**
 * Runs Node on a script in a child process of its own process group: wall time from
 * here and the child's own peak RSS (written at its exit by rss-at-exit.js, preloaded),
 * what a user's shell would see, with a timeout that kills the whole group.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A finished child: its wall time and peak RSS, or why it failed. */
export type ChildResult = { ok: true; wallMs: number; maxRssMiB: number } | { ok: false; message: string };

export interface ChildOptions {
  timeoutMs: number;
  /** Exit codes that count as success (the CLI exits 1 on findings). */
  okCodes?: readonly number[];
  env?: NodeJS.ProcessEnv;
  /** Where the child writes its peak RSS (removed afterwards). */
  rssFile: string;
}

const preload = fileURLToPath(new URL("rss-at-exit.js", import.meta.url));

/** One line saying why a child failed, from its stderr: never a stack, never heap contents. */
function whyFailed(stderr: string, code: number | null, timedOut: boolean): string {
  if (timedOut) return "timed out";
  if (/heap out of memory|Invalid string length|Array buffer allocation failed|RangeError: .*memory/i.test(stderr)) return "out of memory";
  // The thrown error's line, not the stack after it nor Node's closing version line.
  const lines = stderr.trim().split("\n").filter((l) => l.trim() !== "" && !/^(Node\.js v|\s+at |\s*\^)/.test(l));
  const why = lines.filter((l) => /^[A-Za-z]*Error\b/.test(l)).slice(-1)[0] ?? lines.slice(-1)[0];
  return (why ?? `exit code ${code}`).slice(0, 120);
}

/** `node ARGS` as a timed child; never rejects. */
export function timedNode(args: readonly string[], o: ChildOptions): Promise<ChildResult> {
  const okCodes = o.okCodes ?? [0];
  return new Promise((resolve) => {
    rmSync(o.rssFile, { force: true });
    const t0 = performance.now();
    const child = spawn(process.execPath, ["--import", preload, ...args], {
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...(o.env ?? process.env), GUPPY_BENCH_RSS_FILE: o.rssFile },
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
      const kib = existsSync(o.rssFile) ? Number(readFileSync(o.rssFile, "utf8")) : NaN;
      rmSync(o.rssFile, { force: true });
      if (timedOut || code === null || !okCodes.includes(code)) return resolve({ ok: false, message: whyFailed(stderr, code, timedOut) });
      if (!(kib > 0)) return resolve({ ok: false, message: "the child wrote no peak RSS" });
      resolve({ ok: true, wallMs, maxRssMiB: kib / 1024 });
    });
  });
}
