import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { GuppyError } from "../src/errors.js";
import { parseDotted } from "../src/gsl/dotted-tree.js";
import { compileSpecs } from "../src/gsl/gsl.js";
import { htmlDocuments, methodSignatureHtml } from "../src/gsl/html.js";
import { currentSection, MARKDOWN_BEGIN, MARKDOWN_END, markdownSection } from "../src/gsl/markdown.js";
import { plainText } from "../src/gsl/help.js";
import { readSpecs } from "../src/gsl/model.js";
import { projectRoot } from "./support/paths.js";

const run = promisify(execFile);
const root = projectRoot();
const EXAMPLE = join(root, "specs", "docexample.gsl");
const GUPPY = join(root, "specs", "index.gsl");

/** Writes spec files into a fresh folder; returns the path of the first. */
function specs(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "guppy-gsl-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return join(dir, Object.keys(files)[0]!);
}

/** Asserts reading the spec fails with BAD_SPEC at line:column, saying `message`. */
function badSpec(text: string, line: number, column: number, message: RegExp, extra: Record<string, string> = {}, render = false): void {
  const file = specs({ "s.gsl": text, ...extra });
  try {
    const model = readSpecs([file]);
    if (render) htmlDocuments(model);
  } catch (e) {
    assert.ok(e instanceof GuppyError, String(e));
    assert.equal(e.code, "BAD_SPEC");
    assert.match(e.message, message);
    assert.equal(e.describe().startsWith(`guppy: BAD_SPEC ${file}:${line}:${column}: `), true, e.describe());
    return;
  }
  assert.fail("expected BAD_SPEC");
}

test("dotted trees: depth by dots, text lines, quoted dots, '::' and ':', attributes, tags with spaces", () => {
  const root = parseDotted([".kind:: K", "..d: first", "more text", "\\.not a tag", "...em: x", "....href=http://a/b", "..key arg: a: int+", ".c: comment"].join("\n"), "f.gsl");
  const [kind, comment] = root.children;
  // Columns point at the tag, after the dots.
  assert.deepEqual([kind!.tag, kind!.arg, kind!.defines, kind!.line, kind!.column], ["kind", "K", true, 1, 2]);
  const d = kind!.children[0]!;
  assert.deepEqual([d.tag, d.arg, d.defines, d.text], ["d", "first", false, "more text\n.not a tag"]);
  assert.deepEqual([d.children[0]!.tag, d.children[0]!.children[0]!.tag, d.children[0]!.children[0]!.arg], ["em", "href=", "http://a/b"]);
  assert.deepEqual([kind!.children[1]!.tag, kind!.children[1]!.arg, kind!.children[1]!.column], ["key_arg", "a: int+", 3]);
  assert.equal(comment!.tag, "c");
});

test("the model: kinds continued with .and, superkinds with .eg, every argument mode, returns, kind of, imports", () => {
  const model = readSpecs([EXAMPLE]);
  const k = model.kinds.get("example_kind")!;
  assert.deepEqual(k.attrs.map((a) => a.name), ["a_nokind"]);
  assert.deepEqual(k.methods.map((m) => m.name), ["m_noargs", "m_returns", "m_one", "m_opt", "m_alt", "m_repeat", "m_draw_keywords", "range"]);
  assert.deepEqual(model.kinds.get("int+")!.examples, ["1"]);
  assert.equal(model.kinds.get("int+")!.superkind, true);
  const repeat = k.methods.find((m) => m.name === "m_repeat")!.args.items;
  assert.deepEqual(repeat.map((i) => (i.mode === "repeat" ? [i.min, i.max] : null)), [[0, Number.POSITIVE_INFINITY], [2, 4]]);
  const range = k.methods.find((m) => m.name === "range")!;
  assert.equal(range.returns?.kind, "list_of_integers");
  assert.deepEqual(model.documents.map((d) => [d.name, d.outputs, d.manPagesOf, d.testsOf]), [["docexample", ["html", "tester"], ["list_of_integers", "example_kind"], ["example_kind"]]]);
  const imported = specs({ "main.gsl": ".import:: thing\n..from: other\n.kind:: user\n..attr:: t\n...kind of: thing\n", "other.gsl": ".kind:: thing\n" });
  const m2 = readSpecs([imported]);
  assert.equal(m2.kinds.get("user")!.attrs[0]!.kind, "thing");
});

