import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { hpy } from "../src/heapy/session/session.js";
import { PROFILE_PREFIX } from "../src/run/browser.js";
import { GuppyError } from "../src/errors.js";
import { analyseRun, countersGrowth, renderRun } from "../src/run/report.js";
import { loadScenario, type LeakNode } from "../src/run/scenario.js";
import { chromiumMissing, CHROMIUM, launchChromium } from "./support/chromium.js";
import { guppy, type Run } from "./support/cli.js";
import { projectRoot } from "./support/paths.js";
import { serveWebPages, WEB, type WebPages } from "./support/web-pages.js";

const exec = promisify(execFile);
const missing = chromiumMissing();
const work = mkdtempSync(join(tmpdir(), "guppy-run-test-"));
let pages: WebPages;

/** `guppy run SCENARIO` on a served page, snapshots kept in `out`. */
async function run(scenario: string, page: string, out: string, ...args: string[]): Promise<Run> {
  process.env.SCENARIO_URL = `${pages.origin}/${page}`;
  return guppy("run", scenario, "--out", join(work, out), "--browser", CHROMIUM, ...args);
}

/** memlab's own CLI on the same scenario file (puppeteer driving the same Chromium); its report is on stderr and stdout. */
async function memlab(scenario: string, page: string): Promise<string> {
  const dir = join(work, "memlab");
  // memlab's bin starts with `#!/usr/bin/env node --expose-gc …`, which Linux's env takes as
  // one program name: run its script with Node and those flags instead.
  const bin = join(projectRoot(), "node_modules", "@memlab", "cli", "bin", "memlab.js");
  const env = { ...process.env, SCENARIO_URL: `${pages.origin}/${page}` };
  const { stdout, stderr } = await exec(process.execPath, ["--expose-gc", "--max-old-space-size=4096", bin, "run", "--scenario", scenario, "--chromium-binary", CHROMIUM, "--work-dir", dir, "--skip-screenshot", "--skip-warmup", "--skip-scroll"], { env, timeout: 240_000, maxBuffer: 64 << 20 });
  return stdout + stderr;
}

let plainLeak: Promise<Run>;
let plainClean: Promise<Run>;
let reactLeak: Promise<Run>;
let memlabReport: Promise<string>;
let reactClean: Promise<{ r: Run; out: string; browserAfter: string }>;
let errors: Promise<Awaited<ReturnType<typeof errorCases>>>;

before(async () => {
  if (missing !== null) return;
  pages = await serveWebPages();
  // Two browsers at a time: Guppy's runs one after another, beside memlab's run and then the
  // error cases (each run mostly waits on its page and its snapshots).
  plainLeak = run(join(WEB, "plain-scenario.cjs"), "plain.html?leak", "plain-leak");
  plainClean = plainLeak.then(() => run(join(WEB, "plain-scenario.cjs"), "plain.html", "plain-clean"));
  reactLeak = plainClean.then(() => run(join(WEB, "react-scenario.mjs"), "react.html?leak", "react-leak"));
  memlabReport = memlab(join(WEB, "plain-scenario.cjs"), "plain.html?leak");
  reactClean = reactLeak.catch(() => null).then(cdpRun);
  errors = memlabReport.catch(() => "").then(errorCases);
  for (const p of [plainLeak, plainClean, reactLeak, memlabReport, reactClean, errors]) p.catch(() => {}); // failures surface in the tests that await them
});

after(async () => {
  await pages?.close();
  rmSync(work, { recursive: true, force: true });
});

