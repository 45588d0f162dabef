import { Command, CommanderError, InvalidArgumentError } from "commander";
import { GuppyError } from "../errors.js";
import { analyseFile } from "./analyse.js";
import { runDemo } from "./demo/run-demo.js";

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return n;
}

/** Builds the `guppy` command line; `run` parses argv and executes. */
export function buildProgram(): Command {
  const program = new Command("guppy")
    .description("Guppy: heap analysis for JavaScript and TypeScript programs (V8 .heapsnapshot files)")
    .version("0.1.0")
    .exitOverride()
    .showHelpAfterError(false);

  program
    .command("demo")
    .description("snapshot a built-in program with a known leak and show a first analysis")
    .option("--top <n>", "how many of the largest retainers to list", positiveInt, 10)
    .option("--json", "print the analysis as JSON (no progress output)", false)
    .option("--out <file>", "where to write the demo's snapshot")
    .action(async (o: { top: number; json: boolean; out?: string }) => runDemo(o));

  program
    .command("summary")
    .argument("<file>", "a .heapsnapshot or .heapsnapshot.gz file")
    .description("totals, the partition by V8 node type, and the largest retainers of a snapshot")
    .option("--top <n>", "how many of the largest retainers to list", positiveInt, 10)
    .option("--json", "print the analysis as JSON (no progress output)", false)
    .action(async (file: string, o: { top: number; json: boolean }) => {
      await analyseFile(file, o);
    });
  return program;
}

/** Runs the CLI; returns the exit code. Bad input prints one line; nothing prints a stack unless GUPPY_DEBUG is set. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof GuppyError) {
      process.stderr.write(e.describe() + "\n");
      return 1;
    }
    process.stderr.write(`guppy: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.GUPPY_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    return 70;
  }
}
