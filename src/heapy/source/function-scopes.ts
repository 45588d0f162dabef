import type { Node, Options } from "acorn";
import { acorn } from "./js-parser.js";
import { ScriptFiles } from "./script-files.js";

/** A function of a parsed script: its extent and, once asked, the identifiers in it. */
interface ParsedFunction {
  start: number;
  end: number;
  /** The declared name, when the function has one of its own (`function foo`). */
  id: string | null;
  node: Node;
  names: ReadonlySet<string> | null;
}

interface ParsedScript {
  lineStarts: number[];
  /** Functions by start offset. */
  functions: ParsedFunction[];
}

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
const SKIP_KEYS = new Set(["type", "start", "end", "loc", "range"]);

/** Child nodes of an acorn node, in source order. */
function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (SKIP_KEYS.has(key) || value === null || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      for (const v of value) if (v !== null && typeof v === "object" && typeof (v as Node).type === "string") out.push(v as Node);
    } else if (typeof (value as Node).type === "string") out.push(value as Node);
  }
  return out;
}

/**
 * The names a function refers to: every identifier in it, nested functions
 * included, except property names after a dot and non-computed keys. A function
 * that calls `eval` may use any name: null.
 */
function identifiersIn(fn: Node): ReadonlySet<string> | null {
  const names = new Set<string>();
  const stack: Node[] = [fn];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const n = node as Node & { name?: string; computed?: boolean; property?: Node; key?: Node; shorthand?: boolean; label?: Node };
    if (node.type === "Identifier") names.add(n.name!);
    for (const child of children(node)) {
      if (node.type === "MemberExpression" && child === n.property && !n.computed) continue;
      if ((node.type === "Property" || node.type === "PropertyDefinition" || node.type === "MethodDefinition") && child === n.key && !n.computed && !n.shorthand) continue;
      if ((node.type === "LabeledStatement" || node.type === "BreakStatement" || node.type === "ContinueStatement") && child === n.label) continue;
      stack.push(child);
    }
  }
  return names.has("eval") ? null : names;
}

function parseScript(text: string): Node | null {
  const base: Options = { ecmaVersion: "latest", allowHashBang: true, allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, allowImportExportEverywhere: true };
  for (const sourceType of ["module", "script"] as const) {
    try {
      return acorn().parse(text, { ...base, sourceType });
    } catch {
      // Sloppy-mode code can fail as a module (`with`, octal literals): try it as a script.
    }
  }
  return null;
}

/**
 * Which names the functions of scripts use, from the scripts' text on disk,
 * parsed on first use and kept by this instance.
 */
export class FunctionScopes {
  private readonly scripts = new Map<string, ParsedScript | null>();

  constructor(private readonly files = new ScriptFiles()) {}

  /**
   * The identifiers used by the innermost function at 0-based `line`/`column` of
   * `script` (where V8 places a closure), or null when the script cannot be read or
   * parsed, no function is there, its declared name is not `name`, or it calls eval.
   */
  namesUsed(script: string, line: number, column: number, name: string): ReadonlySet<string> | null {
    const parsed = this.parsed(script);
    if (parsed === null || line < 0 || line >= parsed.lineStarts.length) return null;
    const offset = parsed.lineStarts[line]! + column;
    const fns = parsed.functions;
    // The innermost function containing the offset: the latest-starting one around it.
    let lo = 0;
    let hi = fns.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (fns[mid]!.start <= offset) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0; i--) {
      const fn = fns[i]!;
      if (fn.end <= offset) continue;
      if (fn.id !== null && name !== "" && fn.id !== name) return null;
      if (fn.names === null) fn.names = identifiersIn(fn.node);
      return fn.names;
    }
    return null;
  }

  private parsed(script: string): ParsedScript | null {
    let parsed = this.scripts.get(script);
    if (parsed === undefined) {
      parsed = null;
      const text = this.files.source(script);
      const ast = text === null ? null : parseScript(text);
      if (text !== null && ast !== null) {
        const lineStarts = [0];
        for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
        const functions: ParsedFunction[] = [];
        const stack: Node[] = [ast];
        while (stack.length > 0) {
          const node = stack.pop()!;
          if (FUNCTION_TYPES.has(node.type)) {
            const id = (node as Node & { id?: { name: string } | null }).id;
            functions.push({ start: node.start, end: node.end, id: id ? id.name : null, node, names: null });
          }
          stack.push(...children(node));
        }
        functions.sort((a, b) => a.start - b.start || b.end - a.end);
        parsed = { lineStarts, functions };
      }
      this.scripts.set(script, parsed);
    }
    return parsed;
  }
}
