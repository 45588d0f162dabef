import { Worker } from "node:worker_threads";
import { GuppyError } from "../../errors.js";
import { Pending } from "../../pending.js";

/** How long one command may take before the caller is told (a snapshot of a big heap takes a while). */
const COMMAND_MS = 10 * 60_000;

/**
 * Heapy in a worker thread of this process, watching the main thread: Guppy-PE's
 * "another interpreter in the same process, so one can monitor the other". Commands
 * are code run with `h` bound to a session whose heap() is the main thread's.
 */
export class Analyst {
  private readonly pending = new Pending<string>();

  private constructor(private readonly worker: Worker) {
    worker.on("message", (m: { id: number; text?: string; error?: string }) => {
      this.pending.settle(m.id, m.error !== undefined ? { error: new GuppyError("USAGE", m.error) } : { value: m.text ?? "" });
    });
    worker.on("error", (e) => this.pending.failAll(new GuppyError("SNAPSHOT_FAILED", `The analyst thread failed: ${e.message}`)));
    worker.on("exit", () => this.pending.failAll(new GuppyError("SNAPSHOT_FAILED", "The analyst thread ended.")));
  }

  /** Starts the worker; it does not keep the process alive on its own. */
  static start(): Analyst {
    // None of the program's flags: Guppy's own code needs none, and some (--input-type, a loader) break a worker.
    const worker = new Worker(new URL("./analyst-worker.js", import.meta.url), { execArgv: [] });
    worker.unref();
    return new Analyst(worker);
  }

  private request(msg: Record<string, unknown>): Promise<string> {
    const { id, reply } = this.pending.open(COMMAND_MS, () => new GuppyError("SNAPSHOT_FAILED", `The analyst did not answer within ${COMMAND_MS / 60_000} minutes.`));
    // Keep the process alive only while a command is under way.
    this.worker.ref();
    this.worker.postMessage({ id, ...msg });
    return reply.finally(() => {
      if (this.pending.size === 0) this.worker.unref();
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
