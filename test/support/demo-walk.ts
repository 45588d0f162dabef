import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";

/**
 * The demo's leak found in the profile browser by clicks alone, as the README shows
 * it: the first table, the comparison with the earlier snapshot, the new Sessions,
 * their shortest paths, and one Session's retainers up to the SessionCache and the
 * variable that holds it. Shared by the end-to-end test (which checks what each step
 * shows) and scripts/screenshots.mjs (which photographs each step for the README), so
 * the pictures are of the path the test walks.
 */

/** Checks what the walk met against the demo's known answer (the same in every browser). */
export function checkDemoWalk(walk: WalkResult): void {
  assert.deepEqual(walk.sessionRow, ["Session", "2900", "0", "2900"]);
  assert.match(walk.summary, /^Partition of a set of 2900 objects\. Total size = \d+ bytes\. 1 kinds\.$/);
  assert.match(walk.path, /cache\.sessions<Map entry>$/);
  assert.equal(walk.note, "<... 2880 more paths ...>");
  assert.equal(walk.holderEdge, "sessions");
  // What holds the SessionCache: the module's `cache` variable (a context slot) and the app object's property.
  assert.ok(walk.holderRetainers.some((e) => /^cache\b.*context/.test(e)), walk.holderRetainers.join(" | "));
}

/** A step of the walk, in order: its screenshot's file name (docs/img/pb-walk-N-name.png) and what it shows. */
export const WALK_STEPS = [
  { name: "1-table", shows: "the first table: the later snapshot by class" },
  { name: "2-compare", shows: "Compare with the earlier snapshot: 2900 new Sessions" },
  { name: "3-new-sessions", shows: "a click on 2900 opens the new Sessions as a set" },
  { name: "4-paths", shows: "their shortest paths: all through cache.sessions" },
  { name: "5-holder", shows: "a Session's retainers, walked up to the SessionCache and its cache variable" },
] as const;
export type WalkStep = (typeof WALK_STEPS)[number]["name"];

/** What the walk met, for the test to check. */
export interface WalkResult {
  /** The Session row of the comparison: class, # new, # deleted, # delta. */
  sessionRow: string[];
  /** The summary line after opening the new Sessions. */
  summary: string;
  /** The first shortest path's text and the note under the paths. */
  path: string;
  note: string;
  /** The edge by which the SessionCache holds the Sessions, and the edges that hold the SessionCache. */
  holderEdge: string;
  holderRetainers: string[];
  /** Milliseconds from the first table shown to the holder's retainers shown. */
  elapsedMs: number;
}

/**
 * What the walk needs of a browser page, so the same walk runs under Playwright
 * (Chromium) and Puppeteer (Firefox, over WebDriver BiDi). A target is the first
 * element matching `css` whose text — or, with `within`, a descendant's text — matches `text`.
 */
export interface WalkPage {
  click(t: Target): Promise<void>;
  waitFor(t: Target): Promise<void>;
  count(t: Target): Promise<number>;
  /** The target's innerText. */
  text(t: Target): Promise<string>;
  /** The innerText of every element matching `css`. */
  texts(css: string): Promise<string[]>;
  attribute(t: Target, name: string): Promise<string | null>;
  /** Chooses the option at `index` of a <select>. */
  selectIndex(css: string, index: number): Promise<void>;
}

export interface Target {
  css: string;
  text?: RegExp;
  within?: string;
  /** Act on this descendant of the element found (a button in a row, say). */
  inside?: string;
}

/** A page's part to photograph at a step (a CSS selector). */
export type Shoot = (step: WalkStep, region: string) => Promise<void>;

/** Playwright's page as a WalkPage. */
export function playwrightWalkPage(page: Page): WalkPage {
  const matching = (t: Target): Locator => {
    const all = page.locator(t.css);
    if (t.text === undefined) return all;
    return t.within === undefined ? all.filter({ hasText: t.text }) : all.filter({ has: page.locator(t.within, { hasText: t.text }) });
  };
  const locate = (t: Target): Locator => (t.inside === undefined ? matching(t).first() : matching(t).first().locator(t.inside).first());
  return {
    click: (t) => locate(t).click(),
    waitFor: (t) => locate(t).waitFor(),
    count: (t) => matching(t).count(),
    text: (t) => locate(t).innerText(),
    texts: (css) => page.locator(css).allInnerTexts(),
    attribute: (t, name) => locate(t).getAttribute(name),
    selectIndex: async (css, index) => void (await page.selectOption(css, { index })),
  };
}

