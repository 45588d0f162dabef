import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { GuppyError } from "../src/errors.js";
import { hpy, readHeapSnapshot } from "../src/index.js";
import { pathText } from "../src/heapy/render/paths.js";
import { terminalText } from "../src/heapy/render/terminal-text.js";
import { guppy } from "./support/cli.js";
import { projectRoot } from "./support/paths.js";
import { synthSnapshot, type SynthNode } from "./support/synthetic.js";

// Issue 15, finding 8 (the file side): special files, terminal escapes, gzip bombs, demo --dir.

const dir = mkdtempSync(join(tmpdir(), "guppy-hostile-"));
const posix = process.platform !== "win32";
const run = promisify(execFile);

async function refused(file: string): Promise<GuppyError> {
  for (const parallel of [false, true]) {
    try {
      await readHeapSnapshot(file, { cacheDir: null, parallel });
    } catch (e) {
      assert.ok(e instanceof GuppyError, String(e));
      if (!parallel) return e;
      continue;
    }
    assert.fail("expected a GuppyError");
  }
  throw new Error("unreachable");
}

test("a FIFO input is refused at once, not waited on, and not called empty", { skip: !posix, timeout: 30_000 }, async () => {
  const fifo = join(dir, "pipe.heapsnapshot");
  execFileSync("mkfifo", [fifo]);
  const e = await refused(fifo);
  assert.equal(e.code, "FILE_UNREADABLE");
  assert.match(e.message, /a pipe \(FIFO\), not a heap snapshot file/);
  const r = await guppy("summary", fifo);
  assert.notEqual(r.code, 0);
  assert.notEqual(r.code, 70);
  assert.match(r.stderr, /^guppy: FILE_UNREADABLE .*pipe\.heapsnapshot: This is a pipe \(FIFO\)/);
  assert.doesNotMatch(r.stderr, /empty/);
  // `guppy summary /dev/stdin` with a socket on stdin (as Node hands it to a child): refused as what it is, not read.
  const stdin = await guppy("summary", "/dev/stdin");
  assert.ok(stdin.code !== 0 && stdin.code !== 70, String(stdin.code));
  assert.match(stdin.stderr, /^guppy: FILE_UNREADABLE \/dev\/stdin: This is a (socket|pipe \(FIFO\)), not a heap snapshot file/);
});

test("devices are refused as devices, not as empty files", { skip: process.platform !== "linux" }, async () => {
  for (const dev of ["/dev/null", "/dev/zero"]) {
    const e = await refused(dev);
    assert.equal(e.code, "FILE_UNREADABLE", dev);
    assert.match(e.message, /This is a device/);
  }
});

test("a gzip bomb is refused before it inflates into gigabytes", { timeout: 120_000 }, async () => {
  // 4 MB of gzip members, each 1 MiB of spaces (about 1 KB compressed): 4 GB inflated
  // inside a snapshot's strings section. Gunzip reads concatenated members as one stream.
  const nodes: SynthNode[] = [{ type: "synthetic", name: "", size: 0, edges: [] }];
  const text = synthSnapshot(nodes);
  const cut = text.indexOf('"strings":[') + 11;
  const member = gzipSync(Buffer.alloc(1 << 20, 0x61));
  const parts = [gzipSync(text.slice(0, cut) + '"')];
  for (let size = 0; size < 4 << 20; size += member.length) parts.push(member);
  parts.push(gzipSync('"' + text.slice(cut + 2)));
  const bomb = join(dir, "bomb.heapsnapshot.gz");
  writeFileSync(bomb, Buffer.concat(parts));
  // In a child, to measure its peak memory.
  const script = `
    import { readHeapSnapshot } from ${JSON.stringify(join(projectRoot(), "dist", "src", "index.js"))};
    let code = "none";
    try { await readHeapSnapshot(process.argv[1], { cacheDir: null }); } catch (e) { code = e.code; }
    console.log(JSON.stringify({ code, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script, bomb], { timeout: 110_000 });
  const r = JSON.parse(stdout) as { code: string; maxRssMiB: number };
  assert.equal(r.code, "TOO_LARGE");
  assert.ok(r.maxRssMiB < 1024, `peak ${Math.round(r.maxRssMiB)} MiB`);
});

test("class names, property names and labels reach the terminal escaped", async () => {
  const nodes: SynthNode[] = [
    { type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "1", to: 1 }] },
    { type: "object", name: "Window", size: 10, edges: [{ type: "property", name: "evil\x1b]0;owned\x07", to: 2 }] },
    { type: "object", name: "Evil\x1b[2J\u202eName\n", size: 100, edges: [] },
  ];
  const file = join(dir, "escapes.heapsnapshot");
  writeFileSync(file, synthSnapshot(nodes));
  const g = await readHeapSnapshot(file, { cacheDir: null });
  const h = hpy({ cacheDir: null });
  const table = String(h.heap(g).byclodo);
  assert.ok(table.includes(" Evil\\x1b[2J\\u202eName\\n"), table);
  assert.equal(pathText(g, 2), 'h.Root.Window["evil\\u001b]0;owned\\u0007"]');
  for (const args of [["summary", file], ["heap", file], ["dom", file], ["sp", file, "--kind", "Evil\x1b[2J\u202eName\n"]]) {
    const r = await guppy(...args);
    assert.doesNotMatch(r.stdout + r.stderr, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/, `${args[0]}: ${r.stdout}${r.stderr}`);
  }
  const heap = await guppy("heap", file);
  assert.equal(heap.code, 0, heap.stderr);
  assert.ok(heap.stdout.includes("Evil\\x1b[2J\\u202eName\\n"), heap.stdout);
  // Plain text and other scripts are left alone.
  assert.equal(terminalText("Map entry — 日本 ü"), "Map entry — 日本 ü");
  assert.equal(terminalText("\x00\x9b\t"), "\\x00\\x9b\\t");
});

test("guppy demo --dir creates a folder that does not exist yet", { timeout: 180_000 }, async () => {
  const fresh = join(dir, "new", "demo");
  const r = await guppy("demo", "--json", "--dir", fresh);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout) as { before: string; after: string };
  assert.ok(o.before.startsWith(fresh) && existsSync(o.before) && existsSync(o.after));
  if (process.platform === "linux") {
    // Where no folder can be made (a recursive mkdir spins there): an error at once.
    const proc = await guppy("demo", "--json", "--dir", "/proc/x/demo");
    assert.ok(proc.code !== 0 && proc.code !== 70, String(proc.code));
    assert.match(proc.stderr, /^guppy: FILE_UNREADABLE \/proc\/x\/demo: The demo's folder cannot be created\./);
  }
});
