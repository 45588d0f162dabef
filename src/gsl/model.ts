import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { GuppyError } from "../errors.js";
import { fullText, parseDotted, specError, type SpecNode } from "./dotted-tree.js";
import { expandMacros } from "./macros.js";
import { jsOperator, OPERATOR_TAGS, operatorNotation } from "./operators.js";

/** Where something was written, for errors and links. */
export interface Located {
  file: string;
  line: number;
  column: number;
}

/** Marked-up text: strings and elements (p, em, code, pre, ul, li, a, ref, dwh, ...). */
export type Markup = string | MarkupElement;
export interface MarkupElement {
  el: string;
  attrs: Record<string, string>;
  children: Markup[];
  at: Located;
}

/** One argument, or a group of them in one of GSL's modes. */
export type ArgItem =
  | { mode: "arg"; name: string; kind: string; key: boolean; description: Markup[]; default: Markup[] | null; at: Located }
  | { mode: "seq" | "optionals" | "alt" | "draw"; items: ArgItem[]; at: Located }
  | { mode: "repeat"; min: number; max: number; items: ArgItem[]; at: Located };

export interface MethodSpec {
  name: string;
  /** The arguments, as a sequence. */
  args: ArgItem & { mode: "seq" };
  /** The return kind; `call` when the returned object is callable (a `.mapping` under `.returns`). */
  returns: { kind: string; description: Markup[]; call: MethodSpec | null } | null;
  description: Markup[];
  preconditions: string[];
  postconditions: string[];
  /** The operator or item access this method stands for (`.op: &` → `and`), or null for a `.method::`. */
  operator: OperatorSpec | null;
  at: Located;
}

/** An operator of a kind, as GSL writes it: the tag (op, fop, rop, iop, getitem, setitem, delitem), its symbol, and how it reads (`x & y`). */
export interface OperatorSpec {
  tag: string;
  symbol: string;
  notation: string;
}

export interface AttrSpec {
  name: string;
  kind: string | null;
  description: Markup[];
  /** The operator this property stands for (`.fop: len` → `length`), or null. */
  operator: OperatorSpec | null;
  at: Located;
}

export interface KindSpec {
  name: string;
  /** A superkind (`.superkind::`): an argument kind whose `.eg` values generated tests use. */
  superkind: boolean;
  /** JavaScript expressions of example values. */
  examples: string[];
  description: Markup[];
  attrs: AttrSpec[];
  methods: MethodSpec[];
  /** Kinds this one is also of (`..kind of:`, `..subkind of:`, and kinds that say `..superkind of:` it). */
  kindOf: string[];
  /** Kinds this one is a superkind of (`..superkind of:`): their objects are of this kind too. */
  superkindOf: string[];
  /** The name its descriptions and operator notations give an object of the kind (`..self: x`). */
  self: string;
  /** Invariants (`..condition:`), by condition name. */
  conditions: string[];
  /** How the kind's objects are made, as text (`..constructor:`). */
  constructors: string[];
  /** Calling an object of the kind (`..mapping`): the call's arguments and result. */
  mapping: MethodSpec | null;
  /** Where it is defined (`.kind::`). */
  at: Located;
  /** Where `.and:` continues it: in Guppy-PE's layout, the part that describes a kind another file names. */
  continuedAt: Located[];
}

export interface ConditionSpec {
  name: string;
  args: string[];
  description: Markup[];
  at: Located;
}

/** The outputs a document can have. */
export const OUTPUTS = ["html", "xhtml", "tester"] as const;
export type Output = (typeof OUTPUTS)[number];

export interface DocumentSpec {
  name: string;
  outputs: Output[];
  /** The title (`..document_title:`), or null to take the first heading. */
  title: string | null;
  /** Links for the page's head (`..header` with `...link` children): rel and href. */
  links: { rel: string; href: string }[];
  manPagesOf: string[];
  testsOf: string[];
  /** Free text and markup of the document itself. */
  body: Markup[];
  at: Located;
}

/** Everything read from a set of spec files (and what they import). */
export interface SpecModel {
  kinds: Map<string, KindSpec>;
  conditions: Map<string, ConditionSpec>;
  documents: DocumentSpec[];
  /** For each file read, the kinds it defines. */
  files: Map<string, string[]>;
}

