import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startProfileBrowser, type ProfileBrowser } from "../src/pb/server.js";
import { WINDOW_FOOS } from "./support/known-graphs.js";
import { synthSnapshot, type SynthNode } from "./support/synthetic.js";

/** WINDOW_FOOS with a long string (node 12, @25) and a heap number (node 13, @27) held by Bar. */
const LONG = "s".repeat(150) + "t".repeat(150);
function withValues(): SynthNode[] {
  const nodes = structuredClone(WINDOW_FOOS);
  nodes[6]!.edges.push({ type: "property", name: "label", to: 12 }, { type: "property", name: "ratio", to: 13 }, { type: "weak", name: "cache", to: 1 });
  nodes.push({ type: "string", name: LONG, size: 320, edges: [] }, { type: "number", name: "0.25", size: 16, edges: [] });
  return nodes;
}

/** The later snapshot: Foo @11 (node 5) gone, a new Foo @101 in its place; Bar no longer holds a Foo. */
function later(): SynthNode[] {
  const nodes = structuredClone(WINDOW_FOOS);
  nodes[5]!.id = 101;
  nodes[6]!.edges = [];
  return nodes;
}

/** WINDOW_FOOS with the Bar held twice by the global: \`Window.bar\` and \`Window.alias\`. */
function aliased(): SynthNode[] {
  const nodes = structuredClone(WINDOW_FOOS);
  nodes[1]!.edges.push({ type: "property", name: "alias", to: 6 });
  return nodes;
}

let pb: ProfileBrowser;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-pb-api-"));
  writeFileSync(join(dir, "a.heapsnapshot"), synthSnapshot(withValues()));
  writeFileSync(join(dir, "b.heapsnapshot"), synthSnapshot(later()));
  writeFileSync(join(dir, "c.heapsnapshot"), synthSnapshot(aliased()));
  pb = await startProfileBrowser([join(dir, "a.heapsnapshot"), join(dir, "b.heapsnapshot"), join(dir, "c.heapsnapshot")], { cacheDir: null });
});
after(async () => pb?.close());

