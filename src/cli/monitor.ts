import { createInterface } from "node:readline";
import type { AnnexInfo } from "../heapy/monitor/annex-files.js";
import { AnnexClient, listAnnexes } from "../heapy/monitor/annex-client.js";

const HELP = `Commands of the monitor console:
  lc            list the programs that can be monitored (started with: node --import guppy/rm app.js)
  sc N          talk to program N of the list (sc alone: the last one); then lines are Heapy commands
                run in it, with h bound to its session: e.g. (await h.heap()).byclodo — end a line
                with \\ to continue it; what a line declares (let x = ...) and _ stay for the next lines
  .             back to the monitor, the connection kept (sc N returns to it, names and all);
                .CMD runs monitor command CMD directly, e.g. .sc 1 or .lc
  help, exit    this text; leave the console (q too, in the monitor)
Commands to the selected program:
  stat          an overview of the program: node, argv, working directory, pid
  reset         forget the names the lines made, and _; h becomes a new session
  isolatest     check that the console's own objects are not in the heap h reports
  int           interrupt the program: pause its main thread where it runs (an endless loop, say)
                and say where; heap commands still work while it is paused
  resume        let an interrupted program run again
  close         close the connection to the program`;

/** The requests an annex answers by name rather than as code. */
const ANNEX_COMMANDS: Record<string, Record<string, unknown>> = {
  int: { interrupt: true },
  resume: { resume: true },
  stat: { command: "stat" },
  reset: { command: "reset" },
  isolatest: { command: "isolatest" },
};

/**
 * `guppy monitor`: Guppy-PE's remote monitor console. Reads commands from stdin
 * (a terminal or a pipe) and prints to stdout. As in Guppy-PE, connections stay open
 * while the console is back at the monitor (`.`), so a program's console keeps its
 * names between visits.
 */
export async function monitorConsole(): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: Boolean(process.stdin.isTTY) });
  const out = (s: string): void => void process.stdout.write(s.endsWith("\n") ? s : s + "\n");
  let listed: AnnexInfo[] = [];
  const open = new Map<number, AnnexClient>();
  let current = null as AnnexClient | null;
  let last: AnnexInfo | null = null;
  let pending = "";
  const prompt = (): void => {
    rl.setPrompt(pending !== "" ? "... " : current ? `<${current.info.pid}> ` : "<Monitor> ");
    if (process.stdin.isTTY) rl.prompt();
  };
  const closeOne = (c: AnnexClient): void => {
    c.close();
    open.delete(c.info.pid);
    if (current === c) current = null;
  };
  const select = async (arg: string | undefined): Promise<void> => {
    const info = arg === undefined ? last : listed[Number(arg)];
    if (info === null || info === undefined || (arg !== undefined && !Number.isInteger(Number(arg)))) return out("No such program; type lc to list them.");
    let client = open.get(info.pid);
    if (client === undefined) {
      try {
        client = await AnnexClient.open(info);
      } catch (e) {
        return out(`Error: ${(e as Error).message}`);
      }
      open.set(info.pid, client);
    }
    current = client;
    last = info;
    out(`Selected pid ${info.pid} (${info.program}). h is its session; try (await h.heap()).byclodo`);
    out("To return to the monitor, type . (the connection stays open).");
  };
  /** One monitor command; true to leave the console. */
  const monitorCommand = async (command: string): Promise<boolean> => {
    const [word, arg] = command.split(/\s+/, 2);
    if (word === "exit" || (word === "q" && current === null)) return true;
    if (word === "help" || word === "h") out(HELP);
    else if (word === "lc") {
      listed = listAnnexes();
      if (listed.length === 0) out("No monitored programs are running.");
      listed.forEach((a, i) => out(`${String(i).padStart(2)}: pid ${a.pid}  ${a.program}${current?.info.pid === a.pid ? "  (selected)" : open.has(a.pid) ? "  (connected)" : ""}`));
    } else if (word === "sc") await select(arg);
    else if (word === "") {
      // nothing
    } else out(current === null ? "No program is selected; type lc, then sc N." : `${word}: not a monitor command; type help.`);
    return false;
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
    const [word] = command.split(/\s+/, 1);
    let leave = false;
    if (command === "") {
      // nothing
    } else if (command === ".") {
      if (current !== null) out(`Back in the monitor; pid ${current.info.pid} stays connected (sc returns to it).`);
      current = null;
    } else if (command.startsWith(".")) {
      leave = await monitorCommand(command.slice(1).trim());
    } else if (current === null || word === "exit" || word === "help" || word === "lc" || word === "sc") {
      leave = await monitorCommand(command);
    } else if (word === "close") {
      closeOne(current);
    } else if (word === "q") {
      out("To return to the monitor, type . ; to close this connection, type close.");
    } else {
      const reply = await current.ask(ANNEX_COMMANDS[command] ?? { code: command });
      // A statement's value is nothing: no line for it, as in Heapy's console.
      if (reply.error !== undefined) out(`Error: ${reply.error}`);
      else if (reply.text) out(reply.text);
    }
    if (leave) break;
    prompt();
  }
  for (const c of [...open.values()]) c.close();
  rl.close();
}
