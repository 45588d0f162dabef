/**
 * The worker side of an analyst: a Heapy session whose heap is the main thread's,
 * running commands sent to it. Nothing it allocates is in the heap it analyses.
 * Messages in: { id, code } or { id, interrupt: true }; out: { id, text } or { id, error }.
 */
import { parentPort } from "node:worker_threads";
import { hpy } from "../session/session.js";
import { CommandRunner } from "./command-runner.js";

if (parentPort === null) throw new Error("analyst-worker runs as a worker thread");
const port = parentPort;
const runner = new CommandRunner(() => hpy({ target: "main-thread" }));

port.on("message", async (msg: { id: number; code?: string; interrupt?: boolean }) => {
  try {
    const text = msg.interrupt ? await runner.interrupt() : await runner.run(msg.code ?? "");
    port.postMessage({ id: msg.id, text });
  } catch (e) {
    port.postMessage({ id: msg.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
});
