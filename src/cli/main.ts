import { Command, CommanderError, InvalidArgumentError } from "commander";
import { GuppyError } from "../errors.js";
import { CommandRun } from "./command-run.js";
import type { RunOptions } from "./run.js";
import type { TableOptions } from "./heapy-commands.js";

// Each command loads its module when it runs: a command needs only its own part of
// Guppy, and loading all of it (the session, the browser driver, GSL) would add to
// the start-up of every one.
const heapy = (): Promise<typeof import("./heapy-commands.js")> => import("./heapy-commands.js");

function objectId(v: string): number {
  const n = Number(v.replace(/^@/, ""));
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected an object id such as @1234");
  return n;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return n;
}

function port(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError("expected a port number from 0 to 65535");
  return n;
}

/** Builds the `guppy` command line for one run (which collects the exit code and the sessions opened). */
export function buildProgram(run: CommandRun = new CommandRun()): Command {
  const program = new Command("guppy")
    .description("Guppy: heap analysis for JavaScript and TypeScript programs (V8 .heapsnapshot files)")
    .version("0.1.0")
    .exitOverride()
    .showHelpAfterError(false);

  program
    .command("demo")
    .description("a one-minute walk through Heapy on a built-in program with a known leak")
    .option("--json", "print the walk-through as JSON (no progress output)", false)
    .option("--dir <dir>", "where to keep the demo's two snapshots (default: the temp folder)")
    .addHelpText("after", "\nExamples:\n  guppy demo\n  guppy demo --json --dir ./demo")
    .action(async (o: { json: boolean; dir?: string }) => (await import("./demo/run-demo.js")).runDemo(o));

  program
    .command("summary")
    .argument("<file>", "a .heapsnapshot or .heapsnapshot.gz file")
    .description("totals, the partition by V8 node type, and the largest retainers of a snapshot")
    .option("--top <n>", "how many of the largest retainers to list", positiveInt, 10)
    .option("--json", "print the analysis as JSON (no progress output)", false)
    .addHelpText("after", "\nExamples:\n  guppy summary app.heapsnapshot\n  guppy summary app.heapsnapshot.gz --top 20 --json")
    .action(async (file: string, o: { top: number; json: boolean }) => {
      await (await import("./analyse.js")).analyseFile(file, o, await run.graphs());
    });
  // Commands that act on chosen objects share how they are chosen and shown.
  const selectionOptions = (c: Command): Command =>
    c
      .option("--id <id>", "one object, by its V8 id (DevTools' @id)", objectId)
      .option("--kind <name>", "every object of this class (a Clodo kind, as guppy heap lists them)")
      .option("--limit <n>", "lines to show", positiveInt, 10)
      .option("--all", "show every line", false)
      .option("--json", "print JSON (no progress output)", false);

  const tableOptions = (c: Command): Command =>
    c
      .option("--by <kinds>", "classifier: type, clodo, id, size, unity, via, rcs, or several joined by commas (type,size)", "clodo")
      .option("--limit <n>", "rows to show", positiveInt, 10)
      .option("--all", "show every row", false)
      .option("--json", "print JSON (no progress output)", false);

  tableOptions(
    program
      .command("heap")
      .argument("[file]", "a .heapsnapshot or .heapsnapshot.gz file")
      .description("the objects reachable from the root, partitioned as Heapy's table (by class unless --by)")
      .option("--attach <target>", "snapshot a live process instead: HOST:PORT of an inspector (node --inspect, Chromium), or the PID of a Node process")
      .addHelpText("after", "\nExamples:\n  guppy heap app.heapsnapshot --by type\n  guppy heap --attach 127.0.0.1:9229\n  guppy heap --attach 4242"),
  ).action(async (file: string | undefined, o: TableOptions) => (await heapy()).heapCommand(file, o, run));

  tableOptions(
    program
      .command("diff")
      .argument("<old>", "the earlier snapshot")
      .argument("<new>", "a later snapshot of the same process")
      .description("objects in NEW that OLD did not have (matched by V8 object id), partitioned")
      .addHelpText("after", "\nExamples:\n  guppy diff before.heapsnapshot after.heapsnapshot\n  guppy diff before.heapsnapshot after.heapsnapshot --by type --all"),
  ).action(async (oldFile: string, newFile: string, o: TableOptions) => (await heapy()).diffCommand(oldFile, newFile, o, run));

  selectionOptions(
    program
      .command("sp")
      .argument("<file>", "a .heapsnapshot or .heapsnapshot.gz file")
      .description("all shortest paths from the root to those of the objects chosen by --id or --kind nearest it (Heapy's sp)")
      .addHelpText("after", "\nExamples:\n  guppy sp app.heapsnapshot --kind SessionCache\n  guppy sp app.heapsnapshot --id @12345 --json"),
  ).action(async (file: string, o: { id?: number; kind?: string; limit: number; all: boolean; json: boolean }) => (await heapy()).spCommand(file, o, run));

  selectionOptions(
    program
      .command("rp")
      .argument("<file>", "a .heapsnapshot or .heapsnapshot.gz file")
      .description("the reference pattern of the objects chosen by --id or --kind: who refers to them, grouped by kind, level by level")
      .option("--depth <n>", "levels of referrers to follow", positiveInt, 7)
      .option("--by <kinds>", "classifier for grouping referrers", "clodo")
      .addHelpText("after", "\nExamples:\n  guppy rp app.heapsnapshot --kind Session\n  guppy rp app.heapsnapshot --id @12345 --depth 3 --all"),
  ).action(async (file: string, o: { id?: number; kind?: string; depth: number; by: string; limit: number; all: boolean; json: boolean }) => (await heapy()).rpCommand(file, o, run));

  program
    .command("dom")
    .argument("<file>", "a .heapsnapshot or .heapsnapshot.gz file")
    .description("the objects with the largest retained sizes, each with its shortest path from the root")
    .option("--top <n>", "how many", positiveInt, 10)
    .option("--json", "print JSON (no progress output)", false)
    .addHelpText("after", "\nExamples:\n  guppy dom app.heapsnapshot\n  guppy dom app.heapsnapshot --top 25 --json")
    .action(async (file: string, o: { top: number; json: boolean }) => (await import("./dom-command.js")).domCommand(file, o, run));
  program
    .command("repl")
    .argument("[files...]", "snapshots to load as s0, s1, ...")
    .description("an interactive session: h = hpy() ready, the files loaded, results printed as Heapy text")
    .addHelpText("after", "\nExamples:\n  guppy repl app.heapsnapshot\n  guppy> s0.byclodo\n  guppy> _.more\n  guppy> s0.and(h.Clodo(\"Foo\")).sp\n  guppy> h.doc")
    .action(async (files: string[]) => (await import("./repl.js")).startRepl(files));

  program
    .command("mcp")
    .description("a Model Context Protocol server on stdio for coding agents: Heapy's tools (open, partition, paths, leaks, ...) as MCP tools")
    .addHelpText("after", "\nExamples:\n  claude mcp add guppy -- npx guppy mcp\n  guppy mcp   # speaks MCP on stdin/stdout; binds nothing on the network")
    .action(async () => {
      // Loaded on use: the MCP SDK is not needed by the other commands.
      const { serveMcp } = await import("../mcp/server.js");
      await serveMcp();
    });

  program
    .command("monitor")
    .description("console for programs started with `node --import guppy/rm app.js`: list (lc), select (sc N), run Heapy commands, interrupt (int)")
    .addHelpText("after", "\nExample:\n  node --import guppy/rm app.js &\n  guppy monitor\n  <Monitor> lc\n  <Monitor> sc 0\n  <1234> (await h.heap()).byclodo")
    .action(async () => (await import("./monitor.js")).monitorConsole());

  program
    .command("leaks")
    .argument("<base>", "a snapshot before the scenario (after a warm-up)")
    .argument("<later...>", "two or more snapshots, each after another run (or batch of runs) of the scenario")
    .description("objects allocated after BASE that the last snapshot still holds, in groups that grew in every interval, grouped by how they are held; exit 1 when leaks exceed --threshold")
    .option("--threshold <bytes>", "retained bytes of leaks tolerated before exiting 1", (v) => Number(v), 0)
    .option("--all", "show every group", false)
    .option("--json", "print JSON (no progress output)", false)
    .addHelpText("after", "\nExamples:\n  guppy leaks base.heapsnapshot target.heapsnapshot final.heapsnapshot\n  guppy leaks s0.heapsnapshot s1.heapsnapshot s2.heapsnapshot s3.heapsnapshot --threshold 100000 --json")
    .action(async (base: string, later: string[], o: { threshold: number; all: boolean; json: boolean }) => {
      run.code = await (await heapy()).leaksCommand([base, ...later], o, run);
    });

  program
    .command("run")
    .argument("<scenario>", "a scenario file: memlab's format (url, action, back, setup, repeat, leakFilter, ...) or Guppy's defineScenario")
    .description("drive a web page in Chromium through a scenario (action, back, repeated), keep three snapshots, and report what the action left behind; exit 1 above --threshold, 2 on errors")
    .option("--browser <path>", "the Chromium or Chrome to start (default: /usr/bin/chromium)")
    .option("--cdp <url>", "drive a browser or Electron app already listening for DevTools on this machine (http://127.0.0.1:9222)")
    .option("--repeat <n>", "rounds of action and back (default: the scenario's, else 3)", positiveInt)
    .option("--threshold <bytes>", "retained bytes of leaks tolerated before exiting 1", (v) => Number(v), 0)
    .option("--out <dir>", "where to keep the snapshots (default: a new guppy-run-… folder here)")
    .option("--all", "show every group", false)
    .option("--json", "print JSON (no progress output)", false)
    .addHelpText("after", "\nExamples:\n  guppy run scenario.js\n  guppy run scenario.mjs --repeat 5 --out snapshots --json\n  guppy run scenario.js --cdp http://127.0.0.1:9222")
    .action(async (file: string, o: RunOptions) => {
      run.code = await (await import("./run.js")).runCommand(file, o, run);
    });

  program
    .command("waste")
    .argument("<file>", "a .heapsnapshot or .heapsnapshot.gz file")
    .description("known waste: duplicated strings, detached DOM nodes, empty and sparse collections, closures holding variables they do not use; exit 1 above --threshold")
    .option("--only <reports>", "some of: strings, dom, collections, captures (joined by commas)")
    .option("--threshold <bytes>", "wasted bytes tolerated before exiting 1", (v) => Number(v), Number.POSITIVE_INFINITY)
    .option("--all", "show every kind", false)
    .option("--json", "print JSON (no progress output)", false)
    .addHelpText("after", "\nExamples:\n  guppy waste app.heapsnapshot\n  guppy waste page.heapsnapshot --only dom,strings --json\n  guppy waste app.heapsnapshot --threshold 1000000   # exit 1 when over 1 MB is wasted")
    .action(async (file: string, o: { only?: string; threshold: number; all: boolean; json: boolean }) => {
      run.code = await (await heapy()).wasteCommand(file, o, run);
    });

  program
    .command("growth")
    .argument("<files...>", "two or more snapshots of one process, oldest first")
    .description("collections (Map, Set, Array, objects used as dictionaries) that grew at every step; exit 1 when any did")
    .option("--min <n>", "entries a collection must have gained in all", positiveInt, 10)
    .option("--all", "show every collection", false)
    .option("--json", "print JSON (no progress output)", false)
    .addHelpText("after", "\nExamples:\n  guppy growth s1.heapsnapshot s2.heapsnapshot s3.heapsnapshot\n  guppy growth before.heapsnapshot after.heapsnapshot --min 100 --json")
    .action(async (files: string[], o: { min: number; all: boolean; json: boolean }) => {
      run.code = await (await heapy()).growthCommand(files, o, run);
    });

  program
    .command("export")
    .argument("<files...>", "snapshots to export (each becomes the partition snapshot=NAME, NAME from its file name)")
    .description("heaps as tables: Parquet files of objects, edges, classes and snapshots, Hive-partitioned by snapshot, for guppy sql, DuckDB, Spark or Trino")
    .requiredOption("--to <dir>", "the dataset folder (created; exports of other snapshots into it add to one dataset)")
    .option("--json", "print what was written as JSON (no progress output)", false)
    .addHelpText("after", "\nExamples:\n  guppy export s1.heapsnapshot s2.heapsnapshot s3.heapsnapshot --to heaps/\n  guppy sql \"SELECT snapshot, count(*) FROM objects GROUP BY ALL\" heaps/")
    .action(async (files: string[], o: { to: string; json: boolean }) => (await import("./tables-commands.js")).exportCommand(files, o));

  program
    .command("sql")
    .argument("<query>", "SQL (DuckDB's dialect) over the views objects, edges, classes and snapshots, or @NAME for a named query (@classes-grew-every-step, @collections-grew-every-step, @class-growth, @top-retainers, @detached-dom)")
    .argument("<inputs...>", "dataset folders from guppy export, and/or snapshot files (exported on the fly into the snapshot cache)")
    .description("SQL over heaps as tables on embedded DuckDB: one snapshot or a fleet's")
    .option("--limit <n>", "rows to show", positiveInt, 10)
    .option("--all", "show every row", false)
    .option("--json", "print the rows as JSON", false)
    .option("--csv", "print the rows as CSV", false)
    .addHelpText("after", "\nExamples:\n  guppy sql \"SELECT class, count, shallow_size FROM classes ORDER BY shallow_size DESC\" app.heapsnapshot\n  guppy sql \"SELECT snapshot, sum(retained_size) FROM objects WHERE class = 'SessionCache' GROUP BY ALL\" heaps/ --csv")
    .action(async (query: string, inputs: string[], o: { limit: number; all: boolean; json: boolean; csv: boolean }) => (await import("./tables-commands.js")).sqlCommand(query, inputs, o));

  program
    .command("gsl")
    .argument("<specs...>", "GSL specification files (.gsl)")
    .description("GSL: check specifications and generate HTML documents and node:test files from them")
    .option("--html <dir>", "write the HTML documents here")
    .option("--tests <dir>", "write the generated tests here")
    .option("--binding <module>", "the module the tests import for objects, predicates and conditions (default: ./gsl-binding.js beside the tests)")
    .option("--runtime <specifier>", "how the tests import the GSL test runtime", "guppy/gsl-test")
    .option("--xhtml <dir>", "write the XHTML documents (of documents with ..output: xhtml) here")
    .option("--markdown <file>", "write the API as Markdown between guppy gsl's markers in this file (a README), linked to the --html documents")
    .option("--check-types [module]", "check the specs against the TypeScript declarations of this module (default: the --binding module's .ts source); exit 1 on findings")
    .addHelpText("after", "\nExamples:\n  guppy gsl specs/index.gsl --html docs --xhtml docs --markdown README.md\n  guppy gsl specs/index.gsl --tests test/generated --binding test/gsl-binding.js\n  node --test test/generated/\n  guppy gsl specs/index.gsl --check-types test/gsl/guppy-binding.ts")
    .action(async (specs: string[], o: { html?: string; xhtml?: string; tests?: string; binding?: string; runtime: string; markdown?: string; checkTypes?: string | boolean }) => {
      const { written, model } = (await import("../gsl/gsl.js")).compileSpecs(specs, o);
      process.stdout.write(`${model.kinds.size} kinds in ${model.files.size} file${model.files.size === 1 ? "" : "s"}; wrote ${written.length} file${written.length === 1 ? "" : "s"}${written.length ? `:\n  ${written.join("\n  ")}` : "."}\n`);
      if (o.checkTypes === undefined) return;
      const module = typeof o.checkTypes === "string" ? o.checkTypes : o.binding;
      if (module === undefined) throw new GuppyError("USAGE", "--check-types needs a module: --check-types MODULE, or --binding MODULE.");
      const { checkTypes, formatFinding } = await import("../gsl/check-types.js");
      const findings = await checkTypes(model, module);
      for (const f of findings) process.stdout.write(`${formatFinding(f)}\n`);
      process.stdout.write(`${findings.length} type finding${findings.length === 1 ? "" : "s"} against ${module}.\n`);
      run.code = findings.length > 0 ? 1 : 0;
    });

  program
    .command("pb")
    .argument("<files...>", "stat files (from guppy record or --dump) and/or .heapsnapshot files")
    .description("the profile browser: stat files as charts over time with a table at A, B or between them; snapshots to explore (partition, drill down, paths, reference patterns, retained sets, differences)")
    .option("--port <n>", "port on 127.0.0.1 (default: a free one)", port, 0)
    .option("--open", "open the page in the default browser", false)
    .addHelpText("after", "\nExamples:\n  guppy pb run.hpy\n  guppy pb before.heapsnapshot after.heapsnapshot --open")
    .action(async (files: string[], o: { port: number; open: boolean }) => (await import("./pb.js")).pbCommand(files, o));

  program
    .command("record")
    .argument("[command...]", "with --: the Node program to start and record (node app.js ...)")
    .description("sample a running program's heap every --interval seconds into a stat file (Heapy's stat records, appended); Ctrl-C stops")
    .requiredOption("--out <statfile>", "the stat file to append to")
    .option("--attach <target>", "a live process: HOST:PORT of an inspector, or a Node PID")
    .option("--annex <n>", "a program started with node --import guppy/rm (its number in guppy monitor's lc)", (v) => Number(v))
    .option("--interval <seconds>", "time between samples", (v) => Number(v), 5)
    .option("--by <kinds>", "classifier, as for guppy heap", "clodo")
    .option("--count <n>", "stop after this many samples", positiveInt)
    .addHelpText("after", "\nExamples:\n  guppy record --out run.hpy --interval 2 -- node app.js\n  guppy record --out run.hpy --attach 127.0.0.1:9229 --count 30\n  guppy pb run.hpy")
    .action(async (command: string[], o: { out: string; attach?: string; annex?: number; interval: number; by: string; count?: number }) => {
      run.code = await (await import("./record.js")).recordCommand({ ...o, command, quiet: !process.stderr.isTTY });
    });

  program
    .command("stat")
    .argument("[file]", "a snapshot to summarise")
    .description("a snapshot's partition as a Heapy stat, appended to a stat file with --dump; --show reads one back")
    .option("--by <kinds>", "classifier, as for guppy heap", "clodo")
    .option("--dump <statfile>", "append the stat to this file (never rewritten)")
    .option("--show <statfile>", "print the records of a stat file")
    .option("--diff", "with --show: the difference between the last two records", false)
    .option("--json", "print JSON (no progress output)", false)
    .addHelpText("after", "\nExamples:\n  guppy stat app.heapsnapshot --dump run.stat\n  guppy stat --show run.stat --diff")
    .action(async (file: string | undefined, o: { by: string; dump?: string; show?: string; diff: boolean; json: boolean }) => (await heapy()).statCommand(file, o, run));
  return program;
}

