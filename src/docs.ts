import { fileURLToPath } from "node:url";
import { readSpecs, type KindSpec, type Markup, type SpecModel } from "./gsl/model.js";
import { itemNotation, TEXT_STYLE } from "./gsl/notation.js";

/**
 * Interactive help (`h.doc`, `x.doc`, ...) read from Guppy's GSL specification
 * (specs/guppy.gsl), the same source as docs/guppy.html and the generated tests: one
 * source, so the help cannot drift from the documents.
 */

/** The specification, shipped beside dist/ in the package. */
const SPEC = fileURLToPath(new URL("../../specs/guppy.gsl", import.meta.url));
/** The generated document a numbered reference points to. */
const PAGE = "docs/guppy.html";

/** One help topic: its one-line title and a help line per member. */
export interface DocTopic {
  title: string;
  /** The documentation page of the topic (its members are anchors in it). */
  page: string;
  /** Help line per member, with `{v}` where the variable's name goes. */
  members: Readonly<Record<string, string>>;
  /** Each member's anchor in the page. */
  anchors: Readonly<Record<string, string>>;
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

/** A kind's members and those of the kinds it is also of (a HeapySet is an IdentitySet). */
function membersOf(model: SpecModel, kind: KindSpec, seen = new Set<string>()): { name: string; line: string; anchor: string }[] {
  if (seen.has(kind.name)) return [];
  seen.add(kind.name);
  const out = [
    ...kind.attrs.map((a) => ({ name: a.name, line: `{v}.${a.name}: ${firstParagraph(a.description)}`, anchor: `${kind.name}.${a.name}` })),
    ...kind.methods.map((m) => {
      const ret = m.returns === null ? "" : ` -> ${m.returns.kind}`;
      return { name: m.name, line: `{v}.${m.name}(${itemNotation(m.args, TEXT_STYLE, false)})${ret}: ${firstParagraph(m.description)}`, anchor: `${kind.name}.${m.name}` };
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
    };
  }
  return topics;
}
