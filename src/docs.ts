import { fileURLToPath } from "node:url";
import { allMembers, firstParagraph, paragraphs, type MemberHelp } from "./gsl/help.js";
import { anchorOf, homes } from "./gsl/html.js";
import { readSpecs, type SpecModel } from "./gsl/model.js";

/**
 * Interactive help (`h.doc`, `x.doc`, ...) read from Guppy's GSL specification
 * (specs/index.gsl and the files it reads), the same source as docs/ and the
 * generated tests: one source, so the help cannot drift from the documents.
 */

/** The specification's entry, shipped beside dist/ in the package. */
const SPEC = fileURLToPath(new URL("../../specs/index.gsl", import.meta.url));
/** Where the generated documents are, relative to the package (anchors) and as shipped (references, which open). */
const DOCS = "docs";
const DOCS_URL = new URL("../../docs/", import.meta.url).href;
/** Help texts wrap at this width, as Heapy's. */
const WIDTH = 76;

/** One help topic: its one-line title and a help line per member. */
export interface DocTopic {
  title: string;
  /** The documentation page of the topic (its members are anchors in it). */
  page: string;
  /** Help line per member, with `{v}` where the variable's name goes. */
  members: Readonly<Record<string, string>>;
  /** Each member's page and anchor. */
  anchors: Readonly<Record<string, string>>;
  /** Each member's whole help: signature, every paragraph, arguments, result. */
  texts: Readonly<Record<string, string>>;
  /** Each member's numbered references: [0] its own anchor, then the kinds it takes and gives. */
  references: Readonly<Record<string, readonly string[]>>;
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

/** A member's whole help and its references: its own anchor, then the documented kinds it names. */
function fullHelp(model: SpecModel, m: MemberHelp, url: (kind: string, member?: string) => string): { text: string; references: string[] } {
  const references = [url(m.kind, m.name)];
  const kindRef = (kind: string): string => {
    const k = model.kinds.get(kind);
    if (k === undefined || k.superkind) return kind;
    const ref = url(kind);
    if (!references.includes(ref)) references.push(ref);
    return `${kind} [${references.indexOf(ref)}]`;
  };
  const lines = [m.usage, ...paragraphs(m.description).flatMap((p) => wrap(p, "    "))];
  const described = m.args.filter((a) => a.description.length > 0 || model.kinds.get(a.kind)?.superkind === false);
  if (described.length > 0) {
    lines.push("  Arguments:");
    for (const a of described) lines.push(...wrap(`${a.name}: ${kindRef(a.kind)}${a.description.length > 0 ? ` — ${paragraphs(a.description).join(" ")}` : ""}`, "    "));
  }
  if (m.result !== null) lines.push(`  ${m.result.label}: ${kindRef(m.result.kind)}`);
  lines.push("References:", ...references.map((r, i) => `[${i}] ${r}`));
  return { text: lines.join("\n"), references };
}

/** The help topics, from the specification. */
export function docTexts(spec = SPEC): Record<string, DocTopic> {
  const model = readSpecs([spec]);
  const home = homes(model);
  // A kind's page is the document that gives it a man page.
  const where = (kind: string, member: string | null = null): string => `${home.get(kind)?.name ?? "index"}.html#${anchorOf(kind, member)}`;
  const page = (kind: string, member: string | null = null): string => `${DOCS}/${where(kind, member)}`;
  const url = (kind: string, member?: string): string => `${DOCS_URL}${where(kind, member ?? null)}`;
  const topics: Record<string, DocTopic> = {};
  for (const kind of model.kinds.values()) {
    if (kind.superkind) continue;
    const members = allMembers(model, kind).map((m) => ({ m, ...fullHelp(model, m, url) }));
    topics[kind.name] = {
      title: firstParagraph(kind.description),
      page: page(kind.name),
      members: Object.fromEntries(members.map(({ m }) => [m.name, `${m.usage}: ${m.text}`])),
      anchors: Object.fromEntries(members.map(({ m }) => [m.name, page(m.kind, m.name)])),
      texts: Object.fromEntries(members.map(({ m, text }) => [m.name, text])),
      references: Object.fromEntries(members.map(({ m, references }) => [m.name, references])),
    };
  }
  return topics;
}