test("guppy run, memlab's scenario unchanged, on a page without a framework: each planted leak found and named with its holder", async (t) => {
  if (missing !== null) return t.skip(missing);
  const r = await plainLeak;
  assert.equal(r.code, 1, r.stderr);
  const out = r.stdout;
  const dir = join(work, "plain-leak");
  // The three snapshots are kept and named.
  assert.equal(out.split("\n")[0], `Snapshots (for guppy pb, guppy repl): ${join(dir, "base.heapsnapshot")} ${join(dir, "target.heapsnapshot")} ${join(dir, "final.heapsnapshot")}`);
  for (const f of ["base", "target", "final"]) assert.ok(existsSync(join(dir, `${f}.heapsnapshot`)));
  assert.match(out, /^Rounds of action and back: 3\.$/m);
  // A detached subtree kept by a module-level array: the section and its 100 paragraphs, held by closedPanels.
  assert.match(out, /^ {3}\d\. Detached <section>: 1 object, \d+ bytes\n {6}e\.g\. .*<closure context>\.closedPanels\[\d+\]$/m);
  assert.match(out, /^ {3}\d\. Detached <p>: 100 objects, 20000 bytes$/m);
  // A listener added on every open and never removed: window's resize listeners, one more each round.
  assert.match(out, /^ {3}window resize listeners: 1 → 2 → 3 → 4$/m);
  const nodes = /^ {3}DOM nodes: (\d+) → (\d+) → (\d+) → (\d+)$/m.exec(out);
  assert.ok(nodes, out);
  const steps = nodes.slice(2).map((v, i) => Number(v) - Number(nodes[i + 1]));
  assert.ok(steps.every((s) => s === steps[0] && s >= 201), `each round keeps a section, 100 paragraphs and their text: ${steps}`);
  // A cache Map that never evicts: one entry per open (the warm-up's, then rounds 1 and 3).
  assert.match(out, /^ {3}\d\. Map @\d+: 1 → 2 → 4 entries, retaining \d+ → \d+ → \d+ bytes\n {6}at .*<closure context>\.responseCache$/m);
  assert.match(out, /^ {3}\d\. Array @\d+: 1 → 2 → 4 entries, .*\n {6}at .*<closure context>\.closedPanels$/m);
  // The state the listener and the cache keep: a leak group of the action's objects, one per round
  // (the group grew in both intervals: round 1, then rounds 2 and 3).
  assert.match(out, /^ 1\. 3 objects \(3 OrderPanel\), retaining \d+ bytes$/m);
  assert.match(out, /^React fibers of unmounted components: none\.$/m);
});

test("guppy run on the same page without the leaks: nothing found, exit 0", async (t) => {
  if (missing !== null) return t.skip(missing);
  const r = await plainClean;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(
    r.stdout.split("\n").slice(1).join("\n"),
    [
      "Rounds of action and back: 3.",
      "",
      "No leaks found: nothing allocated after the first snapshot is still held in the last in a group that grew in each of the 2 intervals.",
      "",
      "Detached DOM nodes: none found.",
      "",
      "Counters: no DOM node, listener or document count grew after every round.",
      "",
      "Growing collections: none grew at every step of the 3 snapshots.",
      "",
      "React fibers of unmounted components: none.",
      "",
    ].join("\n"),
  );
});

test("guppy run, a defineScenario file, on a React page: the unmounted component's fiber, held by the store's listener closure", async (t) => {
  if (missing !== null) return t.skip(missing);
  const r = await reactLeak;
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^React fibers of unmounted components: 1 fiber, retaining \d+ bytes\.\n {3}1\. Panel: 1 fiber, retaining \d+ bytes\n {6}held by .*\.store\.listeners<Set entry><closure context>\.setTicks\.bound_argument_0$/m);
  assert.match(r.stdout, /^ {3}1\. Set @\d+: 1 → 2 → 4 entries, .*\n {6}at .*\.store\.listeners$/m);
  assert.match(r.stdout, /\(\d+ FiberNode\), retaining \d+ bytes\n {4}held by: .*\.store\.listeners<Set entry><closure context>\.setTicks\.bound_argument_0$/m);
});

/** The React page without its leak, through --cdp on a browser the test started, as JSON; then whether that browser still answers. */
async function cdpRun(): Promise<{ r: Run; out: string; browserAfter: string }> {
  const browser = await launchChromium();
  try {
    const out = join(work, "react-clean");
    process.env.SCENARIO_URL = `${pages.origin}/react.html`;
    const r = await guppy("run", join(WEB, "react-scenario.mjs"), "--cdp", `http://127.0.0.1:${browser.port}`, "--json", "--repeat", "2", "--out", out);
    const version = (await (await fetch(`http://127.0.0.1:${browser.port}/json/version`)).json()) as { Browser: string };
    return { r, out, browserAfter: version.Browser };
  } finally {
    await browser.close();
  }
}

test("guppy run --cdp drives a browser already running, --json: the React page without the leak is clean, the browser is left running", async (t) => {
  if (missing !== null) return t.skip(missing);
  const { r, out, browserAfter } = await reactClean;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stderr, "");
  const report = JSON.parse(r.stdout) as { rounds: number; snapshots: Record<string, string>; leaks: { count: number }; fibers: { count: number }; detachedDom: { count: number }; counters: unknown[]; growth: { entries: unknown[] }; leakedBytes: number; threshold: number };
  assert.deepEqual(report.snapshots, { base: join(out, "base.heapsnapshot"), target: join(out, "target.heapsnapshot"), final: join(out, "final.heapsnapshot") });
  assert.deepEqual(
    { rounds: report.rounds, leaks: report.leaks.count, fibers: report.fibers.count, detached: report.detachedDom.count, counters: report.counters, growth: report.growth.entries, bytes: report.leakedBytes, threshold: report.threshold },
    { rounds: 2, leaks: 0, fibers: 0, detached: 0, counters: [], growth: [], bytes: 0, threshold: 0 },
  );
  // The user's browser still answers: guppy closed only its own context.
  assert.match(browserAfter, /Chrom/);
});

