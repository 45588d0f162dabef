import assert from "node:assert/strict";
import { request } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { hpy } from "../src/index.js";
import { startProfileBrowser, type ProfileBrowser } from "../src/pb/server.js";
import { Stat } from "../src/heapy/stat/stat.js";
import { GuppyError } from "../src/errors.js";
import { fixtureSnapshot } from "./support/fixtures.js";

/** A GET with full control of the Host header and the token. */
function get(pb: ProfileBrowser, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: pb.port, path, headers: { Host: `127.0.0.1:${pb.port}`, ...headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

let pb: ProfileBrowser;
let statFile: string;
let snapshot: string;
const stats: Stat[] = [];

before(async () => {
  snapshot = await fixtureSnapshot("classes-in-map");
  const [a, b, c] = await (async () => {
    const base = await fixtureSnapshot("three-snapshots");
    return [base, `${base}.target`, `${base}.final`];
  })();
  const h = hpy({ cacheDir: null });
  statFile = join(mkdtempSync(join(tmpdir(), "guppy-pb-")), "run.hpy");
  for (const f of [a!, b!, c!]) {
    const s = (await h.load(f)).stat;
    s.dump(statFile);
    stats.push(s);
  }
  pb = await startProfileBrowser([statFile, snapshot], { cacheDir: null });
});
after(async () => pb?.close());

test("the server listens on 127.0.0.1 only and its address carries the token in its fragment, which is never sent", () => {
  assert.match(pb.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{32}$/);
});

test("the page's shell and assets hold neither data nor the token; every API request needs the token", async () => {
  const shell = await get(pb, "/");
  assert.equal(shell.status, 200);
  assert.ok(!shell.body.includes(pb.token));
  assert.ok(!shell.body.includes("run.hpy"), "no file names in the shell");
  assert.equal((await get(pb, "/assets/app.js")).status, 200);
  for (const path of ["/api/files", "/api/stat/series?file=0", "/api/snap/partition?file=1", "/api/nothing", "/other"]) {
    assert.equal((await get(pb, path)).status, 401, path);
  }
});

test("a token of the right length with a non-ASCII character is refused (401, not 500)", async () => {
  const forged = "é" + pb.token.slice(1);
  assert.equal(forged.length, pb.token.length);
  assert.equal((await get(pb, `/api/files?token=${encodeURIComponent(forged)}`)).status, 401);
  assert.equal((await get(pb, "/api/files", { "X-Guppy-Token": encodeURIComponent(forged) })).status, 401);
  assert.equal((await get(pb, `/api/files?token=${encodeURIComponent("\u{1F600}".repeat(pb.token.length / 2))}`)).status, 401);
});

test("a port outside 0..65535 is a usage error", async () => {
  for (const port of [-1, 65536, 1.5]) {
    await assert.rejects(startProfileBrowser([statFile], { port, cacheDir: null }), (e: unknown) => e instanceof GuppyError && e.code === "USAGE" && e.message === "The port must be a whole number from 0 to 65535.");
  }
});

test("requests without the token, with a wrong one, or from a foreign Host are refused", async () => {
  assert.equal((await get(pb, "/api/files")).status, 401);
  assert.equal((await get(pb, `/api/files?token=${"x".repeat(pb.token.length)}`)).status, 401);
  assert.equal((await get(pb, "/api/files", { "X-Guppy-Token": pb.token.slice(1) })).status, 401);
  // DNS rebinding: the right token, but the page was loaded under another name.
  const rebound = await get(pb, `/api/files?token=${pb.token}`, { Host: `evil.example:${pb.port}` });
  assert.equal(rebound.status, 403);
  assert.equal((await get(pb, `/?token=${pb.token}`, { Host: "127.0.0.1:1" })).status, 403);
  const ok = await get(pb, "/api/files", { "X-Guppy-Token": pb.token });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers["referrer-policy"], "no-referrer");
  assert.match(String(ok.headers["content-security-policy"]), /default-src 'self'/);
});

test("only the given files, by number: no paths, no traversal", async () => {
  const t = `token=${pb.token}`;
  assert.equal((await get(pb, `/assets/../../package.json?${t}`)).status, 404);
  assert.equal((await get(pb, `/%2e%2e/%2e%2e/package.json?${t}`)).status, 404);
  assert.equal((await get(pb, `/assets/app.js?${t}`)).status, 200);
  for (const q of ["file=2", "file=-1", "file=../../etc/passwd", "file=1e3", "file="]) {
    const r = await get(pb, `/api/snap/partition?${q}&${t}`);
    assert.equal(r.status, 400, q);
    assert.ok(!r.body.includes("/"), "no paths in answers");
  }
  // A stat file is not a snapshot, nor the other way round.
  assert.equal((await get(pb, `/api/snap/partition?file=0&${t}`)).status, 400);
  assert.equal((await get(pb, `/api/stat/series?file=1&${t}`)).status, 400);
  const files = JSON.parse((await get(pb, `/api/files?${t}`)).body) as { files: { id: number; name: string; kind: string }[] };
  assert.deepEqual(files.files.map((f) => [f.id, f.kind]), [[0, "stat"], [1, "snapshot"]]);
  assert.ok(files.files.every((f) => !f.name.includes("/")), "names, not paths");
});

test("stat series: each sample's ten largest kinds and the rest, adding up to the totals", async () => {
  const r = await get(pb, `/api/stat/series?file=0&metric=size&token=${pb.token}`);
  const s = JSON.parse(r.body) as { times: number[]; kinds: string[]; values: number[][]; rest: number[]; totals: number[] };
  assert.deepEqual(s.totals, stats.map((x) => x.size));
  assert.deepEqual(s.times, stats.map((x) => x.timemade));
  s.totals.forEach((total, i) => {
    const shown = s.values.reduce((sum, v) => sum + v[i]!, 0);
    assert.equal(shown + s.rest[i]!, total);
    assert.ok(s.values.filter((v) => v[i]! > 0).length <= 10);
  });
  const record = JSON.parse((await get(pb, `/api/stat/record?file=0&i=2&token=${pb.token}`)).body) as { rows: { kind: string; count: number }[] };
  assert.deepEqual(record.rows, stats[2]!.rows);
  assert.equal(record.rows.find((r) => r.kind === "Leaked")?.count, 150);
});

test("snapshot partitions page by page, drill down, paths, patterns, dominated sets", async () => {
  const t = `token=${pb.token}`;
  const h = hpy({ cacheDir: null });
  const heap = await h.load(snapshot);
  const expected = heap.byclodo.partition.rows;
  const first = JSON.parse((await get(pb, `/api/snap/partition?file=1&by=clodo&offset=0&limit=5&${t}`)).body) as { count: number; totalRows: number; rows: { index: number; kind: string; count: number; size: number }[] };
  assert.equal(first.count, heap.count);
  assert.equal(first.totalRows, expected.length);
  assert.deepEqual(first.rows.map(({ kind, count, size }) => ({ kind, count, size })), expected.slice(0, 5));
  const second = JSON.parse((await get(pb, `/api/snap/partition?file=1&by=clodo&offset=5&limit=5&${t}`)).body) as { rows: { index: number }[] };
  assert.deepEqual(second.rows.map((r) => r.index), [5, 6, 7, 8, 9]);
  const steps = encodeURIComponent(JSON.stringify([{ by: "clodo", kind: "Foo" }]));
  const foo = JSON.parse((await get(pb, `/api/snap/partition?file=1&steps=${steps}&by=via&${t}`)).body) as { count: number; rows: { kind: string; count: number }[] };
  assert.equal(foo.count, 100);
  assert.equal(foo.rows[0]!.kind, "<Map entry>");
  assert.equal(foo.rows.reduce((n, r) => n + r.count, 0), 100);
  const paths = JSON.parse((await get(pb, `/api/snap/paths?file=1&steps=${steps}&limit=1&${t}`)).body) as { text: string };
  assert.match(paths.text, /h\.Root\.global\.fooMap<Map entry>/);
  const pattern = JSON.parse((await get(pb, `/api/snap/pattern?file=1&steps=${steps}&${t}`)).body) as { text: string };
  assert.equal(pattern.text, String(heap.and(h.Clodo("Foo")).rp.render(0, 20)));
  const dom = JSON.parse((await get(pb, `/api/snap/dominated?file=1&steps=${steps}&${t}`)).body) as { retained: number };
  assert.equal(dom.retained, heap.and(h.Clodo("Foo")).domisize);
  // A step by a combined classifier, into a partition the server was never asked for.
  const fooKind = heap.and(h.Clodo("Foo")).by(h.Type.and(h.Size)).partition.rows[0]!.kind;
  const combined = encodeURIComponent(JSON.stringify([{ by: "clodo", kind: "Foo" }, { by: "type,size", kind: fooKind }]));
  const fooBySize = JSON.parse((await get(pb, `/api/snap/partition?file=1&steps=${combined}&by=clodo&${t}`)).body) as { count: number };
  assert.equal(fooBySize.count, heap.and(h.Clodo("Foo")).and(h.Type.and(h.Size)(fooKind)).count);
  assert.ok(fooBySize.count > 0);
  const bad = await get(pb, `/api/snap/partition?file=1&by=nonsense&${t}`);
  assert.equal(bad.status, 400);
  assert.match(JSON.parse(bad.body).error as string, /Unknown classifier 'nonsense'/);
});

test("files that are neither stat files nor snapshots, or missing, are refused at start", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-pb-"));
  writeFileSync(join(dir, "notes.txt"), "hello");
  await assert.rejects(startProfileBrowser([join(dir, "notes.txt")]), (e) => e instanceof GuppyError && e.code === "WRONG_FORMAT");
  await assert.rejects(startProfileBrowser([join(dir, "missing.hpy")]), (e) => e instanceof GuppyError && e.code === "FILE_NOT_FOUND");
  await assert.rejects(startProfileBrowser([]), (e) => e instanceof GuppyError && e.code === "USAGE");
});
