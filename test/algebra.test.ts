import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { inspect } from "node:util";
import { guppyRepl, awaited } from "../src/cli/repl.js";
import { CommandRunner } from "../src/heapy/monitor/command-runner.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GuppyError, HeapySet, Stat, hpy, renderPartition, shallowSizes } from "../src/index.js";
import { fixtureSnapshot } from "./support/fixtures.js";
import { WINDOW_FOOS } from "./support/known-graphs.js";
import { synthSnapshot } from "./support/synthetic.js";

// 100 instances of class Foo (40 bytes each) in a Map under the global `fooMap`, each with a label string.
const file = await fixtureSnapshot("classes-in-map");
const h = hpy({ cacheDir: null });
const s = await h.load(file);
const foo = s.and(h.Clodo.Foo);

function usage(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof GuppyError && e.code === "USAGE" && message.test(e.message) && !e.message.includes("\n"));
}

test("every set is a HeapySet with the whole API: rows, parts, referrers, pattern rows, by() and chains", () => {
  assert.equal(foo.count, 100);
  assert.ok(s.bytype instanceof HeapySet && s.bytype.at(0) instanceof HeapySet && s.bytype.at(0).byid.at(0) instanceof HeapySet);
  const one = s.bytype.at(0).byid.at(0);
  // One line per shortest path to the one object, ten to a page and then how many more.
  const n = one.sp.numpaths;
  assert.equal(String(one.sp).split("\n").length, Math.min(n, 10) + (n > 10 ? 1 : 0), "one line per shortest path to the one object");
  assert.equal(String(foo.byid.at(0).sp), " 0: h.Root.global.fooMap<Map entry>");
  assert.equal(String(s.bytype.er), "h.Type");
  assert.equal(String(s.er), "h.Clodo");
  // Rows are sets of the session's type, with the row's members.
  const row = s.byclodo.partition.rows.findIndex((r) => r.kind === "Foo");
  assert.ok(s.byclodo.at(row).equals(foo) && s.byclodo.at(row).er === h.Clodo);
  assert.equal(s.bytype.at(0).er, h.Type, "rows keep the partition's er, as Heapy's x.bytype[0].er is h.Type");
  assert.equal(String(s.and(h.Nothing)), "<Nothing>");
  assert.equal(inspect(s.and(h.Nothing)), "h.Nothing");
  assert.ok(foo.referrers instanceof HeapySet && foo.parts.every((p) => p instanceof HeapySet));
  assert.ok(foo.rp.row(1) instanceof HeapySet && foo.rp.row("a").brief.startsWith("<1 (array): @"));
  assert.ok(s.byclodo.more.row(10) instanceof HeapySet);
  // JS forms of x[i], x[i:j], len(x), iteration, `in`.
  const refs = foo.referents.bytype;
  assert.equal(refs.length, 3);
  assert.deepEqual([...refs].map((r) => r.count), [101, 100, 1]);
  assert.equal(refs.at(-1).count, 1);
  assert.equal(refs.slice(0, 2).count, 201);
  assert.equal(refs.slice(1).count, 101);
  assert.ok(s.has(foo) && !foo.has(s) && foo.has(foo.ordinals()[0]!));
  assert.ok(h.Clodo.Foo.has(foo) && !h.Clodo.Foo.has(refs) && h.Size.has(foo) && !h.Size.has(refs));
  // By name, several joined by &; the same set with another er.
  assert.equal(String(foo.by("Type&Size")), "Partition of a set of 100 objects. Total size = 4000 bytes.\n Index  Count   %     Size   % Cumulative  % Type & Individual Size\n     0    100 100     4000 100      4000 100 object & 40");
  assert.ok(foo.by("clodo").equals(foo));
  assert.ok(foo.bymodule instanceof HeapySet && foo.byprod instanceof HeapySet && foo.byidset.length === 100);
  assert.equal(String(foo.brief).replace(/@\d+/g, "@N"), "<100 Foo: @N, @N, @N...>");
  assert.equal(String(foo.diff(foo.and(h.Nothing))).split("\n").slice(-2).join("\n"), " Index  Count     Size  Cumulative  % of B Kind (class / dict of class)\n     0    100     4000      4000    (n.a.) Foo");
});