test("the parameter notation in HTML, exactly, for each mode of the document example", () => {
  const model = readSpecs([EXAMPLE]);
  const sig = (m: string) => methodSignatureHtml(model, "docexample", "example_kind", m);
  assert.equal(sig("m_noargs"), "m_noargs()");
  assert.equal(sig("m_returns"), 'm_returns() -&gt; <a href="#example_kind"><em>example_kind</em></a>');
  assert.equal(sig("m_one"), "m_one(<var>a</var>: <em>int+</em>)");
  assert.equal(sig("m_opt"), "m_opt([<var>a</var>: <em>int+</em> [<var>b</var>: <em>string+</em>]])");
  assert.equal(sig("m_alt"), 'm_alt(<span class="mode">alt:</span>[<var>a</var>: <em>int+</em> or <var>a</var>: <em>string+</em> or <var>a</var>: <em>list+</em>])');
  assert.equal(sig("m_repeat"), 'm_repeat(<span class="mode">0..*:</span>[<var>a</var>: <em>int+</em>], <span class="mode">2..4:</span>[<var>b</var>: <em>string+</em>])');
  assert.equal(sig("m_draw_keywords"), 'm_draw_keywords(<span class="mode">draw:</span>[<var>a</var> = <em>int+</em>, <var>b</var> = <em>int+</em>, <var>c</var> = <em>string+</em>])');
  assert.equal(
    sig("range"),
    'range(<span class="mode">alt:</span>[<var>stop</var>: <em>int+</em> or <span class="mode">seq:</span>[<var>start</var>: <em>int+</em>, <var>stop</var>: <em>int+</em>, [<var>step</var>: <em>int+</em>]]]) -&gt; <a href="#list_of_integers"><em>list_of_integers</em></a>',
  );
  const page = htmlDocuments(model).get("docexample.html")!;
  assert.match(page, /^<!doctype html>\n<html lang="en">/);
  assert.match(page, /<nav class="contents"><h2>Contents<\/h2><ul><li><a href="#list_of_integers">list_of_integers<\/a><\/li><li><a href="#example_kind">example_kind<\/a><\/li><\/ul><\/nav>/);
  assert.match(page, /<div class="note"><h4>Note<\/h4>The \+ in the int\+ name/);
  assert.match(page, /<dt><span class="sig"><var>start<\/var>: <em>int\+<\/em><\/span><\/dt><dd><div class="d">The first value of the range.<\/div> <em>Default:<\/em> 0\nStarts with first value.<\/dd>/);
  // Balanced tags: every opened element of these kinds is closed.
  for (const tag of ["section", "dl", "dd", "dt", "div", "a", "em", "var", "span", "h2", "h3", "h4", "p"]) {
    assert.equal((page.match(new RegExp(`<${tag}[ >]`, "g")) ?? []).length, (page.match(new RegExp(`</${tag}>`, "g")) ?? []).length, tag);
  }
});

test("spec errors name file, line and column and say what was expected; unknown references are errors", () => {
  badSpec(".kind:: a\n...d: too deep\n", 2, 1, /at most 2 dots/);
  badSpec(".kind:: a\n..attr:: x\n...kind of: nowhere\n", 2, 3, /Unknown kind 'nowhere' \(kind of attribute a\.x\)/);
  badSpec(".kind:: a\n..d: see\n...ref: .mykind.nothing\n", 3, 4, /Unknown reference '\.mykind\.nothing': a has no member 'nothing'/);
  badSpec(".kind:: a\n..d: see\n...ref: Elsewhere.x\n", 3, 4, /Unknown reference 'Elsewhere\.x'/);
  badSpec(".and: ghost\n", 1, 2, /continues a kind that is not defined/);
  badSpec(".kind:: a\n..method:: m\n...returns: b\n", 2, 3, /Unknown kind 'b' \(return kind of a\.m\)/);
  badSpec(".kind:: a\n..method:: m\n...repeat: 3..1\n....arg: x: a\n", 3, 4, /at least its start/);
  badSpec(".kind:: a\n..method:: m\n...repeat: lots\n", 3, 4, /Expected a range 'm\.\.n'/);
  badSpec(".kind:: a\n..method:: m\n...arg: x\n", 3, 4, /Expected 'name: kind'/);
  badSpec(".kind:: a\n.kind:: a\n", 2, 2, /defined already/);
  badSpec(".kind:: a\n..key arg\n", 2, 3, /Expected ':' after the tag 'key arg'/);
  badSpec(".frobnicate: x\n", 1, 2, /Expected \.kind::, \.superkind::/);
  badSpec(".import:: zz\n..from: other\n", 1, 2, /Unknown kind 'zz' \(imported from other\)/, { "other.gsl": ".kind:: thing\n" });
  badSpec(".document: d\n..output: pdf\n", 2, 3, /Expected 'html', 'xhtml', 'tester' after '\.output:', not 'pdf'/);
  const evil = specs({ "s.gsl": ".document: d\n..output: html\n..p: click\n...a: here\n....href=javascript:alert(1)\n" });
  assert.throws(() => compileSpecs([evil], { html: join(evil, "..", "out") }), /may not point to 'javascript:'/);
});

