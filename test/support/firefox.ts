import { existsSync } from "node:fs";
import type { Page } from "puppeteer-core";
import type { Target, WalkPage } from "./demo-walk.js";

/** Debian's Firefox ESR, which scripts/install-browser.sh installs. */
export const FIREFOX = process.env.GUPPY_FIREFOX ?? "/usr/bin/firefox-esr";

/** Why the Firefox tests cannot run here, or null when they can. In CI they must run. */
export function firefoxMissing(): string | null {
  if (existsSync(FIREFOX)) return null;
  if (process.env.CI) throw new Error(`Firefox is required in CI but ${FIREFOX} is missing (scripts/install-browser.sh installs it)`);
  return `no Firefox at ${FIREFOX} (install Debian's firefox-esr package, as scripts/install-browser.sh does)`;
}

/**
 * Page-side JavaScript (the tests compile without the DOM's types): the elements a
 * target matches, by the same rules as Playwright's text filters, then `inside` of the first.
 */
function inPage(t: Target, then: string): string {
  const spec = JSON.stringify({ css: t.css, source: t.text?.source ?? null, flags: t.text?.flags ?? "", within: t.within ?? null, inside: t.inside ?? null });
  return `(() => {
    const t = ${spec};
    const re = t.source === null ? null : new RegExp(t.source, t.flags);
    const text = (e) => e.innerText ?? e.textContent ?? "";
    const all = [...document.querySelectorAll(t.css)].filter((e) => re === null || (t.within === null ? re.test(text(e)) : [...e.querySelectorAll(t.within)].some((d) => re.test(text(d)))));
    const hit = all.length === 0 ? null : t.inside === null ? all[0] : all[0].querySelector(t.inside);
    ${then}
  })()`;
}

/**
 * Puppeteer's page (Firefox over WebDriver BiDi) as the demo walk's WalkPage: each
 * action first waits for its target, as Playwright's do.
 */
export function puppeteerWalkPage(page: Page): WalkPage {
  const waitFor = async (t: Target): Promise<void> => {
    await page.waitForFunction(inPage(t, "return hit !== null;"), { timeout: 30_000 });
  };
  const find = async (t: Target) => {
    await waitFor(t);
    return (await page.evaluateHandle(inPage(t, "return hit;"))).asElement()!;
  };
  return {
    click: async (t) => (await find(t)).click(),
    waitFor,
    count: (t) => page.evaluate(inPage(t, "return all.length;")) as Promise<number>,
    text: async (t) => {
      await waitFor(t);
      return page.evaluate(inPage(t, "return hit.innerText;")) as Promise<string>;
    },
    texts: (css) => page.evaluate(`[...document.querySelectorAll(${JSON.stringify(css)})].map((e) => e.innerText)`) as Promise<string[]>,
    attribute: async (t, name) => {
      await waitFor(t);
      return page.evaluate(inPage(t, `return hit.getAttribute(${JSON.stringify(name)});`)) as Promise<string | null>;
    },
    selectIndex: async (css, index) => {
      const value = (await page.evaluate(`document.querySelector(${JSON.stringify(css)}).options[${index}].value`)) as string;
      await page.select(css, value);
    },
  };
}
