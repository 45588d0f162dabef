/**
 * The remote-monitor annex, in a worker thread of the monitored program: it listens on
 * 127.0.0.1 (a random port), requires the token it wrote to a 0600 file, and answers
 * Heapy commands about the main thread's heap. One JSON object per line each way:
 * in { token, code }, { token, interrupt: true }, { token, resume: true } or { token, command:
 * "stat" | "reset" | "isolatest" }; out { text } or { error }.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { basename, join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { newToken, tokenChecker } from "../../token.js";
import { hpy } from "../session/session.js";
import { annexDir, type AnnexInfo } from "./annex-files.js";
import { boundedLines } from "./bounded-lines.js";
import { CommandRunner } from "./command-runner.js";

const token = newToken();
const { pid, script, argv, cwd } = workerData as { pid: number; script: string; argv: string[]; cwd: string };
const runner = new CommandRunner(() => hpy({ target: "main-thread" }), { pid, argv, execPath: process.execPath, wd: cwd });

/** Longest request line accepted; a client sending more is answered once and dropped. */
const maxRequestBytes = 1024 * 1024;
/** Requests one connection may have waiting behind the one that runs. */
const maxQueued = 16;
/** Connections open at once; more are closed as they come. */
const maxConnections = 32;

const tokenOk = tokenChecker(token);

type Request = { token?: unknown; code?: unknown; interrupt?: unknown; resume?: unknown; command?: unknown };

/** The annex's own commands (Heapy's Annex): the rest of a request is code for the console. */
function annexCommand(command: unknown): Promise<string> | string | null {
  if (command === "stat") return runner.stat();
  if (command === "reset") return runner.reset();
  if (command === "isolatest") return runner.isolatest();
  return null;
}

// Every client is hostile until it shows the token: nothing it sends or does may throw
// out of here, because an uncaught error in this worker would end the monitored program.
const server = createServer({ allowHalfOpen: true }, (socket) => {
  let closed = false;
  let queued = 0;
  let queue = Promise.resolve();
  const send = (reply: object): void => {
    if (!closed && socket.writable) socket.write(JSON.stringify(reply) + "\n");
  };
  /** Answers once more (when given a reply), then reads nothing and writes nothing on this connection. */
  const refuse = (reply?: object): void => {
    if (closed) return;
    if (socket.writable) socket.end(reply === undefined ? "" : JSON.stringify(reply) + "\n");
    closed = true;
    stop();
    // Whatever the client still sends is drained and dropped until it hangs up, or 5 s.
    socket.resume();
    setTimeout(() => socket.destroy(), 5000).unref();
  };
  const handle = async (line: string): Promise<void> => {
    if (closed) return;
    let msg: Request;
    try {
      msg = JSON.parse(line) as Request;
    } catch {
      return refuse({ error: "not a JSON request" });
    }
    if (typeof msg !== "object" || msg === null) return refuse({ error: "not a JSON request" });
    if (!tokenOk(msg.token)) {
      process.stderr.write(`guppy annex (pid ${pid}): refused a connection without the right token\n`);
      return refuse({ error: "refused: wrong or missing token" });
    }
    try {
      const text = msg.interrupt === true ? await runner.interrupt() : msg.resume === true ? await runner.resume() : ((await annexCommand(msg.command)) ?? (await runner.run(String(msg.code ?? ""))));
      send({ text });
    } catch (e) {
      send({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  };
  const stop = boundedLines(socket, maxRequestBytes, {
    line: (line) => {
      if (++queued > maxQueued) return refuse({ error: `refused: more than ${maxQueued} requests waiting` });
      // One command at a time per connection, in order.
      queue = queue
        .then(() => handle(line))
        .catch(() => undefined)
        .finally(() => queued--);
    },
    overflow: () => refuse({ error: `refused: a request longer than ${maxRequestBytes} bytes` }),
  });
  // A client that half-closes after its requests still gets the answers, then the end.
  socket.on("end", () => {
    void queue.then(() => {
      refuse();
    });
  });
  socket.on("error", () => {
    closed = true;
    stop();
  });
});
// Connections share the program's file descriptors: a flood of them must not exhaust those.
server.maxConnections = maxConnections;
server.on("error", (e: NodeJS.ErrnoException) => process.stderr.write(`guppy annex (pid ${pid}): stopped listening (${e.code ?? e.name})\n`));

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const dir = annexDir();
  const file = join(dir, `${pid}.json`);
  const info: AnnexInfo = { pid, port, token, program: basename(script) };
  // Written whole under another name, then renamed: whoever lists the folder finds the
  // file complete or not at all, never empty (a client that read it half written took
  // the annex for a stale one, and a test that did failed).
  const part = `${file}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(part, JSON.stringify(info), { mode: 0o600 });
    renameSync(part, file);
  } catch (e) {
    // (What was written under the other name goes too; in a folder that is not one, nothing was.)
    try {
      rmSync(part, { force: true });
    } catch {
      // Nothing to remove.
    }
    // Without its file nobody can find the annex: it stops, the program goes on.
    process.stderr.write(`guppy annex (pid ${pid}): cannot announce itself in ${dir} (${(e as NodeJS.ErrnoException).code ?? "error"}); monitoring is off\n`);
    server.close();
    return;
  }
  parentPort?.postMessage({ file });
});