test("generated tests pass against a correct implementation and fail, clearly, against a wrong one", async () => {
  const out = mkdtempSync(join(tmpdir(), "guppy-gsl-tests-"));
  const { written } = compileSpecs([EXAMPLE], { tests: out, binding: join(root, "dist", "test", "gsl", "example-binding.js"), runtime: join(root, "dist", "src", "gsl", "test-runtime.js") });
  assert.deepEqual(written, [join(out, "docexample.test.js")]);
  const runTests = async (wrong: boolean): Promise<{ code: number; out: string }> => {
    try {
      // Without NODE_TEST_CONTEXT, the inner runner reports as TAP on stdout, not to this runner.
      const { NODE_TEST_CONTEXT: _, ...env } = process.env;
      const r = await run(process.execPath, ["--test", "--test-reporter=tap", written[0]!], { env: { ...env, GSL_EXAMPLE_WRONG: wrong ? "1" : "0" }, timeout: 60_000 });
      return { code: 0, out: r.stdout };
    } catch (e) {
      return { code: (e as { code: number }).code, out: (e as { stdout: string }).stdout };
    }
  };
  const good = await runTests(false);
  assert.equal(good.code, 0, good.out);
  assert.match(good.out, /# pass 31\n# fail 0/);
  // Every mode was exercised: optional prefixes, each alternative, repeats, drawn keywords.
  for (const name of ["m_opt(1, 'abc')", "m_alt([])", "m_repeat('abc', 'abc', 'abc', 'abc')", "m_draw_keywords(a=1, c='abc')", "range(1, 1, 1)"]) assert.ok(good.out.includes(`example_kind.${name}  —`), name);
  const bad = await runTests(true);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /# fail 4/);
  assert.match(bad.out, /example_kind\.m_opt\(number 1, string "abc"\) threw TypeError: m_opt takes at most one argument, but the specification allows these arguments\./);
  assert.match(bad.out, /what example_kind\.range\(number 1\) returned: string "0" is not of kind list_of_integers/);
});

test("docs/ is what the specifications generate, and nothing else (npm run docs keeps it so)", () => {
  const generated: string[] = [];
  for (const spec of ["index", "docexample"]) {
    const out = mkdtempSync(join(tmpdir(), "guppy-gsl-docs-"));
    const { written } = compileSpecs([join(root, "specs", `${spec}.gsl`)], { html: out, xhtml: out });
    for (const file of written) {
      const name = basename(file);
      generated.push(name);
      assert.equal(readFileSync(file, "utf8"), readFileSync(join(root, "docs", name), "utf8"), `docs/${name} is stale: run npm run docs`);
    }
  }
  // A page per part of Guppy's API, in both formats, and the index that links them.
  const parts = ["heapy_Use", "heapy_UniSet", "heapy_ER", "heapy_Part", "heapy_Path", "heapy_RefPat", "heapy_Stat", "heapy_Graph", "index"];
  assert.deepEqual(generated.sort(), [...parts.flatMap((p) => [`${p}.html`, `${p}.xhtml`]), "docexample.html"].sort());
  // docs/img holds the README's screenshots, not pages.
  assert.deepEqual(readdirSync(join(root, "docs")).filter((f) => f !== "img").sort(), generated.sort(), "docs/ has pages no specification generates");
});

test("README's API reference is what the specifications generate (npm run docs keeps it so); --markdown writes between the markers", () => {
  const model = readSpecs([GUPPY]);
  const section = markdownSection(model, "docs");
  assert.equal(currentSection(readFileSync(join(root, "README.md"), "utf8")), section, "README.md's API reference is stale: run npm run docs");
  // A kind's table: its members linked to its page, operators as they read, text escaped for Markdown.
  assert.ok(section.includes("| [`x.and(other: setorkind+) -> IdentitySet`](docs/heapy_UniSet.html#IdentitySet.and) (`x & other`) | Objects in both"), section);
  assert.ok(section.includes("| [`x.or(other: IdentitySet) -> IdentitySet`](docs/heapy_UniSet.html#IdentitySet.or) (`x \\| other`) | Objects in either. |"));
  assert.ok(section.includes("#### HeapySet\n\nA set of objects of one heap snapshot, as a session hands it out: it partitions itself as Heapy's sets do and prints as its partition by class. Also has the members of IdentitySet.\n"));
  assert.ok(section.includes("| `er(0..*:[label: kind label+]) -> Kind` | The kind of the objects"));
  assert.ok(section.includes("String(h.Nothing) is \\<Nothing\\>"));
  // The file written: text outside the markers kept, the section (linked to --html's folder) between them.
  const dir = mkdtempSync(join(tmpdir(), "guppy-gsl-md-"));
  const file = join(dir, "README.md");
  writeFileSync(file, `# Title\n\n${MARKDOWN_BEGIN}\nold text\n${MARKDOWN_END}\n\nAfter.\n`);
  compileSpecs([GUPPY], { markdown: file, html: join(dir, "pages") });
  assert.equal(readFileSync(file, "utf8"), `# Title\n\n${MARKDOWN_BEGIN}\n\n${markdownSection(model, "pages")}\n\n${MARKDOWN_END}\n\nAfter.\n`);
  writeFileSync(file, "# No markers\n");
  assert.throws(() => compileSpecs([GUPPY], { markdown: file }), (e: unknown) => e instanceof GuppyError && e.code === "USAGE" && /--markdown needs the lines/.test(e.message));
  assert.throws(() => compileSpecs([GUPPY], { markdown: join(dir, "nowhere.md") }), (e: unknown) => e instanceof GuppyError && e.code === "FILE_NOT_FOUND");
});

test("conditions: invariants, preconditions and postconditions run where the binding implements them", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-gsl-cond-"));
  const spec = join(dir, "counter.gsl");
  writeFileSync(
    spec,
    [
      ".superkind:: int+",
      "..eg: 2",
      ".condition:: nonnegative",
      "..d: The counter's value is never below zero.",
      ".condition:: grew",
      "..arg: result",
      "..arg: by",
      "..d: The value grew by the amount added.",
      ".condition:: unimplemented",
      "..d: Nobody implements this one.",
      ".kind:: counter",
      "..condition: nonnegative",
      "..condition: unimplemented",
      "..attr:: value",
      "...kind of: int+",
      "..method:: add",
      "...arg: by: int+",
      "...postcondition: grew",
      "...returns: int+",
      ".document: counter",
      "..output: tester",
      "..test of: counter",
      "",
    ].join("\n"),
  );
  const binding = (bad: boolean) => `export default {
  instances: { counter: () => [{ value: 1, add(by) { this.value += ${bad ? "by - 1" : "by"}; return this.value; } }] },
  kinds: { "int+": (v) => Number.isInteger(v) },
  conditions: {
    nonnegative: (c) => c.value >= 0,
    grew: (c, result, by) => result === c.value && c.value >= by,
  },
};\n`;
  writeFileSync(join(dir, "good.mjs"), binding(false));
  writeFileSync(join(dir, "bad.mjs"), binding(true).replace("c.value >= by", "result % 2 === 1"));
  const runWith = async (bindingFile: string) => {
    const out = join(dir, bindingFile.replace(".mjs", ""));
    const { written } = compileSpecs([spec], { tests: out, binding: join(dir, bindingFile), runtime: join(root, "dist", "src", "gsl", "test-runtime.js") });
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    try {
      return { code: 0, out: (await run(process.execPath, ["--test", "--test-reporter=tap", written[0]!], { env, timeout: 60_000 })).stdout };
    } catch (e) {
      return { code: (e as { code: number }).code, out: (e as { stdout: string }).stdout };
    }
  };
  const good = await runWith("good.mjs");
  assert.equal(good.code, 0, good.out);
  assert.match(good.out, /ok \d+ - counter: condition nonnegative\n/);
  assert.match(good.out, /ok \d+ - counter: condition unimplemented # SKIP no implementation of unimplemented in the binding/);
  const bad = await runWith("bad.mjs");
  assert.equal(bad.code, 1);
  assert.match(bad.out, /postcondition grew of counter\.add\(number 2\) does not hold\./);
});

test("the generated documents are valid HTML (html-validate's recommended rules)", async () => {
  const { HtmlValidate } = await import("html-validate");
  const validator = new HtmlValidate(JSON.parse(readFileSync(join(root, ".htmlvalidate.json"), "utf8")) as ConstructorParameters<typeof HtmlValidate>[0]);
  // Every markup construct, in one document.
  const all = specs({
    "all.gsl": [
      ".kind:: thing",
      "..d: A thing, with",
      "...em: emphasis",
      "...t:, ",
      "...strong: strength",
      "...t: and",
      "...code: code",
      "...t:.",
      "..d",
      "...p: A paragraph linking",
      "....a: elsewhere",
      ".....href=https://example.com/x?a=1&b=2",
      "....t: and to",
      "....ref: .mykind.go",
      "...ul",
      "....li: one",
      "....li: two",
      "...ol",
      "....li: first",
      "...pre",
      "x < y && y > z",
      "..method:: go",
      "...d: Goes.",
      "...returns: thing",
      "....d: the thing itself.",
      "...dwh: Note",
      "A note with <angle> brackets & ampersands.",
      ".document: all",
      "..output: html",
      "..h1: Everything",
      "..h2: Second level",
      "..p: Text.",
      "..man page of: thing",
      "",
    ].join("\n"),
  });
  const pages = [...htmlDocuments(readSpecs([all])).values(), ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".html")).map((f) => readFileSync(join(root, "docs", f), "utf8"))];
  for (const page of pages) {
    const report = await validator.validateString(page);
    assert.equal(report.valid, true, JSON.stringify(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.message}`))));
  }
  assert.match(pages[0]!, /<pre>x &lt; y &amp;&amp; y &gt; z<\/pre>/);
  assert.match(pages[0]!, /<a href="https:\/\/example.com\/x\?a=1&amp;b=2">elsewhere<\/a>/);
});

const BITSETS = join(root, "test", "gsl", "specs", "index.gsl");

test("the whole language: operators and item access as JavaScript methods, macros, .self, sub- and superkinds, kind names with spaces", () => {
  const model = readSpecs([BITSETS]);
  const bitset = model.kinds.get("BitSet")!;
  assert.equal(bitset.self, "x");
  // Each operator documents the method standing for it, with how it reads in GSL.
  assert.deepEqual(
    bitset.methods.map((m) => [m.name, m.operator?.tag ?? null, m.operator?.notation ?? null]),
    [
      ["and", "op", "x & y"],
      ["or", "op", "x | y"],
      ["minus", "op", "x - y"],
      ["xor", "op", "x ^ y"],
      ["le", "op", "x <= y"],
      ["lt", "op", "x < y"],
      ["ge", "op", "x >= y"],
      ["gt", "op", "x > y"],
      ["equals", "op", "x == y"],
      ["complement", "fop", "~x"],
      ["has", "rop", "e in x"],
      ["at", "getitem", "x[index]"],
      ["min", null, null],
      ["compare", null, null],
      ["toArray", null, null],
      ["orElse", null, null],
    ],
  );
  // len is a property, as JavaScript's length is.
  assert.deepEqual(bitset.attrs.map((a) => [a.name, a.kind, a.operator?.notation ?? null]), [["length", "Element Index+", "len(x)"], ["bits", "mask+", null]]);
  // Item access is a Map's where items can be set or deleted.
  assert.deepEqual(model.kinds.get("BitMap")!.methods.map((m) => [m.name, m.operator?.notation ?? null]), [["get", "m[e]"], ["set", "m[e] = name"], ["delete", "del m[e]"], ["keys", null]]);
  assert.deepEqual(model.kinds.get("MutBitSet")!.methods.map((m) => [m.name, m.operator?.notation]), [["orAssign", "x |= y"]]);
  assert.deepEqual(model.kinds.get("MutBitSet")!.kindOf, ["BitSet"]);
  // .superkind of: name → name's objects are of kind 'maybe name' (a name with a space).
  assert.deepEqual(model.kinds.get("name")!.kindOf, ["maybe name"]);
  // The macro's .take all: put the use's children in the note; the note is located where the macro writes it.
  const complement = bitset.methods.find((m) => m.name === "complement")!;
  assert.deepEqual(complement.description.slice(1), [{ el: "dwh", attrs: { header: "Note" }, children: ["The complement of a finite set is finite here because the universe is."], at: { file: join(root, "test", "gsl", "specs", "bitsets.gsl"), line: 49, column: 3 } }]);
  const index = model.documents.find((d) => d.name === "bitsets_index")!;
  assert.deepEqual([index.title, index.links, index.outputs], ["BitSets: an index", [{ rel: "stylesheet", href: "guppy.css" }], ["html", "xhtml"]]);
});

test("HTML and XHTML of the whole language: operator notation beside the method, links across files in each format", () => {
  const model = readSpecs([BITSETS]);
  assert.equal(methodSignatureHtml(model, "bitsets", "BitSet", "and"), 'and(<var>y</var>: <a href="#BitSet"><em>BitSet</em></a>) -&gt; <a href="#BitSet"><em>BitSet</em></a>');
  const html = htmlDocuments(model);
  const xhtml = htmlDocuments(model, "xhtml");
  assert.deepEqual([...html.keys(), ...xhtml.keys()], ["bitsets.html", "bitsets_index.html", "bitsets.xhtml", "bitsets_index.xhtml"]);
  const page = html.get("bitsets.html")!;
  assert.ok(page.includes('<dt id="BitSet.and"><span class="sig"><strong>and</strong>(<var>y</var>: <a href="#BitSet"><em>BitSet</em></a>) -&gt; <a href="#BitSet"><em>BitSet</em></a> <span class="op">(x &amp; y)</span></span></dt>'));
  assert.ok(page.includes('<dt id="BitMap.set"><span class="sig"><strong>set</strong>(<var>e</var>: <em>element+</em>, <var>name</var>: <em>name+</em>) -&gt; <a href="#BitMap"><em>BitMap</em></a> <span class="op">(m[e] = name)</span></span></dt>'));
  assert.ok(page.includes('<dt id="BitSet.length"><span class="sig"><strong>length</strong>: <em>Element Index+</em> <span class="op">(len(x))</span></span></dt>'));
  // Another file's document links to this one's sections, in its own format.
  const index = html.get("bitsets_index.html")!;
  assert.ok(index.includes('<title>BitSets: an index</title>\n<link rel="stylesheet" href="guppy.css">'), index);
  assert.ok(index.includes('<a href="bitsets.html#BitSet"><code>BitSet</code></a>, intersection under <a href="bitsets.html#BitSet.and"><code>and</code></a>'), index);
  const xindex = xhtml.get("bitsets_index.xhtml")!;
  assert.match(xindex, /^<\?xml version="1.0" encoding="utf-8"\?>\n<!DOCTYPE html>\n<html xmlns="http:\/\/www.w3.org\/1999\/xhtml" lang="en" xml:lang="en">\n<head>\n<meta charset="utf-8"\/>/);
  assert.ok(xindex.includes('<link rel="stylesheet" href="guppy.css"/>'));
  assert.ok(xindex.includes('<a href="bitsets.xhtml#BitSet.and"><code>and</code></a>'));
  // guppy gsl --html DIR --xhtml DIR writes each format into its folder.
  const out = mkdtempSync(join(tmpdir(), "guppy-gsl-xhtml-"));
  const { written } = compileSpecs([BITSETS], { html: join(out, "h"), xhtml: join(out, "x") });
  assert.deepEqual(written, ["h/bitsets.html", "h/bitsets_index.html", "x/bitsets.xhtml", "x/bitsets_index.xhtml"].map((f) => join(out, f)));
  assert.equal(readFileSync(join(out, "x", "bitsets_index.xhtml"), "utf8"), xindex);
});

test("XHTML pages are well-formed XML and, like the HTML pages, valid HTML", async () => {
  const { XMLValidator } = await import("fast-xml-parser");
  const { HtmlValidate } = await import("html-validate");
  const validator = new HtmlValidate(JSON.parse(readFileSync(join(root, ".htmlvalidate.json"), "utf8")) as ConstructorParameters<typeof HtmlValidate>[0]);
  const model = readSpecs([BITSETS]);
  const chars = readSpecs([specs({ "c.gsl": ".document: c\n..output: html, xhtml\n..p: a\n...char: nbsp\n...t: b\n...br\n...char: mdash\n" })]);
  const docs = readdirSync(join(root, "docs")).filter((f) => f.endsWith(".xhtml"));
  assert.ok(docs.length >= 9, "Guppy's API pages have XHTML beside HTML");
  const pages = [...htmlDocuments(model, "xhtml"), ...htmlDocuments(chars, "xhtml"), ...docs.map((f) => [f, readFileSync(join(root, "docs", f), "utf8")] as const)];
  for (const [name, page] of pages) {
    const wellFormed = XMLValidator.validate(page);
    assert.equal(wellFormed, true, `${name}: ${JSON.stringify(wellFormed)}`);
  }
  // Named characters become numeric references, which XML knows without a DTD.
  assert.ok(htmlDocuments(chars, "xhtml").get("c.xhtml")!.includes("<p>a &#160; b <br/> &#8212;</p>"));
  for (const page of [...htmlDocuments(model).values(), ...htmlDocuments(chars).values()]) {
    const report = await validator.validateString(page);
    assert.equal(report.valid, true, JSON.stringify(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.message}`))));
  }
});