/** Tags of text markup, as HTML elements (Guppy-PE's). */
export const MARKUP_TAGS = new Set(["address", "p", "h1", "h2", "h3", "h4", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "sup", "sub", "small", "big", "table", "tr", "th", "td", "br", "dl", "dt", "dd", "span", "div", "var", "char", "blockquote", "hr"]);
/** Inline pieces that are not HTML: ref (a link to a kind or member), t (plain text), d (description), dwh (a headed note). */
const TEXT_TAGS = new Set(["label", "ref", "t", "d", "dwh", "text", "c", "default"]);

const at = (n: SpecNode): Located => ({ file: n.file, line: n.line, column: n.column });

/** Markup from a node's children (and its own text), comments dropped. */
export function markupOf(node: SpecNode, withOwnText = true): Markup[] {
  const out: Markup[] = [];
  const own = withOwnText ? fullText(node) : node.text;
  if (own !== "") out.push(own);
  for (const c of node.children) {
    const m = markupNode(c);
    if (m !== null) out.push(m);
  }
  return out;
}

function markupNode(n: SpecNode): Markup | null {
  if (n.tag === "c") return null;
  if (n.tag.endsWith("=")) return null; // attributes are read by their parent
  if (n.tag === "t" || n.tag === "text") return fullText(n);
  if (!MARKUP_TAGS.has(n.tag) && !TEXT_TAGS.has(n.tag)) {
    throw specError(`Expected text markup (p, em, code, pre, ul, li, a, ref, t, d, ...) but found '.${n.tag.replace(/_/g, " ")}'.`, at(n));
  }
  const attrs: Record<string, string> = {};
  for (const c of n.children) if (c.tag.endsWith("=")) attrs[c.tag.slice(0, -1)] = c.arg;
  if (n.tag === "ref") return { el: "ref", attrs: { target: n.arg }, children: [], at: at(n) };
  // A label is an anchor other documents' links may point at.
  if (n.tag === "label") return { el: "a", attrs: { name: n.arg.trim() }, children: [], at: at(n) };
  if (n.tag === "dwh") {
    // "definition with header": the first line is the header, the rest the body.
    return { el: "dwh", attrs: { header: n.arg }, children: markupOf({ ...n, arg: "" }), at: at(n) };
  }
  if (n.tag === "pre") return { el: "pre", attrs, children: [[n.arg, n.text].filter((s) => s !== "").join("\n"), ...markupOf({ ...n, arg: "", text: "" })], at: at(n) };
  return { el: n.tag, attrs, children: markupOf(n), at: at(n) };
}

const MODES = new Set(["seq", "optionals", "alt", "draw", "repeat"]);

/** `a: int+` → name and kind; `a : int+` too. */
function nameAndKind(n: SpecNode): { name: string; kind: string } {
  const m = /^([A-Za-z_$][\w$]*)\s*:\s*(\S.*)$/.exec(n.arg);
  if (m === null) throw specError(`Expected 'name: kind' after '.${n.tag.replace(/_/g, " ")}:', as in '.arg: a: int+'.`, at(n));
  return { name: m[1]!, kind: kindName(m[2]!) };
}

function argItems(n: SpecNode): ArgItem[] {
  const items: ArgItem[] = [];
  for (const c of n.children) {
    if (c.tag === "arg" || c.tag === "key_arg") {
      const { name, kind } = nameAndKind(c);
      const description: Markup[] = [];
      let dflt: Markup[] | null = null;
      for (const d of c.children) {
        if (d.tag === "default") dflt = markupOf(d);
        else if (d.tag !== "c") {
          const m = markupNode(d);
          if (m !== null) description.push(m);
        }
      }
      if (c.text !== "") description.unshift(c.text);
      items.push({ mode: "arg", name, kind, key: c.tag === "key_arg", description, default: dflt, at: at(c) });
    } else if (c.tag === "repeat") {
      const m = /^(\d+)\s*\.\.\s*(\d+|\*)$/.exec(c.arg);
      if (m === null) throw specError("Expected a range 'm..n' or 'm..*' after '.repeat:', as in '.repeat: 0..*'.", at(c));
      const min = Number(m[1]);
      const max = m[2] === "*" ? Number.POSITIVE_INFINITY : Number(m[2]);
      if (max < min) throw specError(`Expected the repeat range's end (${m[2]}) to be at least its start (${min}).`, at(c));
      items.push({ mode: "repeat", min, max, items: argItems(c), at: at(c) });
    } else if (MODES.has(c.tag)) {
      items.push({ mode: c.tag as "seq", items: argItems(c), at: at(c) });
    }
  }
  return items;
}

