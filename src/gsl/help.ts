import type { ArgItem, KindSpec, Markup, MethodSpec, SpecModel } from "./model.js";
import { itemNotation, joinPieces, TEXT_STYLE } from "./notation.js";

/**
 * One-line help of a kind's members, read from a specification: what the REPL's
 * help (`h.doc`) and the README's API section both show, so neither drifts from the
 * documents.
 */

/** One member's help. */
export interface MemberHelp {
  name: string;
  /** How the member is used, with `{v}` where the object's name goes: `{v}.heap([graph: HeapGraph]) -> HeapySet`. */
  usage: string;
  /** How the operator it stands for reads (`x & other`), or null. */
  operator: string | null;
  /** The first paragraph of its description. */
  text: string;
  /** The kind whose specification documents it (a parent kind's, for inherited members). */
  kind: string;
  /** Its whole description. */
  description: readonly Markup[];
  /** A method's arguments, each with its kind and description; none for an attribute. */
  args: readonly { name: string; kind: string; description: Markup[] }[];
  /** What it gives: an attribute's kind, a method's return kind. */
  result: { label: "Kind" | "Returns"; kind: string } | null;
}

/** Markup as one line of plain text (references by name). */
export function plainText(items: readonly Markup[]): string {
  const piece = (m: Markup): string => (typeof m === "string" ? m : m.el === "ref" ? m.attrs.target!.split(".").pop()! : m.el !== "pre" && m.el !== "dwh" ? plainText(m.children) : "");
  return items.reduce((out: string, m) => joinPieces(out, piece(m)), "").replace(/\s+/g, " ").trim();
}

/** The first paragraph of a description: the help line. */
export function firstParagraph(items: readonly Markup[]): string {
  const first = items.find((m) => typeof m === "string" || m.el === "d" || m.el === "p");
  return first === undefined ? "" : plainText([first]).split(/\n\s*\n/)[0]!;
}

/** The members a kind's own specification documents, attributes first. */
export function ownMembers(kind: KindSpec): MemberHelp[] {
  return [
    ...kind.attrs.map((a) => ({ name: a.name, usage: `{v}.${a.name}`, operator: a.operator?.notation ?? null, text: firstParagraph(a.description), kind: kind.name, description: a.description, args: [], result: a.kind === null ? null : { label: "Kind" as const, kind: a.kind } })),
    ...kind.methods.map((m) => ({ name: m.name, usage: callUsage(m, `{v}.${m.name}`), operator: m.operator?.notation ?? null, text: firstParagraph(m.description), kind: kind.name, description: m.description, args: argsOf(m.args), result: m.returns === null ? null : { label: "Returns" as const, kind: m.returns.kind } })),
  ];
}

/** The arguments of a signature, in order, however nested in optionals and alternatives. */
function argsOf(item: ArgItem, out: { name: string; kind: string; description: Markup[] }[] = []): { name: string; kind: string; description: Markup[] }[] {
  if (item.mode === "arg") out.push(item);
  else for (const i of item.items) argsOf(i, out);
  return out;
}

/** Every paragraph of a description, each as one line of plain text. */
export function paragraphs(items: readonly Markup[]): string[] {
  return items.map((m) => plainText([m])).filter((t) => t !== "");
}

/** A call in GSL's notation as plain text: `callee(arguments) -> return kind`. */
export function callUsage(m: MethodSpec, callee: string): string {
  return `${callee}(${itemNotation(m.args, TEXT_STYLE, false)})${m.returns === null ? "" : ` -> ${m.returns.kind}`}`;
}

/** A kind's members and those of the kinds it is also of (a HeapySet is an IdentitySet); a kind's own member hides a parent's. */
export function allMembers(model: SpecModel, kind: KindSpec, seen = new Set<string>()): MemberHelp[] {
  if (seen.has(kind.name)) return [];
  seen.add(kind.name);
  const out = ownMembers(kind);
  for (const k of kind.kindOf) {
    const parent = model.kinds.get(k);
    if (parent !== undefined) for (const m of allMembers(model, parent, seen)) if (!out.some((o) => o.name === m.name)) out.push(m);
  }
  return out;
}
