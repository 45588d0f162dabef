import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { hpy } from "../src/index.js";
import { startProfileBrowser, type ProfileBrowser } from "../src/pb/server.js";
import { CHROMIUM, chromiumMissing } from "./support/chromium.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { projectRoot } from "./support/paths.js";
import { WINDOW_FOOS } from "./support/known-graphs.js";
import { synthSnapshot } from "./support/synthetic.js";
import { demoSnapshots } from "./support/mcp.js";
import { WALK_STEPS, checkDemoWalk, playwrightWalkPage, shootRegion, walkDemoLeak } from "./support/demo-walk.js";

/** A string longer than the page shows at first. */
const LONG = "x".repeat(250) + "END";
/** WINDOW_FOOS with a cycle (Bar @13 → Foo @7 → Bar), a weak edge (Bar → Window @3) and a long string (Bar.note). */
function cycleSnapshot(): string {
  const nodes = structuredClone(WINDOW_FOOS);
  nodes[3]!.edges.push({ type: "property", name: "owner", to: 6 });
  nodes[6]!.edges.push({ type: "weak", name: "cache", to: 1 }, { type: "property", name: "note", to: 12 });
  nodes.push({ type: "string", name: LONG, size: 320, edges: [] });
  const file = join(mkdtempSync(join(tmpdir(), "guppy-pb-cycle-")), "cycle.heapsnapshot");
  writeFileSync(file, synthSnapshot(nodes));
  return file;
}

const skip = chromiumMissing() ?? false;
/** Screenshots of each test's end state, kept as CI artifacts (git-ignored). */
const ARTIFACTS = join(projectRoot(), "test-artifacts");

let browser: Browser;
let pb: ProfileBrowser;
/** The V8 id of the Foo whose label is "foo-label-42" in classes-in-map, and of one Leaked object of three-snapshots' final snapshot. */
let foo42 = 0;
let leaked = 0;
let leakedNew = 0;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  const classes = await fixtureSnapshot("classes-in-map");
  const base = await fixtureSnapshot("three-snapshots");
  const h = hpy({ cacheDir: null });
  const g = (await h.load(classes)).graph;
  for (let n = 0; n < g.nodeCount && foo42 === 0; n++) {
    if (g.name(n) !== "Foo" || g.typeName(n) !== "object") continue;
    for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) if (g.edgeNameText(e) === "label" && g.name(g.edgeTarget[e]!) === "foo-label-42") foo42 = g.nodeId[n]!;
  }
  const final = await h.load(`${base}.final`);
  leaked = final.and(h.Clodo("Leaked")).ordinals().length > 0 ? final.graph.nodeId[final.and(h.Clodo("Leaked")).ordinals()[0]!]! : 0;
  leakedNew = final.minus(await h.load(base)).and(h.Clodo("Leaked")).count;
  assert.ok(foo42 > 0 && leaked > 0);
  pb = await startProfileBrowser([classes, base, `${base}.final`, cycleSnapshot()], { cacheDir: null });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
});
after(async () => {
  await browser?.close();
  await pb?.close();
});

async function open(file: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  (page as Page & { problems?: string[] }).problems = problems;
  await page.goto(pb.url);
  await page.click(`nav#files button:has-text("${file}")`);
  await page.waitForSelector("#partition tbody tr");
  return page;
}
const problems = (page: Page): string[] => (page as Page & { problems?: string[] }).problems!;

