import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import repl from "node:repl";
import { inspect } from "node:util";
import type { HeapySet } from "../heapy/session/heapy-set.js";
import { hpy, type Session } from "../heapy/session/session.js";
import { SESSION_TOOLS } from "../session-tools.js";
import { loadHeap } from "./load.js";
import { isGuppyError } from "../errors.js";

/** Where the REPL keeps its history: GUPPY_REPL_HISTORY, or the user's config folder. */
function historyFile(): string {
  if (process.env.GUPPY_REPL_HISTORY) return process.env.GUPPY_REPL_HISTORY;
  const config = process.env.XDG_CONFIG_HOME ?? join(homedir(), ".config");
  return join(config, "guppy", "repl_history");
}

/** Whether colours may be used: a terminal, and no NO_COLOR. */
function colours(): boolean {
  return Boolean(process.stdout.isTTY) && !("NO_COLOR" in process.env);
}

/**
 * How results print: Guppy's objects as Heapy text (their own toString, so a set
 * prints as its partition table and `_.more` pages on), anything else as Node does.
 */
export function guppyWriter(value: unknown): string {
  // Guppy's errors are one line, as on the command line, never a stack (Node shows other errors as it does).
  if (isGuppyError(value)) return `${value.name} ${value.code}: ${value.message}`;
  if ((typeof value === "object" || typeof value === "function") && value !== null && typeof (value as Record<symbol, unknown>)[inspect.custom] === "function") {
    return String((value as Record<symbol, () => unknown>)[inspect.custom]!.call(value));
  }
  if (typeof value === "object" && value !== null) {
    const own = (value as { toString?: unknown }).toString;
    if (typeof own === "function" && own !== Object.prototype.toString && !Array.isArray(value) && !(value instanceof Error) && !(value instanceof Map) && !(value instanceof Set)) {
      return String(value);
    }
  }
  return inspect(value, { colors: colours(), depth: 2 });
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === "object" || typeof x === "function") && x !== null && typeof (x as PromiseLike<unknown>).then === "function";
}

/** The session's methods that return promises. */
const ASYNC_CALL = /\bh\s*\.\s*(heap|load|iso|graph|setref|setrelheap|track|untrack|saveCaches)\s*\(/g;

/** The index after the parenthesis that closes the one at `open` (quotes skipped), or -1. */
function closing(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code[i]!;
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === "\\") i++;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * The code with each call of the session's async methods awaited in place, so
 * `h.heap().bytype.at(0)` and `s = h.load(f)` work as a Heapy user types them;
 * calls already awaited are left as they are.
 */
export function awaited(code: string): string {
  const calls = [...code.matchAll(ASYNC_CALL)].filter((m) => !/\bawait\s*\(?\s*$/.test(code.slice(0, m.index)));
  let out = code;
  for (const m of calls.reverse()) {
    const end = closing(out, m.index! + m[0].length - 1);
    if (end < 0) continue;
    out = `${out.slice(0, m.index)}(await ${out.slice(m.index, end)})${out.slice(end)}`;
  }
  return out;
}

/** A REPL server with Guppy's writer and `h`, `s0`, ... in its context (streams default to stdin/stdout). */
export function guppyRepl(opts: { h: Session; sets: HeapySet[]; input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream; terminal?: boolean }): repl.REPLServer {
  const server = repl.start({
    prompt: "guppy> ",
    writer: guppyWriter,
    useColors: colours(),
    ignoreUndefined: true,
    ...(opts.input ? { input: opts.input } : {}),
    ...(opts.output ? { output: opts.output } : {}),
    ...(opts.terminal !== undefined ? { terminal: opts.terminal } : {}),
  });
  // The session's promises are awaited where they are typed, so `h.heap().bytype` works as Heapy's does and `_`
  // is the set itself; any other promise a line gives is awaited before it prints.
  const evaluate = server.eval;
  (server as { eval: repl.REPLEval }).eval = (code, context, file, done) =>
    evaluate.call(server, awaited(code), context, file, (err: Error | null, result: unknown) => {
      if (err === null && isThenable(result)) result.then((v) => done(null, v), (e: Error) => done(e, undefined));
      else done(err, result);
    });
  server.context.h = opts.h;
  opts.sets.forEach((s, i) => (server.context[`s${i}`] = s));
  return server;
}

/**
 * `guppy repl [FILE...]`: a Node REPL with `h = hpy()` ready and the files loaded as
 * `s0`, `s1`, ...; results print as Heapy text, `_` is the last result, top-level
 * await works (`await h.heap()`), members complete with Tab, history is kept.
 */
export async function startRepl(files: string[]): Promise<void> {
  const h = hpy({ pb: SESSION_TOOLS.pb });
  const sets = [];
  for (const f of files) sets.push(await loadHeap(h, f, false));
  const out = process.stdout;
  out.write(`Guppy ${"0.1.0"} — Heapy for V8 heaps. h = hpy() is ready${sets.length > 0 ? `; ${sets.map((s, i) => `s${i} = ${files[i]} (${s.count} objects)`).join(", ")}` : ""}.\n`);
  out.write("Type h.doc for help on h, s0.doc on a set; _ is the last result (_.more pages on).\n");
  const server = guppyRepl({ h, sets });
  const history = historyFile();
  try {
    mkdirSync(dirname(history), { recursive: true });
    await new Promise<void>((resolve) => server.setupHistory(history, () => resolve()));
  } catch {
    // No history where the folder cannot be made; the session works the same.
  }
  await new Promise<void>((resolve) => server.on("exit", () => resolve()));
  // What the session computed makes the next session on the same files start at once.
  await h.saveCaches();
  h.close();
  // A terminal's stdin would keep the process waiting after .exit.
  process.stdin.pause();
  (process.stdin as { unref?: () => void }).unref?.();
}
