import { GuppyError } from "../errors.js";
import { Kind } from "../heapy/classify/kind.js";
import { classifierNamed, NAMED_CLASSIFIERS } from "../heapy/session/classifier-names.js";
import { HeapySet } from "../heapy/session/heapy-set.js";
import type { Session } from "../heapy/session/session.js";

/**
 * A small Heapy expression language for naming sets in MCP tool calls, parsed here and
 * never evaluated as JavaScript:
 *
 *   expr    := xor ('|' xor)*            union
 *   xor     := and ('^' and)*            symmetric difference
 *   and     := sub ('&' sub)*            intersection (a set and a kind: the members of the kind)
 *   sub     := postfix ('-' postfix)*    difference (across snapshots by V8 object id)
 *   postfix := primary ('[' INT ']' | '.' NAME)*
 *   primary := HANDLE | CLASSIFIER '(' value (',' value)* ')' | '(' expr ')'
 *
 * HANDLE is an open snapshot (s0, s1, ...: its objects reachable from the root);
 * CLASSIFIER(...) a kind (`Clodo("Session")`, `Type("string")`, `Size(32)`);
 * `x[i]` row i of x's partition by class, `x.bytype[i]` row i by another classifier;
 * `.dominos`, `.referrers`, `.referents`, `.imdom`, `.idom` the related sets. Precedence is Python's.
 */
export type Expr =
  | { op: "handle"; name: string; at: number }
  | { op: "kind"; classifier: string; labels: string[]; at: number }
  | { op: "binary"; operator: "|" | "^" | "&" | "-"; left: Expr; right: Expr; at: number }
  | { op: "row"; of: Expr; by: string; index: number; at: number }
  | { op: "attr"; of: Expr; name: string; at: number };

interface Token {
  type: "name" | "number" | "string" | "punct" | "end";
  text: string;
  at: number;
}

const RELATIONS = ["dominos", "referrers", "referents", "imdom", "idom"] as const;

function fail(expression: string, at: number, what: string): never {
  throw new GuppyError("USAGE", `The set expression does not parse at column ${at + 1}: ${what} (in '${expression}').`);
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i]!)) i++;
      tokens.push({ type: "name", text: src.slice(start, i), at: start });
    } else if (/[0-9]/.test(c)) {
      while (i < src.length && /[0-9]/.test(src[i]!)) i++;
      tokens.push({ type: "number", text: src.slice(start, i), at: start });
    } else if (c === '"' || c === "'") {
      let text = "";
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === "\\" && i + 1 < src.length) i++;
        text += src[i++];
      }
      if (i >= src.length) fail(src, start, "a string is not closed");
      i++;
      tokens.push({ type: "string", text, at: start });
    } else if ("|^&-()[],.".includes(c)) {
      tokens.push({ type: "punct", text: c, at: i++ });
    } else {
      fail(src, i, `unexpected character '${c}'`);
    }
  }
  tokens.push({ type: "end", text: "", at: src.length });
  return tokens;
}