test("paging: a set's table, paths and patterns have more, prev, top and all (from the start, with the label)", () => {
  const first = String(s);
  assert.match(first, /\n<\d+ more rows\. Type e\.g\. '_\.more' to view\.>$/);
  const more = String(s.more);
  assert.match(more, /^ Index  Count {3}% {5}Size {3}% Cumulative  % Kind \(class \/ dict of class\)\n {4}10 /);
  assert.equal(String(s.more.prev), first);
  assert.equal(String(s.more.more.top), first);
  assert.equal(String(s.more.more.prev), more);
  const all = String(s.more.more.all).split("\n");
  assert.equal(all.length, s.length + 2);
  assert.equal(all[0], first.split("\n")[0]);
  assert.equal(String(foo.sp.more.prev), String(foo.sp));
  assert.equal(String(foo.sp.more.all).split("\n").length, 100);
  assert.equal(String(foo.rp.more), "No more lines.");
  assert.equal(String(s.stat.more), more);
  assert.equal(String(s.stat.all), String(s.all));
  assert.equal(inspect(s.more), more, "views print as Heapy text wherever they are inspected");
});

test("kinds: Heapy's algebra, simplified, with Anything, Nothing, attribute kinds, numbers and alt", () => {
  assert.equal(String(h.Anything.and(h.Clodo("Foo"))), 'h.Clodo("Foo")');
  assert.equal(String(h.Clodo.Foo.and(h.Anything)), 'h.Clodo("Foo")');
  assert.equal(String(h.Nothing), "<Nothing>");
  assert.equal(String(h.Nothing.or(h.Type.string)), "h.Type.string");
  assert.equal(String(h.Anything.complement()), "<Nothing>");
  assert.equal(String(h.Type.string.complement().complement()), "h.Type.string");
  assert.equal(String(h.Type.string.and(h.Type.string.complement())), "<Nothing>");
  assert.equal(String(h.Type.string.or(h.Type.Array)), "(h.Type.string | h.Type.array)");
  assert.equal(String(h.Type.string.or(h.Type.array).and(h.Type.number.complement())), "(h.Type.string | h.Type.array)");
  assert.equal(String(h.Type.string.and(h.Type.closure)), "<Nothing>");
  assert.equal(String(h.Clodo.Foo.and(h.Type.string)), '(h.Clodo("Foo") & h.Type.string)');
  assert.equal(String(h.Clodo.Foo.minus(h.Type.string)), '(h.Clodo("Foo") & ~h.Type.string)');
  assert.equal(String(h.Unity()), "h.Anything");
  assert.equal(s.and(h.Unity()).count, s.count);
  assert.equal(s.and(h.Anything).count, s.count);
  assert.equal(s.and(h.Nothing).count, 0);
  // Size ranges: alt, and ranges meeting in a range.
  assert.equal(String(h.Size(1000).alt(">=")), "h.Size(1000).alt('>=')");
  assert.equal(String(h.Size(10).alt(">=").and(h.Size(20).alt("<"))), "(h.Size(20).alt('<') & h.Size(10).alt('>='))", "Heapy's order: upper bound first");
  assert.equal(String(h.Size(10).alt(">=").and(h.Size(10).alt("<="))), "h.Size(10)");
  assert.equal(String(h.Size(10).alt(">").and(h.Size(10).alt("<"))), "<Nothing>");
  const sizes = shallowSizes(s.graph);
  const big = s.and(h.Size(1000).alt(">="));
  assert.ok(big.count > 0 && [...big.ordinals()].every((n) => sizes[n]! >= 1000));
  assert.equal(big.count + s.and(h.Size(1000).alt("<")).count, s.count);
  assert.equal(s.and(h.Size(40)).and(h.Clodo.Foo).count, 100, "a number is the label of Size");
  assert.equal(s.and(h.Size(40)).count, s.and(h.Size("40")).count);
  // Type has no subtypes; Rcs compares referrer kind sets.
  assert.equal(String(h.Type.string.alt("<")), "<Nothing>");
  assert.equal(String(h.Type.string.alt("<=")), "h.Type.string");
  assert.equal(String(h.Type.string.alt("!=")), "~h.Type.string");
  assert.equal(s.and(h.Rcs("Foo").alt("<=")).count, 200, "each Foo alone holds its label and payload");
  // Id by id, with or without @.
  const id = foo.ids()[0]!;
  assert.ok(s.and(h.Id(id)).equals(s.and(h.Id(`@${id}`))) && s.and(h.Id(id)).count === 1);
  // Kinds and sets: and/minus select, or/xor are symbolic.
  const strings = foo.referents.and(h.Type.string);
  assert.equal(strings.count, 100);
  assert.equal(foo.referents.minus(h.Type.string).count, 102);
  assert.ok(String(foo.or(h.Type.string)).endsWith(" | h.Type.string)"));
  assert.equal(foo.or(h.Type.string).and(foo.referents).count, 100);
  // Two sets whose briefs read alike are still two kinds.
  const o = foo.ordinals();
  const [one, other] = [h.nodes(s.graph, o[0]!, o[1]!, o[2]!, o[3]!), h.nodes(s.graph, o[0]!, o[1]!, o[2]!, o[4]!)];
  assert.equal(one.brief, other.brief);
  assert.equal(one.or(h.Nothing).or(other.or(h.Nothing)).and(s).count, 5);
  assert.equal(String(h.Type.string.and(foo.referents).count), "100");
  const mixed = s.and(h.Type.string.or(h.Type.Array));
  assert.equal(mixed.count, s.and(h.Type.string).count + s.and(h.Type.array).count);
  assert.match(String(mixed.byclodo.more), /^ Index  Count {3}% {5}Size {3}% Cumulative  % Kind \(class \/ dict of class\)\n {4}10 /);
  assert.equal(JSON.stringify(h.Size(1000).alt(">=")), '{"kind":"h.Size(1000).alt(\'>=\')"}');
});

