// guppy gsl --check-types: specifications checked against TypeScript's declarations.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { checkTypes, formatFinding } from "../src/gsl/check-types.js";
import { readSpecs } from "../src/gsl/model.js";
import { projectRoot } from "./support/paths.js";

const run = promisify(execFile);
const root = projectRoot();
const BITSETS = join(root, "test", "gsl", "specs", "index.gsl");
const WRONG = join(root, "test", "gsl", "specs", "bitsets-wrong.gsl");
const BITSET_BINDING = join(root, "test", "gsl", "bitset-binding.ts");

/** What the check reports, one line each, locations relative to the project. */
async function findings(specs: string[], module: string): Promise<string[]> {
  return (await checkTypes(readSpecs(specs.map((s) => join(root, s))), join(root, module), root)).map(formatFinding).map((l) => l.replaceAll(`${root}/`, ""));
}

test("the BitSet specs agree with their declarations: every operator's method, item access, attribute and return kind, literal and generic parameters", async () => {
  assert.deepEqual(await findings(["test/gsl/specs/index.gsl"], "test/gsl/bitset-binding.ts"), []);
});

test("checked against the API module itself: kinds are its exported classes, and an exported class without a kind is reported", async () => {
  assert.deepEqual(await findings(["test/gsl/specs/index.gsl"], "test/gsl/bitset-api.ts"), ["test/gsl/bitset-api.ts:124:1: WrongBitSet: an exported class that the spec has no kind for"]);
});

test("a deliberately wrong spec gives exactly the findings expected, located on both sides", async () => {
  const spec = "test/gsl/specs/bitsets-wrong.gsl";
  const api = "test/gsl/bitset-api.ts";
  assert.deepEqual(await findings([spec], "test/gsl/bitset-binding.ts"), [
    `${spec}:23:3: BitSet.min: the spec's attribute is a method of BitSet (declaration: ${api}:91:3)`,
    `${spec}:24:3: BitSet.length: the spec says name+, the declaration's type is number (declaration: ${api}:67:3)`,
    `${spec}:9:4: BitSet.and: argument y is name+ in the spec, the declaration's y takes BitSet (declaration: ${api}:34:7)`,
    `${spec}:11:3: BitSet.equals: the spec returns name+, the declaration returns boolean (declaration: ${api}:61:3)`,
    `${spec}:14:3: BitSet.has: the spec allows calls with 0 arguments, the declaration needs at least 1 (declaration: ${api}:64:3)`,
    `${spec}:14:3: BitSet.has: the declaration takes 1 argument, the spec documents at most 0 (declaration: ${api}:64:3)`,
    `${spec}:16:3: BitSet.at: the spec allows 2 arguments, the declaration takes at most 1 (declaration: ${api}:71:3)`,
    `${spec}:20:3: BitSet.max: the spec's method is not a member of BitSet (declaration: ${api}:21:1)`,
    `${spec}:22:3: BitSet.bits: the spec's method cannot be called on BitSet (declaration: ${api}:25:3)`,
    `${spec}:26:3: BitSet.complement: the spec allows 1 argument, the declaration takes at most 0 (declaration: ${api}:46:3)`,
    // A literal-typed parameter takes the kind's .eg literals ('<=', '=='), not any string.
    `${spec}:32:4: BitSet.compare: argument op is name+ in the spec, the declaration's op takes Comparison (declaration: ${api}:77:11)`,
    `${spec}:35:3: BitSet.toArray: the declaration makes argument 1 optional, the spec requires it (declaration: ${api}:85:3)`,
    `${spec}:37:3: BitSet: the spec says its objects can be called, BitSet cannot (declaration: ${api}:21:1)`,
    ...["or:37", "minus:40", "xor:43", "le:49", "lt:52", "ge:55", "gt:58", "orElse:81"].map((m) => {
      const [name, line] = m.split(":");
      return `${spec}:7:2: BitSet.${name}: a public member of BitSet that the spec does not document (declaration: ${api}:${line}:3)`;
    }),
    `${spec}:40:2: kind BitTree has members in the spec but the module neither exports a declaration of that name nor gives instances of it (declaration: test/gsl/bitset-binding.ts:3:1)`,
  ]);
});

test("Guppy's own specs agree with Guppy's declarations: no findings (specs/index.gsl and the parts it reads, test/gsl/guppy-binding.ts)", async () => {
  const found = await checkTypes(readSpecs([join(root, "specs", "index.gsl")]), join(root, "test", "gsl", "guppy-binding.ts"), root);
  assert.deepEqual(found.map(formatFinding), []);
});