test("errors in the new constructs name file, line and column and say what was expected", () => {
  badSpec(".kind:: a\n..d: x\n...use: nothing\n", 3, 4, /Unknown macro 'nothing': define it with '\.macro:: nothing'/);
  badSpec(".macro:: m\n..d: x\n...use: m\n.kind:: a\n..use: m\n", 3, 4, /Expected macros to end: '\.use: m' is nested 20 deep/);
  badSpec(".kind:: a\n..take all:\n", 2, 3, /'\.take all:' is only meaningful inside a macro/);
  badSpec(".macro:: m\n..take first:\n.kind:: a\n..use: m\n", 2, 3, /Expected an argument for '\.take first:': the use passed none/);
  badSpec(".kind:: a\n..op: !=\n", 2, 3, /Expected one of '&', '\|', '-', '\^', '<=', '<', '>=', '>', '==' after '\.op:' \(a binary operator\), not '!=': JavaScript has no method for it/);
  badSpec(".kind:: a\n..fop: bool\n", 2, 3, /not 'bool': JavaScript has no method for it/);
  badSpec(".kind:: a\n..iop: +=\n", 2, 3, /Expected an in-place operator \('&=', '\|=', '-=', '\^='\) after '\.iop:', not '\+='/);
  badSpec(".kind:: a\n..op:\n", 2, 3, /Expected an operator after '\.op:'/);
  badSpec(".kind:: a\n..self: 2x\n", 2, 3, /Expected a name after '\.self:'/);
  badSpec(".kind:: a\n..superkind of: ghost\n", 1, 2, /Unknown kind 'ghost' \(superkind of: a\)/);
  badSpec(".kind:: a b\n..subkind of: c d\n", 1, 2, /Unknown kind 'c d' \(kind of a b\)/);
  badSpec(".document: d\n..output: html\n..header\n...meta\n", 4, 4, /Expected '\.link' with 'rel=' and 'href=' under '\.header'/);
  badSpec(".document: d\n..output: html\n..p: a\n...char: bogus\n", 4, 4, /Expected a character name/, {}, true);
});

