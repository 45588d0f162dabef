// Exit codes, the same on every command (issue 15, finding 7): 0 clean, 1 findings,
// 2 errors (bad input, usage, an unreachable target); with --json the error is also a
// JSON object on stdout. Each command is run on a broken snapshot and on a missing file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { guppy, type Run } from "./support/cli.js";
import { fixtureSnapshot } from "./support/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "guppy-exit-"));
const broken = join(dir, "broken.heapsnapshot");
writeFileSync(broken, '{"snapshot":{"meta":{}},"nodes":[');
const brokenLine = `guppy: BAD_META ${broken} at byte 12: The snapshot header is malformed: 'node_fields' or 'edge_fields' is missing.\n`;
const missing = join(dir, "missing.heapsnapshot");

/** Exit 2, the one line on stderr, and with --json the same error on stdout. */
function assertError(r: Run, line: string, code: string, json: boolean): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr, line);
  if (json) {
    const out = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    assert.equal(out.error.code, code);
    assert.ok(line.endsWith(` ${out.error.message}\n`), `${out.error.message} / ${line}`);
  } else {
    assert.equal(r.stdout, "");
  }
}

/** Each command with a snapshot argument, and whether it takes --json. */
const COMMANDS: { name: string; args: (f: string) => string[]; json: boolean }[] = [
  { name: "summary", args: (f) => ["summary", f], json: true },
  { name: "heap", args: (f) => ["heap", f], json: true },
  { name: "diff", args: (f) => ["diff", f, f], json: true },
  { name: "sp", args: (f) => ["sp", f, "--kind", "Foo"], json: true },
  { name: "rp", args: (f) => ["rp", f, "--kind", "Foo"], json: true },
  { name: "dom", args: (f) => ["dom", f], json: true },
  { name: "leaks", args: (f) => ["leaks", f, f, f], json: true },
  { name: "waste", args: (f) => ["waste", f], json: true },
  { name: "growth", args: (f) => ["growth", f, f], json: true },
  { name: "stat", args: (f) => ["stat", f], json: true },
  { name: "repl", args: (f) => ["repl", f], json: false },
];

for (const c of COMMANDS) {
  test(`guppy ${c.name}: a broken or missing snapshot exits 2${c.json ? ", and --json carries the error" : ""}`, async () => {
    assertError(await guppy(...c.args(broken)), brokenLine, "BAD_META", false);
    if (c.json) assertError(await guppy(...c.args(broken), "--json"), brokenLine, "BAD_META", true);
    assertError(await guppy(...c.args(missing)), `guppy: FILE_NOT_FOUND ${missing}: No such file.\n`, "FILE_NOT_FOUND", false);
  });
}

test("guppy stat --show, pb, gsl, record, monitor: bad input and usage exit 2", async () => {
  const stat = join(dir, "missing.hpy");
  assertError(await guppy("stat", "--show", stat, "--json"), `guppy: FILE_NOT_FOUND ${stat}: No such stat file.\n`, "FILE_NOT_FOUND", true);
  const text = join(dir, "notes.txt");
  writeFileSync(text, "neither\n");
  assertError(await guppy("pb", text), `guppy: WRONG_FORMAT ${text}: This is neither a Heapy stat file nor a heap snapshot.\n`, "WRONG_FORMAT", false);
  assertError(await guppy("pb", missing), `guppy: FILE_NOT_FOUND ${missing}: No such file.\n`, "FILE_NOT_FOUND", false);
  const port = await guppy("pb", text, "--port", "-1");
  assert.equal(port.code, 2);
  assert.equal(port.stderr, "error: option '--port <n>' argument '-1' is invalid. expected a port number from 0 to 65535\n");
  assert.equal((await guppy("pb", text, "--port", "65536")).code, 2);
  const spec = join(dir, "bad.gsl");
  writeFileSync(spec, ".and: x\n");
  assertError(await guppy("gsl", spec), `guppy: BAD_SPEC ${spec}:1:2: '.and: x' continues a kind that is not defined ('.kind:: x' first).\n`, "BAD_SPEC", false);
  const unreachable = await guppy("record", "--out", join(dir, "r.hpy"), "--attach", "127.0.0.1:1", "--count", "1");
  assert.equal(unreachable.code, 2, "an unreachable target is an error");
  assert.match(unreachable.stderr, /^guppy: SNAPSHOT_FAILED Nothing answers at 127\.0\.0\.1:1/);
  assert.equal((await guppy("monitor", "extra")).code, 2);
  const notDir = join(dir, "notes.txt");
  const demo = await guppy("demo", "--dir", notDir, "--json");
  assert.equal(demo.code, 2, "demo into a file that is not a folder");
  assert.match(demo.stderr, /^guppy: [A-Z_]+ [^\n]*\n$/);
  assert.ok("error" in (JSON.parse(demo.stdout) as object));
});

test("usage errors exit 2 and, with --json, say so on stdout", async () => {
  const r = await guppy("summary", broken, "--top", "zero", "--json");
  assert.equal(r.code, 2);
  assert.deepEqual(JSON.parse(r.stdout), { error: { code: "USAGE", message: "option '--top <n>' argument 'zero' is invalid. expected a whole number of at least 1" } });
  const unknown = await guppy("heap", broken, "--json", "--frobnicate");
  assert.equal(unknown.code, 2);
  assert.equal((JSON.parse(unknown.stdout) as { error: { code: string } }).error.code, "USAGE");
});

test("findings exit 1, the same input without findings 0: leaks, waste, growth", async () => {
  const base = await fixtureSnapshot("planted-leaks");
  assert.equal((await guppy("leaks", base, `${base}.target`, `${base}.final`)).code, 1);
  assert.equal((await guppy("leaks", base, `${base}.target`, `${base}.final`, "--threshold", "1e15")).code, 0);
  assert.equal((await guppy("leaks", base, base, base)).code, 0, "nothing allocated, nothing leaked");
  const waste = await fixtureSnapshot("known-waste");
  assert.equal((await guppy("waste", waste, "--threshold", "0")).code, 1);
  assert.equal((await guppy("waste", waste)).code, 0);
  assert.equal((await guppy("growth", waste, `${waste}.2`, `${waste}.3`, "--min", "100")).code, 1);
  assert.equal((await guppy("growth", waste, waste)).code, 0, "nothing grew between a snapshot and itself");
});
