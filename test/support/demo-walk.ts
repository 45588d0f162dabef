import type { Locator, Page } from "playwright-core";

/**
 * The demo's leak found in the profile browser by clicks alone, as the README shows
 * it: the first table, the comparison with the earlier snapshot, the new Sessions,
 * their shortest paths, and one Session's retainers up to the SessionCache and the
 * variable that holds it. Shared by the end-to-end test (which checks what each step
 * shows) and scripts/screenshots.mjs (which photographs each step for the README), so
 * the pictures are of the path the test walks.
 */

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

/** A page's element to photograph at a step: the part of the page the step is about. */
export type Shoot = (step: WalkStep, region: Locator) => Promise<void>;

/**
 * Walks the demo's leak on a page already at the profile browser's address, the later
 * snapshot named `after` (a file button's text), calling `shoot` after each step.
 */
export async function walkDemoLeak(page: Page, after: string, shoot: Shoot = async () => {}): Promise<WalkResult> {
  await page.click(`nav#files button:has-text("${after}")`);
  await page.waitForSelector("#partition tbody tr");
  const started = Date.now();
  await shoot("1-table", page.locator("main"));

  await page.selectOption("#compare", { index: 1 });
  const session = page.locator('#comparison tbody tr[data-kind="Session"]');
  await session.waitFor();
  const sessionRow = (await session.locator("td").allInnerTexts()).slice(0, 4);
  await shoot("2-compare", page.locator("main"));

  await session.locator("a.new-objects").click();
  await page.locator("#summary", { hasText: "Partition of a set of" }).waitFor();
  await page.locator("#partition tbody tr").first().waitFor();
  const summary = await page.locator("#summary").innerText();
  await shoot("3-new-sessions", page.locator("main"));

  await page.click("#show-paths");
  const first = page.locator("#paths li a.path").first();
  await first.waitFor();
  const path = await first.innerText();
  const note = await page.locator("#output p.note").innerText();
  await shoot("4-paths", page.locator("#output"));

  await first.click();
  await page.locator("#object-title", { hasText: "Session @" }).waitFor();
  // Up the first retainer of each level until the SessionCache that holds them all.
  const cacheRow = '#retainers tbody tr:has(td.kind:text-matches("^SessionCache @"))';
  for (let depth = 0; depth < 8 && (await page.locator(cacheRow).count()) === 0; depth++) {
    await page.locator(`#retainers tbody tr[data-depth="${depth}"] button.toggle`).first().click();
    await page.locator(`#retainers tbody tr[data-depth="${depth + 1}"]`).first().waitFor();
  }
  const holder = page.locator(cacheRow).first();
  const holderEdge = (await holder.locator("td.edge").innerText()).replace(/^[▸▾\s]+/, "");
  // And what holds the SessionCache: one level further up.
  const depth = Number(await holder.getAttribute("data-depth"));
  await holder.locator("button.toggle").click();
  const above = page.locator(`#retainers tbody tr[data-depth="${depth + 1}"]`);
  await above.first().waitFor();
  const holderRetainers = (await above.locator("td.edge").allInnerTexts()).map((t) => t.replace(/^[▸▾\s]+/, ""));
  const elapsedMs = Date.now() - started;
  await shoot("5-holder", page.locator("#object"));
  return { sessionRow, summary, path, note, holderEdge, holderRetainers, elapsedMs };
}

/** The tallest a step's screenshot is, in CSS pixels: small files, the part that matters on top. */
const MAX_SHOT_HEIGHT = 620;

/**
 * Photographs a region of the page: scrolled to its top, the full width of the
 * viewport, at most MAX_SHOT_HEIGHT tall (a README picture, not a page dump).
 */
export async function shootRegion(page: Page, region: Locator, file: string): Promise<void> {
  await region.evaluate((e) => e.scrollIntoView({ block: "start" }));
  const box = await region.boundingBox();
  const viewport = page.viewportSize();
  if (box === null || viewport === null) throw new Error(`Nothing to photograph for ${file}`);
  const y = Math.max(0, box.y - 8);
  await page.screenshot({ path: file, clip: { x: 0, y, width: viewport.width, height: Math.min(box.height + 16, MAX_SHOT_HEIGHT, viewport.height - y) } });
}