test("search an id, see the object's edges with their planted values, expand one level down", { skip }, async () => {
  const page = await open("classes-in-map");
  await page.fill("#search", `@${foo42}`);
  await page.press("#search", "Enter");
  await page.locator("#object-title", { hasText: `@${foo42}` }).waitFor();
  assert.match(await page.locator("#object-title").innerText(), /^Foo @\d+/);
  const label = page.locator('#edges tbody tr:has(td.edge:text-matches("^\\\\W*label$"))');
  assert.equal(await label.locator("td.value").innerText(), '"foo-label-42"');
  assert.match(await label.locator("td.kind").innerText(), /^\(string\) @\d+$/);
  // The payload array opens one level down, with its own edges indented under it.
  const payload = page.locator('#edges tbody tr:has(td.edge:text-matches("^\\\\W*payload$"))');
  await payload.locator("button.toggle").click();
  await page.locator('#edges tbody tr[data-depth="1"]').first().waitFor();
  assert.ok((await page.locator('#edges tbody tr[data-depth="1"]').count()) > 0);
  // Folding takes them away again.
  await payload.locator("button.toggle").click();
  await page.locator('#edges tbody tr[data-depth="1"]').first().waitFor({ state: "detached" });
  await page.screenshot({ path: join(ARTIFACTS, "pb-object.png"), fullPage: true });
  assert.deepEqual(problems(page), []);
  // A bad id is one line, no stack.
  await page.fill("#search", "@4294967294");
  await page.press("#search", "Enter");
  await page.locator("#object-error", { hasText: "This snapshot has no object @4294967294." }).waitFor();
  await page.close();
});

test("walk the retainers of a leaked object up to the global that holds it, by keyboard", { skip }, async () => {
  const page = await open(".final");
  await page.fill("#search", String(leaked));
  await page.click("#search-go");
  await page.locator("#object-title", { hasText: `Leaked @${leaked}` }).waitFor();
  // Leaked ← [i] of the items Array ← items of the cache ← cache of the global.
  for (let depth = 0; depth < 3; depth++) {
    const row = page.locator(`#retainers tbody tr[data-depth="${depth}"]`).first();
    await row.click();
    await page.keyboard.press("ArrowRight");
    await page.locator(`#retainers tbody tr[data-depth="${depth + 1}"]`).first().waitFor();
  }
  const edges = (await page.locator("#retainers tbody tr td.edge").allInnerTexts()).map((t) => t.replace(/^[▸▾\s]+/, "").split(" ")[0]);
  assert.match(edges[0]!, /^\[\d+\]$/);
  assert.deepEqual(edges.slice(1, 3), ["items", "cache"]);
  const holder = page.locator('#retainers tbody tr[data-depth="2"]').first();
  assert.match(await holder.locator("td.kind").innerText(), /global|Object/);
  // The global is one step from the root; V8 14 (Node 26) reaches it through its native context.
  assert.match(await holder.locator("td.num").last().innerText(), /^[12]$/, "the global is at distance 1 (2 from V8 14 on)");
  await page.screenshot({ path: join(ARTIFACTS, "pb-retainers.png"), fullPage: true });
  // Backspace closes the object; the partition is still there.
  await page.keyboard.press("Backspace");
  await page.locator("#object").waitFor({ state: "hidden" });
  assert.deepEqual(problems(page), []);
  await page.close();
});

test("compare two snapshots by class and open a class's new objects (a click on the count, or Enter on the row)", { skip }, async () => {
  const page = await open(".final");
  await page.selectOption("#compare", { label: `with ${pb.explorer.files()[1]!.name}` });
  await page.waitForSelector('#comparison tbody tr[data-kind="Leaked"]');
  const row = page.locator('#comparison tbody tr[data-kind="Leaked"] td');
  assert.deepEqual((await row.allInnerTexts()).slice(0, 4), ["Leaked", String(leakedNew), "0", String(leakedNew)]);
  await page.screenshot({ path: join(ARTIFACTS, "pb-compare.png"), fullPage: true });
  // By keyboard: Enter on a class opens its new objects.
  await page.locator('#comparison tbody tr[data-kind="Leaked"]').focus();
  await page.keyboard.press("Enter");
  await page.locator("#summary", { hasText: `Partition of a set of ${leakedNew} objects.` }).waitFor();
  assert.match(await page.locator("#crumbs").innerText(), /^Not in .* › clodo: Leaked$/);
  // Like any set: partition it another way.
  await page.selectOption("#by", "type");
  await page.waitForSelector('#partition tbody tr[data-kind="object"]');
  assert.deepEqual(problems(page), []);
  await page.close();
});