test("generated tests of the whole language call the operators' methods: pass against BitSet, fail against a wrong one", async () => {
  const out = mkdtempSync(join(tmpdir(), "guppy-gsl-bitsets-"));
  const { written } = compileSpecs([BITSETS], { tests: out, binding: join(root, "dist", "test", "gsl", "bitset-binding.js"), runtime: join(root, "dist", "src", "gsl", "test-runtime.js") });
  assert.deepEqual(written, [join(out, "bitsets.test.js")]);
  const runTests = async (wrong: boolean): Promise<{ code: number; out: string }> => {
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    try {
      return { code: 0, out: (await run(process.execPath, ["--test", "--test-reporter=tap", written[0]!], { env: { ...env, GSL_BITSET_WRONG: wrong ? "1" : "0" }, timeout: 60_000 })).stdout };
    } catch (e) {
      return { code: (e as { code: number }).code, out: (e as { stdout: string }).stdout };
    }
  };
  const good = await runTests(false);
  assert.equal(good.code, 0, good.out);
  assert.match(good.out, /# pass 27\n# fail 0/);
  for (const name of ["BitSet.and(check.example(\"BitSet\"))", "BitSet.has(20)", "BitSet.at(0)", "BitSet.complement()", "BitSet.length: Element Index+", "MutBitSet.orAssign(", "BitMap.get(20)", "BitMap.set(20, \"twenty\")", "BitMap.delete(20)"]) {
    assert.ok(good.out.split("\n").some((l) => /^ok \d+ - /.test(l) && l.includes(name)), name);
  }
  const bad = await runTests(true);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /# fail 2/);
  assert.match(bad.out, /what BitSet\.and\(an object of class BitSet\) returned: number 2 is not of kind BitSet: it has no members\./);
  assert.match(bad.out, /BitSet\.has\(number 20\) threw RangeError: only 0\.\.15, but the specification allows these arguments\./);
});

test("Guppy-PE's other forms: .and:: defining a kind, .myfile. kinds, labels, and a returned object's call", () => {
  const file = specs({
    "f.gsl": [
      ".superkind:: n+",
      "..eg: 1",
      ".and:: Maker",
      "..method:: adder",
      "...d: An adder.",
      "...returns: Adder",
      "....d: a function adding its argument:",
      "....mapping",
      ".....arg: by: .myfile.n+",
      ".....returns: .myfile.n+",
      ".....d: The sum.",
      ".kind:: Adder",
      "..d: Made by",
      "...ref: .mykind.Maker.adder",
      ".document: f",
      "..output: html",
      "..label: top",
      "..p: See",
      "...ref: .myfile.Maker.adder",
      "..man page of: Maker",
    ].join("\n"),
  });
  const model = readSpecs([file]);
  const adder = model.kinds.get("Maker")!.methods[0]!;
  assert.equal(adder.returns?.kind, "Adder");
  assert.deepEqual([adder.returns?.call?.returns?.kind, adder.returns?.call?.args.items.map((i) => (i.mode === "arg" ? i.kind : null))], ["n+", ["n+"]]);
  const page = htmlDocuments(model).get("f.html")!;
  assert.ok(page.includes('<h4>Returns</h4><div><em>Adder</em> <div class="d">a function adding its argument:</div><div class="call"><h4>Calling it</h4><span class="sig"><em>returned</em>(<var>by</var>: <em>n+</em>) -&gt; <em>n+</em></span><div class="d">The sum.</div></div></div>'), page);
  assert.ok(page.includes('<span id="top"></span>'));
  // .mykind.K.m names another kind's member.
  assert.deepEqual(model.kinds.get("Adder")!.description, [{ el: "d", attrs: {}, children: ["Made by", { el: "ref", attrs: { target: ".mykind.Maker.adder" }, children: [], at: { file, line: 14, column: 4 } }], at: { file, line: 13, column: 3 } }]);
  assert.ok(page.includes('<p>See <a href="#Maker.adder"><code>adder</code></a></p>'));
});

test("a returned object's call is checked as any method: its kinds must be defined", () => {
  badSpec(".kind:: a\n..method:: m\n...returns: a\n....mapping\n.....arg: x: ghost\n", 5, 6, /Unknown kind 'ghost' \(kind of argument x\)/);
});

test("Guppy's API specs: Guppy-PE's structure (parts that .and: the kinds heapykinds.gsl names), and the whole language on the real API", () => {
  const model = readSpecs([GUPPY]);
  const parts = ["heapy_Use", "heapy_UniSet", "heapy_ER", "heapy_Part", "heapy_Path", "heapy_RefPat", "heapy_Stat", "heapy_Graph"];
  assert.deepEqual([...model.files.keys()].map((f) => basename(f, ".gsl")).sort(), ["index", "kindnames", "heapykinds", ...parts].sort());
  // heapykinds.gsl defines every Heapy kind; each part describes its own.
  const defined = model.files.get(join(root, "specs", "heapykinds.gsl"))!;
  for (const k of ["Session", "IdentitySet", "HeapySet", "Kind", "CallableClassifier", "PartitionView", "ShortestPathsView", "ReferencePattern", "Stat", "StatView", "HeapGraph"]) assert.ok(defined.includes(k), k);
  assert.deepEqual(
    model.documents.map((d) => [d.name, d.outputs.join(" "), d.manPagesOf.length > 0]),
    [...parts.map((p) => [p, "html xhtml", true]), ["index", "html xhtml", false], ["test_heapy", "tester", false]],
  );
  const ops = (kind: string): string[] => {
    const k = model.kinds.get(kind)!;
    return [...k.methods, ...k.attrs].filter((m) => m.operator !== null).map((m) => `${m.operator!.tag} ${m.operator!.notation} = ${m.name}`);
  };
  // .op, .fop and .rop as the methods that stand for them, read with the kind's .self.
  assert.deepEqual(ops("IdentitySet"), ["op x & other = and", "op x | other = or", "op x - other = minus", "op x ^ other = xor", "fop ~x = complement", "op x <= other = le", "op x < other = lt", "op x >= other = ge", "op x > other = gt", "op x == other = equals", "rop node in x = has"]);
  assert.deepEqual(ops("Kind"), ["op k & other = and", "op k | other = or", "op k - other = minus", "op k ^ other = xor", "fop ~k = complement", "rop set in k = has", "op k == other = equals", "fop str(k) = toString"]);
  assert.deepEqual(ops("CallableClassifier"), ["op er & other = and", "op er <= other = le", "op er < other = lt", "op er >= other = ge", "op er > other = gt", "rop set in er = has", "fop str(er) = toString"]);
  // .getitem is at (read-only item access); .fop: len is the length property.
  assert.deepEqual(ops("HeapySet"), ["getitem x[i] = at", "rop node in x = has", "op x | other = or", "op x ^ other = xor", "fop len(x) = length"]);
  assert.deepEqual(ops("ReferencePattern"), ["getitem rp[index] = at", "fop len(rp) = length"]);
  assert.deepEqual(ops("StatView"), ["getitem s[i] = at", "fop len(s) = length"]);
  assert.deepEqual(ops("ShortestPathsView"), ["getitem sp[i] = at"]);
  // .subkind of, and .superkind of (which makes the named kinds kinds of it).
  assert.deepEqual(model.kinds.get("HeapySet")!.kindOf, ["IdentitySet"]);
  assert.deepEqual(model.kinds.get("StatView")!.kindOf, ["Stat"]);
  assert.deepEqual(model.kinds.get("IdentitySet")!.kindOf, ["setorkind+"]);
  assert.deepEqual(model.kinds.get("classifier name+")!.kindOf, ["classifierorname+"]);
  // Kind names with spaces.
  for (const k of ["snapshot file+", "stat file+", "read options+", "shortest paths options+", "kind label+", "row name+"]) assert.ok(model.kinds.has(k), k);
  // The paging macro: the same members on every paged kind, its arguments where it takes them.
  const describe = (kind: string, attr: string): string => plainText(model.kinds.get(kind)!.attrs.find((a) => a.name === attr)!.description);
  assert.equal(describe("PartitionView", "more"), "The next ten rows (_.more works on the last result); past the last it says there are no more.");
  assert.equal(describe("ShortestPathsView", "limit"), "How many paths the page shows: ten, or Infinity for all.");
  assert.equal(describe("ReferencePattern", "all"), "All the lines from the first, label included (Heapy's _.all).");
  for (const kind of ["PartitionView", "ShortestPathsView", "ReferencePattern", "StatView"]) {
    const attrs = model.kinds.get(kind)!.attrs;
    for (const name of ["more", "all", "prev", "top"]) assert.equal(attrs.find((a) => a.name === name)?.kind, kind, `${kind}.${name}`);
    assert.equal(attrs.find((a) => a.name === "start")?.kind, "index+");
  }
  // The "in JavaScript" macro: a headed note in the kinds whose operators are methods.
  for (const kind of ["IdentitySet", "Kind", "CallableClassifier"]) assert.ok(model.kinds.get(kind)!.description.some((m) => typeof m !== "string" && m.el === "dwh" && m.attrs.header === "In JavaScript"), kind);
});
