import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { hpy } from "../src/index.js";
import { startProfileBrowser, type ProfileBrowser } from "../src/pb/server.js";
import { Stat } from "../src/heapy/stat/stat.js";
import { CHROMIUM, chromiumMissing } from "./support/chromium.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { projectRoot } from "./support/paths.js";

const skip = chromiumMissing() ?? false;
/** Screenshots of each test's end state, kept as CI artifacts (git-ignored). */
const ARTIFACTS = join(projectRoot(), "test-artifacts");

let browser: Browser;
let pb: ProfileBrowser;
let stats: Stat[] = [];
let statFile = "";

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  const base = await fixtureSnapshot("three-snapshots");
  const h = hpy({ cacheDir: null });
  statFile = join(mkdtempSync(join(tmpdir(), "guppy-pb-e2e-")), "run.hpy");
  stats = [];
  for (const f of [base, `${base}.target`, `${base}.final`]) {
    const s = (await h.load(f)).stat;
    s.dump(statFile);
    stats.push(s);
  }
  pb = await startProfileBrowser([statFile, await fixtureSnapshot("classes-in-map"), base, `${base}.final`], { cacheDir: null });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
});
after(async () => {
  await browser?.close();
  await pb?.close();
});

async function open(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  await page.goto(pb.url);
  (page as Page & { problems?: string[] }).problems = problems;
  return page;
}

/** Clicks the chart at sample i (where uPlot draws it). */
async function clickSample(page: Page, i: number): Promise<void> {
  // The page's chart and its sample times, as the page exposes them (window.guppyChart).
  const at = (await page.evaluate(`(() => {
    const c = window.guppyChart;
    const r = c.plot.over.getBoundingClientRect();
    return { x: r.left + c.plot.valToPos(c.times[${i}], "x"), y: r.top + r.height / 2 };
  })()`)) as { x: number; y: number };
  await page.mouse.move(at.x, at.y);
  await page.mouse.click(at.x, at.y);
}

/** The table's cell of a kind in a column. */
async function cell(page: Page, kind: string, col: string): Promise<string> {
  return page.locator(`table.stat tr:has(td.kind:text-is("${kind}")) td[data-col="${col}"]`).innerText();
}

test("a recorded stat file: the chart, markers A and B set by clicking, the table's numbers from the file", { skip }, async () => {
  const page = await open();
  await page.waitForSelector("#chart canvas");
  await page.waitForSelector("table.stat tbody tr");
  // Click sets A, then B.
  await clickSample(page, 1);
  await clickSample(page, 2);
  await page.locator("#table-caption", { hasText: "A = sample 1" }).filter({ hasText: "B = sample 2" }).waitFor();
  assert.equal(await page.inputValue("#mark-a"), "1");
  assert.equal(await page.inputValue("#mark-b"), "2");
  const at = (i: number, kind: string) => stats[i]!.rows.find((r) => r.kind === kind)!;
  assert.equal(await cell(page, "Leaked", "countA"), String(at(1, "Leaked").count));
  assert.equal(await cell(page, "Leaked", "countB"), String(at(2, "Leaked").count));
  assert.equal(await cell(page, "Leaked", "sizeB"), String(at(2, "Leaked").size));
  assert.equal(await cell(page, "Leaked", "bMinusA"), String(at(2, "Leaked").size - at(1, "Leaked").size));
  // The first row is the largest at B, with its share of B's total.
  const top = [...stats[2]!.rows].sort((a, b) => b.size - a.size)[0]!;
  assert.equal(await page.locator("table.stat tbody tr").first().locator('td[data-col="kind"]').innerText(), top.kind);
  assert.equal(await page.locator("table.stat tbody tr").first().locator('td[data-col="pct"]').innerText(), String(Math.round((top.size * 100) / stats[2]!.size)));
  // Columns switch like Heapy's; counts instead of sizes.
  await page.uncheck("#col-sizeA");
  await page.locator('table.stat th:text-is("Size at A")').waitFor({ state: "detached" });
  await page.check("#col-aMinusB");
  await page.locator('table.stat th:text-is("A-B")').waitFor();
  assert.equal(await cell(page, "Leaked", "aMinusB"), String(at(1, "Leaked").size - at(2, "Leaked").size));
  await page.selectOption("#metric", "count");
  await page.locator("#table-caption", { hasText: "% by count" }).waitFor();
  assert.equal(await cell(page, "Leaked", "bMinusA"), String(at(2, "Leaked").count - at(1, "Leaked").count));
  await page.selectOption("#style", "lines");
  await page.waitForSelector("#chart canvas");
  await page.screenshot({ path: join(ARTIFACTS, "pb-stat.png"), fullPage: true });
  assert.deepEqual((page as Page & { problems?: string[] }).problems, []);
  await page.close();
});

