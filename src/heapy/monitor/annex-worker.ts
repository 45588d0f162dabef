/**
 * The remote-monitor annex, in a worker thread of the monitored program: it listens on
 * 127.0.0.1 (a random port), requires the token it wrote to a 0600 file, and answers
 * Heapy commands about the main thread's heap. One JSON object per line each way:
 * in { token, code }, { token, interrupt: true } or { token, resume: true }; out { text } or { error }.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { basename, join } from "node:path";
import { createInterface } from "node:readline";
import { parentPort, workerData } from "node:worker_threads";
import { hpy } from "../session/session.js";
import { annexDir, type AnnexInfo } from "./annex-files.js";
import { CommandRunner } from "./command-runner.js";

const token = randomBytes(24).toString("hex");
const runner = new CommandRunner(hpy({ target: "main-thread" }));
const { pid, script } = workerData as { pid: number; script: string };

function tokenOk(given: unknown): boolean {
  if (typeof given !== "string" || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

const server = createServer((socket) => {
  const lines = createInterface({ input: socket });
  // One command at a time per connection, in order.
  let queue = Promise.resolve();
  lines.on("line", (line) => {
    queue = queue.then(async () => {
      let msg: { token?: unknown; code?: unknown; interrupt?: unknown; resume?: unknown };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        socket.end(JSON.stringify({ error: "not a JSON request" }) + "\n");
        return;
      }
      if (!tokenOk(msg.token)) {
        process.stderr.write(`guppy annex (pid ${pid}): refused a connection without the right token\n`);
        socket.end(JSON.stringify({ error: "refused: wrong or missing token" }) + "\n");
        return;
      }
      try {
        const text = msg.interrupt === true ? await runner.interrupt() : msg.resume === true ? await runner.resume() : await runner.run(String(msg.code ?? ""));
        socket.write(JSON.stringify({ text }) + "\n");
      } catch (e) {
        socket.write(JSON.stringify({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }) + "\n");
      }
    });
  });
  socket.on("error", () => undefined);
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const dir = annexDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${pid}.json`);
  const info: AnnexInfo = { pid, port, token, program: basename(script) };
  writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  parentPort?.postMessage({ file });
});
