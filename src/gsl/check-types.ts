/**
 * `guppy gsl --check-types MODULE`: a specification checked against TypeScript's own
 * view of the implementation. The TypeScript compiler API reads MODULE (a binding
 * module, or any module exporting the kinds' classes and interfaces) and each kind
 * the spec describes is matched to the types of the objects the binding's
 * `instances` give (or to an exported declaration of the kind's name); then every
 * attribute, method, argument count, argument kind and return kind the spec names is
 * compared with the declarations, and every public member the spec does not
 * document is reported (and, for a module that is not a binding, every exported class
 * or interface that is no kind of the spec).
 */
import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type * as TS from "typescript-js";
import { GuppyError } from "../errors.js";
import type { ArgItem, KindSpec, Located, MethodSpec, SpecModel } from "./model.js";

/** One difference between the spec and the declarations, located on both sides where both exist. */
export interface TypeFinding {
  /** What differs: a stable word. */
  code: "NO_DECLARATION" | "NO_MEMBER" | "NOT_A_METHOD" | "NOT_AN_ATTRIBUTE" | "ARGUMENT_COUNT" | "ARGUMENT_KIND" | "RETURN_KIND" | "ATTRIBUTE_KIND" | "UNDOCUMENTED";
  message: string;
  spec: Located | null;
  declaration: Located | null;
}

/** The compiler API: TypeScript 7's package is a native binary without one, so TypeScript 5's JS compiler, under an alias. */
async function loadTypeScript(): Promise<typeof TS> {
  try {
    // A CommonJS module: its exports are the namespace's default.
    const m = (await import("typescript-js")) as unknown as { default: typeof TS };
    return m.default;
  } catch {
    throw new GuppyError("USAGE", "--check-types needs TypeScript's compiler API: npm install --save-dev typescript-js@npm:typescript@^5.9.3.");
  }
}

/** Kinds of values TypeScript has a type for by name: Guppy-PE's `int+`, `string+`, ... */
const PRIMITIVES: Record<string, "string" | "number" | "boolean"> = { string: "string", str: "string", number: "number", int: "number", integer: "number", index: "number", depth: "number", notnegative: "number", positive: "number", float: "number", boolean: "boolean", bool: "boolean" };

/** The range of positional argument counts a spec's argument item allows, and its keyword arguments. */
function counts(item: ArgItem): { min: number; max: number; keywords: boolean; keywordsRequired: boolean } {
  switch (item.mode) {
    case "arg":
      return item.key ? { min: 0, max: 0, keywords: true, keywordsRequired: true } : { min: 1, max: 1, keywords: false, keywordsRequired: false };
    case "seq": {
      const parts = item.items.map(counts);
      return { min: sum(parts.map((p) => p.min)), max: sum(parts.map((p) => p.max)), keywords: parts.some((p) => p.keywords), keywordsRequired: parts.some((p) => p.keywordsRequired) };
    }
    case "optionals": {
      const parts = item.items.map(counts);
      return { min: 0, max: sum(parts.map((p) => p.max)), keywords: parts.some((p) => p.keywords), keywordsRequired: false };
    }
    case "alt":
    case "draw": {
      const parts = item.items.map(counts);
      const all = item.mode === "draw";
      return {
        min: all ? 0 : Math.min(...parts.map((p) => p.min)),
        max: all ? sum(parts.map((p) => p.max)) : Math.max(...parts.map((p) => p.max)),
        keywords: parts.some((p) => p.keywords),
        keywordsRequired: !all && parts.every((p) => p.keywordsRequired),
      };
    }
    case "repeat": {
      const one = counts({ mode: "seq", items: item.items, at: item.at });
      return { min: one.min * item.min, max: one.max * item.max, keywords: one.keywords, keywordsRequired: one.keywordsRequired && item.min > 0 };
    }
  }
}

/** JavaScript's conversion protocol: every object has these; a spec may document them (`.fop: str` is toString) but need not. */
const PROTOCOL = new Set(["toString", "toJSON", "valueOf", "toLocaleString"]);

