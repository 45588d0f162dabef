import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PassThrough } from "node:stream";
import { guppyRepl } from "../src/cli/repl.js";
import { docOf, openReference } from "../src/doc.js";
import { docTexts } from "../src/docs.js";
import { hpy, HeapySet, IdentitySet, PartitionView, Stat, partition, Clodo } from "../src/index.js";
import { ReferencePattern } from "../src/heapy/render/reference-pattern.js";
import { WINDOW_FOOS } from "./support/known-graphs.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { projectRoot } from "./support/paths.js";
import { synthSnapshot } from "./support/synthetic.js";

const dir = mkdtempSync(join(tmpdir(), "guppy-repl-"));
const file = join(dir, "classes.heapsnapshot");
writeFileSync(file, synthSnapshot(WINDOW_FOOS));
const bin = join(projectRoot(), "bin", "guppy.js");

/** Runs `guppy repl` as a user would, with the input typed on its stdin. */
async function repl(input: string, opts: { history?: string; files?: string[] } = {}): Promise<string> {
  const env = { ...process.env, GUPPY_REPL_HISTORY: opts.history ?? join(dir, "history"), NO_COLOR: "1" };
  const child = spawn(process.execPath, [bin, "repl", ...(opts.files ?? [file])], { env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += String(d)));
  child.stderr!.on("data", (d: Buffer) => (out += String(d)));
  child.stdin!.end(input);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`repl did not finish: ${out}`));
    }, 30_000);
    child.on("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return out;
}

test("the REPL: h and the files ready, Heapy text, _ and _.more, help, history", async () => {
  const big = await fixtureSnapshot("classes-in-map");
  const out = await repl(["s0.byid", "s1.byclodo", "_.more", "s0.and(h.Clodo(\"Foo\")).sp", "h", "h.doc.iso", ".exit", ""].join("\n"), { files: [file, big] });
  const lines = out.split("\n");
  assert.match(lines[0]!, new RegExp(`^Guppy 0\\.1\\.0 — Heapy for V8 heaps\\. h = hpy\\(\\) is ready; s0 = ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(10 objects\\), s1 = .* \\(\\d+ objects\\)\\.$`));
  assert.equal(lines[1], "Type h.doc for help on h, s0.doc on a set; _ is the last result (_.more pages on).");
  assert.ok(out.includes("guppy> Set of 10 <mixed> objects. Total size = 312 bytes.\n Index     Size   %   Cumulative  %   Brief\n"), out);
  assert.match(out, /guppy>  Index  Count   %     Size   % Cumulative  % Kind \(class \/ dict of class\)\n    10 /, "_.more prints the next rows");
  // Heapy's sp: the paths to the Foo nearest the root only (the other two are a step farther).
  assert.ok(out.includes("guppy>  0: h.Root.Window.bar.foo\nguppy> "), out);
  assert.ok(out.includes("guppy> Top level interface to Heapy.\nUse eg: h.doc for more info on h.\n"));
  const docs = pathToFileURL(join(projectRoot(), "docs")).href;
  assert.ok(out.includes(`guppy> h.iso(0..*:[object: anyobject+]) -> HeapySet\n    The set of the given live objects, in a fresh snapshot of this program\n    (await it): .sp says why they are alive, .domisize what freeing them\n    releases.\n  Returns: HeapySet [1]\nReferences:\n[0] ${docs}/heapy_Use.html#Session.iso\n[1] ${docs}/heapy_UniSet.html#HeapySet\n`), out);
});

