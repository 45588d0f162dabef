import { GuppyError } from "../errors.js";
import { callUsage, firstParagraph, ownMembers, plainText } from "./help.js";
import { anchorOf } from "./html.js";
import type { DocumentSpec, KindSpec, SpecModel } from "./model.js";

/**
 * `guppy gsl --markdown FILE`: the specification's API as Markdown (a section per
 * document, a table of members per kind, linked to the HTML documents), written
 * between two markers in FILE, so a README's API section is generated like the
 * documents and a test can tell when it is stale.
 */

export const MARKDOWN_BEGIN = "<!-- guppy gsl --markdown: generated from the specifications; edit them, not this -->";
export const MARKDOWN_END = "<!-- guppy gsl --markdown: end -->";

/** Text as Markdown shows it literally: no emphasis, links, tags or table cells from the text. */
const md = (text: string): string => text.replace(/[\\`*_[\]<>|]/g, "\\$&");
/** A code span (in a table, its `|` escaped as GitHub's tables need). */
const code = (text: string): string => `\`${text.replace(/\|/g, "\\|")}\``;

function kindSection(model: SpecModel, kind: KindSpec, page: string): string[] {
  const v = kind.self;
  const out = [`#### ${kind.name}`, ""];
  const about = [md(firstParagraph(kind.description))];
  if (kind.constructors.length > 0) about.push(`Made by ${kind.constructors.map(code).join(", ")}.`);
  const parents = kind.kindOf.filter((k) => model.kinds.get(k)?.superkind === false);
  if (parents.length > 0) about.push(`Also has the members of ${parents.join(", ")}.`);
  out.push(about.filter((s) => s !== "").join(" "), "");
  const rows = ownMembers(kind).map((m) => {
    const usage = `[${code(m.usage.replaceAll("{v}", v))}](${page}#${encodeURIComponent(anchorOf(kind.name, m.name))})`;
    return `| ${usage}${m.operator === null ? "" : ` (${code(m.operator)})`} | ${md(m.text)} |`;
  });
  if (kind.mapping !== null) {
    rows.unshift(`| ${code(callUsage(kind.mapping, v))} | ${md(firstParagraph(kind.mapping.description))} |`);
  }
  if (rows.length > 0) out.push("| Member | What it is |", "|---|---|", ...rows, "");
  return out;
}

function documentSection(model: SpecModel, doc: DocumentSpec, docsDir: string): string[] {
  const page = `${docsDir}/${doc.name}.html`;
  const heading = plainText(doc.body.filter((m) => typeof m !== "string" && m.el === "h1").slice(0, 1)) || (doc.title ?? doc.name);
  const intro = plainText(doc.body.filter((m) => typeof m !== "string" && m.el === "p").slice(0, 1));
  const out = [`### ${md(heading)} ([${page}](${page}))`, ""];
  if (intro !== "") out.push(md(intro), "");
  for (const name of doc.manPagesOf) out.push(...kindSection(model, model.kinds.get(name)!, page));
  return out;
}

/** The Markdown of every HTML document with man pages, linking to the pages in `docsDir`. */
export function markdownSection(model: SpecModel, docsDir = "docs"): string {
  const docs = model.documents.filter((d) => d.outputs.includes("html") && d.manPagesOf.length > 0);
  return docs.flatMap((d) => documentSection(model, d, docsDir)).join("\n").trimEnd();
}

/** `text` with what is between the markers replaced by `section`; a file without both markers is an error. */
export function replaceSection(text: string, section: string, file: string): string {
  const begin = text.indexOf(MARKDOWN_BEGIN);
  const end = text.indexOf(MARKDOWN_END, begin);
  if (begin < 0 || end < 0) throw new GuppyError("USAGE", `--markdown needs the lines '${MARKDOWN_BEGIN}' and '${MARKDOWN_END}' in the file, in that order, to write between.`, { file });
  return `${text.slice(0, begin + MARKDOWN_BEGIN.length)}\n\n${section}\n\n${text.slice(end)}`;
}

/** The section between the markers of `text`, or null without them. */
export function currentSection(text: string): string | null {
  const begin = text.indexOf(MARKDOWN_BEGIN);
  const end = text.indexOf(MARKDOWN_END, begin);
  return begin < 0 || end < 0 ? null : text.slice(begin + MARKDOWN_BEGIN.length, end).trim();
}
