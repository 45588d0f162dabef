/**
 * The worker side of an analyst: a Heapy session whose heap is the main thread's,
 * running commands sent to it. Nothing it allocates is in the heap it analyses.
 * Messages in: { id, code } or { id, interrupt: true }; out: { id, text } or { id, error }.
 */
import { parentPort } from "node:worker_threads";
import { Session as InspectorSession } from "node:inspector/promises";
import { hpy } from "../session/session.js";

if (parentPort === null) throw new Error("analyst-worker runs as a worker thread");
const port = parentPort;
const h = hpy({ target: "main-thread" });
// A separate connection for interrupting: the session's own may be busy with a snapshot.
let control: InspectorSession | null = null;
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

/** How a result prints: Heapy's text for Guppy's objects, JSON for plain data. */
function show(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && value.toString !== Object.prototype.toString) return String(value);
  return JSON.stringify(value, null, 2) ?? String(value);
}

port.on("message", async (msg: { id: number; code?: string; interrupt?: boolean }) => {
  try {
    if (msg.interrupt) {
      if (control === null) {
        control = new InspectorSession();
        control.connectToMainThread();
      }
      await control.post("Runtime.terminateExecution");
      port.postMessage({ id: msg.id, text: "Interrupted the main thread." });
      return;
    }
    // An expression is returned; statements run as they are.
    const code = msg.code ?? "";
    let fn: (...a: unknown[]) => Promise<unknown>;
    try {
      fn = new AsyncFunction("h", `return (${code}\n);`);
    } catch {
      fn = new AsyncFunction("h", code);
    }
    port.postMessage({ id: msg.id, text: show(await fn(h)) });
  } catch (e) {
    port.postMessage({ id: msg.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
});