test("the REPL completes members with Tab, Guppy's getters included", async () => {
  const h = hpy();
  const s0 = await h.load(file);
  const input = new PassThrough();
  const output = new PassThrough();
  const server = guppyRepl({ h, sets: [s0], input, output, terminal: true });
  try {
    const complete = (line: string): Promise<[string[], string]> =>
      new Promise((resolve, reject) => server.completer(line, (err, result) => (err || !result ? reject(err ?? new Error("no completion")) : resolve(result as [string[], string]))));
    const [completions, typed] = await complete("s0.byc");
    assert.equal(typed, "s0.byc");
    assert.ok(completions.includes("s0.byclodo"), completions.join(" "));
    const [forH] = await complete("h.se");
    assert.ok(forH.includes("h.setref") && forH.includes("h.setrelheap"), forH.join(" "));
    // History: what is typed on a terminal is kept in the history file.
    const history = join(dir, "history-terminal");
    await new Promise<void>((resolve, reject) => server.setupHistory(history, (e) => (e ? reject(e) : resolve())));
    input.write("s0.count\r");
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    server.close();
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(readFileSync(join(dir, "history-terminal"), "utf8").includes("s0.count"));
});

test("help: h.doc lists attributes in columns and ends with how to ask more; every documented member exists", async () => {
  const h = hpy();
  const text = String(h.doc);
  const lines = text.split("\n");
  assert.equal(lines[0], "Top level interface to Heapy. Available attributes:");
  assert.equal(lines[lines.length - 1], "Use eg: h.doc.<attribute> for info on <attribute>.");
  assert.match(lines[1]!, /^Anything {12}Prod {16}doc {17}monitor$/);
  // The help is the member's signature in GSL's notation, its whole specification wrapped
  // at 76 columns, and numbered references: [0] its own page, then the kinds it names.
  const docs = pathToFileURL(join(projectRoot(), "docs")).href;
  assert.equal(
    String(h.doc.heap),
    [
      "h.heap([graph: HeapGraph]) -> HeapySet",
      "    This program's own heap now (await it), less Guppy's objects and, after",
      "    h.setref(), less what existed then; with a graph, the reachable objects",
      "    of that graph.",
      "  Arguments:",
      "    graph: HeapGraph [1]",
      "  Returns: HeapySet [2]",
      "References:",
      `[0] ${docs}/heapy_Use.html#Session.heap`,
      `[1] ${docs}/heapy_Graph.html#HeapGraph`,
      `[2] ${docs}/heapy_UniSet.html#HeapySet`,
    ].join("\n"),
  );
  assert.equal(String(h.doc.heap!.line), "h.heap([graph: HeapGraph]) -> HeapySet: This program's own heap now (await it), less Guppy's objects and, after h.setref(), less what existed then; with a graph, the reachable objects of that graph.");
  assert.deepEqual(h.doc.heap!.references, [`${docs}/heapy_Use.html#Session.heap`, `${docs}/heapy_Graph.html#HeapGraph`, `${docs}/heapy_UniSet.html#HeapySet`]);
  // [0] opens the page when a browser can be opened; without a display (or not on a terminal) it is the page's address.
  assert.equal(String(openReference(`${docs}/heapy_Use.html#Session.heap`, false)), `${docs}/heapy_Use.html#Session.heap`);
  assert.equal(openReference(`${docs}/heapy_Use.html#Session.heap`, false).opened, false);
  if (!process.stdout.isTTY) assert.equal(String(h.doc.heap![0]), `${docs}/heapy_Use.html#Session.heap`);
  assert.equal(h.doc.nosuch, undefined);
  // The help describes what exists: each documented member is on the object it documents.
  const g = (await h.load(file)).graph;
  const set = h.heap(g);
  const view = set.byclodo.more;
  const objects: Record<string, object> = {
    Session: h,
    HeapySet: set,
    PartitionView: view,
    ReferencePattern: set.rp,
    Stat: Stat.fromPartition(partition(IdentitySet.all(g), Clodo)),
  };
  const texts = docTexts();
  for (const topic of Object.keys(objects)) {
    const entry = texts[topic]!;
    for (const member of Object.keys(entry.members)) assert.ok(member in objects[topic]!, `${topic}.${member} is documented but does not exist`);
    const doc = (objects[topic] as { doc: { topic: string } }).doc;
    assert.equal(doc.topic, topic);
    assert.equal(String(doc).split("\n")[0], `${entry.title} Available attributes:`);
  }
  assert.equal(docOf("Stat", "s").diff!.line, "s.diff(other: Stat) -> Stat: The difference this - other, by kind (rows of one kind name summed on each side, as Heapy does), largest absolute size first.");
  // The docs the references point to exist and have those anchors.
  // Each part of the API has its page; inherited members point to the parent kind's (a HeapySet's count to IdentitySet's, on heapy_UniSet.html).
  assert.equal(texts.HeapySet!.anchors.count, "docs/heapy_UniSet.html#IdentitySet.count");
  assert.equal(texts.StatView!.anchors.diff, "docs/heapy_Stat.html#StatView.diff");
  for (const topic of Object.keys(objects)) {
    for (const anchor of Object.values(texts[topic]!.anchors)) {
      const [page, id] = anchor.split("#");
      assert.ok(readFileSync(join(projectRoot(), page!), "utf8").includes(`id="${id}"`), anchor);
    }
  }
  // Every numbered reference is an anchor of a generated page.
  for (const topic of Object.keys(objects)) {
    for (const refs of Object.values(texts[topic]!.references)) {
      for (const r of refs) {
        const [page, id] = r.split("#");
        assert.ok(readFileSync(fileURLToPath(page!), "utf8").includes(`id="${id}"`), r);
      }
    }
  }
  assert.ok(set instanceof HeapySet && view instanceof PartitionView && set.rp instanceof ReferencePattern);
});