const METHOD_PARTS = new Set(["self", "arg", "key_arg", "seq", "optionals", "alt", "draw", "repeat", "returns", "d", "dwh", "c", "precondition", "postcondition", "text"]);

function methodOf(n: SpecNode, name: string): MethodSpec {
  const description: Markup[] = [];
  let returns: MethodSpec["returns"] = null;
  const pre: string[] = [];
  const post: string[] = [];
  if (n.text !== "") description.push(n.text);
  for (const c of n.children) {
    if (!METHOD_PARTS.has(c.tag) && !MARKUP_TAGS.has(c.tag) && c.tag !== "mapping") {
      throw specError(`Expected an argument (.arg, .key arg, .optionals, .alt, .repeat, .draw, .seq), .returns, .d or a condition in '${name}', not '.${c.tag.replace(/_/g, " ")}'.`, at(c));
    }
    if (c.tag === "returns") {
      if (c.arg === "") throw specError("Expected the kind returned after '.returns:'.", at(c));
      const call = c.children.find((d) => d.tag === "mapping");
      returns = { kind: kindName(c.arg), description: markupOf({ ...c, children: c.children.filter((d) => d !== call) }, false), call: call === undefined ? null : methodOf(call, "(call)") };
    } else if (c.tag === "precondition") pre.push(c.arg);
    else if (c.tag === "postcondition") post.push(c.arg);
    else if (c.tag === "d" || c.tag === "dwh" || MARKUP_TAGS.has(c.tag)) {
      const m = markupNode(c);
      if (m !== null) description.push(m);
    }
  }
  return { name, args: { mode: "seq", items: argItems(n), at: at(n) }, returns, description, preconditions: pre, postconditions: post, operator: null, at: at(n) };
}

function newKind(name: string, n: SpecNode, superkind: boolean): KindSpec {
  return { name, superkind, examples: [], description: [], attrs: [], methods: [], kindOf: [], superkindOf: [], self: "x", conditions: [], constructors: [], mapping: null, at: at(n), continuedAt: [] };
}

/** The names of a method's arguments, in order (for an operator's notation). */
function argNames(item: ArgItem): string[] {
  return item.mode === "arg" ? [item.name] : item.items.flatMap(argNames);
}

/** An operator or item access of a kind, as the JavaScript member that stands for it. */
function addOperator(kind: KindSpec, c: SpecNode, mapLike: boolean): void {
  const symbol = c.tag === "getitem" || c.tag === "setitem" || c.tag === "delitem" ? "" : c.arg.trim();
  if (symbol === "" && (c.tag === "op" || c.tag === "fop" || c.tag === "rop" || c.tag === "iop")) throw specError(`Expected an operator after '.${c.tag}:', as in '.op: &'.`, at(c));
  const js = jsOperator(c.tag, symbol, mapLike);
  if (typeof js === "string") throw specError(js, at(c));
  const method = methodOf(c, js.name);
  const operator: OperatorSpec = { tag: c.tag, symbol, notation: operatorNotation(c.tag, symbol, kind.self, argNames(method.args)) };
  if (js.property) kind.attrs.push({ name: js.name, kind: method.returns?.kind ?? null, description: [...method.description, ...(method.returns?.description ?? [])], operator, at: at(c) });
  else kind.methods.push({ ...method, operator });
}

/** A kind named in a reference: `.myfile.K` is this file's K, and every file's kinds share one namespace. */
const kindName = (s: string): string => s.trim().replace(/^\.myfile\./, "");
const kindList = (arg: string): string[] => arg.split(",").map(kindName).filter((s) => s !== "");