test("a scenario's leakFilter gets each leaked object as memlab's node subset, and what it drops is not reported", async (t) => {
  if (missing !== null) return t.skip(missing);
  await plainLeak;
  const dir = join(work, "plain-leak");
  const h = hpy();
  const heaps = { base: await h.load(join(dir, "base.heapsnapshot")), target: await h.load(join(dir, "target.heapsnapshot")), final: await h.load(join(dir, "final.heapsnapshot")) };
  const snapshots = { base: "b", target: "t", final: "f" };
  const seen: LeakNode[] = [];
  let sizes = 0;
  const report = analyseRun(heaps, [], 3, snapshots, (node, snapshot, ids) => {
    seen.push(node);
    assert.ok(ids.has(node.id));
    assert.deepEqual(snapshot.getNodeById(node.id), node);
    sizes += node.self_size;
    return node.name !== "OrderPanel" && !/^(Detached )?<p>/.test(node.name);
  });
  assert.deepEqual(Object.keys(seen[0]!).sort(), ["id", "name", "retainedSize", "self_size", "type"]);
  assert.ok(seen.some((n) => n.name === "OrderPanel" && n.type === "object" && n.retainedSize > n.self_size));
  assert.ok(sizes > 0);
  const text = renderRun(report);
  // The objects it kept are reported; OrderPanel objects are only referrers now.
  assert.ok(report.leaks.entries.every((e) => e.kinds.every((k) => k.kind !== "OrderPanel")), text);
  assert.doesNotMatch(text, /Detached <p>/);
  assert.match(text, /Detached <section>: 1 object/);
  h.close();
});

test("memlab 2.0.5 on the same scenario file finds the detached panel; Guppy finds it too, and what memlab does not report", async (t) => {
  if (missing !== null) return t.skip(missing);
  const report = await memlabReport;
  const guppyOut = (await plainLeak).stdout;
  // What memlab finds: the detached section with its paragraphs, held by closedPanels.
  assert.match(report, /MemLab found 1 leak\(s\)/);
  assert.match(report, /--closedPanels \(variable\)--->\s+\[Array\]/);
  assert.match(report, /\[Detached <section id="panel"> \(native\)/);
  assert.match(guppyOut, /Detached <section>: 1 object.*\n.*closedPanels/);
  // What it does not report: the cache that never evicts, the listener added per open, the state they keep.
  for (const name of ["responseCache", "OrderPanel", "resize"]) assert.doesNotMatch(report, new RegExp(name));
  for (const line of [/\.responseCache$/m, /window resize listeners: 1 → 2 → 3 → 4/, /^ 1\. 3 objects \(3 OrderPanel\)/m]) assert.match(guppyOut, line);
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** The error cases, one after another; then the browsers and profiles of guppy run still around. */
async function errorCases(): Promise<{ runs: Record<string, Run>; port: number; noAction: string; running: string[]; profiles: string[] }> {
  const scenario = (body: string): string => {
    const f = join(work, `s${Math.random().toString(36).slice(2)}.cjs`);
    writeFileSync(f, `module.exports = { url: () => process.env.SCENARIO_URL, ${body} };\n`);
    return f;
  };
  const ok = scenario("action: async (page) => { await page.click('#open'); }, back: async (page) => { await page.click('#close'); }");
  const runs: Record<string, Run> = {};
  const at = async (name: string, url: string, ...args: string[]): Promise<void> => {
    process.env.SCENARIO_URL = url;
    runs[name] = await guppy("run", ...args, "--out", join(work, name));
  };
  await at("noBrowser", `${pages.origin}/plain.html`, ok, "--browser", "/nonexistent/chromium");
  const port = await closedPort();
  await at("noPage", `http://127.0.0.1:${port}/`, ok, "--browser", CHROMIUM);
  await at("notFound", `${pages.origin}/missing.html`, ok, "--browser", CHROMIUM);
  const throws = scenario("action: async (page) => { await page.click('#open'); }, back: async () => { throw new Error('the close button moved'); }");
  await at("stepFails", `${pages.origin}/plain.html`, throws, "--browser", CHROMIUM);
  const crashes = scenario("action: async (page) => { await page.goto('chrome://crash').catch(() => {}); await page.waitForTimeout(30000); }");
  await at("crash", `${pages.origin}/plain.html`, crashes, "--browser", CHROMIUM);
  const noAction = scenario("");
  await at("bad", `${pages.origin}/plain.html`, noAction);
  await at("remote", `${pages.origin}/plain.html`, ok, "--cdp", "http://192.0.2.1:9222");
  const running = readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(PROFILE_PREFIX);
    } catch {
      return false;
    }
  });
  return { runs, port, noAction, running, profiles: readdirSync(tmpdir()).filter((f) => f.startsWith(PROFILE_PREFIX)) };
}

