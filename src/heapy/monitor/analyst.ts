import { Worker } from "node:worker_threads";
import { GuppyError } from "../../errors.js";

/** How long one command may take before the caller is told (a snapshot of a big heap takes a while). */
const COMMAND_MS = 10 * 60_000;

/**
 * Heapy in a worker thread of this process, watching the main thread: Guppy-PE's
 * "another interpreter in the same process, so one can monitor the other". Commands
 * are code run with `h` bound to a session whose heap() is the main thread's.
 */
export class Analyst {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (t: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  private constructor(private readonly worker: Worker) {
    worker.on("message", (m: { id: number; text?: string; error?: string }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      clearTimeout(w.timer);
      if (m.error !== undefined) w.reject(new GuppyError("USAGE", m.error));
      else w.resolve(m.text ?? "");
    });
    worker.on("error", (e) => this.failAll(`The analyst thread failed: ${e.message}`));
    worker.on("exit", () => this.failAll("The analyst thread ended."));
  }

  /** Starts the worker; it does not keep the process alive on its own. */
  static start(): Analyst {
    const worker = new Worker(new URL("./analyst-worker.js", import.meta.url));
    worker.unref();
    return new Analyst(worker);
  }

  private failAll(why: string): void {
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(new GuppyError("SNAPSHOT_FAILED", why));
    }
    this.waiting.clear();
  }

  private request(msg: Record<string, unknown>): Promise<string> {
    const id = this.next++;
    this.worker.ref();
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new GuppyError("SNAPSHOT_FAILED", `The analyst did not answer within ${COMMAND_MS / 60_000} minutes.`));
      }, COMMAND_MS);
      this.waiting.set(id, { resolve, reject, timer });
      this.worker.postMessage({ id, ...msg });
    }).finally(() => {
      if (this.waiting.size === 0) this.worker.unref();
    });
  }

  /** Runs Heapy code (an expression or statements, `h` is the session) and returns what it prints. */
  run(code: string): Promise<string> {
    return this.request({ code });
  }

  /** Stops the JavaScript running on the main thread now (an endless loop, say). */
  interrupt(): Promise<string> {
    return this.request({ interrupt: true });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