test("classifiers as values: printing, refinement, absorption, dictof, refdby, sokind, findex", () => {
  assert.equal(String(h.Clodo), "h.Clodo");
  assert.equal(inspect(h.Type.and(h.Size)), "(h.Type & h.Size)");
  assert.equal(JSON.stringify(h.Clodo), '{"classifier":"Clodo"}');
  assert.ok(h.Clodo.lt(h.Type) && !h.Type.lt(h.Clodo) && h.Clodo.le(h.Clodo) && !h.Clodo.lt(h.Clodo) && h.Type.gt(h.Clodo));
  assert.ok(h.Id.lt(h.Size) && h.Size.lt(h.Unity) && h.Type.and(h.Size).lt(h.Type));
  assert.equal(h.Clodo.and(h.Type), h.Clodo, "Clodo & Type is Clodo, as in Heapy");
  const [f1, f2] = [h.findex(h.Type.string), h.findex(h.Clodo.Foo)];
  assert.ok(f1.le(f1) && !f1.le(f2), "classifiers that are not built in are one relation only when they are one classifier");
  assert.equal(String(f1.and(f2)), "(h.findex & h.findex)");
  assert.equal(String(h.Clodo.dictof), "h.Clodo.dictof");
  const stores = s.by(h.Clodo.dictof);
  assert.equal(stores.partition.rows[0]!.kind, "(not a store)");
  assert.ok(s.and(h.Clodo.dictof("Object")).count > 0);
  assert.equal(String(foo.by(h.Type.refdby)), "Partition of a set of 100 objects. Total size = 4000 bytes.\n Index  Count   %     Size   % Cumulative  % Referrers by Type\n     0     99  99     3960  99      3960  99 array\n     1      1   1       40   1      4000 100 array, synthetic");
  assert.equal(String(h.Clodo.sokind("Map", "Foo")), 'h.Clodo.sokind("Foo", "Map")');
  assert.equal(String(h.Rcs(h.Clodo.sokind("Foo"))), 'h.Clodo.sokind("Foo").refdby', "as Heapy writes it");
  assert.equal(s.and(h.Rcs(h.Clodo.sokind("Foo"))).count, 200);
  assert.ok(s.and(h.Clodo.sokind("Foo").refdby).equals(s.and(h.Rcs(h.Clodo.sokind("Foo")))));
  assert.equal(s.and(h.Type.sokind("object").refdby).count, s.and(h.Type.refdby(h.Type.sokind("object"))).count);
  const f = s.by(h.findex(h.Type.string, h.Clodo("Foo")));
  assert.deepEqual(f.partition.rows.map((r) => [r.kind, r.count]), [["<None>", s.count - s.and(h.Type.string).count - 100], ["string / 0", s.and(h.Type.string).count], ["Foo / 1", 100]]);
  assert.equal(f.partition.classifier.kindHeader, "First Matching Kind / Index");
  assert.equal(s.and(h.findex(h.Type.string, h.Clodo("Foo"))(1)).count, 100, "findex's kinds go by index");
  // biper: the set and the rest, as Heapy's x.biper(0) == x and x.biper(1) == ~x.
  assert.ok(s.and(foo.biper(0)).equals(foo));
  assert.ok(s.and(foo.biper(1)).equals(s.minus(foo)));
  assert.deepEqual(s.by(foo.biper).partition.rows.map((r) => r.count), [s.count - 100, 100]);
  assert.equal(h.Idset, h.IdSet);
});

