/**
 * GSL's operators and item access (`.op`, `.fop`, `.rop`, `.iop`, `.getitem`,
 * `.setitem`, `.delitem`) in JavaScript: JavaScript has no operator overloading, so
 * each one documents the method that stands for it, and generated tests call that.
 */

/** The tags that declare an operator or item access in a kind. */
export const OPERATOR_TAGS = new Set(["op", "fop", "rop", "iop", "getitem", "setitem", "delitem"]);

/** Binary operators `x OP y` (`.op:`), by symbol: the method of x called with y. */
const BINARY: Record<string, string> = { "&": "and", "|": "or", "-": "minus", "^": "xor", "<=": "le", "<": "lt", ">=": "ge", ">": "gt", "==": "equals" };
/** Function-like and unary operators on x (`.fop:`): `len` is the `length` property. */
const UNARY: Record<string, string> = { "~": "complement", len: "length", str: "toString" };
/** Reversed operators `y OP x` (`.rop:`): `y in x` is `x.has(y)`. */
const REVERSED: Record<string, string> = { in: "has" };

/** What an operator is in JavaScript: the member's name, and whether it is read (a property) rather than called. */
export interface JsOperator {
  name: string;
  property: boolean;
}

/**
 * The JavaScript member standing for an operator, or a sentence saying why there is
 * none. `mapLike`: the kind also has `.setitem` or `.delitem`, so item access is a
 * Map's (`get`, `set`, `delete`) rather than an Array's read-only `at`.
 */
export function jsOperator(tag: string, symbol: string, mapLike: boolean): JsOperator | string {
  const known = (table: Record<string, string>, what: string): JsOperator | string => {
    const name = Object.hasOwn(table, symbol) ? table[symbol] : undefined;
    if (name !== undefined) return { name, property: name === "length" };
    return `Expected one of ${Object.keys(table).map((k) => `'${k}'`).join(", ")} after '.${tag}:' (${what}), not '${symbol}': JavaScript has no method for it.`;
  };
  switch (tag) {
    case "op":
      return known(BINARY, "a binary operator");
    case "fop":
      return known(UNARY, "a unary or function operator");
    case "rop":
      return known(REVERSED, "a reversed operator");
    case "iop": {
      // `x &= y` is the in-place form of `x & y`: named as JavaScript names its compound assignments.
      const base = symbol.endsWith("=") ? BINARY[symbol.slice(0, -1)] : undefined;
      if (base === undefined) return `Expected an in-place operator ('&=', '|=', '-=', '^=') after '.iop:', not '${symbol}'.`;
      return { name: `${base}Assign`, property: false };
    }
    case "getitem":
      return { name: mapLike ? "get" : "at", property: false };
    case "setitem":
      return { name: "set", property: false };
    default:
      return { name: "delete", property: false };
  }
}

/** How the operator reads in the source language, e.g. `x & y`, `y in x`, `x[i]`, for the documents. */
export function operatorNotation(tag: string, symbol: string, self: string, args: readonly string[]): string {
  const [a = "y", b = "v"] = args;
  switch (tag) {
    case "op":
      return `${self} ${symbol} ${a}`;
    case "fop":
      return /^[a-z]+$/.test(symbol) ? `${symbol}(${self})` : `${symbol}${self}`;
    case "rop":
      return `${a} ${symbol} ${self}`;
    case "iop":
      return `${self} ${symbol} ${a}`;
    case "getitem":
      return `${self}[${a}]`;
    case "setitem":
      return `${self}[${a}] = ${b}`;
    default:
      return `del ${self}[${a}]`;
  }
}
