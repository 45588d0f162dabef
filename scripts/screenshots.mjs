#!/usr/bin/env node
// The README's screenshots of the profile browser: the demo's leak found by clicks
// alone (the walk in test/support/demo-walk.ts, which the end-to-end test checks),
// photographed step by step into docs/img/pb-walk-*.png. They show Guppy's own page on
// the demo's synthetic heap. Run after `npm run build`:
//
//   node scripts/screenshots.mjs [--out docs/img] [--browser /usr/bin/chromium]
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { out: { type: "string", default: join(root, "docs", "img") }, browser: { type: "string", default: process.env.GUPPY_CHROMIUM ?? "/usr/bin/chromium" } } });
const dist = (p) => import(join(root, "dist", p));
const { startProfileBrowser } = await dist("src/pb/server.js");
const { walkDemoLeak, playwrightWalkPage, shootRegion, WALK_STEPS } = await dist("test/support/demo-walk.js");

const work = mkdtempSync(join(tmpdir(), "guppy-screenshots-"));
const before = join(work, "demo-before.heapsnapshot");
const after = join(work, "demo-after.heapsnapshot");
await promisify(execFile)(process.execPath, [join(root, "dist", "src", "cli", "demo", "leaky-app.js"), before, after], { timeout: 120_000 });
mkdirSync(values.out, { recursive: true });
const pb = await startProfileBrowser([before, after], { cacheDir: null });
const browser = await chromium.launch({ executablePath: values.browser, args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
  await page.goto(pb.url);
  const files = [];
  const result = await walkDemoLeak(playwrightWalkPage(page), "demo-after", async (step, region) => {
    const file = join(values.out, `pb-walk-${step}.png`);
    await shootRegion(page, region, file);
    files.push(file);
  });
  for (const file of files) process.stdout.write(`${file}: ${statSync(file).size} bytes\n`);
  process.stdout.write(`${WALK_STEPS.length} steps, from the first table to the holder in ${result.elapsedMs} ms of clicks.\n`);
} finally {
  await browser.close();
  await pb.close();
  rmSync(work, { recursive: true, force: true });
}