test("Guppy's specs cannot drift from the code: a member renamed or an argument mistyped in a part is found, located in that part", async () => {
  const specs = join(root, "specs");
  const texts = new Map<string, string>();
  const read = (file: string): string => {
    const text = readFileSync(file, "utf8");
    const changed = file.endsWith("heapy_UniSet.gsl") ? text.replace("..attr:: domisize", "..attr:: domsize") : file.endsWith("heapy_Stat.gsl") ? text.replace("...arg: file: stat file+", "...arg: file: boolean+") : text;
    texts.set(basename(file), changed);
    return changed;
  };
  const model = readSpecs([join(specs, "index.gsl")], read);
  const found = (await checkTypes(model, join(root, "test", "gsl", "guppy-binding.ts"), root)).map(formatFinding).map((l) => l.replaceAll(`${root}/`, ""));
  /** The line of a part's text that starts with `start`. */
  const line = (file: string, start: string): number => texts.get(file)!.split("\n").findIndex((l) => l.startsWith(start)) + 1;
  const uniset = (start: string, column: number): string => `specs/heapy_UniSet.gsl:${line("heapy_UniSet.gsl", start)}:${column}`;
  const stat = `specs/heapy_Stat.gsl:${line("heapy_Stat.gsl", "...arg: file: boolean+")}:4`;
  const heapySet = readFileSync(join(root, "src", "heapy", "session", "heapy-set.ts"), "utf8").split("\n").findIndex((l) => l.startsWith("export class HeapySet")) + 1;
  // An undocumented member is reported where the part continues the kind (.and:), not where heapykinds.gsl names it.
  assert.deepEqual(found, [
    `${uniset("..attr:: domsize", 3)}: IdentitySet.domsize: the spec's attribute is not a member of HeapySet (declaration: src/heapy/session/heapy-set.ts:${heapySet}:1)`,
    `${uniset(".and: IdentitySet", 2)}: IdentitySet.domisize: a public member of HeapySet that the spec does not document (declaration: src/heapy/sets/identity-set.ts:206:3)`,
    `${uniset("..attr:: domsize", 3)}: IdentitySet.domsize: the spec's attribute is not a member of IdentitySet (declaration: src/heapy/sets/identity-set.ts:33:1)`,
    `${uniset(".and: IdentitySet", 2)}: IdentitySet.domisize: a public member of IdentitySet that the spec does not document (declaration: src/heapy/sets/identity-set.ts:206:3)`,
    `${uniset(".and: HeapySet", 2)}: HeapySet.domisize: a public member of HeapySet that the spec does not document (declaration: src/heapy/sets/identity-set.ts:206:3)`,
    // Stat's objects include StatViews, whose dump is Stat's: one finding, not one per type.
    `${stat}: Stat.dump: argument file is boolean+ in the spec, the declaration's file takes string (declaration: src/heapy/stat/stat.ts:57:8)`,
  ]);
});

test("an optional method is a method, and of overloads the return kind is checked against those the spec's arguments select", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guppy-gsl-types-"));
  const module = join(dir, "api.ts");
  writeFileSync(
    module,
    [
      "export interface Labeller {",
      "  readonly name: string;",
      "  pick?(label: string): string;",
      "}",
      "export class Box {",
      "  or(other: Box): this;",
      "  or(other: number): number;",
      "  or(other: Box | number): this | number {",
      "    return typeof other === \"number\" ? other : this;",
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  const spec = (orArg: string): string => {
    const file = join(dir, `box-${orArg}.gsl`);
    writeFileSync(
      file,
      [
        ".superkind:: string+",
        ".superkind:: number+",
        ".kind:: Labeller",
        "..attr:: name",
        "...kind of: string+",
        "..method:: pick",
        "...arg: label: string+",
        "...returns: string+",
        ".kind:: Box",
        "..method:: or",
        `...arg: other: ${orArg}`,
        "...returns: Box",
        "",
      ].join("\n"),
    );
    return file;
  };
  const check = async (file: string): Promise<string[]> => (await checkTypes(readSpecs([file]), module, dir)).map(formatFinding).map((l) => l.replaceAll(`${dir}/`, ""));
  assert.deepEqual(await check(spec("Box")), []);
  assert.deepEqual(await check(spec("number+")), ["box-number+.gsl:10:3: Box.or: the spec returns Box, the declaration returns number (declaration: api.ts:6:3)"]);
});

test("guppy gsl --check-types: findings on stdout, exit 1; clean specs exit 0; a missing module is one line (exit 2, as every GuppyError); no module at all is a usage error (exit 2)", async () => {
  const cli = join(root, "bin", "guppy.js");
  const exec = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const r = await run(process.execPath, [cli, ...args], { cwd: root, timeout: 120_000 });
      return { code: 0, ...r };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, stdout: x.stdout, stderr: x.stderr };
    }
  };
  const wrong = await exec(["gsl", WRONG, "--check-types", BITSET_BINDING]);
  assert.equal(wrong.code, 1, wrong.stderr);
  assert.match(wrong.stdout, /bitsets-wrong\.gsl:20:3: BitSet\.max: the spec's method is not a member of BitSet \(declaration: test\/gsl\/bitset-api\.ts:21:1\)\n/);
  assert.match(wrong.stdout, /\n22 type findings against .*bitset-binding\.ts\.\n$/);
  // The compiled binding's .ts source is found from --binding.
  const clean = await exec(["gsl", BITSETS, "--binding", join(root, "dist", "test", "gsl", "bitset-binding.js"), "--check-types"]);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /\n0 type findings against .*bitset-binding\.js\.\n$/);
  const missing = await exec(["gsl", BITSETS, "--check-types", "nowhere/binding.ts"]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, "guppy: FILE_NOT_FOUND nowhere/binding.ts: The module to check the spec against cannot be read.\n");
  const none = await exec(["gsl", BITSETS, "--check-types"]);
  assert.equal(none.code, 2);
  assert.equal(none.stderr, "guppy: USAGE --check-types needs a module: --check-types MODULE, or --binding MODULE.\n");
});
