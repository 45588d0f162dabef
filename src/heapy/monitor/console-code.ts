import type { Node } from "acorn";
import { acorn } from "../source/js-parser.js";

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

/** The console's bindings: `h`, `_` and every name a line declared at its top level. */
export type Bindings = Record<string, unknown>;

interface Pattern extends Node {
  name?: string;
  properties?: Pattern[];
  elements?: (Pattern | null)[];
  left?: Pattern;
  argument?: Pattern;
  value?: Pattern;
}

/** The names a declaration's pattern binds (`let { a, b: [c] } = x` binds a and c). */
function patternNames(p: Pattern | null | undefined, out: string[]): void {
  if (!p) return;
  if (p.type === "Identifier") out.push(p.name!);
  else if (p.type === "ObjectPattern") for (const q of p.properties!) patternNames(q.type === "RestElement" ? q.argument : q.value, out);
  else if (p.type === "ArrayPattern") for (const q of p.elements!) patternNames(q, out);
  else if (p.type === "AssignmentPattern") patternNames(p.left, out);
  else if (p.type === "RestElement") patternNames(p.argument, out);
}

/**
 * Compiles one console command so that what it declares at its top level (`let`,
 * `const`, `var`, functions, classes) outlives it, as in Heapy's console, where a
 * line's locals stay for the next: the declarations become assignments to the
 * bindings object, which the command runs inside (`with`), and a last expression is
 * the command's value. `await` works at the top level. A `const` so kept can be
 * assigned again by a later line, which declaring it again does anyway.
 */
export function compileCommand(code: string, bindings: Bindings): () => Promise<unknown> {
  const program = acorn().parse(code, { ecmaVersion: "latest", sourceType: "script", allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true });
  const body = (program as unknown as { body: (Node & Record<string, unknown>)[] }).body;
  const names: string[] = [];
  const hoisted: string[] = [];
  const parts: string[] = [];
  let at = 0;
  const text = (n: Node): string => code.slice(n.start, n.end);
  body.forEach((s, i) => {
    let replacement: string | null = null;
    if (s.type === "VariableDeclaration") {
      const kind = s.kind as string;
      const assigns: string[] = [];
      for (const d of s.declarations as (Node & { id: Pattern; init: Node | null })[]) {
        const bound: string[] = [];
        patternNames(d.id, bound);
        names.push(...bound);
        // `var x;` keeps x's value, as a declaration again does; `let x;` makes it undefined.
        if (d.init !== null) assigns.push(`(${text(d.id)} = (${text(d.init)}))`);
        else if (kind !== "var") assigns.push(`(${text(d.id)} = undefined)`);
      }
      replacement = assigns.length > 0 ? `${assigns.join(", ")};` : ";";
    } else if ((s.type === "FunctionDeclaration" || s.type === "ClassDeclaration") && s.id) {
      const name = (s.id as Pattern).name!;
      names.push(name);
      // Functions are hoisted, as declarations are; classes are made where they stand.
      if (s.type === "FunctionDeclaration") {
        hoisted.push(`${name} = ${text(s)};`);
        replacement = ";";
      } else replacement = `${name} = ${text(s)};`;
    } else if (i === body.length - 1 && s.type === "ExpressionStatement" && s.directive === undefined) {
      replacement = `return (${text(s.expression as Node)});`;
    }
    if (replacement !== null) {
      parts.push(code.slice(at, s.start), replacement);
      at = s.end;
    }
  });
  parts.push(code.slice(at));
  for (const n of names) if (!(n in bindings)) bindings[n] = undefined;
  // Sloppy mode, for `with`: names the bindings have resolve to them, others as usual.
  const run = new AsyncFunction("__guppyBindings", `with (__guppyBindings) {\n${hoisted.join("\n")}\n${parts.join("")}\n}`);
  return () => run(bindings);
}
