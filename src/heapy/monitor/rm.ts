/**
 * Enables remote monitoring of a program: `node --import guppy/rm app.js`, or
 * `import "guppy/rm"` first thing. It starts the annex in a worker thread (which
 * does not keep the program alive) and removes its announcement file at exit.
 */
import { rmSync } from "node:fs";
import { isMainThread, Worker } from "node:worker_threads";

// Workers inherit --import: only the main thread starts an annex, and the annex's own
// worker is started without the flags, so it cannot start another.
if (isMainThread) {
  const worker = new Worker(new URL("./annex-worker.js", import.meta.url), {
    workerData: { pid: process.pid, script: process.argv[1] ?? "node", argv: process.argv, cwd: process.cwd() },
    execArgv: [],
  });
  worker.unref();
  // The annex must never take the program down with it: if it fails, monitoring stops.
  worker.on("error", (e) => process.stderr.write(`guppy annex (pid ${process.pid}): stopped (${e.name})\n`));
  worker.on("message", (m: { file?: string }) => {
    if (m.file !== undefined) {
      const file = m.file;
      process.on("exit", () => rmSync(file, { force: true }));
    }
  });
}
