import { Session as InspectorSession } from "node:inspector/promises";
import type { Session } from "../session/session.js";

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

/** How a result prints: Heapy's text for Guppy's objects, JSON for plain data. */
export function show(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && value.toString !== Object.prototype.toString) return String(value);
  return JSON.stringify(value, null, 2) ?? String(value);
}

/**
 * Compiles a command: an expression whose value is shown; or statements whose last
 * line, if an expression, is shown (as a REPL does); or statements alone.
 */
function compile(code: string): (...a: unknown[]) => Promise<unknown> {
  const lines = code.trimEnd().split("\n");
  const last = lines.pop() ?? "";
  const attempts = [`return (${code}\n);`, `${lines.join("\n")}\nreturn (${last.replace(/;\s*$/, "")}\n);`, code];
  for (const body of attempts) {
    try {
      return new AsyncFunction("h", "_", body);
    } catch {
      // not this form; try the next
    }
  }
  return new AsyncFunction("h", "_", code); // throws the SyntaxError of the code as written
}

/**
 * Runs Heapy commands in a worker thread for the main thread's heap: code is an
 * expression (its value is shown) or statements, with `h` bound to the session and
 * `_` to the last result.
 */
export class CommandRunner {
  // A connection of its own for interrupting: the session's may be busy with a snapshot.
  private control: InspectorSession | null = null;

  /** The last result, `_` in the next command (so `_.more` pages on, as in the REPL). */
  private last: unknown = undefined;

  constructor(private readonly h: Session) {}

  async run(code: string): Promise<string> {
    const value = await compile(code)(this.h, this.last);
    if (value !== undefined) this.last = value;
    return show(value);
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