/** Parses a set expression; a GuppyError (USAGE) says where it does not parse. */
export function parseExpression(src: string): Expr {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = (): Token => tokens[pos]!;
  const next = (): Token => tokens[pos++]!;
  const expect = (text: string): Token => {
    const t = next();
    if (t.text !== text || t.type !== "punct") fail(src, t.at, `expected '${text}'${t.type === "end" ? " before the end" : ""}`);
    return t;
  };
  const binary = (operator: "|" | "^" | "&" | "-", operand: () => Expr): (() => Expr) => () => {
    let left = operand();
    while (peek().type === "punct" && peek().text === operator) {
      const at = next().at;
      left = { op: "binary", operator, left, right: operand(), at };
    }
    return left;
  };
  const primary = (): Expr => {
    const t = next();
    if (t.type === "punct" && t.text === "(") {
      const e = union();
      expect(")");
      return e;
    }
    if (t.type !== "name") fail(src, t.at, t.type === "end" ? "a set is missing at the end" : `expected a snapshot handle (s0) or a kind (Clodo("Foo")), not '${t.text}'`);
    if (peek().text !== "(") return { op: "handle", name: t.text, at: t.at };
    next();
    const labels: string[] = [];
    for (;;) {
      const v = next();
      if (v.type !== "string" && v.type !== "number") fail(src, v.at, "expected a quoted label or a number");
      labels.push(v.text);
      if (peek().text !== ",") break;
      next();
    }
    expect(")");
    return { op: "kind", classifier: t.text, labels, at: t.at };
  };
  const postfix = (): Expr => {
    let e = primary();
    let by = "clodo";
    for (;;) {
      const t = peek();
      if (t.type === "punct" && t.text === "[") {
        next();
        const n = next();
        if (n.type !== "number") fail(src, n.at, "expected a row number");
        expect("]");
        e = { op: "row", of: e, by, index: Number(n.text), at: t.at };
        by = "clodo";
      } else if (t.type === "punct" && t.text === ".") {
        next();
        const name = next();
        if (name.type !== "name") fail(src, name.at, "expected an attribute name");
        if (/^by/i.test(name.text) && name.text.length > 2) {
          if (peek().text !== "[") fail(src, peek().at, `expected '[row]' after .${name.text}`);
          by = name.text.slice(2);
          continue;
        }
        if (!(RELATIONS as readonly string[]).includes(name.text)) fail(src, name.at, `unknown attribute '.${name.text}'; use ${RELATIONS.map((r) => "." + r).join(", ")} or .by<classifier>[row]`);
        e = { op: "attr", of: e, name: name.text, at: t.at };
      } else {
        return e;
      }
    }
  };
  const difference = binary("-", postfix);
  const intersection = binary("&", difference);
  const symmetric = binary("^", intersection);
  const union = binary("|", symmetric);
  const e = union();
  const rest = peek();
  if (rest.type !== "end") fail(src, rest.at, `unexpected '${rest.text}'`);
  return e;
}

/** What names the open snapshots: a handle's reachable objects. */
export type HandleLookup = (handle: string) => HeapySet;

type Value = HeapySet | Kind;

/**
 * Evaluates a parsed expression: handles through `lookup`, kinds through the session's
 * classifiers (any case; `type,size` style combinations through `.by…[row]` only).
 */
export function evaluate(e: Expr, lookup: HandleLookup, session: Session): Value {
  switch (e.op) {
    case "handle":
      return lookup(e.name);
    case "kind": {
      const name = Object.keys(NAMED_CLASSIFIERS).find((n) => n.toLowerCase() === e.classifier.toLowerCase());
      return session.classifier(name ?? e.classifier)(...e.labels);
    }
    case "row": {
      const set = asSet(evaluate(e.of, lookup, session), "A row");
      const rows = set.by(classifierNamed(e.by)).partition;
      if (e.index >= rows.rows.length) throw new GuppyError("USAGE", `The partition has ${rows.rows.length} row${rows.rows.length === 1 ? "" : "s"}; there is no row ${e.index}.`);
      return HeapySet.from(rows.rowSet(e.index));
    }
    case "attr":
      return asSet(evaluate(e.of, lookup, session), `.${e.name}`)[e.name as (typeof RELATIONS)[number]];
    case "binary": {
      const l = evaluate(e.left, lookup, session);
      const r = evaluate(e.right, lookup, session);
      if (l instanceof HeapySet && r instanceof HeapySet) return e.operator === "|" ? l.or(r) : e.operator === "^" ? l.xor(r) : e.operator === "&" ? l.and(r) : l.minus(r);
      if (l instanceof HeapySet && r instanceof Kind && (e.operator === "&" || e.operator === "-")) return e.operator === "&" ? l.and(r) : l.minus(r);
      if (l instanceof Kind && r instanceof HeapySet && e.operator === "&") return r.and(l);
      throw new GuppyError("USAGE", `'${e.operator}' of ${describe(l)} and ${describe(r)} is not a set of objects; select a kind from a set with & or -, as in s0 & Clodo("Foo").`);
    }
  }
}

function describe(v: Value): string {
  return v instanceof Kind ? "a kind" : "a set";
}

function asSet(v: Value, what: string): HeapySet {
  if (v instanceof Kind) throw new GuppyError("USAGE", `${what} needs a set of objects, not a kind; select the kind from a set first, as in (s0 & ${String(v).replace(/^h\./, "")}).`);
  return v;
}

/** Parses and evaluates an expression that must name a set of objects. */
export function setOf(src: string, lookup: HandleLookup, session: Session): HeapySet {
  return asSet(evaluate(parseExpression(src), lookup, session), "This tool");
}
