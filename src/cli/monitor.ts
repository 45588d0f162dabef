import { createInterface } from "node:readline";
import type { AnnexInfo } from "../heapy/monitor/annex-files.js";
import { AnnexClient, listAnnexes } from "../heapy/monitor/annex-client.js";

const HELP = `Commands of the monitor console:
  lc            list the programs that can be monitored (started with: node --import guppy/rm app.js)
  sc N          select program N from the list; then lines are Heapy commands run in it, with h bound
                to its session: e.g. (await h.heap()).byclodo  — end a line with \\ to continue it
  int           interrupt the selected program: pause its main thread where it runs (an endless
                loop, say) and say where; heap commands still work while it is paused
  resume        let an interrupted program run again
  close         leave the selected program
  help          this text
  exit          leave the console`;

/**
 * `guppy monitor`: Guppy-PE's remote monitor console. Reads commands from stdin
 * (a terminal or a pipe) and prints to stdout.
 */
export async function monitorConsole(): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: Boolean(process.stdin.isTTY) });
  const out = (s: string): void => void process.stdout.write(s.endsWith("\n") ? s : s + "\n");
  let listed: AnnexInfo[] = [];
  let current: AnnexClient | null = null;
  let pending = "";
  const prompt = (): void => {
    rl.setPrompt(pending !== "" ? "... " : current ? `<${current.info.pid}> ` : "<Monitor> ");
    if (process.stdin.isTTY) rl.prompt();
  };
  out("Guppy remote monitor. Type help for the commands.");
  prompt();
  for await (const raw of rl) {
    const line = raw.trimEnd();
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + "\n";
      prompt();
      continue;
    }
    const command = (pending + line).trim();
    pending = "";
    const [word, arg] = command.split(/\s+/, 2);
    if (command === "") {
      // nothing
    } else if (word === "exit") {
      break;
    } else if (word === "help") {
      out(HELP);
    } else if (word === "lc") {
      listed = listAnnexes();
      if (listed.length === 0) out("No monitored programs are running.");
      listed.forEach((a, i) => out(`${String(i).padStart(2)}: pid ${a.pid}  ${a.program}${current?.info.pid === a.pid ? "  (selected)" : ""}`));
    } else if (word === "sc") {
      const n = Number(arg);
      const info = listed[n];
      if (!Number.isInteger(n) || info === undefined) out("No such program; type lc to list them.");
      else {
        current?.close();
        try {
          current = await AnnexClient.open(info);
          out(`Selected pid ${info.pid} (${info.program}). h is its session; try (await h.heap()).byclodo`);
        } catch (e) {
          current = null;
          out(`Error: ${(e as Error).message}`);
        }
      }
    } else if (word === "close") {
      current?.close();
      current = null;
    } else if (current === null) {
      out("No program is selected; type lc, then sc N.");
    } else {
      const reply = await current.ask(word === "int" ? { interrupt: true } : word === "resume" ? { resume: true } : { code: command });
      out(reply.error !== undefined ? `Error: ${reply.error}` : (reply.text ?? ""));
    }
    prompt();
  }
  current?.close();
  rl.close();
}