async function api(path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${pb.port}${path}`, { headers: { "X-Guppy-Token": pb.token } });
  return { status: res.status, body: await res.json() };
}
const steps = (s: unknown[]): string => encodeURIComponent(JSON.stringify(s));

test("an object's edges: names, targets' classes, ids, sizes, distances and values, paged", async () => {
  const bar = await api("/api/snap/object?file=0&id=13");
  assert.deepEqual(bar.body, {
    object: { id: 13, type: "object", name: "Bar", shallow: 56, retained: 392, distance: 2, edges: 4 },
    offset: 0,
    total: 4,
    edges: [
      { edgeType: "property", edgeName: "foo", weak: false, to: { id: 7, type: "object", name: "Foo", shallow: 40, retained: 40, distance: 3, edges: 1 } },
      { edgeType: "property", edgeName: "label", weak: false, to: { id: 25, type: "string", name: "(string)", shallow: 320, retained: 320, distance: 3, edges: 0, value: LONG.slice(0, 200), valueLength: 300 } },
      { edgeType: "property", edgeName: "ratio", weak: false, to: { id: 27, type: "number", name: "(number)", shallow: 16, retained: 16, distance: 3, edges: 0, value: "0.25", valueLength: 4 } },
      { edgeType: "weak", edgeName: "cache", weak: true, to: { id: 3, type: "object", name: "Window", shallow: 40, retained: 648, distance: 1, edges: 2 } },
    ],
  });
  const second = (await api("/api/snap/object?file=0&id=13&offset=2&limit=1")).body as { offset: number; total: number; edges: { edgeName: string }[] };
  assert.deepEqual([second.offset, second.total, second.edges.map((e) => e.edgeName)], [2, 4, ["ratio"]]);
  // The whole string on demand.
  assert.deepEqual((await api("/api/snap/value?file=0&id=25")).body, { id: 25, value: LONG });
});

test("an object's retainers by DevTools distance (the root, reached as a system root, last), weak edges marked", async () => {
  assert.deepEqual(await api("/api/snap/retainers?file=0&id=3"), {
    status: 200,
    body: {
      object: { id: 3, type: "object", name: "Window", shallow: 40, retained: 648, distance: 1, edges: 2 },
      offset: 0,
      total: 2,
      retainers: [
        { edgeType: "weak", edgeName: "cache", weak: true, to: { id: 13, type: "object", name: "Bar", shallow: 56, retained: 392, distance: 2, edges: 4 } },
        { edgeType: "shortcut", edgeName: "1", weak: false, to: { id: 1, type: "synthetic", name: "(synthetic)", shallow: 0, retained: 648, distance: 0, edges: 2 } },
      ],
    },
  });
});

test("a missing object, or asking a non-string for its value, is a usage error that names only the id", async () => {
  assert.deepEqual(await api("/api/snap/object?file=0&id=999"), { status: 400, body: { error: "This snapshot has no object @999.", code: "USAGE" } });
  assert.deepEqual(await api("/api/snap/value?file=0&id=13"), { status: 400, body: { error: "Object @13 is not a string or number.", code: "USAGE" } });
  assert.equal((await api("/api/snap/object?file=0")).status, 400);
});

test("the partition with retained sizes, filtered by class and sorted by a column", async () => {
  const page = (await api(`/api/snap/partition?file=1&filter=o&sort=kind&dir=asc`)).body;
  assert.deepEqual(page, {
    count: 10,
    size: 312,
    kindHeader: "Kind (class / dict of class)",
    totalRows: 4,
    allRows: 6,
    offset: 0,
    rows: [
      // Bar no longer holds a Foo in the later snapshot: the Array's elements dominate all three.
      { index: 4, kind: "(object elements) of Array", count: 1, size: 0, retained: 120 },
      { index: 5, kind: "(object properties) of Foo", count: 3, size: 0, retained: 0 },
      { index: 0, kind: "Foo", count: 3, size: 120, retained: 120 },
      { index: 3, kind: "Window", count: 1, size: 40, retained: 312 },
    ],
  });
  const byRetained = (await api(`/api/snap/partition?file=1&sort=retained`)).body as { rows: { kind: string }[] };
  assert.deepEqual(byRetained.rows.map((r) => r.kind), ["Window", "Array", "Foo", "(object elements) of Array", "Bar", "(object properties) of Foo"]);
  assert.match(JSON.stringify((await api(`/api/snap/partition?file=1&sort=nonsense`)).body), /cannot be sorted by 'nonsense'/);
});

test("the comparison of two snapshots by class, and the new and deleted objects of a class as sets", async () => {
  assert.deepEqual((await api("/api/snap/compare?file=1&base=0")).body, {
    kindHeader: "Kind (class / dict of class)",
    totalRows: 3,
    offset: 0,
    rows: [
      { kind: "Foo", added: 1, deleted: 1, delta: 0, allocSize: 40, freedSize: 40, sizeDelta: 0 },
      { kind: "(number)", added: 0, deleted: 1, delta: -1, allocSize: 0, freedSize: 16, sizeDelta: -16 },
      { kind: "(string)", added: 0, deleted: 1, delta: -1, allocSize: 0, freedSize: 320, sizeDelta: -320 },
    ],
  });
  // The new Foo: snapshot 1 less snapshot 0, class Foo; the deleted one the other way round.
  const added = (await api(`/api/snap/object?file=1&id=101`)).body as { object: { name: string } };
  assert.equal(added.object.name, "Foo");
  const newFoos = (await api(`/api/snap/paths?file=1&minus=0&steps=${steps([{ by: "clodo", kind: "Foo" }])}`)).body;
  assert.deepEqual(newFoos, { text: " 0: h.Root.Window.foos[2]", numpaths: 1, rows: [{ index: 0, id: 101, text: "h.Root.Window.foos[2]" }] });
  const deletedFoos = (await api(`/api/snap/paths?file=0&minus=1&steps=${steps([{ by: "clodo", kind: "Foo" }])}`)).body as { rows: { id: number }[] };
  assert.deepEqual(deletedFoos.rows.map((r) => r.id), [11]);
});

test("a set's paths are Heapy's: every shortest path to the members nearest the root, counted", async () => {
  const foo = steps([{ by: "clodo", kind: "Foo" }]);
  // The Bar's Foo is a step nearer than the array's two, which are left out.
  assert.deepEqual((await api(`/api/snap/paths?file=0&steps=${foo}`)).body, { text: " 0: h.Root.Window.bar.foo", numpaths: 1, rows: [{ index: 0, id: 7, text: "h.Root.Window.bar.foo" }] });
  // One object the global holds twice: two paths, and a page of one says how many more.
  const bar = steps([{ by: "clodo", kind: "Bar" }]);
  assert.deepEqual((await api(`/api/snap/paths?file=2&steps=${bar}`)).body, {
    text: " 0: h.Root.Window.bar\n 1: h.Root.Window.alias",
    numpaths: 2,
    rows: [{ index: 0, id: 13, text: "h.Root.Window.bar" }, { index: 1, id: 13, text: "h.Root.Window.alias" }],
  });
  assert.deepEqual((await api(`/api/snap/paths?file=2&steps=${bar}&limit=1`)).body, { text: " 0: h.Root.Window.bar\n<... 1 more paths ...>", numpaths: 2, rows: [{ index: 0, id: 13, text: "h.Root.Window.bar" }] });
});

test("a reference pattern's rows for a tree, and a row opened as a set", async () => {
  const foo = [{ by: "clodo", kind: "Foo" }];
  const rp = (await api(`/api/snap/pattern?file=0&steps=${steps(foo)}`)).body as { rows: unknown[] };
  assert.deepEqual(rp.rows.slice(0, 3), [
    { index: 0, name: "_", depth: 0, mark: "-", kind: "Foo", count: 3, line: " 0: _ --- [-] 3 Foo: @11, @7, @9" },
    { index: 1, name: "a", depth: 1, mark: "-", kind: "Bar", count: 1, line: " 1: a      [-] 1 Bar: @13" },
    { index: 2, name: "aa", depth: 2, mark: "R", kind: "Window", count: 1, line: " 2: aa ---- [R] 1 Window: @3" },
  ]);
  const bar = (await api(`/api/snap/partition?file=0&steps=${steps([...foo, { by: "rp", kind: "1" }])}`)).body as { count: number; rows: { kind: string }[] };
  assert.deepEqual([bar.count, bar.rows.map((r) => r.kind)], [1, ["Bar"]]);
  assert.equal((await api(`/api/snap/partition?file=1&steps=${steps([...foo, { by: "rp", kind: "99" }])}`)).status, 400);
});

test("retained sizes are left out when the page asks for the rows first (retained=0), and come when asked", async () => {
  const first = (await api("/api/snap/partition?file=0&by=type&retained=0")).body as { rows: { kind: string; retained: number | null }[] };
  assert.ok(first.rows.length > 0 && first.rows.every((r) => r.retained === null));
  const then = (await api("/api/snap/partition?file=0&by=type")).body as { rows: { kind: string; retained: number | null }[] };
  assert.deepEqual(then.rows.find((r) => r.kind === "string"), { index: 0, kind: "string", count: 1, size: 320, retained: 320 });
  // Known now, they come with the rows either way.
  assert.deepEqual((await api("/api/snap/partition?file=0&by=type&retained=0")).body, then);
});