/** An `.eg` that is a literal: its primitive type and value (`20`, `"x"`, `'x'`, `true`). */
function literal(example: string): { type: "string" | "number" | "boolean"; value: string | number | boolean } | undefined {
  const t = example.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return { type: "number", value: Number(t) };
  if (/^(true|false)$/.test(t)) return { type: "boolean", value: t === "true" };
  if (/^("[^"\\]*"|'[^'\\]*')$/.test(t)) return { type: "string", value: t.slice(1, -1) };
  return undefined;
}

/** The primitive type of a kind whose examples are all literals of it. */
function literalKind(examples: readonly string[]): "string" | "number" | "boolean" | undefined {
  const kinds = new Set(examples.map((e) => literal(e)?.type));
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** The positional arguments of a plain signature (args and optionals of args only), in order; null when modes make positions vary. */
function positions(item: ArgItem): (ArgItem & { mode: "arg" })[] | null {
  if (item.mode === "arg") return item.key ? [] : [item];
  if (item.mode !== "seq" && item.mode !== "optionals") return null;
  const out: (ArgItem & { mode: "arg" })[] = [];
  for (const i of item.items) {
    const p = positions(i);
    if (p === null) return null;
    out.push(...p);
  }
  return out;
}

/** Where a kind's members are written: the first `.and:` that continues it, or its definition. */
const describedAt = (kind: KindSpec): Located => kind.continuedAt[0] ?? kind.at;

const plural = (n: number, what: string): string => (n === Number.POSITIVE_INFINITY ? `any number of ${what}s` : `${n} ${what}${n === 1 ? "" : "s"}`);

class TypeChecker {
  readonly findings: TypeFinding[] = [];
  /** Each kind's types: several where the binding's objects of the kind are of several types. */
  private readonly types = new Map<string, { type: TS.Type; at: Located }[]>();

  constructor(
    private readonly ts: typeof TS,
    private readonly checker: TS.TypeChecker,
    private readonly model: SpecModel,
    private readonly root: string,
  ) {}

  located(node: TS.Node): Located {
    const file = node.getSourceFile();
    const { line, character } = file.getLineAndCharacterOfPosition(node.getStart());
    return { file: relative(this.root, file.fileName) || file.fileName, line: line + 1, column: character + 1 };
  }

  private find(code: TypeFinding["code"], message: string, spec: Located | null, declaration: Located | null): void {
    const finding = { code, message, spec, declaration };
    // A kind bound to several types with one declaration (a Stat and a StatView's inherited dump) differs once.
    if (!this.findings.some((f) => formatFinding(f) === formatFinding(finding))) this.findings.push(finding);
  }

  /** A type's declaration, for locations: its symbol's first declaration. */
  private declarationOf(type: TS.Type, fallback: Located): Located {
    const d = (type.aliasSymbol ?? type.getSymbol())?.declarations?.[0];
    return d === undefined ? fallback : this.located(d);
  }

  /**
   * Kinds' types from the binding's `instances`: the type of each element of the array
   * literal each one returns (`Kind: () => [a, b]`). Returns whether the module is a
   * binding (its default export has `instances`).
   */
  bindInstances(module: TS.SourceFile): boolean {
    const ts = this.ts;
    const moduleSymbol = this.checker.getSymbolAtLocation(module);
    const exported = moduleSymbol === undefined ? [] : this.checker.getExportsOfModule(moduleSymbol);
    const dflt = exported.find((s) => s.name === "default");
    let init: TS.ObjectLiteralExpression | undefined;
    for (const d of dflt?.declarations ?? []) {
      let e: TS.Node | undefined = ts.isExportAssignment(d) ? d.expression : d;
      // `export default binding`: the variable's initializer.
      if (e !== undefined && ts.isIdentifier(e)) e = this.checker.getSymbolAtLocation(e)?.declarations?.find(ts.isVariableDeclaration)?.initializer;
      while (e !== undefined && (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e))) e = e.expression;
      if (e !== undefined && ts.isObjectLiteralExpression(e)) init = e;
    }
    if (init === undefined) return false;
    const instances = init.properties.find((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === "instances");
    if (instances === undefined || !ts.isPropertyAssignment(instances) || !ts.isObjectLiteralExpression(instances.initializer)) return false;
    for (const p of instances.initializer.properties) {
      if (!ts.isPropertyAssignment(p) || p.name === undefined) continue;
      const kind = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : null;
      if (kind === null) continue;
      const body = p.initializer;
      // Other forms (a block, a variable) leave the kind to an exported declaration of its name.
      if (!ts.isArrowFunction(body) || !ts.isArrayLiteralExpression(body.body)) continue;
      const list: { type: TS.Type; at: Located }[] = [];
      for (const e of body.body.elements) {
        const t = this.checker.getTypeAtLocation(e);
        if (!list.some((x) => x.type === t)) list.push({ type: t, at: this.located(e) });
      }
      this.types.set(kind, list);
    }
    return true;
  }

  /**
   * Kinds not given by instances: a class, interface or type of the kind's name that
   * the module exports, or that a module it imports exports (a binding imports the API).
   */
  bindExports(module: TS.SourceFile): void {
    const moduleSymbol = this.checker.getSymbolAtLocation(module);
    if (moduleSymbol === undefined) return;
    const modules = [moduleSymbol];
    for (const statement of module.statements) {
      if (!this.ts.isImportDeclaration(statement)) continue;
      const imported = this.checker.getSymbolAtLocation(statement.moduleSpecifier);
      if (imported !== undefined) modules.push(imported);
    }
    for (const s of modules.flatMap((m) => this.checker.getExportsOfModule(m))) {
      if (!this.model.kinds.has(s.name) || this.types.has(s.name)) continue;
      const symbol = s.flags & this.ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(s) : s;
      const d = symbol.declarations?.[0];
      if (d === undefined) continue;
      this.types.set(s.name, [{ type: this.checker.getDeclaredTypeOfSymbol(symbol), at: this.located(d) }]);
    }
  }

  /** A module that is the API itself (not a binding): every class or interface it exports is a kind the spec documents. */
  checkExports(module: TS.SourceFile): void {
    const moduleSymbol = this.checker.getSymbolAtLocation(module);
    for (const s of moduleSymbol === undefined ? [] : this.checker.getExportsOfModule(moduleSymbol)) {
      const symbol = s.flags & this.ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(s) : s;
      const d = symbol.declarations?.[0];
      if (d === undefined || this.model.kinds.has(s.name) || !(symbol.flags & (this.ts.SymbolFlags.Class | this.ts.SymbolFlags.Interface)) || !this.isPublic(symbol, d)) continue;
      this.find("UNDOCUMENTED", `${s.name}: an exported ${symbol.flags & this.ts.SymbolFlags.Class ? "class" : "interface"} that the spec has no kind for`, null, this.located(d));
    }
  }

  /** The TypeScript types a kind stands for in argument and return checks: its bound types, or a primitive. */
  private typesOfKind(kind: string): TS.Type[] | null {
    const bound = this.types.get(kind);
    if (bound !== undefined && bound.length > 0) return bound.map((b) => b.type);
    const primitive = PRIMITIVES[kind.replace(/\+$/, "").toLowerCase()] ?? literalKind(this.model.kinds.get(kind)?.examples ?? []);
    if (primitive === undefined) return null;
    return [primitive === "string" ? this.checker.getStringType() : primitive === "number" ? this.checker.getNumberType() : this.checker.getBooleanType()];
  }

  /** What a spec's argument of `kind` may be: its `.eg` literals' own types (`'=='`, not string) where all are literals, else the kind's types. */
  private argumentTypes(kind: string): TS.Type[] | null {
    const examples = this.model.kinds.get(kind)?.examples ?? [];
    const literals = examples.map(literal);
    if (this.types.has(kind) || examples.length === 0 || literals.some((l) => l === undefined)) return this.typesOfKind(kind);
    return literals.map((l) => {
      const v = l!.value;
      return typeof v === "number" ? this.checker.getNumberLiteralType(v) : typeof v === "string" ? this.checker.getStringLiteralType(v) : v ? this.checker.getTrueType() : this.checker.getFalseType();
    });
  }

  /** Whether every value of `type` is of `kind`; null where the kind maps to no type. */
  private assignableToKind(type: TS.Type, kind: string): boolean | null {
    const targets = this.typesOfKind(kind);
    if (targets === null) return null;
    const parts = type.isUnion() ? type.types : [type];
    return parts.every((p) => targets.some((t) => this.checker.isTypeAssignableTo(p, t)));
  }

  /** Every member name the spec documents for a kind, with the kinds it is also of. */
  private documented(kind: KindSpec, seen = new Set<string>()): Set<string> {
    const names = new Set<string>();
    if (seen.has(kind.name)) return names;
    seen.add(kind.name);
    for (const a of kind.attrs) names.add(a.name);
    for (const m of kind.methods) names.add(m.name);
    for (const k of kind.kindOf) {
      const sup = this.model.kinds.get(k);
      if (sup !== undefined) for (const n of this.documented(sup, seen)) names.add(n);
    }
    return names;
  }

  checkKinds(moduleAt: Located): void {
    for (const kind of this.model.kinds.values()) {
      const hasMembers = kind.attrs.length + kind.methods.length > 0 || kind.mapping !== null;
      const bound = this.types.get(kind.name);
      if (bound === undefined || bound.length === 0) {
        if (hasMembers) this.find("NO_DECLARATION", `kind ${kind.name} has members in the spec but the module neither exports a declaration of that name nor gives instances of it`, describedAt(kind), moduleAt);
        continue;
      }
      for (const { type, at } of bound) this.checkKind(kind, type, this.declarationOf(type, at));
    }
  }

  private checkKind(kind: KindSpec, type: TS.Type, declAt: Located): void {
    const shown = this.checker.typeToString(type);
    for (const a of kind.attrs) {
      const p = type.getProperty(a.name);
      if (p === undefined) {
        this.find("NO_MEMBER", `${kind.name}.${a.name}: the spec's attribute is not a member of ${shown}`, a.at, declAt);
        continue;
      }
      const pAt = p.declarations?.[0] ? this.located(p.declarations[0]) : declAt;
      if (p.flags & this.ts.SymbolFlags.Method) {
        this.find("NOT_AN_ATTRIBUTE", `${kind.name}.${a.name}: the spec's attribute is a method of ${shown}`, a.at, pAt);
        continue;
      }
      if (a.kind !== null) {
        const t = this.checker.getTypeOfSymbol(p);
        if (this.assignableToKind(t, a.kind) === false) this.find("ATTRIBUTE_KIND", `${kind.name}.${a.name}: the spec says ${a.kind}, the declaration's type is ${this.checker.typeToString(t)}`, a.at, pAt);
      }
    }
    for (const m of kind.methods) {
      const p = type.getProperty(m.name);
      if (p === undefined) {
        this.find("NO_MEMBER", `${kind.name}.${m.name}: the spec's method${m.operator ? ` (for ${m.operator.notation})` : ""} is not a member of ${shown}`, m.at, declAt);
        continue;
      }
      const pAt = p.declarations?.[0] ? this.located(p.declarations[0]) : declAt;
      // An optional method (`selects?(…)`) is a method all the same: its type less undefined has the signatures.
      const signatures = this.checker.getNonNullableType(this.checker.getTypeOfSymbol(p)).getCallSignatures();
      if (signatures.length === 0) {
        this.find("NOT_A_METHOD", `${kind.name}.${m.name}: the spec's method cannot be called on ${shown}`, m.at, pAt);
        continue;
      }
      this.checkCall(`${kind.name}.${m.name}`, m, signatures, pAt);
    }
    if (kind.mapping !== null) {
      const signatures = type.getCallSignatures();
      if (signatures.length === 0) this.find("NOT_A_METHOD", `${kind.name}: the spec says its objects can be called, ${shown} cannot`, kind.mapping.at, declAt);
      else this.checkCall(`${kind.name}(…)`, kind.mapping, signatures, declAt);
    }
    const documented = this.documented(kind);
    for (const p of type.getProperties()) {
      const d = p.declarations?.[0];
      if (d === undefined || documented.has(p.name) || !this.isPublic(p, d)) continue;
      // Where the kind's objects are of several types, its members are those all of them have.
      if (!(this.types.get(kind.name) ?? []).every((t) => t.type.getProperty(p.name) !== undefined)) continue;
      this.find("UNDOCUMENTED", `${kind.name}.${p.name}: a public member of ${shown} that the spec does not document`, describedAt(kind), this.located(d));
    }
  }

  /** Public API: not private or protected, not `_name` or `#name`, not `@internal`, not a symbol, and declared outside TypeScript's and Node's own declarations. */
  private isPublic(p: TS.Symbol, d: TS.Declaration): boolean {
    const ts = this.ts;
    if (p.name.startsWith("_") || p.name.startsWith("#") || p.name.startsWith("__@") || PROTOCOL.has(p.name)) return false;
    if (d.getSourceFile().fileName.includes("/node_modules/")) return false;
    if (ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
    return !ts.getJSDocTags(d).some((t) => t.tagName.text === "internal");
  }

  /** What a parameter takes: a generic parameter what its constraint allows. */
  private parameterType(param: TS.Symbol): TS.Type {
    const t = this.checker.getTypeOfSymbol(param);
    return t.flags & this.ts.TypeFlags.TypeParameter ? (this.checker.getBaseConstraintOfType(t) ?? this.checker.getUnknownType()) : t;
  }

  /** Whether a signature takes the spec's positional arguments: as many, and each of its kind (where the kind has a type). */
  private accepts(s: TS.Signature, args: readonly (ArgItem & { mode: "arg" })[]): boolean {
    const params = s.getParameters();
    if (minArgs(this.ts, s) > args.length) return false;
    return args.every((a, i) => {
      const param = params[i];
      if (param === undefined) return false;
      const kinds = this.argumentTypes(a.kind);
      const pType = this.parameterType(param);
      return kinds === null || kinds.every((k) => this.checker.isTypeAssignableTo(k, pType));
    });
  }

  private checkCall(label: string, m: MethodSpec, signatures: readonly TS.Signature[], declAt: Located): void {
    const spec = counts(m.args);
    // Keyword arguments are one options object after the positional ones.
    const specMin = spec.min + (spec.keywordsRequired ? 1 : 0);
    const specMax = spec.max + (spec.keywords ? 1 : 0);
    const ranges = signatures.map((s) => {
      const params = s.getParameters();
      const rest = s.getDeclaration() !== undefined && params.length > 0 && this.ts.isParameter(params[params.length - 1]!.valueDeclaration!) && (params[params.length - 1]!.valueDeclaration as TS.ParameterDeclaration).dotDotDotToken !== undefined;
      return { min: minArgs(this.ts, s), max: rest ? Number.POSITIVE_INFINITY : params.length };
    });
    const tsMin = Math.min(...ranges.map((r) => r.min));
    const tsMax = Math.max(...ranges.map((r) => r.max));
    if (specMin < tsMin) this.find("ARGUMENT_COUNT", `${label}: the spec allows calls with ${plural(specMin, "argument")}, the declaration needs at least ${tsMin}`, m.at, declAt);
    if (specMax > tsMax) this.find("ARGUMENT_COUNT", `${label}: the spec allows ${plural(specMax, "argument")}, the declaration takes at most ${tsMax}`, m.at, declAt);
    if (tsMax > specMax) this.find("ARGUMENT_COUNT", `${label}: the declaration takes ${plural(tsMax, "argument")}, the spec documents at most ${specMax}`, m.at, declAt);
    if (specMin > tsMin && specMax <= tsMax) this.find("ARGUMENT_COUNT", `${label}: the declaration makes argument ${tsMin + 1} optional, the spec requires it`, m.at, declAt);
    const args = positions(m.args);
    if (args !== null && signatures.length === 1) {
      const params = signatures[0]!.getParameters();
      args.forEach((a, i) => {
        const param = params[i];
        const decl = param?.valueDeclaration;
        if (param === undefined || decl === undefined) return;
        const pType = this.parameterType(param);
        const kinds = this.argumentTypes(a.kind);
        if (kinds === null) return;
        if (!kinds.every((k) => this.checker.isTypeAssignableTo(k, pType))) {
          this.find("ARGUMENT_KIND", `${label}: argument ${a.name} is ${a.kind} in the spec, the declaration's ${param.name} takes ${this.checker.typeToString(pType)}`, a.at, this.located(decl));
        }
      });
    }
    if (m.returns !== null) {
      // Of overloads, only those the spec's arguments select return its kind (`or(set): this` beside `or(kind): Kind`).
      const selected = args === null ? [] : signatures.filter((s) => this.accepts(s, args));
      const returned = (selected.length > 0 ? selected : signatures).map((s) => this.checker.getAwaitedType(s.getReturnType()) ?? s.getReturnType());
      const bad = returned.find((t) => this.assignableToKind(t, m.returns!.kind) === false);
      if (bad !== undefined) this.find("RETURN_KIND", `${label}: the spec returns ${m.returns.kind}, the declaration returns ${this.checker.typeToString(bad)}`, m.at, declAt);
    }
  }
}

/** The fewest arguments a signature accepts: parameters before the first optional, defaulted or rest one. */
function minArgs(ts: typeof TS, s: TS.Signature): number {
  let n = 0;
  for (const p of s.getParameters()) {
    const d = p.valueDeclaration;
    if (d === undefined || !ts.isParameter(d) || d.questionToken !== undefined || d.initializer !== undefined || d.dotDotDotToken !== undefined) break;
    n++;
  }
  return n;
}

/** The compiler options: the nearest tsconfig.json's, or strict NodeNext defaults. */
function compilerOptions(ts: typeof TS, module: string): TS.CompilerOptions {
  const config = ts.findConfigFile(dirname(module), (f) => ts.sys.fileExists(f));
  const fallback: TS.CompilerOptions = { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true };
  if (config === undefined) return fallback;
  const read = ts.readConfigFile(config, (f) => ts.sys.readFile(f));
  if (read.error !== undefined) return fallback;
  return { ...ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(config)).options, noEmit: true };
}

/** The TypeScript source of a module given as a compiled .js: its .ts beside it, under the project, or its .d.ts. */
function sourceOf(module: string): string {
  const abs = resolve(module);
  if (/\.(d\.)?[cm]?ts$/.test(abs)) return abs;
  const candidates = [abs.replace(/\.([cm]?)js$/, ".$1ts"), abs.replace(/([\\/])dist[\\/]/, "$1").replace(/\.([cm]?)js$/, ".$1ts"), abs.replace(/\.([cm]?)js$/, ".d.$1ts")];
  return candidates.find((c) => existsSync(c)) ?? abs;
}

/**
 * Checks the spec's kinds against the declarations MODULE gives (see the module
 * comment). Locations are relative to `root` (default: the working directory).
 */
export async function checkTypes(model: SpecModel, module: string, root = process.cwd()): Promise<TypeFinding[]> {
  const ts = await loadTypeScript();
  const file = sourceOf(module);
  if (!existsSync(file)) throw new GuppyError("FILE_NOT_FOUND", "The module to check the spec against cannot be read.", { file: module });
  const program = ts.createProgram({ rootNames: [file], options: compilerOptions(ts, file) });
  const source = program.getSourceFile(file);
  if (source === undefined) throw new GuppyError("FILE_UNREADABLE", "TypeScript cannot read the module to check the spec against.", { file: module });
  const checker = new TypeChecker(ts, program.getTypeChecker(), model, root);
  const binding = checker.bindInstances(source);
  checker.bindExports(source);
  checker.checkKinds(checker.located(source));
  if (!binding) checker.checkExports(source);
  return checker.findings;
}

const where = (l: Located | null): string => (l === null ? "" : `${l.file}:${l.line}:${l.column}`);

/** A finding as one line: the spec's location, what differs, and the declaration's location (the declaration first where the spec has no place for it). */
export function formatFinding(f: TypeFinding): string {
  return f.spec === null ? `${where(f.declaration)}: ${f.message}` : `${where(f.spec)}: ${f.message} (declaration: ${where(f.declaration)})`;
}
