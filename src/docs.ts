import { fileURLToPath } from "node:url";
import { readSpecs, type ArgItem, type KindSpec, type Markup, type SpecModel } from "./gsl/model.js";
import { itemNotation, TEXT_STYLE } from "./gsl/notation.js";

/**
 * Interactive help (`h.doc`, `x.doc`, ...) read from Guppy's GSL specification
 * (specs/guppy.gsl), the same source as docs/guppy.html and the generated tests: one
 * source, so the help cannot drift from the documents.
 */

/** The specification, shipped beside dist/ in the package. */
const SPEC = fileURLToPath(new URL("../../specs/guppy.gsl", import.meta.url));
/** The generated document a numbered reference points to, as shipped beside dist/. */
const PAGE = new URL("../../docs/guppy.html", import.meta.url).href;
/** Help texts wrap at this width, as Heapy's. */
const WIDTH = 76;

/** One help topic: its one-line title and a help line per member. */
export interface DocTopic {
  title: string;
  /** The documentation page of the topic (its members are anchors in it). */
  page: string;
  /** Help line per member, with `{v}` where the variable's name goes. */
  members: Readonly<Record<string, string>>;
  /** Each member's anchor in the page. */
  anchors: Readonly<Record<string, string>>;
  /** Each member's whole help: signature, every paragraph, arguments, result. */
  texts: Readonly<Record<string, string>>;
  /** Each member's numbered references: [0] its own anchor, then the kinds it takes and gives. */
  references: Readonly<Record<string, readonly string[]>>;
}

/** Markup as one line of plain text (references by name). */
export function plainText(items: readonly Markup[]): string {
  let out = "";
  for (const m of items) {
    const piece = typeof m === "string" ? m : m.el === "ref" ? m.attrs.target!.split(".").pop()! : m.el !== "pre" && m.el !== "dwh" ? plainText(m.children) : "";
    // Pieces are separate source lines: a space between them, except before punctuation.
    out += out === "" || piece === "" || /^[.,;:!?)]/.test(piece) ? piece : ` ${piece}`;
  }
  return out.replace(/\s+/g, " ").trim();
}

/** The first paragraph of a description: the help line. */
function firstParagraph(items: readonly Markup[]): string {
  const first = items.find((m) => typeof m === "string" || m.el === "d" || m.el === "p");
  return first === undefined ? "" : plainText([first]).split(/\n\s*\n/)[0]!;
}

/** Every paragraph of a description, each as one line of plain text. */
function paragraphs(items: readonly Markup[]): string[] {
  return items.map((m) => plainText([m])).filter((t) => t !== "");
}

/** Text wrapped at WIDTH columns, every line indented. */
function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(indent + line);
  return lines;
}

/** The arguments of a signature, each with its kind and description. */
function argsOf(item: ArgItem, out: { name: string; kind: string; description: Markup[] }[] = []): { name: string; kind: string; description: Markup[] }[] {
  if (item.mode === "arg") out.push(item);
  else for (const i of item.items) argsOf(i, out);
  return out;
}

/** A member's whole help and its references: its own anchor, then the documented kinds it names. */
function fullHelp(model: SpecModel, signature: string, description: Markup[], args: { name: string; kind: string; description: Markup[] }[], result: { label: string; kind: string } | null, anchor: string): { text: string; references: string[] } {
  const references = [`${PAGE}#${anchor}`];
  const kindRef = (kind: string): string => {
    const k = model.kinds.get(kind);
    if (k === undefined || k.superkind) return kind;
    const url = `${PAGE}#${kind}`;
    if (!references.includes(url)) references.push(url);
    return `${kind} [${references.indexOf(url)}]`;
  };
  const lines = [signature, ...paragraphs(description).flatMap((p) => wrap(p, "    "))];
  const described = args.filter((a) => a.description.length > 0 || model.kinds.get(a.kind)?.superkind === false);
  if (described.length > 0) {
    lines.push("  Arguments:");
    for (const a of described) lines.push(...wrap(`${a.name}: ${kindRef(a.kind)}${a.description.length > 0 ? ` — ${paragraphs(a.description).join(" ")}` : ""}`, "    "));
  }
  if (result !== null) lines.push(`  ${result.label}: ${kindRef(result.kind)}`);
  lines.push("References:", ...references.map((r, i) => `[${i}] ${r}`));
  return { text: lines.join("\n"), references };
}

interface Member {
  name: string;
  line: string;
  anchor: string;
  text: string;
  references: string[];
}

/** A kind's members and those of the kinds it is also of (a HeapySet is an IdentitySet). */
function membersOf(model: SpecModel, kind: KindSpec, seen = new Set<string>()): Member[] {
  if (seen.has(kind.name)) return [];
  seen.add(kind.name);
  const out: Member[] = [
    ...kind.attrs.map((a) => ({ name: a.name, line: `{v}.${a.name}: ${firstParagraph(a.description)}`, anchor: `${kind.name}.${a.name}`, ...fullHelp(model, `{v}.${a.name}`, a.description, [], a.kind === null ? null : { label: "Kind", kind: a.kind }, `${kind.name}.${a.name}`) })),
    ...kind.methods.map((m) => {
      const ret = m.returns === null ? "" : ` -> ${m.returns.kind}`;
      const signature = `{v}.${m.name}(${itemNotation(m.args, TEXT_STYLE, false)})${ret}`;
      return { name: m.name, line: `${signature}: ${firstParagraph(m.description)}`, anchor: `${kind.name}.${m.name}`, ...fullHelp(model, signature, m.description, argsOf(m.args), m.returns === null ? null : { label: "Returns", kind: m.returns.kind }, `${kind.name}.${m.name}`) };
    }),
  ];
  for (const k of kind.kindOf) {
    const parent = model.kinds.get(k);
    if (parent !== undefined) for (const m of membersOf(model, parent, seen)) if (!out.some((o) => o.name === m.name)) out.push(m);
  }
  return out;
}

/** The help topics, from the specification. */
export function docTexts(spec = SPEC): Record<string, DocTopic> {
  const model = readSpecs([spec]);
  const topics: Record<string, DocTopic> = {};
  for (const kind of model.kinds.values()) {
    if (kind.superkind) continue;
    const members = membersOf(model, kind);
    topics[kind.name] = {
      title: firstParagraph(kind.description),
      page: `${PAGE}#${kind.name}`,
      members: Object.fromEntries(members.map((m) => [m.name, m.line])),
      anchors: Object.fromEntries(members.map((m) => [m.name, `${PAGE}#${m.anchor}`])),
      texts: Object.fromEntries(members.map((m) => [m.name, m.text])),
      references: Object.fromEntries(members.map((m) => [m.name, m.references])),
    };
  }
  return topics;
}
