import { Session as InspectorSession } from "node:inspector/promises";
import type { Session } from "../session/session.js";
import { compileCommand, type Bindings } from "./console-code.js";

/** How a result prints: Heapy's text for Guppy's objects, JSON for plain data. */
export function show(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && value.toString !== Object.prototype.toString) return String(value);
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** What the console knows of the monitored program, for `stat`. */
export interface TargetInfo {
  pid: number;
  argv: readonly string[];
  execPath: string;
  /** The working directory when the annex started. */
  wd: string;
}

/**
 * Runs Heapy commands in a worker thread for the main thread's heap, as Heapy's annex
 * console does: code is an expression (its value is shown) or statements, with `h`
 * bound to the session, `hpy` making others of the same target, `_` to the last result,
 * and what a line declares kept for the next ones, until `reset`.
 */
export class CommandRunner {
  // A connection of its own for interrupting: the session's may be busy with a snapshot.
  private control: InspectorSession | null = null;

  private bindings: Bindings = Object.create(null) as Bindings;

  constructor(
    private readonly newSession: () => Session,
    private readonly target: TargetInfo = { pid: process.pid, argv: process.argv, execPath: process.execPath, wd: process.cwd() },
  ) {
    this.reset();
  }

  async run(code: string): Promise<string> {
    const value = await compileCommand(code, this.bindings)();
    // `_` is the last result, so `_.more` pages on, as in the REPL.
    if (value !== undefined) this.bindings._ = value;
    return show(value);
  }

  /** Heapy's annex `reset`: the bindings are forgotten, and h is a new session. */
  reset(): string {
    (this.bindings.h as Session | undefined)?.close();
    const b = Object.create(null) as Bindings;
    b.hpy = this.newSession;
    b.h = this.newSession();
    this.bindings = b;
    return "The console is reset: h is a new session, and the names the lines made, and _, are gone.";
  }

  /** Heapy's annex `stat`: an overview of the monitored program. */
  stat(): string {
    const rule = "-".repeat(36);
    const t = this.target;
    return ["Target overview", rule, `target.execPath         = ${t.execPath}`, `target.argv             = ${JSON.stringify(t.argv)}`, `target.wd               = ${t.wd}`, `target.pid              = ${t.pid}`, rule].join("\n");
  }

  /**
   * Heapy's `isolatest`: objects made by the console (one held by its bindings, one
   * by the runner) must not be in the heap that h reports, since the console lives in
   * another isolate. Their class is made by console code, not by Guppy's scripts, so
   * Guppy's hiding of its own objects cannot be what hides them.
   */
  async isolatest(): Promise<string> {
    const h = this.bindings.h as Session;
    const Probe = new Function("return class GuppyIsolationProbe {}")() as new () => object;
    const held = [new Probe(), new Probe()];
    this.bindings.__guppyIsolationProbe = held[0];
    try {
      const heap = await h.heap();
      const seen = heap.and(h.Clodo("GuppyIsolationProbe"));
      if (seen.count === 0) return "Isolation test succeeded.";
      return ["Isolation test failed.", "-- Shortest Path(s) to the console's test objects --", String(seen.sp)].join("\n");
    } finally {
      delete this.bindings.__guppyIsolationProbe;
      held.length = 0;
    }
  }

  private async controlSession(): Promise<InspectorSession> {
    if (this.control === null) {
      this.control = new InspectorSession();
      this.control.connectToMainThread();
      await this.control.post("Debugger.enable");
    }
    return this.control;
  }

  /**
   * Interrupts the main thread (an endless loop, say): it is paused in the debugger
   * where it runs, and the place is reported; heap commands still work while it is
   * paused, and `resume` lets it go on. (Node cannot safely abort running JavaScript:
   * Runtime.terminateExecution inside a callback corrupts its async-hook stack and
   * kills the process, so pausing is the interrupt that keeps the program alive.)
   */
  async interrupt(): Promise<string> {
    const s = await this.controlSession();
    const paused = new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve("The main thread did not stop within 5 s."), 5000);
      s.once("Debugger.paused", (m: { params: { callFrames: { functionName: string; url: string; location: { scriptId: string; lineNumber: number; columnNumber: number } }[] } }) => {
        clearTimeout(timer);
        const f = m.params.callFrames[0];
        const script = f ? f.url || `script ${f.location.scriptId}` : "";
        const where = f ? `${f.functionName || "(anonymous)"} (${script}:${f.location.lineNumber + 1}:${f.location.columnNumber + 1})` : "(unknown)";
        resolve(`Paused the main thread in ${where}. Heap commands still work; type resume to let it run.`);
      });
    });
    await s.post("Debugger.pause");
    return paused;
  }

  /** Lets a paused main thread run again. */
  async resume(): Promise<string> {
    const s = await this.controlSession();
    await s.post("Debugger.resume");
    return "Resumed the main thread.";
  }
}
