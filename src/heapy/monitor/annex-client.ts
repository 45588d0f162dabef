import { readdirSync, readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { annexDir, type AnnexInfo } from "./annex-files.js";

/** One connection to an annex; replies come back in order, one line each. */
export class AnnexClient {
  private readonly replies: ((line: string) => void)[] = [];
  private readonly lines: Interface;

  private constructor(private readonly socket: Socket, readonly info: AnnexInfo) {
    this.lines = createInterface({ input: socket });
    this.lines.on("line", (line) => this.replies.shift()?.(line));
    socket.on("close", () => {
      for (const r of this.replies.splice(0)) r(JSON.stringify({ error: "the program closed the connection" }));
    });
  }

  static open(info: AnnexInfo): Promise<AnnexClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(info.port, "127.0.0.1", () => resolve(new AnnexClient(socket, info)));
      socket.once("error", () => reject(new Error(`cannot reach program ${info.pid} on its port`)));
    });
  }

  ask(request: Record<string, unknown>, timeoutMs = 10 * 60_000): Promise<{ text?: string; error?: string }> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ error: "no answer in time" }), timeoutMs);
      this.replies.push((line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { text?: string; error?: string });
      });
      this.socket.write(JSON.stringify({ token: this.info.token, ...request }) + "\n");
    });
  }

  close(): void {
    this.lines.close();
    this.socket.end();
  }
}

/** The annexes whose programs are still running. */
export function listAnnexes(): AnnexInfo[] {
  let files: string[];
  try {
    files = readdirSync(annexDir()).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  const out: AnnexInfo[] = [];
  for (const f of files.sort()) {
    try {
      const info = JSON.parse(readFileSync(join(annexDir(), f), "utf8")) as AnnexInfo;
      process.kill(info.pid, 0);
      out.push(info);
    } catch {
      // A program that ended without cleaning up, or a file that is not ours: not listed.
    }
  }
  return out;
}