const escaped = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

/**
 * Walks the demo's leak on a page already at the profile browser's address, the later
 * snapshot named `after` (a file button's text), calling `shoot` after each step.
 */
export async function walkDemoLeak(page: WalkPage, after: string, shoot: Shoot = async () => {}): Promise<WalkResult> {
  await page.click({ css: "nav#files button", text: escaped(after) });
  await page.waitFor({ css: "#partition tbody tr" });
  const started = Date.now();
  await shoot("1-table", "main");

  await page.selectIndex("#compare", 1);
  const session = '#comparison tbody tr[data-kind="Session"]';
  await page.waitFor({ css: session });
  const sessionRow = (await page.texts(`${session} td`)).slice(0, 4);
  await shoot("2-compare", "main");

  await page.click({ css: `${session} a.new-objects` });
  await page.waitFor({ css: "#summary", text: /Partition of a set of/ });
  await page.waitFor({ css: "#partition tbody tr" });
  const summary = (await page.texts("#summary"))[0]!;
  await shoot("3-new-sessions", "main");

  await page.click({ css: "#show-paths" });
  const first = { css: "#paths li a.path" };
  await page.waitFor(first);
  const path = (await page.texts(first.css))[0]!;
  const note = (await page.texts("#output p.note"))[0]!;
  await shoot("4-paths", "#output");

  await page.click(first);
  await page.waitFor({ css: "#object-title", text: /Session @/ });
  // Up the first retainer of each level until the SessionCache that holds them all.
  const cacheRow = { css: "#retainers tbody tr", within: "td.kind", text: /^SessionCache @/ };
  for (let depth = 0; depth < 8 && (await page.count(cacheRow)) === 0; depth++) {
    await page.click({ css: `#retainers tbody tr[data-depth="${depth}"] button.toggle` });
    await page.waitFor({ css: `#retainers tbody tr[data-depth="${depth + 1}"]` });
  }
  const depth = Number(await page.attribute(cacheRow, "data-depth"));
  const holderEdge = (await page.text({ ...cacheRow, inside: "td.edge" })).replace(/^[▸▾\s]+/, "");
  // And what holds the SessionCache: one level further up.
  await page.click({ ...cacheRow, inside: "button.toggle" });
  await page.waitFor({ css: `#retainers tbody tr[data-depth="${depth + 1}"]` });
  const holderRetainers = (await page.texts(`#retainers tbody tr[data-depth="${depth + 1}"] td.edge`)).map((t) => t.replace(/^[▸▾\s]+/, ""));
  const elapsedMs = Date.now() - started;
  await shoot("5-holder", "#object");
  return { sessionRow, summary, path, note, holderEdge, holderRetainers, elapsedMs };
}

/** The tallest a step's screenshot is, in CSS pixels: small files, the part that matters on top. */
const MAX_SHOT_HEIGHT = 620;

/**
 * Photographs a region of the page: scrolled to its top, the full width of the
 * viewport, at most MAX_SHOT_HEIGHT tall (a README picture, not a page dump).
 */
export async function shootRegion(page: Page, css: string, file: string): Promise<void> {
  const region = page.locator(css).first();
  await region.evaluate((e) => e.scrollIntoView({ block: "start" }));
  const box = await region.boundingBox();
  const viewport = page.viewportSize();
  if (box === null || viewport === null) throw new Error(`Nothing to photograph for ${file}`);
  const y = Math.max(0, box.y - 8);
  await page.screenshot({ path: file, clip: { x: 0, y, width: viewport.width, height: Math.min(box.height + 16, MAX_SHOT_HEIGHT, viewport.height - y) } });
}