/** Adds what a `.kind::`, `.superkind::` or `.and:` node says to a kind. */
function addToKind(kind: KindSpec, n: SpecNode): void {
  if (n.text !== "") kind.description.push(n.text);
  // Item access is a Map's when the kind can also set or delete items.
  const mapLike = kind.methods.some((m) => m.operator?.tag === "setitem" || m.operator?.tag === "delitem") || n.children.some((c) => c.tag === "setitem" || c.tag === "delitem");
  for (const c of n.children) {
    if (OPERATOR_TAGS.has(c.tag)) {
      addOperator(kind, c, mapLike);
      continue;
    }
    switch (c.tag) {
      case "c":
        break;
      case "self":
        if (!/^[A-Za-z_$][\w$]*$/.test(c.arg.trim())) throw specError(`Expected a name after '.self:', as in '.self: x', not '${c.arg.trim()}'.`, at(c));
        kind.self = c.arg.trim();
        break;
      case "subkind_of":
        kind.kindOf.push(...kindList(c.arg));
        break;
      case "superkind_of":
        kind.superkindOf.push(...kindList(c.arg));
        break;
      case "d":
      case "dwh":
        kind.description.push(markupNode(c)!);
        break;
      case "eg":
        if (c.arg === "") throw specError("Expected a JavaScript expression after '.eg:', as in '.eg: 1'.", at(c));
        kind.examples.push(fullText(c));
        break;
      case "attr": {
        const name = c.arg.trim();
        if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw specError(`Expected an attribute name after '.attr::', not '${name}'.`, at(c));
        let kindOf: string | null = null;
        const description: Markup[] = c.text ? [c.text] : [];
        for (const d of c.children) {
          if (d.tag === "kind_of") kindOf = kindName(d.arg);
          else if (d.tag === "mapping") kind.methods.push({ ...methodOf(d, name), name });
          else if (d.tag === "c" || d.tag === "self") continue;
          else description.push(markupNode(d)!);
        }
        kind.attrs.push({ name, kind: kindOf, description, operator: null, at: at(c) });
        break;
      }
      case "method": {
        const name = c.arg.trim();
        if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw specError(`Expected a method name after '.method::', not '${name}'.`, at(c));
        kind.methods.push(methodOf(c, name));
        break;
      }
      case "mapping":
        kind.mapping = methodOf(c, "(call)");
        break;
      case "kind_of":
        kind.kindOf.push(...kindList(c.arg));
        break;
      case "condition":
        kind.conditions.push(c.arg);
        break;
      case "constructor":
        kind.constructors.push(c.arg);
        break;
      default:
        if (MARKUP_TAGS.has(c.tag)) kind.description.push(markupNode(c)!);
        else throw specError(`Expected .attr::, .method::, an operator (.op:, .fop:, .rop:, .iop:, .getitem, .setitem, .delitem), .self:, .d:, .eg:, .kind of:, .subkind of:, .superkind of:, .condition: or .constructor: in kind '${kind.name}', not '.${c.tag.replace(/_/g, " ")}'.`, at(c));
    }
  }
}

function documentOf(n: SpecNode): DocumentSpec {
  const doc: DocumentSpec = { name: n.arg, outputs: [], title: null, links: [], manPagesOf: [], testsOf: [], body: [], at: at(n) };
  if (!/^[A-Za-z0-9_-]+$/.test(doc.name)) throw specError("Expected a document name of letters, digits, '-' and '_' after '.document:'.", at(n));
  for (const c of n.children) {
    if (c.tag === "output") {
      for (const o of c.arg.split(",").map((s) => s.trim())) {
        if (!(OUTPUTS as readonly string[]).includes(o)) throw specError(`Expected ${OUTPUTS.map((x) => `'${x}'`).join(", ")} after '.output:', not '${o}'.`, at(c));
        doc.outputs.push(o as Output);
      }
    } else if (c.tag === "document_title") doc.title = fullText(c);
    else if (c.tag === "header") {
      for (const l of c.children) {
        const attr = (name: string): string => l.children.find((a) => a.tag === `${name}=`)?.arg ?? "";
        if (l.tag !== "link" || attr("rel") === "" || attr("href") === "") throw specError("Expected '.link' with 'rel=' and 'href=' under '.header'.", at(l));
        doc.links.push({ rel: attr("rel"), href: attr("href") });
      }
    } else if (c.tag === "man_page_of") doc.manPagesOf.push(c.arg);
    else if (c.tag === "test_of") doc.testsOf.push(c.arg);
    else {
      const m = markupNode(c);
      if (m !== null) doc.body.push(m);
    }
  }
  return doc;
}

/**
 * Reads spec files (and the files they import) into one model. Every reference to
 * a kind — an attribute's or argument's kind, a return kind, `.and:`, `.kind of:`,
 * `.ref:`, a document's `man page of` and `test of` — must name a kind that is
 * defined or imported; an unknown one is an error at the reference.
 */