test("filter by class, sort by a column, arrows and Enter drill in, Backspace goes back", { skip }, async () => {
  const page = await open("classes-in-map");
  await page.fill("#filter", "o");
  await page.locator("#summary", { hasText: "kinds match" }).waitFor();
  const kinds = await page.locator("#partition tbody td.kind").allInnerTexts();
  assert.ok(kinds.length > 0 && kinds.every((k) => k.toLowerCase().includes("o")), kinds.join("|"));
  await page.click('#partition th[data-sort="count"]');
  await page.waitForSelector('#partition th[data-sort="count"][aria-sort="descending"]');
  const counts = (await page.locator("#partition tbody tr td:nth-child(2)").allInnerTexts()).map(Number);
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
  await page.click('#partition th[data-sort="count"]');
  await page.waitForSelector('#partition th[data-sort="count"][aria-sort="ascending"]');
  const second = await page.locator("#partition tbody tr").nth(1).getAttribute("data-kind");
  await page.locator("#partition tbody tr").first().focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.locator("#crumbs", { hasText: `clodo: ${second}` }).waitFor();
  await page.keyboard.press("Backspace");
  await page.locator("#crumbs", { hasText: "›" }).waitFor({ state: "detached" });
  // Retained sizes fill in after the rows, as the server computes them. The breadcrumb
  // changes before the table is fetched again, so wait for the whole table: the filtered
  // root partition's rows, each retained size filled in.
  const expected = (await pb.explorer.partition(0, [], "clodo", 0, 100, undefined, "o", { key: "count", descending: false })).rows.map((r) => String(r.retained));
  const retained = page.locator('#partition tbody td[data-col="retained"]');
  let shown: string[] = [];
  for (const until = Date.now() + 15_000; Date.now() < until; await page.waitForTimeout(50)) {
    shown = await retained.allInnerTexts();
    if (shown.length === expected.length && !shown.includes("…")) break;
  }
  assert.deepEqual(shown, expected);
  await page.screenshot({ path: join(ARTIFACTS, "pb-filter.png"), fullPage: true });
  assert.deepEqual(problems(page), []);
  await page.close();
});

test("statistics bars, shortest paths and the reference pattern as links", { skip }, async () => {
  const page = await open("classes-in-map");
  await page.waitForSelector('#stats-chart figure[data-by="clodo"] .bar-row');
  assert.ok((await page.locator('#stats-chart figure[data-by="type"] .bar-row').count()) <= 11);
  // The largest class's bar: a click drills into it.
  const bar = page.locator('#stats-chart figure[data-by="clodo"] .bar-row').first();
  const [kind, title] = [await bar.getAttribute("data-kind"), await bar.getAttribute("title")];
  await bar.click();
  await page.locator("#summary", { hasText: `Partition of a set of ${title!.split(" ")[0]} objects.` }).waitFor();
  assert.match(await page.locator("#crumbs").innerText(), new RegExp(`› clodo: ${kind!.replace(/[()[\]]/g, "\\$&")}$`));
  await page.click('#crumbs a[data-depth="0"]');
  await page.click('#partition tbody tr[data-kind="Foo"]');
  await page.locator("#summary", { hasText: "Partition of a set of 100 objects." }).waitFor();
  await page.click("#show-paths");
  await page.waitForSelector("#paths li a.path");
  const first = page.locator("#paths li a.path").first();
  assert.match(await first.innerText(), /^h\.Root\.global\.fooMap<Map entry>$/);
  const id = await first.getAttribute("data-id");
  await first.click();
  await page.locator("#object-title", { hasText: `Foo @${id}` }).waitFor();
  await page.click("#show-pattern");
  await page.waitForSelector("#pattern li");
  // Folding the first row hides the rows under it; its @ids and rows are links.
  const top = page.locator("#pattern > li").first();
  await top.locator(":scope > button.toggle").click();
  assert.equal(await top.locator(":scope > ul").isHidden(), true);
  await top.locator(":scope > button.toggle").click();
  assert.ok((await page.locator("#pattern a.obj").count()) > 0);
  await page.screenshot({ path: join(ARTIFACTS, "pb-pattern.png"), fullPage: true });
  const row1 = page.locator('#pattern li[data-index="1"] > a.open-set');
  const count = (await row1.innerText()).split(" ")[0];
  await row1.click();
  await page.locator("#summary", { hasText: `Partition of a set of ${count} objects.` }).waitFor();
  assert.match(await page.locator("#crumbs").innerText(), /› reference pattern row 1$/);
  assert.deepEqual(problems(page), []);
  await page.close();
});

