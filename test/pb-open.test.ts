// `guppy pb --open` (issue 15, finding 3): the token is on no process's command line,
// yet the browser it starts reaches the page, and the page still needs the token.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { writeLauncher } from "../src/pb/launcher.js";
import { startProfileBrowser } from "../src/pb/server.js";
import { CHROMIUM, chromiumMissing } from "./support/chromium.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { projectRoot } from "./support/paths.js";

const guppyBin = join(projectRoot(), "bin", "guppy.js");

/** Every command line this user can see in /proc that contains `secret`. */
function commandLinesWith(secret: string): string[] {
  const hits: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmd.includes(secret)) hits.push(`${pid}: ${cmd.replace(/\0/g, " ")}`);
    } catch {
      // The process ended meanwhile.
    }
  }
  return hits;
}

test("guppy pb --open gives xdg-open and the browser a private file, never the token", async () => {
  const snapshot = await fixtureSnapshot("classes-in-map");
  const dir = mkdtempSync(join(tmpdir(), "guppy-pb-open-"));
  const log = join(dir, "browser.log");
  // A browser that records what it was given and what its parent (xdg-open) was given, then
  // stays up like a real one, so the check of every command line below sees it running.
  const browser = join(dir, "browser");
  writeFileSync(browser, `#!/bin/sh\n{ printf '%s\\n' "$1"; tr '\\0' ' ' < /proc/$PPID/cmdline; echo; echo $$; } > "${log}.tmp"\nmv "${log}.tmp" "${log}"\nexec sleep 30\n`);
  chmodSync(browser, 0o755);
  // xdg-open, with no desktop, tries mailcap before $BROWSER for a file: where it is installed, it declines here.
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "run-mailcap"), "#!/bin/sh\nexit 1\n");
  chmodSync(join(bin, "run-mailcap"), 0o755);
  const env: Record<string, string> = { PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`, HOME: dir, BROWSER: browser, GUPPY_CACHE: join(dir, "cache") };
  const child = spawn(process.execPath, [guppyBin, "pb", snapshot, "--open"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += String(d)));
  child.stderr.on("data", (d: Buffer) => (err += String(d)));
  let fakeBrowser = 0;
  try {
    for (let i = 0; i < 300 && !readdirSync(dir).includes("browser.log"); i++) await new Promise((r) => setTimeout(r, 100));
    const address = /Guppy profile browser: (\S+)/.exec(out)?.[1];
    assert.ok(address !== undefined, `no address printed: ${out}${err}`);
    const token = new URLSearchParams(new URL(address).hash.slice(1)).get("token")!;
    assert.match(token, /^[A-Za-z0-9_-]{32}$/);
    const [given, parent, browserPid] = readFileSync(log, "utf8").split("\n");
    fakeBrowser = Number(browserPid);
    assert.ok(!given!.includes(token) && !parent!.includes(token), `the token is on a command line: ${given} / ${parent}`);
    assert.deepEqual(commandLinesWith(token), []);
    // What the browser was given: a file only this user can read, leading to the address.
    assert.match(given!, /^file:\/\/.*\/open\.html$/);
    const file = fileURLToPath(given!);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(file, "..")).mode & 0o777, 0o700);
    assert.ok(readFileSync(file, "utf8").includes(`<meta http-equiv="refresh" content="0;url=${address}">`));
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    assert.throws(() => statSync(file), "the file is removed when pb stops");
  } finally {
    child.kill("SIGKILL");
    if (fakeBrowser > 0) process.kill(fakeBrowser, "SIGKILL");
  }
});

test("the launcher file takes a real browser to the page, which gets its data with the token from the fragment", { skip: chromiumMissing() ?? false }, async () => {
  const pb = await startProfileBrowser([await fixtureSnapshot("classes-in-map")], { cacheDir: null });
  const launcher = writeLauncher(pb.url);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(launcher.url);
    await page.waitForURL(`http://127.0.0.1:${pb.port}/`);
    await page.locator("#files").getByText("classes-in-map", { exact: false }).first().waitFor({ timeout: 20_000 });
    assert.equal(page.url(), `http://127.0.0.1:${pb.port}/`, "the token is taken out of the address bar");
    assert.ok(!requests.some((u) => u.includes(pb.token)), `a request carried the token in its URL: ${requests.join(" ")}`);
    // A reload keeps working (the tab keeps the token), with the address still token-free.
    await page.reload();
    await page.locator("#files").getByText("classes-in-map", { exact: false }).first().waitFor({ timeout: 20_000 });
  } finally {
    await browser.close();
    launcher.remove();
    await pb.close();
  }
});