export function readSpecs(files: readonly string[], readText: (file: string) => string = (f) => readFileSync(f, "utf8")): SpecModel {
  const model: SpecModel = { kinds: new Map(), conditions: new Map(), documents: [], files: new Map() };
  const pendingAnds: SpecNode[] = [];
  const references: { name: string; at: Located; what: string }[] = [];
  // Macros are known in every file read after the one defining them (as imports are).
  const macros = new Map<string, SpecNode>();
  const visit = (file: string): void => {
    const path = resolve(file);
    if (model.files.has(path)) return;
    model.files.set(path, []);
    let text: string;
    try {
      text = readText(path);
    } catch {
      throw new GuppyError("FILE_NOT_FOUND", "The specification cannot be read.", { file });
    }
    const parsed = parseDotted(text, file);
    // Imports and macros first, so a file may use what it imports or defines below the use.
    for (const n of parsed.children) {
      if (n.tag === "macro") {
        const name = n.arg.trim();
        if (name === "") throw specError("Expected a macro name after '.macro::'.", at(n));
        macros.set(name, n);
      } else if (n.tag === "import") {
        const from = n.children.find((c) => c.tag === "from");
        if (from === undefined) throw specError("Expected '..from: file' under '.import::'.", at(n));
        visit(resolve(dirname(path), from.arg.endsWith(".gsl") ? from.arg : `${from.arg}.gsl`));
        for (const name of kindList(fullText(n))) references.push({ name, at: at(n), what: `imported from ${from.arg}` });
      }
    }
    // A macro's body is expanded where it is used (its `.take` has arguments only there).
    const root = expandMacros({ ...parsed, children: parsed.children.filter((n) => n.tag !== "macro") }, macros);
    for (const n of root.children) {
      switch (n.tag) {
        case "c":
        case "macro":
        case "import":
          break;
        case "kind":
        case "superkind": {
          const name = n.arg.trim();
          // Kind names may have spaces (Guppy-PE's `Guppy Glue+`).
          if (!/^[A-Za-z_$][\w$.+ -]*$/.test(name)) throw specError(`Expected a kind name after '.${n.tag}::', not '${name}'.`, at(n));
          const known = model.kinds.get(name);
          if (known !== undefined) throw specError(`The kind '${name}' is defined already, at ${known.at.file}:${known.at.line}; continue it with '.and: ${name}'.`, at(n));
          const kind = newKind(name, n, n.tag === "superkind");
          model.kinds.set(name, kind);
          model.files.get(path)!.push(name);
          addToKind(kind, n);
          break;
        }
        case "and":
          pendingAnds.push(n);
          break;
        case "condition": {
          const name = n.arg.trim();
          const args = n.children.filter((c) => c.tag === "arg").map((c) => c.arg.trim());
          model.conditions.set(name, { name, args, description: markupOf({ ...n, arg: "", children: n.children.filter((c) => c.tag !== "arg") }), at: at(n) });
          break;
        }
        case "document":
          model.documents.push(documentOf(n));
          break;
        default:
          throw specError(`Expected .kind::, .superkind::, .and:, .import::, .macro::, .condition::, .document: or .c: at the top level, not '.${n.tag.replace(/_/g, " ")}'.`, at(n));
      }
    }
  };
  for (const f of files) visit(f);
  for (const n of pendingAnds) {
    let kind = model.kinds.get(n.arg.trim());
    if (kind === undefined && n.defines) {
      // `.and:: K` defines K where nothing else does (Guppy-PE's heapy_UniSet.gsl does so).
      kind = newKind(n.arg.trim(), n, false);
      model.kinds.set(kind.name, kind);
      model.files.get(resolve(n.file))?.push(kind.name);
    }
    if (kind === undefined) throw specError(`'.and: ${n.arg}' continues a kind that is not defined ('.kind:: ${n.arg}' first).`, at(n));
    kind.continuedAt.push(at(n));
    addToKind(kind, n);
  }
  // `.superkind of: K` says K's objects are of this kind too.
  for (const kind of model.kinds.values()) {
    for (const sub of kind.superkindOf) {
      const k = model.kinds.get(sub);
      if (k === undefined) throw specError(`Unknown kind '${sub}' (superkind of: ${kind.name}): define it with '.kind:: ${sub}' or import it.`, kind.at);
      if (!k.kindOf.includes(kind.name)) k.kindOf.push(kind.name);
    }
  }
  // Every reference must resolve.
  const need = (name: string, where: Located, what: string): void => {
    references.push({ name, at: where, what });
  };
  for (const kind of model.kinds.values()) {
    for (const k of kind.kindOf) need(k, kind.at, `kind of ${kind.name}`);
    for (const a of kind.attrs) if (a.kind !== null) need(a.kind, a.at, `kind of attribute ${kind.name}.${a.name}`);
    for (const m of callables(kind)) {
      if (m.returns !== null) need(m.returns.kind, m.at, `return kind of ${kind.name}.${m.name}`);
      const walk = (i: ArgItem): void => (i.mode === "arg" ? need(i.kind, i.at, `kind of argument ${i.name}`) : i.items.forEach(walk));
      walk(m.args);
      for (const c of [...m.preconditions, ...m.postconditions]) if (!model.conditions.has(c)) throw specError(`Unknown condition '${c}': define it with '.condition:: ${c}'.`, m.at);
    }
    for (const c of kind.conditions) if (!model.conditions.has(c)) throw specError(`Unknown condition '${c}': define it with '.condition:: ${c}'.`, kind.at);
  }
  for (const d of model.documents) {
    for (const k of d.manPagesOf) need(k, d.at, "man page");
    for (const k of d.testsOf) need(k, d.at, "test");
  }
  for (const r of references) {
    if (!model.kinds.has(r.name)) throw specError(`Unknown kind '${r.name}' (${r.what}): define it with '.kind:: ${r.name}' or import it.`, r.at);
  }
  checkRefs(model);
  return model;
}