test("retainers: an ancestor met again is marked as a cycle and not expanded; weak edges are marked", { skip }, async () => {
  const page = await open("cycle.heapsnapshot");
  await page.fill("#search", "@13");
  await page.press("#search", "Enter");
  await page.locator("#object-title", { hasText: "Bar @13" }).waitFor();
  // The long string: its first 200 characters, the rest on a click.
  const note = page.locator('#edges tbody tr:has(td.edge:text-matches("^\\\\W*note$")) td.value');
  assert.equal(await note.locator(".value-text").innerText(), `"${"x".repeat(200)}…`);
  await note.locator("button.full-value", { hasText: "all 253 characters" }).click();
  await note.locator(".value-text", { hasText: "END" }).waitFor();
  assert.equal(await note.locator(".value-text").innerText(), JSON.stringify(LONG));
  const foo = page.locator('#retainers tbody tr[data-depth="0"][data-id="7"]');
  assert.match(await foo.locator("td.edge").innerText(), /owner/);
  await foo.locator("button.toggle").click();
  const again = page.locator('#retainers tbody tr[data-depth="1"][data-id="13"]');
  await again.waitFor();
  assert.equal(await again.getAttribute("class"), "cycle");
  assert.equal(await again.locator(".badge.cycle").innerText(), "cycle");
  assert.equal(await again.locator("button.toggle").isHidden(), true);
  await page.screenshot({ path: join(ARTIFACTS, "pb-cycle.png"), fullPage: true });
  await page.fill("#search", "3");
  await page.press("#search", "Enter");
  await page.locator("#object-title", { hasText: "Window @3" }).waitFor();
  const weak = page.locator('#retainers tbody tr[data-id="13"]');
  assert.equal(await weak.getAttribute("class"), "weak");
  assert.match(await weak.locator("td.edge").innerText(), /cache weak/);
  // Backspace goes back to the object before.
  await page.locator("#retainers tbody tr").first().click();
  await page.keyboard.press("Backspace");
  await page.locator("#object-title", { hasText: "Bar @13" }).waitFor();
  assert.deepEqual(problems(page), []);
  await page.close();
});

test("the demo's leak found by clicking alone: comparison, the new Sessions, a path, the retainers up to the cache; the README's screenshots", { skip }, async () => {
  const [before, after] = await demoSnapshots();
  const demo = await startProfileBrowser([before, after], { cacheDir: null });
  // The viewport scripts/screenshots.mjs photographs the walk in.
  const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const shots = join(ARTIFACTS, "pb-walk");
  mkdirSync(shots, { recursive: true });
  try {
    await page.goto(demo.url);
    const walk = await walkDemoLeak(playwrightWalkPage(page), "demo-after", (step, region) => shootRegion(page, region, join(shots, `pb-walk-${step}.png`)));
    checkDemoWalk(walk);
    await page.screenshot({ path: join(ARTIFACTS, "pb-demo-leak.png"), fullPage: true });
    assert.deepEqual(errors, []);
    // Each step's screenshot is small, and the README shows the committed one of each step.
    const readme = readFileSync(join(projectRoot(), "README.md"), "utf8");
    for (const { name } of WALK_STEPS) {
      const made = readFileSync(join(shots, `pb-walk-${name}.png`));
      assert.equal(made.subarray(1, 4).toString(), "PNG");
      assert.ok(made.length < 200_000, `pb-walk-${name}.png is ${made.length} bytes`);
      const committed = `docs/img/pb-walk-${name}.png`;
      assert.ok(readme.includes(`](${committed})`), `README shows ${committed}`);
      assert.ok(statSync(join(projectRoot(), committed)).size < 200_000, `${committed} is under 200 KB`);
    }
  } finally {
    await page.close();
    await demo.close();
  }
});
