import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, openSync, closeSync } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { GuppyError } from "../errors.js";
import { attachSnapshot } from "../heapy/capture/attach.js";
import { partition } from "../heapy/classify/partition.js";
import { hpy } from "../heapy/session/session.js";
import { Stat } from "../heapy/stat/stat.js";
import { AnnexClient, listAnnexes } from "../heapy/monitor/annex-client.js";
import { classifierNamed } from "../heapy/session/classifier-names.js";

/** Options of `guppy record`. */
export interface RecordOptions {
  attach?: string;
  annex?: number;
  /** The program to start and record: `-- node app.js args`. */
  command: string[];
  /** Seconds between the start of one sample and the next. */
  interval: number;
  by: string;
  out: string;
  /** Stop after this many samples (default: until Ctrl-C or the program ends). */
  count?: number;
  quiet: boolean;
}

/** Where one sample comes from: the stat text of the program's heap now. */
type Sampler = () => Promise<string>;

/** Starts `node ... app.js` with its inspector on a free local port; resolves with the port once it listens. */
function startProgram(command: string[]): Promise<{ child: ChildProcess; address: string }> {
  const [exe, ...args] = command;
  if (exe === undefined) throw new GuppyError("USAGE", "Give the program to record after --, e.g. guppy record --out run.hpy -- node app.js");
  if (!/^node(\.exe)?$/.test(basename(exe)) && exe !== process.execPath) {
    throw new GuppyError("USAGE", `guppy record starts Node programs (node app.js); for '${exe}', start it with --inspect and use --attach.`);
  }
  const child = spawn(exe, ["--inspect=127.0.0.1:0", ...args], { stdio: ["inherit", "inherit", "pipe"] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stderr! });
    let found = false;
    lines.on("line", (line) => {
      const m = /Debugger listening on ws:\/\/(127\.0\.0\.1:\d+)\//.exec(line);
      if (m && !found) {
        found = true;
        resolve({ child, address: m[1]! });
        return;
      }
      // The inspector's own chatter is not the program's output; the rest passes through.
      if (!/^(Debugger listening on|Debugger ending on|For help, see: https:\/\/nodejs.org\/en\/docs\/inspector|Debugger attached\.|Waiting for the debugger to disconnect)/.test(line)) process.stderr.write(line + "\n");
    });
    child.once("error", (e) => reject(new GuppyError("SNAPSHOT_FAILED", `The program could not be started (${e.message}).`)));
    child.once("exit", (code) => {
      if (!found) reject(new GuppyError("SNAPSHOT_FAILED", `The program ended (exit code ${code}) before its inspector listened.`));
    });
  });
}

/**
 * `guppy record`: samples a running program's heap every `interval` seconds,
 * partitioned by a classifier, appending each sample as one Heapy stat record (a
 * whole record per write, so a crash keeps every sample before it). Stops at Ctrl-C
 * (after the sample in progress), when the program ends, or after `count` samples.
 */
export async function recordCommand(opts: RecordOptions): Promise<number> {
  const sources = [opts.attach !== undefined, opts.annex !== undefined, opts.command.length > 0].filter(Boolean).length;
  if (sources !== 1) throw new GuppyError("USAGE", "Give exactly one of --attach HOST:PORT|PID, --annex N, or -- node app.js.");
  if (!(opts.interval > 0)) throw new GuppyError("USAGE", "--interval takes a number of seconds above 0.");
  const classifier = classifierNamed(opts.by);
  // Fail now, not after the first sample, if the file cannot be written.
  try {
    closeSync(openSync(opts.out, "a"));
  } catch (e) {
    throw new GuppyError("FILE_UNREADABLE", `The stat file cannot be written (${(e as NodeJS.ErrnoException).code ?? "error"}).`, { file: opts.out });
  }
  let child: ChildProcess | null = null;
  let ended = false;
  let annex: AnnexClient | null = null;
  let sample: Sampler;
  if (opts.annex !== undefined) {
    const info = listAnnexes()[opts.annex];
    if (info === undefined) throw new GuppyError("USAGE", `No monitored program number ${opts.annex}; guppy monitor's lc lists them.`);
    const client = (annex = await AnnexClient.open(info));
    const code = `(await h.heap()).by(h.classifier(${JSON.stringify(classifier.name)})).stat.toText()`;
    sample = async () => {
      const reply = await client.ask({ code });
      if (reply.error !== undefined) throw new GuppyError("SNAPSHOT_FAILED", `The program's annex could not take a sample (${reply.error}).`);
      return reply.text ?? "";
    };
  } else {
    let address = opts.attach!;
    if (opts.command.length > 0) {
      const started = await startProgram(opts.command);
      child = started.child;
      address = started.address;
      child.once("exit", () => (ended = true));
    }
    const h = hpy({ cacheDir: null });
    sample = async () => {
      const g = await attachSnapshot(address);
      return Stat.fromPartition(partition(h.heap(g), classifier)).toText();
    };
  }
  let stop = false;
  const onInt = (): void => {
    stop = true;
  };
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onInt);
  let taken = 0;
  const say = (s: string): void => void (opts.quiet || process.stderr.write(s + "\n"));
  try {
    while (!stop && !ended && (opts.count === undefined || taken < opts.count)) {
      const started = Date.now();
      let text: string;
      try {
        text = await sample();
      } catch (e) {
        // The program went away: what was recorded stays; anything else is the user's to see.
        if (ended || (child !== null && child.exitCode !== null)) break;
        if (taken > 0 && e instanceof GuppyError && e.code === "SNAPSHOT_FAILED") {
          say(`guppy: the program can no longer be sampled (${e.message}); stopping.`);
          break;
        }
        throw e;
      }
      appendFileSync(opts.out, text);
      taken++;
      say(`sample ${taken}: ${/\.count: (\d+)/.exec(text)?.[1] ?? "?"} objects, ${/\.size: (\d+)/.exec(text)?.[1] ?? "?"} bytes`);
      const wait = opts.interval * 1000 - (Date.now() - started);
      for (let left = wait; left > 0 && !stop && !ended; left -= 100) await new Promise((r) => setTimeout(r, Math.min(100, left)));
    }
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onInt);
    annex?.close();
    if (child !== null && child.exitCode === null) child.kill("SIGTERM");
  }
  say(`Recorded ${taken} sample${taken === 1 ? "" : "s"} to ${opts.out}${ended ? " (the program ended)" : ""}.`);
  return 0;
}