test("guppy run errors: one line and exit 2 for a missing browser, a page that does not load, a step that throws, a crash; no browser left running", async (t) => {
  if (missing !== null) return t.skip(missing);
  const { runs, port, noAction, running, profiles } = await errors;
  const line = (r: Run): [number, string] => [r.code, r.stderr];
  assert.deepEqual(line(runs.noBrowser!), [2, "guppy: BROWSER_FAILED Cannot start the browser at /nonexistent/chromium (no such file).\n"]);
  assert.equal(runs.noPage!.code, 2);
  assert.match(runs.noPage!.stderr, new RegExp(`^guppy: PAGE_FAILED http://127\\.0\\.0\\.1:${port}/ did not load: net::ERR_CONNECTION_REFUSED[^\\n]*\\n$`));
  assert.deepEqual(line(runs.notFound!), [2, `guppy: PAGE_FAILED ${pages.origin}/missing.html answered HTTP 404.\n`]);
  assert.deepEqual(line(runs.stepFails!), [2, "guppy: STEP_FAILED The scenario's back (warm-up) step failed: the close button moved\n"]);
  assert.deepEqual(line(runs.crash!), [2, "guppy: PAGE_FAILED The page crashed (its renderer process died).\n"]);
  assert.deepEqual(line(runs.bad!), [2, `guppy: BAD_SPEC ${noAction}: The scenario has no action: export an action(page) function.\n`]);
  assert.deepEqual(line(runs.remote!), [2, "guppy: USAGE --cdp drives only browsers on this machine (127.0.0.1, localhost, [::1]), not 192.0.2.1.\n"]);
  // Every browser guppy run started is gone, and so is its profile.
  assert.deepEqual(running, []);
  assert.deepEqual(profiles, []);
});

test("scenario files: memlab's CommonJS and ESM forms and defineScenario load alike; memlab's repeat() counts the rounds after the first", async () => {
  // Inside the package, so that `import "guppy"` resolves to it.
  const dir = mkdtempSync(join(projectRoot(), "dist", "guppy-scenarios-"));
  try {
    const file = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const cjs = await loadScenario(file("a.cjs", "module.exports = { url: () => 'http://127.0.0.1:1/a', action: async () => {}, repeat: () => 4, leakFilter: () => true };\n"));
    assert.deepEqual([cjs.url, cjs.rounds, cjs.back, typeof cjs.leakFilter], ["http://127.0.0.1:1/a", 5, null, "function"]);
    const esm = await loadScenario(file("b.mjs", "export function url() { return 'http://127.0.0.1:1/b'; }\nexport async function action() {}\nexport async function back() {}\nexport async function setup() {}\n"));
    assert.deepEqual([esm.url, esm.rounds, typeof esm.back, typeof esm.setup, esm.isPageLoaded], ["http://127.0.0.1:1/b", null, "function", "function", null]);
    const typed = await loadScenario(file("c.mjs", "import { defineScenario } from 'guppy';\nexport default defineScenario({ url: 'http://127.0.0.1:1/c', action: async () => {}, repeat: 2 });\n"));
    assert.deepEqual([typed.url, typed.rounds], ["http://127.0.0.1:1/c", 2]);
    const bad = async (name: string, text: string, message: string): Promise<void> => {
      await assert.rejects(loadScenario(file(name, text)), (e: GuppyError) => e.code === "BAD_SPEC" && e.message.startsWith(message));
    };
    await bad("d.cjs", "module.exports = { action: async () => {} };\n", "The scenario's url is not a string (export url() returning the page's address).");
    await bad("e.cjs", "module.exports = { url: () => 'x', action: async () => {}, repeat: () => -1 };\n", "The scenario's repeat is not a whole number of rounds.");
    await bad("f.cjs", "module.exports = { url: () => 'x', action: 3 };\n", "The scenario's action is not a function.");
    await bad("g.mjs", "export const url = (;\n", "The scenario file does not load: ");
    await assert.rejects(loadScenario(join(dir, "none.js")), (e: GuppyError) => e.code === "FILE_NOT_FOUND");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("counters that grew after every round, and only those", () => {
  const sample = (nodes: number, listeners: number, byType: Record<string, number>) => ({ counters: { documents: 1, nodes, jsEventListeners: listeners }, listeners: byType });
  assert.deepEqual(
    countersGrowth([sample(10, 2, {}), sample(20, 3, { "window resize": 1, "document click": 1 }), sample(30, 3, { "window resize": 2, "document click": 1 })]),
    [
      { counter: "DOM nodes", values: [10, 20, 30] },
      { counter: "window resize listeners", values: [0, 1, 2] },
    ],
  );
  assert.deepEqual(countersGrowth([sample(10, 2, {})]), []);
});
