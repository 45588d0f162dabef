import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { hpy } from "../src/index.js";
import { startProfileBrowser, type ProfileBrowser } from "../src/pb/server.js";
import { checkDemoWalk, walkDemoLeak } from "./support/demo-walk.js";
import { FIREFOX, firefoxMissing, puppeteerWalkPage } from "./support/firefox.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { demoSnapshots } from "./support/mcp.js";

// The explorer's page in Firefox (Debian's ESR, over WebDriver BiDi with Puppeteer):
// the same demo walk the Chromium test checks, and the object view by keyboard.

const skip = firefoxMissing() ?? false;
let browser: Browser;

before(async () => {
  if (skip) return;
  browser = await puppeteer.launch({ browser: "firefox", executablePath: FIREFOX, headless: true });
});
after(async () => {
  await browser?.close();
});

/** A new page at the profile browser, collecting the page's errors. */
async function open(pb: ProfileBrowser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 720 });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String((e as Error).message ?? e)));
  await page.goto(pb.url);
  return { page, errors };
}

test("Firefox: the demo's leak found by clicking alone, as in Chromium", { skip }, async () => {
  const [earlier, later] = await demoSnapshots();
  const pb = await startProfileBrowser([earlier, later], { cacheDir: null });
  const { page, errors } = await open(pb);
  try {
    const walk = await walkDemoLeak(puppeteerWalkPage(page), "demo-after");
    checkDemoWalk(walk);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await pb.close();
  }
});

test("Firefox: search an id, see a planted value, walk its retainers with the arrow keys, Backspace closes it", { skip }, async () => {
  const classes = await fixtureSnapshot("classes-in-map");
  const g = (await hpy({ cacheDir: null }).load(classes)).graph;
  let foo42 = 0;
  for (let n = 0; n < g.nodeCount && foo42 === 0; n++) {
    if (g.name(n) !== "Foo" || g.typeName(n) !== "object") continue;
    for (let e = g.firstEdge[n]!; e < g.firstEdge[n + 1]!; e++) if (g.edgeNameText(e) === "label" && g.name(g.edgeTarget[e]!) === "foo-label-42") foo42 = g.nodeId[n]!;
  }
  const pb = await startProfileBrowser([classes], { cacheDir: null });
  const { page, errors } = await open(pb);
  const walk = puppeteerWalkPage(page);
  try {
    await walk.click({ css: "nav#files button", text: /classes-in-map/ });
    await walk.waitFor({ css: "#partition tbody tr" });
    await page.type("#search", `@${foo42}`);
    await page.keyboard.press("Enter");
    await walk.waitFor({ css: "#object-title", text: new RegExp(`^Foo @${foo42}`) });
    const label = { css: "#edges tbody tr", within: "td.edge", text: /^\W*label$/ };
    assert.equal(await walk.text({ ...label, inside: "td.value" }), '"foo-label-42"');
    // The Foo is an entry of the Map: its retainers open level by level from the keyboard.
    await walk.click({ css: '#retainers tbody tr[data-depth="0"]' });
    await page.keyboard.press("ArrowRight");
    await walk.waitFor({ css: '#retainers tbody tr[data-depth="1"]' });
    assert.ok((await walk.count({ css: '#retainers tbody tr[data-depth="1"]' })) > 0);
    await page.keyboard.press("Backspace");
    await page.waitForFunction(`document.querySelector("#object").hidden`);
    // Filtering the first table by class keeps only the matching rows.
    await page.type("#filter", "Foo");
    await walk.waitFor({ css: "#summary", text: /kinds match/ });
    const kinds = await walk.texts("#partition tbody td.kind");
    assert.ok(kinds.length > 0 && kinds.every((k) => k.includes("Foo")), kinds.join("|"));
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await pb.close();
  }
});