/** Every `.ref:` must name a kind or a member of one. */
function checkRefs(model: SpecModel): void {
  const visit = (m: Markup, context: KindSpec | null): void => {
    if (typeof m === "string") return;
    if (m.el === "ref") resolveRef(model, m.attrs.target!, context, m.at);
    for (const c of m.children) visit(c, context);
  };
  for (const kind of model.kinds.values()) {
    const all = [...kind.description, ...kind.attrs.flatMap((a) => a.description), ...callables(kind).flatMap((m) => [...m.description, ...(m.returns?.description ?? [])])];
    for (const m of all) visit(m, kind);
    for (const meth of callables(kind)) {
      const walk = (i: ArgItem): void => (i.mode === "arg" ? i.description.forEach((d) => visit(d, kind)) : i.items.forEach(walk));
      walk(meth.args);
    }
  }
  for (const d of model.documents) for (const m of d.body) visit(m, null);
}

/** What a reference names: a kind and maybe one of its members. Guppy-PE's `.mykind.x`, `.myfile.K.x`, `K.x`, `file.K`. */
export function resolveRef(model: SpecModel, target: string, context: KindSpec | null, where: Located): { kind: string; member: string | null } {
  let t = target.trim();
  if (t.startsWith(".mykind.")) {
    const member = t.slice(8);
    if (context === null) throw specError(`'.ref: ${target}' uses .mykind outside a kind.`, where);
    if (model.kinds.has(member)) return { kind: member, member: null };
    if (member.includes(".") && !hasMember(context, member)) return resolveRef(model, member, null, where);
    if (!hasMember(context, member)) throw specError(`Unknown reference '${target}': ${context.name} has no member '${member}'.`, where);
    return { kind: context.name, member };
  }
  if (t.startsWith(".myfile.")) t = t.slice(8);
  const parts = t.split(".");
  // The longest prefix that names a kind (kind names may contain dots? they may not; but files may prefix).
  for (let i = 0; i < parts.length; i++) {
    const kindName = parts.slice(i, parts.length).join(".");
    if (model.kinds.has(kindName)) return { kind: kindName, member: null };
    const kindPart = parts.slice(i, parts.length - 1).join(".");
    const member = parts[parts.length - 1]!;
    const kind = model.kinds.get(kindPart);
    if (kind !== undefined) {
      if (!hasMember(kind, member)) throw specError(`Unknown reference '${target}': ${kind.name} has no member '${member}'.`, where);
      return { kind: kind.name, member };
    }
  }
  throw specError(`Unknown reference '${target}': no kind or member of that name is defined or imported.`, where);
}

/** A kind's methods, its call, and the calls of objects they return: all that has arguments and a return kind. */
function callables(kind: KindSpec): MethodSpec[] {
  const out: MethodSpec[] = [];
  const add = (m: MethodSpec): void => {
    out.push(m);
    if (m.returns?.call) add(m.returns.call);
  };
  for (const m of [...kind.methods, ...(kind.mapping ? [kind.mapping] : [])]) add(m);
  return out;
}

function hasMember(kind: KindSpec, member: string): boolean {
  return kind.attrs.some((a) => a.name === member) || kind.methods.some((m) => m.name === member);
}