/**
 * Exit codes, the same for every command: 0 clean; 1 findings (leaks, waste over the
 * threshold, growth); 2 errors (bad input, usage, an unreachable target); 70 only for a
 * bug in Guppy itself.
 */
export const EXIT = { clean: 0, findings: 1, error: 2, internal: 70 } as const;

/**
 * Reports an error the way every command does: one line on stderr, and with --json also
 * a JSON object `{ "error": { code, message, file?, offset? } }` on stdout, so a script
 * reading stdout sees the failure. Returns the exit code.
 */
function reportError(e: unknown, json: boolean): number {
  let error: { code: string; message: string; file?: string; offset?: number };
  let code: number;
  if (e instanceof CommanderError) {
    // Commander has printed its own line already (help and --version exit 0).
    if (e.exitCode === 0) return EXIT.clean;
    error = { code: "USAGE", message: e.message.replace(/^error: /, "") };
    code = EXIT.error;
  } else if (e instanceof GuppyError) {
    process.stderr.write(e.describe() + "\n");
    error = { code: e.code, message: e.message, ...(e.file === undefined ? {} : { file: e.file }), ...(e.offset === undefined ? {} : { offset: e.offset }) };
    code = EXIT.error;
  } else {
    process.stderr.write(`guppy: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.GUPPY_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    error = { code: "INTERNAL", message: "internal error" };
    code = EXIT.internal;
  }
  if (json) process.stdout.write(JSON.stringify({ error }, null, 2) + "\n");
  return code;
}

/** Runs the CLI; returns the exit code (see {@link EXIT}). Bad input prints one line; nothing prints a stack unless GUPPY_DEBUG is set. */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  try {
    const run = new CommandRun();
    await buildProgram(run).parseAsync(argv, { from: "user" });
    await run.finish(json);
    return run.code;
  } catch (e) {
    return reportError(e, json);
  }
}
