import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { GuppyError } from "../errors.js";
import { firstLine } from "./scenario.js";

/** Debian's Chromium, where scripts/install-browser.sh puts it. */
export const DEFAULT_BROWSER = "/usr/bin/chromium";

/**
 * Flags for a headless Chromium that may run as root in a container, with a fresh
 * profile and nothing that calls home (this machine has no network).
 */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-breakpad",
  "--disable-crash-reporter",
  "--remote-debugging-address=127.0.0.1",
  "--remote-debugging-port=0",
];

/** The start of the name of each launched browser's profile folder (in the temp folder). */
export const PROFILE_PREFIX = "guppy-run-chromium-";

/** A page to drive, and how to let go of everything opened for it. */
export interface DrivenPage {
  page: Page;
  /** Closes what Guppy opened; a launched browser's whole process group is killed. Never throws. */
  close(): Promise<void>;
}

function browserError(what: string): GuppyError {
  return new GuppyError("BROWSER_FAILED", what);
}

/** A launched Chromium process: its DevTools address and how to end it. */
export interface ChromiumProcess {
  /** `ws://127.0.0.1:PORT/devtools/browser/…` */
  wsEndpoint: string;
  port: number;
  /** Kills the browser and its helpers (its own process group), then removes its profile. */
  kill(): Promise<void>;
}

/**
 * Starts Chromium at `path` headless with a fresh profile (a temp folder named from
 * `profilePrefix`), in a process group of its own so that killing it reaches the
 * renderer and utility processes too.
 */
export async function launchChromium(path: string, options: { timeoutMs?: number; profilePrefix?: string } = {}): Promise<ChromiumProcess> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const profile = mkdtempSync(join(tmpdir(), options.profilePrefix ?? PROFILE_PREFIX));
  const child = spawn(path, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, "about:blank"], { stdio: ["ignore", "ignore", "pipe"], detached: true });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  const kill = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      await exited;
    }
    // Helpers that outlived the group kill may still be flushing into the profile for a moment.
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  try {
    const wsEndpoint = await new Promise<string>((resolve, reject) => {
      let err = "";
      const timer = setTimeout(() => reject(browserError(`The browser at ${path} did not open its DevTools port within ${timeoutMs / 1000} s.`)), timeoutMs);
      const fail = (e: GuppyError): void => {
        clearTimeout(timer);
        reject(e);
      };
      child.once("error", (e: NodeJS.ErrnoException) => fail(browserError(`Cannot start the browser at ${path} (${e.code === "ENOENT" ? "no such file" : e.code === "EACCES" ? "not executable" : (e.code ?? e.message)}).`)));
      child.once("exit", (code) => fail(browserError(`The browser at ${path} exited with code ${code} before it opened its DevTools port.`)));
      child.stderr!.on("data", (d: Buffer) => {
        err += String(d);
        const m = /DevTools listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    child.stderr!.resume();
    return { wsEndpoint, port: Number(new URL(wsEndpoint).port), kill };
  } catch (e) {
    await kill();
    throw e;
  }
}

/** Whether a DevTools URL points at this machine: only loopback browsers are driven. */
export function loopbackEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`);
  } catch {
    throw new GuppyError("USAGE", `--cdp takes a DevTools URL such as http://127.0.0.1:9222, not ${url}.`);
  }
  if (!["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname)) throw new GuppyError("USAGE", `--cdp drives only browsers on this machine (127.0.0.1, localhost, [::1]), not ${parsed.hostname}.`);
  return parsed.href;
}

async function playwright(): Promise<typeof import("playwright-core")> {
  // Loaded only by `guppy run`: the other commands never need it.
  return import("playwright-core");
}

async function quietly(f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch {
    // closing what is already gone
  }
}

/**
 * A new page to drive: in a Chromium started from `browser` (a path), or in a new
 * context of the browser (or Electron app) already listening at `cdp`.
 */
export async function openPage(target: { browser: string } | { cdp: string }): Promise<DrivenPage> {
  const { chromium } = await playwright();
  if ("cdp" in target) {
    const endpoint = loopbackEndpoint(target.cdp);
    let browser: Browser;
    try {
      browser = await chromium.connectOverCDP(endpoint, { timeout: 30_000 });
    } catch (e) {
      throw browserError(`Nothing that speaks the DevTools protocol answers at ${endpoint} (${firstLine(e)}).`);
    }
    let context: BrowserContext | null = null;
    try {
      // A context of its own leaves the user's pages alone; Electron has only its default one.
      context = await browser.newContext().catch(() => null);
      const page = await (context ?? browser.contexts()[0] ?? (await browser.newContext())).newPage();
      return {
        page,
        close: async () => {
          await quietly(() => (context ? context.close() : page.close()));
          await quietly(() => browser.close());
        },
      };
    } catch (e) {
      await quietly(() => browser.close());
      throw browserError(`The browser at ${endpoint} did not open a page (${firstLine(e)}).`);
    }
  }
  const proc = await launchChromium(target.browser);
  try {
    const browser = await chromium.connectOverCDP(proc.wsEndpoint, { timeout: 30_000 });
    const context = browser.contexts()[0] ?? (await browser.newContext());
    const page = await context.newPage();
    return {
      page,
      close: async () => {
        await quietly(() => browser.close());
        await proc.kill();
      },
    };
  } catch (e) {
    await proc.kill();
    throw browserError(`The browser at ${target.browser} started but could not be driven (${firstLine(e)}).`);
  }
}