test("Collect follows a stat file that is still growing; Track keeps B at its newest sample", { skip }, async () => {
  const page = await open();
  await page.locator("h2", { hasText: "run.hpy: 3 samples" }).waitFor();
  await page.check("#collect");
  await page.check("#track");
  assert.equal(await page.inputValue("#mark-b"), "2");
  // A recorder appends a sample: the page reads the file again and B moves to it.
  stats[0]!.dump(statFile);
  await page.locator("h2", { hasText: "run.hpy: 4 samples" }).waitFor({ timeout: 10_000 });
  await page.locator("#table-caption", { hasText: "B = sample 3" }).waitFor();
  assert.equal(await page.inputValue("#mark-b"), "3");
  assert.equal(await page.getAttribute("#mark-b", "max"), "3");
  // Not collecting: a further sample is not read.
  await page.uncheck("#collect");
  stats[1]!.dump(statFile);
  await new Promise((r) => setTimeout(r, 2500));
  assert.match(await page.locator("h2").first().innerText(), /run\.hpy: 4 samples/);
  assert.deepEqual((page as Page & { problems?: string[] }).problems, []);
  await page.close();
});

test("a snapshot: partition table, drill into a kind, its shortest paths and what it retains", { skip }, async () => {
  const page = await open();
  await page.click('nav#files button:has-text("classes-in-map")');
  await page.waitForSelector("#partition tbody tr");
  await page.click('#partition tbody tr[data-kind="Foo"]');
  await page.locator("#summary", { hasText: "Partition of a set of 100 objects." }).waitFor();
  assert.match(await page.locator("#crumbs").innerText(), /All reachable objects › clodo: Foo/);
  await page.click("#show-paths");
  await page.locator("#output", { hasText: "h.Root" }).waitFor();
  assert.match(await page.locator("#output").innerText(), /h\.Root\.global\.fooMap<Map entry>/);
  await page.click("#show-dominated");
  await page.locator("#output", { hasText: "retain" }).waitFor();
  const h = hpy({ cacheDir: null });
  const foo = (await h.load(await fixtureSnapshot("classes-in-map"))).and(h.Clodo("Foo"));
  assert.match(await page.locator("#output").innerText(), new RegExp(`^The 100 objects \\(${foo.size} bytes\\) retain ${foo.domisize} bytes`));
  // Partition the drilled-down set by another classifier, then go back up.
  await page.selectOption("#by", "via");
  await page.waitForSelector('#partition tbody tr[data-kind="<Map entry>"]');
  await page.screenshot({ path: join(ARTIFACTS, "pb-snapshot.png"), fullPage: true });
  await page.click('#crumbs a[data-depth="0"]');
  await page.locator("#crumbs", { hasText: "Foo" }).waitFor({ state: "detached" });
  assert.deepEqual((page as Page & { problems?: string[] }).problems, []);
  await page.close();
});

test("the difference between two snapshots: what the final one has that the first does not", { skip }, async () => {
  const page = await open();
  await page.click('nav#files button:has-text(".final")');
  await page.waitForSelector("#partition tbody tr");
  await page.selectOption("#minus", { index: 2 });
  await page.locator("#crumbs", { hasText: "Not in" }).waitFor();
  await page.waitForSelector('#partition tbody tr[data-kind="Leaked"]');
  const leaked = page.locator('#partition tbody tr[data-kind="Leaked"] td').nth(1);
  assert.equal(await leaked.innerText(), "150");
  await page.screenshot({ path: join(ARTIFACTS, "pb-diff.png"), fullPage: true });
  await page.close();
});
