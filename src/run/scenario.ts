import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { GuppyError } from "../errors.js";

/**
 * A leaked object as a scenario's `leakFilter` sees it: the subset of memlab's
 * IHeapNode that Guppy gives (V8's id, name, node type, shallow and retained size).
 */
export interface LeakNode {
  id: number;
  name: string;
  type: string;
  self_size: number;
  retainedSize: number;
}

/** The final snapshot as `leakFilter` sees it: nodes looked up by V8 id (memlab's `getNodeById`). */
export interface LeakSnapshot {
  getNodeById(id: number): LeakNode | null;
}

/** A step of a scenario: it gets the page and may be async. */
export type Step = (page: Page) => unknown;

/**
 * A Guppy scenario: what `guppy run` does to the page. Written with
 * `defineScenario`, it receives a Playwright page; memlab's files load unchanged
 * (see {@link loadScenario}).
 */
export interface GuppyScenario {
  /** The page to open, or a function giving it (memlab's `url()`). */
  url: string | (() => string);
  /** Before the first navigation (add init scripts, cookies, routes). */
  beforeInitialPageLoad?: Step;
  /** Polled every 200 ms after each step until it gives true (30 s at most); without it, the load event and network idle. */
  isPageLoaded?: (page: Page) => boolean | Promise<boolean>;
  /** Once, after the page loads, before the baseline snapshot. */
  setup?: Step;
  /** The interaction whose leftovers are looked for. */
  action: Step;
  /** Undoes the action (close the dialog, go back). */
  back?: Step;
  /** Rounds of action and back (default 3; `--repeat` overrides it). */
  repeat?: number;
  /** Called per leaked object; false drops it from the report (memlab's leakFilter). */
  leakFilter?: (node: LeakNode, snapshot: LeakSnapshot, leakedNodeIds: Set<number>) => boolean;
}

/** The scenario in the form the driver runs, whichever way it was written. */
export interface Scenario {
  url: string;
  beforeInitialPageLoad: Step | null;
  isPageLoaded: NonNullable<GuppyScenario["isPageLoaded"]> | null;
  setup: Step | null;
  action: Step;
  back: Step | null;
  /** Rounds from the file, or null when it says nothing. */
  rounds: number | null;
  leakFilter: NonNullable<GuppyScenario["leakFilter"]> | null;
}

/** Types a Guppy scenario (TypeScript checks the steps get a Playwright page); returns it unchanged. */
export function defineScenario(scenario: GuppyScenario): GuppyScenario {
  return scenario;
}

function bad(file: string, what: string): GuppyError {
  return new GuppyError("BAD_SPEC", what, { file });
}

function optionalFunction<T>(file: string, exports: Record<string, unknown>, name: string): T | null {
  const v = exports[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== "function") throw bad(file, `The scenario's ${name} is not a function.`);
  return v as T;
}

/**
 * Reads a scenario file: a memlab scenario (CommonJS or ESM exporting `url()`,
 * `action`, `back`, `setup`, `repeat()`, `leakFilter`, `beforeInitialPageLoad`,
 * `isPageLoaded`) or a `defineScenario` default export. memlab's `repeat()` counts
 * the rounds after the first, so it gives `repeat() + 1` rounds.
 */
export async function loadScenario(file: string): Promise<Scenario> {
  const path = resolve(file);
  if (!existsSync(path)) throw new GuppyError("FILE_NOT_FOUND", "There is no such scenario file.", { file });
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw bad(file, `The scenario file does not load: ${firstLine(e)}`);
  }
  // CommonJS modules and `export default` arrive as the default export; named ESM exports as the module.
  const def = mod.default;
  const exports = def !== null && typeof def === "object" && "action" in def ? (def as Record<string, unknown>) : mod;
  const action = optionalFunction<Step>(file, exports, "action");
  if (action === null) throw bad(file, "The scenario has no action: export an action(page) function.");
  const rawUrl = exports.url;
  const url = typeof rawUrl === "function" ? (rawUrl as () => unknown)() : rawUrl;
  if (typeof url !== "string" || url === "") throw bad(file, "The scenario's url is not a string (export url() returning the page's address).");
  const rawRepeat = exports.repeat;
  const rounds = typeof rawRepeat === "function" ? Number((rawRepeat as () => unknown)()) + 1 : rawRepeat === undefined ? null : Number(rawRepeat);
  if (rounds !== null && !(Number.isInteger(rounds) && rounds >= 1)) throw bad(file, "The scenario's repeat is not a whole number of rounds.");
  return {
    url,
    beforeInitialPageLoad: optionalFunction(file, exports, "beforeInitialPageLoad"),
    isPageLoaded: optionalFunction(file, exports, "isPageLoaded"),
    setup: optionalFunction(file, exports, "setup"),
    action,
    back: optionalFunction(file, exports, "back"),
    rounds,
    leakFilter: optionalFunction(file, exports, "leakFilter"),
  };
}

/** The first line of an error's message, for one-line reports. */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return (text.split("\n").find((l) => l.trim() !== "") ?? "unknown error").trim();
}
