import type { JSHandle, Page } from "playwright-core";

/** Page methods that give handles: each one pins its object in the page until disposed. */
const GIVE_HANDLES = new Set(["$", "$$", "waitForSelector", "evaluateHandle", "$x"]);

/** The page a scenario's steps get, and how to let go of the handles they took. */
export interface ScenarioPage {
  page: Page;
  /** Disposes every handle the steps took since the last call (a step's handles die with it). */
  release(): Promise<void>;
}

function isHandle(v: unknown): v is JSHandle {
  return typeof v === "object" && v !== null && typeof (v as JSHandle).dispose === "function" && typeof (v as JSHandle).evaluate === "function";
}

/** puppeteer's `{ hidden }` and `{ visible }` of waitForSelector as Playwright's `state`. */
function puppeteerWaitOptions(options: unknown): unknown {
  if (typeof options !== "object" || options === null) return options;
  const { hidden, visible, ...rest } = options as { hidden?: boolean; visible?: boolean; state?: string };
  if (rest.state !== undefined || (hidden === undefined && visible === undefined)) return options;
  return { ...rest, state: hidden ? "hidden" : "visible" };
}

/**
 * Wraps a Playwright page for scenario steps. Handles the steps take (`page.$`,
 * `waitForSelector`, ...) are disposed after each step: Playwright keeps their
 * objects alive until then, and a snapshot would show the panel the scenario
 * closed as held by the automation instead of by the page. memlab's scenarios are
 * written for puppeteer's page; the few methods Playwright lacks are added:
 * `$x(xpath)` and `waitForXPath(xpath)` (as `xpath=` selectors) and
 * `waitForNetworkIdle()`; `waitForSelector`'s `{ hidden: true }` and
 * `{ visible: true }` become Playwright's states.
 */
export function scenarioPage(page: Page): ScenarioPage {
  const taken: JSHandle[] = [];
  const keep = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(keep);
    else if (isHandle(v)) taken.push(v);
  };
  const extra: Record<string, (...args: never[]) => unknown> = {
    $x: (expression: string) => page.$$(`xpath=${expression}`),
    waitForXPath: (expression: string, options: Parameters<Page["waitForSelector"]>[1] = {}) => page.waitForSelector(`xpath=${expression}`, options),
    waitForNetworkIdle: () => page.waitForLoadState("networkidle"),
  };
  const proxy = new Proxy(page, {
    get(target, prop) {
      const own = typeof prop === "string" && !(prop in target) ? extra[prop] : undefined;
      const value: unknown = own ?? Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof prop === "string" && GIVE_HANDLES.has(prop)) {
        return async (...args: unknown[]) => {
          if (prop === "waitForSelector") args[1] = puppeteerWaitOptions(args[1]);
          const result = await method.apply(target, args);
          keep(result);
          return result;
        };
      }
      return method.bind(target);
    },
  });
  return {
    page: proxy,
    async release() {
      const all = taken.splice(0);
      await Promise.all(all.map((h) => h.dispose().catch(() => {})));
    },
  };
}