test("a wrong argument is a USAGE error saying what the call takes", async () => {
  usage(() => s.by(42 as never), /^by\(\) takes a classifier .* got a number\.$/);
  usage(() => s.by("Nosuch"), /there is no classifier 'Nosuch'/);
  usage(() => s.and("Foo" as never), /^and\(\) takes a set .*or a kind/);
  usage(() => s.minus({} as never), /^minus\(\) takes a set/);
  usage(() => s.at(1e9), /^at\(\) takes a row index from 0 to \d+/);
  usage(() => s.slice(0.5), /^slice\(\) takes whole row indices/);
  usage(() => s.getRp(-1), /^getRp\(\) takes a depth/);
  usage(() => h.Size(1000).alt("=>" as never), /^alt\(\) takes one of '<', '<=', '>', '>=', '!=', '=='/);
  usage(() => h.Clodo("Foo").alt(">"), /^alt\('>'\) is defined for kinds of one Size, Type or Rcs label/);
  usage(() => h.Clodo({} as never), /^h\.Clodo\(\) takes labels/);
  usage(() => h.Type.string.and(3 as never), /^kind\.and\(\) takes a kind/);
  usage(() => h.Type.and("Size" as never), /^h\.Type\.and\(\) takes a classifier/);
  usage(() => h.findex("x" as never), /^h\.findex\(\) takes kinds/);
  usage(() => h.Type.string.select(3 as never), /^select\(\) takes a set of objects/);
  usage(() => s.has("x" as never), /^has\(\) takes a node ordinal or a set/);
  usage(() => s.byclodo.more.row(1e6), /^row\(\) takes a row index from 0 to \d+/);
  usage(() => h.heapu(42 as never), /^h\.heapu\(\) takes a snapshot's graph/);
  usage(() => h.heap({} as never), /^h\.heap\(\) takes a snapshot's graph/);
  usage(() => h.nodes(s.graph, -1), /^h\.nodes\(\) takes a graph and node ordinals/);
  usage(() => h.idset(s.graph, 5 as never), /^h\.idset\(\) takes a graph and an array/);
  usage(() => h.classifier(3 as never), /^h\.classifier\(\) takes a name/);
  usage(() => h.addClassifier({} as never), /^h\.addClassifier\(\) takes \{ name, kindHeader, classify/);
  usage(() => h.growth(3 as never), /^h\.growth\(\) takes a set/);
  usage(() => foo.rp.row("zz"), /^The reference pattern has no row named 'zz'\.$/);
  await assert.rejects(h.load(7 as never), (e: unknown) => e instanceof GuppyError && e.code === "USAGE" && /^h\.load\(\) takes the path/.test(e.message));
  assert.equal(String(h.classifier("type&size")), "(h.Type & h.Size)");
});

test("Heapy's table texts: Individual Size right-aligned, combined rows 'a & b', IdFormat for byid, wrapping at 100 columns", () => {
  assert.equal(String(foo.bysize), "Partition of a set of 100 objects. Total size = 4000 bytes.\n Index  Count   %     Size   % Cumulative  % Individual Size\n     0    100 100     4000 100      4000 100        40");
  assert.equal(String(foo.byunity).split("\n")[1], " Index  Count   %     Size   % Cumulative  % <unclassified>");
  // The internal slot that also holds one Foo (a feedback or boilerplate slot) is numbered by V8's version.
  assert.match(String(foo.byvia), /^Partition of a set of 100 objects\. Total size = 4000 bytes\.\n Index  Count   %     Size   % Cumulative  % Referred Via:\n     0     99  99     3960  99      3960  99 '<Map entry>'\n     1      1   1       40   1      4000 100 '<Map entry>', '<internal \d+>'$/);
  assert.equal(foo.byvia.partition.rows[0]!.kind, "<Map entry>", "labels stay unquoted: h.Via('<Map entry>') selects");
  assert.equal(String(foo.bymodule).split("\n")[1], " Index  Count   %     Size   % Cumulative  % Module");
  assert.equal(String(foo.byprod).split("\n")[1], " Index  Count   %     Size   % Cumulative  % Producer (line of allocation)");
  assert.equal(String(foo.byrcs).split("\n")[1], " Index  Count   %     Size   % Cumulative  % Referrers by Kind (class / dict of class)");
  assert.equal(String(foo.bytype).split("\n")[1], " Index  Count   %     Size   % Cumulative  % Type");
  const ids = String(foo.byid).split("\n");
  assert.equal(ids[0], "Set of 100 <Foo> objects. Total size = 4000 bytes.");
  assert.equal(ids[1], " Index     Size   %   Cumulative  %   Address");
  assert.match(ids[2]!, /^     0       40   1\.0         40   1\.0 @\d+$/);
  assert.match(ids[12]!, /^<90 more rows\. Type e\.g\. '_\.more' to view\.>$/);
  const mixed = String(foo.referents.byid).split("\n");
  assert.equal(mixed[0], "Set of 202 <mixed> objects. Total size = 14520 bytes.");
  assert.equal(mixed[1], " Index     Size   %   Cumulative  %   Brief");
  assert.match(mixed[2]!, /^     0      112   0\.8        112   0\.8 Array: @\d+$/);
  // A kind name longer than the table's 100 columns goes on, indented to the Kind column.
  const long = Array.from({ length: 12 }, (_, i) => `.property${i}`).join(", ");
  const text = renderPartition([{ kind: long, count: 1, size: 8 }], "Referred Via:");
  const lines = text.split("\n");
  assert.ok(lines.slice(2).every((l) => l.length <= 100), text);
  assert.equal(lines.length, 2 + 3);
  assert.ok(lines[3]!.startsWith(" ".repeat(45) + ".property"), text);
  assert.equal(lines.slice(2).map((l, i) => (i === 0 ? l.slice(45) : l.trimStart())).join(" "), long);
  assert.equal(String(foo.rp.at(1)), String(foo.rp.row("a")));
  assert.equal(foo.rp.length, foo.rp.rows.length);
});

/** Types lines into an in-process REPL one at a time, each after the last one's answer, and returns the answers. */
async function session(lines: string[]): Promise<string[]> {
  const input = new PassThrough();
  const output = new PassThrough();
  const server = guppyRepl({ h, sets: [s], input, output, terminal: false });
  let text = "";
  output.on("data", (d: Buffer) => (text += String(d)));
  const answers: string[] = [];
  try {
    while (!text.endsWith("guppy> ")) await new Promise((r) => setTimeout(r, 10));
    for (const line of lines) {
      const before = text.length;
      input.write(line + "\n");
      const t0 = Date.now();
      while (!text.slice(before).endsWith("guppy> ") && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 10));
      answers.push(text.slice(before).replace(/\n?guppy> $/, ""));
    }
  } finally {
    server.close();
  }
  return answers;
}

test("the REPL: a Heapy user's session works as typed, promises awaited, _ pages on", async () => {
  assert.equal(awaited("h.heap().bytype.at(0)\n"), "(await h.heap()).bytype.at(0)\n");
  assert.equal(awaited("t = h.load('a(b')\n"), "t = (await h.load('a(b'))\n");
  assert.equal(awaited("(await h.heap()).more\n"), "(await h.heap()).more\n");
  assert.equal(awaited("const x = s0.and(h.Type.string)\n"), "const x = s0.and(h.Type.string)\n");
  const [load, brief, sp, more, alt, kind, er, nothing] = await session([
    `t = h.load(${JSON.stringify(file)})`,
    `h.load(${JSON.stringify(file)}).and(h.Clodo.Foo).brief`,
    "t.and(h.Clodo.Foo).byid.at(0).sp",
    "s0.and(h.Type.string.or(h.Type.Array)).byclodo.more",
    "h.Size(1000).alt('>=')",
    "h.Clodo.Foo",
    "h.Clodo",
    "h.Nothing",
  ]);
  assert.equal(load, String(s));
  assert.match(brief!, /^'<100 Foo: @\d+, @\d+, @\d+\.\.\.>'$/);
  assert.equal(sp, " 0: h.Root.global.fooMap<Map entry>");
  assert.equal(more, String(s.and(h.Type.string.or(h.Type.Array)).byclodo.more));
  assert.equal(alt, "h.Size(1000).alt('>=')");
  assert.equal(kind, 'h.Clodo("Foo")');
  assert.equal(er, "h.Clodo");
  assert.equal(nothing, "h.Nothing", "the REPL shows Heapy's repr; String(h.Nothing) is its str, <Nothing>");
  const [wrong] = await session(["s0.by(42)"]);
  assert.equal(wrong, "Uncaught:\nGuppyError USAGE: by() takes a classifier (h.Type, h.Clodo, h.Type.and(h.Size), ...) or its name ('Type', 'Type&Size'); got a number.");
  const [promised, after] = await session(["Promise.resolve(s0.bytype)", "_.er"]);
  assert.equal(promised, String(s.bytype));
  assert.equal(after, "h.Type");
  const [table, next, prev] = await session(["s0", "_.more", "_.prev"]);
  assert.equal(table, String(s));
  assert.equal(next, String(s.more));
  assert.equal(prev, String(s));
});

test("the monitor's commands have _, the last result, so _.more pages on", async () => {
  const runner = new CommandRunner(() => h);
  assert.equal(await runner.run("({ toString: () => 'page 1', more: { toString: () => 'page 2' } })"), "page 1");
  assert.equal(await runner.run("_.more"), "page 2");
  assert.equal(await runner.run("_"), "page 2");
  // What a line declares stays for the next lines (Heapy's console locals), until reset.
  await runner.run("let [x, { y = 3 }] = [1, {}]; var z = x + y");
  assert.equal(await runner.run("z"), "4");
  await runner.run("var z");
  assert.equal(await runner.run("z"), "4", "var without a value keeps it");
  await runner.run("let z");
  assert.equal(await runner.run("String(z)"), "undefined", "let without a value makes it undefined");
  await runner.run("class P { get v() { return 7 } }");
  assert.equal(await runner.run("new P().v"), "7");
  assert.equal(await runner.run("typeof globalThis.x"), "undefined", "the names live in the console, not on the global object");
  await assert.rejects(runner.run("let = ;"), { name: "SyntaxError" });
  runner.reset();
  assert.equal(await runner.run("typeof x + typeof _"), "undefinedundefined");
});

test("owners and dictof: V8's property stores and the objects that own them; prod of a singleton", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-algebra-"));
  const known = join(dir, "window-foos.heapsnapshot");
  writeFileSync(known, synthSnapshot(WINDOW_FOOS));
  const w = await hpy({ cacheDir: null }).load(known);
  const foos = w.and(h.Clodo.Foo);
  const stores = w.and(h.Clodo("(object properties) of Foo"));
  assert.equal(stores.count, 3);
  assert.ok(stores.owners.equals(foos));
  assert.ok(foos.dictof.equals(stores));
  assert.equal(foos.owners.count, 0, "Foos are not stores");
  assert.equal(w.and(h.Clodo.dictof("Foo")).count, 3);
  assert.equal(foos.byid.at(0).prod, "(no allocation site)");
  usage(() => foos.prod, /^prod needs a set of exactly one object; this one has 3\.$/);
});

test("stats index and slice as Heapy's; a difference sums rows of one kind name on both sides", () => {
  const st = s.stat;
  assert.equal(st.length, s.length);
  assert.equal(st.at(0).rows[0]!.kind, s.partition.rows[0]!.kind);
  assert.equal(st.at(-1).count, s.at(-1).count);
  assert.equal(st.slice(0, 3).count, s.slice(0, 3).count);
  usage(() => st.at(1e6), /^at\(\) takes a row index/);
  // Heapy's stat files can repeat a kind (classes of one name); the difference counts them together.
  const a = new Stat([{ kind: "X", count: 2, size: 20 }, { kind: "X", count: 1, size: 10 }, { kind: "Y", count: 1, size: 5 }], "Kind (class / dict of class)", "Clodo", 0);
  const b = new Stat([{ kind: "X", count: 1, size: 10 }, { kind: "Z", count: 1, size: 1 }, { kind: "Z", count: 1, size: 1 }], "Kind (class / dict of class)", "Clodo", 0);
  assert.deepEqual(a.diff(b).rows, [{ kind: "X", count: 2, size: 20 }, { kind: "Y", count: 1, size: 5 }, { kind: "Z", count: -2, size: -2 }]);
});
