import type { ArgItem, MethodSpec } from "./model.js";

/** How kind names are written in a signature (a link in HTML, plain in text). */
export interface NotationStyle {
  name(name: string): string;
  kind(kind: string): string;
  mode(prefix: string): string;
  escape(text: string): string;
}

export const TEXT_STYLE: NotationStyle = { name: (n) => n, kind: (k) => k, mode: (p) => p, escape: (t) => t };

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** HTML style: names in <var>, kinds through `kindHtml` (a link where the kind is documented). */
export function htmlStyle(kindHtml: (kind: string) => string): NotationStyle {
  return { name: (n) => `<var>${escapeHtml(n)}</var>`, kind: kindHtml, mode: (p) => `<span class="mode">${escapeHtml(p)}</span>`, escape: escapeHtml };
}

/**
 * Guppy-PE's parameter-mode notation for one argument item:
 * `a: int+`; a keyword argument `a = int+`; optionals nested, `[a: int+ [b: string+]]`
 * (none, a, or a and b); `alt:[a: int+ or a: string+]`; `0..*:[a: int+]`;
 * `draw:[a = int+, b = int+]` (any combination); `seq:[...]` inside another mode.
 */
export function itemNotation(item: ArgItem, s: NotationStyle, nested = true): string {
  switch (item.mode) {
    case "arg":
      return item.key ? `${s.name(item.name)} = ${s.kind(item.kind)}` : `${s.name(item.name)}: ${s.kind(item.kind)}`;
    case "seq": {
      const inner = item.items.map((i) => itemNotation(i, s)).join(", ");
      return nested ? `${s.mode("seq:")}[${inner}]` : inner;
    }
    case "optionals": {
      // Each optional argument needs the ones before it: [a [b [c]]].
      let out = "";
      for (let i = item.items.length - 1; i >= 0; i--) out = `[${itemNotation(item.items[i]!, s)}${out === "" ? "" : ` ${out}`}]`;
      return out;
    }
    case "alt":
      return `${s.mode("alt:")}[${item.items.map((i) => itemNotation(i, s)).join(" or ")}]`;
    case "draw":
      return `${s.mode("draw:")}[${item.items.map((i) => itemNotation(i, s)).join(", ")}]`;
    case "repeat":
      return `${s.mode(`${item.min}..${item.max === Number.POSITIVE_INFINITY ? "*" : item.max}:`)}[${item.items.map((i) => itemNotation(i, s)).join(", ")}]`;
  }
}

/** `name(args) -> returns` in the notation. */
export function signature(method: MethodSpec, s: NotationStyle, name = s.escape(method.name)): string {
  const ret = method.returns === null ? "" : `${s.escape(" -> ")}${s.kind(method.returns.kind)}`;
  return `${name}(${itemNotation(method.args, s, false)})${ret}`;
}

/** Two pieces of text that were separate source lines, as one: a space between them, except before punctuation and after an opening parenthesis. */
export function joinPieces(out: string, piece: string): string {
  return out === "" || piece === "" || /^[.,;:!?)]/.test(piece) || out.endsWith("(") ? out + piece : `${out} ${piece}`;
}
