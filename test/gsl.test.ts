import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { GuppyError } from "../src/errors.js";
import { parseDotted } from "../src/gsl/dotted-tree.js";
import { compileSpecs } from "../src/gsl/gsl.js";
import { htmlDocuments, methodSignatureHtml } from "../src/gsl/html.js";
import { readSpecs } from "../src/gsl/model.js";
import { projectRoot } from "./support/paths.js";

const run = promisify(execFile);
const root = projectRoot();
const EXAMPLE = join(root, "specs", "docexample.gsl");

/** Writes spec files into a fresh folder; returns the path of the first. */
function specs(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "guppy-gsl-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return join(dir, Object.keys(files)[0]!);
}

/** Asserts reading the spec fails with BAD_SPEC at line:column, saying `message`. */
function badSpec(text: string, line: number, column: number, message: RegExp, extra: Record<string, string> = {}): void {
  const file = specs({ "s.gsl": text, ...extra });
  try {
    readSpecs([file]);
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
  badSpec(".document: d\n..output: pdf\n", 2, 3, /Expected 'html' or 'tester'/);
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

test("docs/ is what the specifications generate (npm run docs keeps it so)", () => {
  for (const spec of ["guppy", "docexample"]) {
    const out = mkdtempSync(join(tmpdir(), "guppy-gsl-docs-"));
    compileSpecs([join(root, "specs", `${spec}.gsl`)], { html: out });
    assert.equal(readFileSync(join(out, `${spec}.html`), "utf8").replace(/from [^<]*\.gsl/, ""), readFileSync(join(root, "docs", `${spec}.html`), "utf8").replace(/from [^<]*\.gsl/, ""), `docs/${spec}.html is stale: run npm run docs`);
  }
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
  const pages = [
    ...htmlDocuments(readSpecs([all])).values(),
    readFileSync(join(root, "docs", "guppy.html"), "utf8"),
    readFileSync(join(root, "docs", "docexample.html"), "utf8"),
  ];
  for (const page of pages) {
    const report = await validator.validateString(page);
    assert.equal(report.valid, true, JSON.stringify(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.message}`))));
  }
  assert.match(pages[0]!, /<pre>x &lt; y &amp;&amp; y &gt; z<\/pre>/);
  assert.match(pages[0]!, /<a href="https:\/\/example.com\/x\?a=1&amp;b=2">elsewhere<\/a>/);
});
