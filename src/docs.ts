import { fileURLToPath } from "node:url";
import { allMembers, firstParagraph } from "./gsl/help.js";
import { anchorOf, homes } from "./gsl/html.js";
import { readSpecs } from "./gsl/model.js";

/**
 * Interactive help (`h.doc`, `x.doc`, ...) read from Guppy's GSL specification
 * (specs/index.gsl and the files it reads), the same source as docs/ and the
 * generated tests: one source, so the help cannot drift from the documents.
 */

/** The specification's entry, shipped beside dist/ in the package. */
const SPEC = fileURLToPath(new URL("../../specs/index.gsl", import.meta.url));
/** Where the generated documents are, as numbered references print them. */
const DOCS = "docs";

/** One help topic: its one-line title and a help line per member. */
export interface DocTopic {
  title: string;
  /** The documentation page of the topic (its members are anchors in it). */
  page: string;
  /** Help line per member, with `{v}` where the variable's name goes. */
  members: Readonly<Record<string, string>>;
  /** Each member's page and anchor. */
  anchors: Readonly<Record<string, string>>;
}

/** The help topics, from the specification. */
export function docTexts(spec = SPEC): Record<string, DocTopic> {
  const model = readSpecs([spec]);
  const home = homes(model);
  // A kind's page is the document that gives it a man page.
  const page = (kind: string, member: string | null = null): string => `${DOCS}/${home.get(kind)?.name ?? "index"}.html#${anchorOf(kind, member)}`;
  const topics: Record<string, DocTopic> = {};
  for (const kind of model.kinds.values()) {
    if (kind.superkind) continue;
    const members = allMembers(model, kind);
    topics[kind.name] = {
      title: firstParagraph(kind.description),
      page: page(kind.name),
      members: Object.fromEntries(members.map((m) => [m.name, `${m.usage}: ${m.text}`])),
      anchors: Object.fromEntries(members.map((m) => [m.name, page(m.kind, m.name)])),
    };
  }
  return topics;
}
