import { specError } from "./dotted-tree.js";
import { resolveRef, type OperatorSpec, type ArgItem, type DocumentSpec, type KindSpec, type Markup, type MethodSpec, type SpecModel } from "./model.js";
import { escapeHtml, htmlStyle, itemNotation, joinPieces, signature, type NotationStyle } from "./notation.js";

/** Markup elements written as the HTML element of the same name. */
const SAME = new Set(["address", "p", "h1", "h2", "h3", "h4", "em", "strong", "code", "pre", "ul", "ol", "li", "sup", "sub", "small", "table", "tr", "th", "td", "dl", "dt", "dd", "span", "div", "var", "blockquote"]);
const VOID = new Set(["br", "hr"]);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45;color:#222}
nav.contents{border:1px solid #ddd;padding:.5em 1em;background:#fafafa}
code,pre,var,.sig{font-family:ui-monospace,monospace}
.sig{background:#f5f5f5;padding:.1em .3em}
.mode{font-size:.8em;font-weight:bold;vertical-align:super}
section.kind{border-top:2px solid #1f3b57;margin-top:2em}
dt{margin-top:.6em}
.note h4{margin-bottom:.2em}
pre{background:#f5f5f5;padding:.5em;overflow-x:auto}`;

/** The two page formats: HTML, and XHTML (the same page as XML, for XML tool chains). */
export type PageFormat = "html" | "xhtml";

/** Where each kind is documented: the first document giving it a man page, in any page format. */
export function homes(model: SpecModel): Map<string, DocumentSpec> {
  const home = new Map<string, DocumentSpec>();
  for (const d of model.documents) {
    if (!d.outputs.includes("html") && !d.outputs.includes("xhtml")) continue;
    for (const k of d.manPagesOf) if (!home.has(k)) home.set(k, d);
  }
  return home;
}

/** The anchor of a kind or member (a kind name's spaces as underscores: ids have none). */
export function anchorOf(kind: string, member: string | null = null): string {
  const k = kind.replace(/\s+/g, "_");
  return member === null ? k : `${k}.${member}`;
}

/** Named characters (`.char: nbsp`) as numeric references, which XML needs and HTML accepts. */
const CHARS: Record<string, number> = { nbsp: 160, copy: 169, reg: 174, deg: 176, middot: 183, laquo: 171, raquo: 187, times: 215, ndash: 8211, mdash: 8212, lsquo: 8216, rsquo: 8217, ldquo: 8220, rdquo: 8221, hellip: 8230, larr: 8592, rarr: 8594, amp: 38, lt: 60, gt: 62, quot: 34, apos: 39 };

class DocumentWriter {
  private readonly home: Map<string, DocumentSpec>;
  private readonly style: NotationStyle;

  constructor(
    private readonly model: SpecModel,
    private readonly doc: DocumentSpec,
    private readonly format: PageFormat = "html",
  ) {
    this.home = homes(model);
    this.style = htmlStyle((k) => this.kindLink(k));
  }

  private href(kind: string, member: string | null): string | null {
    const page = this.home.get(kind);
    if (page === undefined) return null;
    // Another document's page in this page's format where it has one.
    const ext = page.outputs.includes(this.format) ? this.format : page.outputs.includes("html") ? "html" : "xhtml";
    return `${page === this.doc ? "" : `${page.name}.${ext}`}#${encodeURIComponent(anchorOf(kind, member))}`;
  }

  /** A kind's name, linked to its section where a document describes it. */
  kindLink(kind: string): string {
    const href = this.href(kind, null);
    return href === null ? `<em>${escapeHtml(kind)}</em>` : `<a href="${escapeHtml(href)}"><em>${escapeHtml(kind)}</em></a>`;
  }

  /** Text with blank lines as paragraph breaks. */
  private text(s: string, paragraphs: boolean): string {
    if (!paragraphs || !/\n\s*\n/.test(s)) return escapeHtml(s);
    return s
      .split(/\n\s*\n/)
      .filter((p) => p.trim() !== "")
      .map((p) => `<p>${escapeHtml(p.trim())}</p>`)
      .join("\n");
  }

  markup(items: readonly Markup[], context: KindSpec | null, paragraphs = true): string {
    // Pieces are separate source lines (".t:." ends a sentence without a space).
    return items.reduce((out: string, m) => joinPieces(out, this.one(m, context, paragraphs)), "");
  }

  private one(m: Markup, context: KindSpec | null, paragraphs: boolean): string {
    if (typeof m === "string") return this.text(m, paragraphs);
    const inner = (): string => this.markup(m.children, context, m.el === "d" || m.el === "div" || m.el === "dwh");
    switch (m.el) {
      case "ref": {
        const r = resolveRef(this.model, m.attrs.target!, context, m.at);
        const label = escapeHtml(r.member ?? r.kind);
        const href = this.href(r.kind, r.member);
        return href === null ? `<code>${label}</code>` : `<a href="${escapeHtml(href)}"><code>${label}</code></a>`;
      }
      case "t":
        return inner();
      case "d":
        return `<div class="d">${inner()}</div>`;
      case "dwh":
        return `<div class="note"><h4>${escapeHtml(m.attrs.header ?? "")}</h4>${inner()}</div>`;
      case "pre":
        return `<pre>${m.children.map((c) => (typeof c === "string" ? escapeHtml(c) : this.one(c, context, false))).join("")}</pre>`;
      case "a": {
        const href = m.attrs.href ?? "";
        // Links go to pages and anchors, never to scripts.
        if (/^\s*(javascript|data|vbscript):/i.test(href)) throw specError(`A link may not point to '${href.split(":")[0]}:' URLs.`, m.at);
        const name = m.attrs.name;
        if (href === "" && name !== undefined) return `<span id="${escapeHtml(name)}">${inner()}</span>`;
        return `<a href="${escapeHtml(href.trim())}">${inner()}</a>`;
      }
      case "big":
        return `<strong>${inner()}</strong>`;
      case "char": {
        const name = m.children.join("").trim();
        const code = Object.hasOwn(CHARS, name) ? CHARS[name] : undefined;
        if (code === undefined) throw specError(`Expected a character name (${Object.keys(CHARS).join(", ")}) after '.char:', not '${name.slice(0, 20)}'.`, m.at);
        return `&#${code};`;
      }
      default:
        if (VOID.has(m.el)) return this.format === "xhtml" ? `<${m.el}/>` : `<${m.el}>`;
        if (SAME.has(m.el)) return `<${m.el}>${inner()}</${m.el}>`;
        throw specError(`No HTML for markup '.${m.el}'.`, m.at);
    }
  }

  private args(item: ArgItem, kind: KindSpec): string[] {
    if (item.mode === "arg") {
      const dflt = item.default === null ? "" : ` <em>Default:</em> ${this.markup(item.default, kind)}`;
      return [`<dt><span class="sig">${itemNotation(item, this.style)}</span></dt><dd>${this.markup(item.description, kind)}${dflt}</dd>`];
    }
    return item.items.flatMap((i) => this.args(i, kind));
  }

  private method(kind: KindSpec, m: MethodSpec, heading: boolean): string {
    const id = anchorOf(kind.name, m.name);
    const sig = signature(m, this.style, heading ? `<strong>${escapeHtml(m.name)}</strong>` : `<a href="#${escapeHtml(encodeURIComponent(id))}">${escapeHtml(m.name)}</a>`) + operatorHtml(m.operator);
    if (!heading) return `<dd><span class="sig">${sig}</span></dd>`;
    const args = this.args(m.args, kind);
    const parts = [`<dt id="${escapeHtml(id)}"><span class="sig">${sig}</span></dt>`, `<dd>${this.markup(m.description, kind)}`];
    if (args.length > 0) parts.push(`<h4>Argument${args.length === 1 ? "" : "s"}</h4><dl>${args.join("\n")}</dl>`);
    if (m.returns !== null) {
      const call = m.returns.call === null ? "" : `<div class="call"><h4>Calling it</h4><span class="sig">${signature(m.returns.call, this.style, "<em>returned</em>")}</span>${this.markup(m.returns.call.description, kind)}</div>`;
      parts.push(`<h4>Returns</h4><div>${this.kindLink(m.returns.kind)}${m.returns.description.length ? ` ${this.markup(m.returns.description, kind)}` : ""}${call}</div>`);
    }
    for (const [label, list] of [["Precondition", m.preconditions], ["Postcondition", m.postconditions]] as const) {
      for (const c of list) parts.push(`<h4>${label}</h4><div>${this.condition(c)}</div>`);
    }
    parts.push("</dd>");
    return parts.join("\n");
  }

  private condition(name: string): string {
    const c = this.model.conditions.get(name)!;
    return `<code>${escapeHtml(name)}${c.args.length ? `(${c.args.map(escapeHtml).join(", ")})` : ""}</code>: ${this.markup(c.description, null)}`;
  }

  kindSection(kind: KindSpec): string {
    const out = [`<section class="kind" id="${escapeHtml(anchorOf(kind.name))}">`, `<h2>${escapeHtml(kind.name)}</h2>`];
    const synopsis: string[] = [];
    if (kind.constructors.length) synopsis.push(`<dt>Constructor${kind.constructors.length === 1 ? "" : "s"}</dt>`, ...kind.constructors.map((c) => `<dd><code>${escapeHtml(c)}</code></dd>`));
    if (kind.mapping) synopsis.push("<dt>Call</dt>", `<dd><span class="sig">${signature(kind.mapping, this.style, "<em>object</em>")}</span></dd>`);
    if (kind.methods.length) synopsis.push(`<dt>Method${kind.methods.length === 1 ? "" : "s"}</dt>`, ...kind.methods.map((m) => this.method(kind, m, false)));
    if (kind.attrs.length) {
      synopsis.push(`<dt>Attribute${kind.attrs.length === 1 ? "" : "s"}</dt>`);
      for (const a of kind.attrs) synopsis.push(`<dd><span class="sig"><a href="#${escapeHtml(encodeURIComponent(anchorOf(kind.name, a.name)))}">${escapeHtml(a.name)}</a>: ${a.kind === null ? "<em>anything</em>" : this.kindLink(a.kind)}${operatorHtml(a.operator)}</span></dd>`);
    }
    if (kind.kindOf.length) synopsis.push("<dt>Kind of</dt>", `<dd>${kind.kindOf.map((k) => this.kindLink(k)).join(", ")}</dd>`);
    if (synopsis.length) out.push("<h3>Synopsis</h3>", `<dl class="synopsis">${synopsis.join("\n")}</dl>`);
    if (kind.description.length) out.push("<h3>Description</h3>", this.markup(kind.description, kind));
    if (kind.conditions.length) out.push("<h3>Conditions</h3>", ...kind.conditions.map((c) => `<div>${this.condition(c)}</div>`));
    if (kind.mapping) out.push("<h3>Call</h3>", `<dl>${this.method(kind, kind.mapping, true)}</dl>`);
    if (kind.methods.length) out.push("<h3>Methods</h3>", `<dl>${kind.methods.map((m) => this.method(kind, m, true)).join("\n")}</dl>`);
    if (kind.attrs.length) {
      out.push("<h3>Attributes</h3>", "<dl>");
      for (const a of kind.attrs) {
        out.push(`<dt id="${escapeHtml(anchorOf(kind.name, a.name))}"><span class="sig"><strong>${escapeHtml(a.name)}</strong>: ${a.kind === null ? "<em>anything</em>" : this.kindLink(a.kind)}${operatorHtml(a.operator)}</span></dt>`, `<dd>${this.markup(a.description, kind)}</dd>`);
      }
      out.push("</dl>");
    }
    out.push("</section>");
    return out.join("\n");
  }

  page(): string {
    const kinds = this.doc.manPagesOf.map((k) => this.model.kinds.get(k)!);
    const title = this.doc.title ?? firstHeading(this.doc.body) ?? this.doc.name;
    const contents = kinds.length
      ? `<nav class="contents"><h2>Contents</h2><ul>${kinds.map((k) => `<li><a href="#${escapeHtml(encodeURIComponent(anchorOf(k.name)))}">${escapeHtml(k.name)}</a></li>`).join("")}</ul></nav>`
      : "";
    const end = this.format === "xhtml" ? "/>" : ">";
    const links = this.doc.links.map((l) => `\n<link rel="${escapeHtml(l.rel)}" href="${escapeHtml(l.href)}"${end}`).join("");
    const start =
      this.format === "xhtml"
        ? `<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">`
        : `<!doctype html>\n<html lang="en">`;
    return `${start}
<head>
<meta charset="utf-8"${end}
<meta name="viewport" content="width=device-width, initial-scale=1"${end}
<title>${escapeHtml(title)}</title>${links}
<style>${STYLE}</style>
</head>
<body>
${this.markup(this.doc.body, null)}
${contents}
${kinds.map((k) => this.kindSection(k)).join("\n")}
<footer><p><small>Generated by guppy gsl from ${escapeHtml(this.doc.at.file.split("/").pop() ?? "")}.</small></p></footer>
</body>
</html>
`;
  }
}

function firstHeading(body: readonly Markup[]): string | null {
  for (const m of body) {
    if (typeof m !== "string" && /^h[1-4]$/.test(m.el)) return m.children.filter((c): c is string => typeof c === "string").join(" ");
  }
  return null;
}

/** The pages of the model's documents with html (or, with format xhtml, xhtml) output, by file name. */
export function htmlDocuments(model: SpecModel, format: PageFormat = "html"): Map<string, string> {
  const pages = new Map<string, string>();
  for (const d of model.documents) if (d.outputs.includes(format)) pages.set(`${d.name}.${format}`, new DocumentWriter(model, d, format).page());
  return pages;
}

/** How an operator reads, after the signature of the method that stands for it. */
function operatorHtml(op: OperatorSpec | null): string {
  return op === null ? "" : ` <span class="op">(${escapeHtml(op.notation)})</span>`;
}

/** The signature of a kind's method in HTML, as the documents write it (for tests and help). */
export function methodSignatureHtml(model: SpecModel, document: string, kind: string, method: string): string {
  const doc = model.documents.find((d) => d.name === document)!;
  const k = model.kinds.get(kind)!;
  const m = k.methods.find((x) => x.name === method)!;
  const writer = new DocumentWriter(model, doc);
  return signature(m, htmlStyle((name) => writer.kindLink(name)));
}
