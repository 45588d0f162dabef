import { GuppyError } from "../errors.js";

/**
 * One node of a GSL source: a markup line `..tag: arg` (or `..tag:: arg`, or
 * `..name=value`) and the text lines after it, with its children one dot deeper.
 */
export interface SpecNode {
  /** The tag with spaces as underscores (`key arg` → `key_arg`); `name=` for attribute lines. */
  tag: string;
  /** The rest of the first line after the colon, trimmed (after the `=` for attributes). */
  arg: string;
  /** Whether the tag ended with `::` (a definition) rather than `:`. */
  defines: boolean;
  /** The text lines after the markup line, before the next markup line. */
  text: string;
  children: SpecNode[];
  file: string;
  /** 1-based line and column of the tag. */
  line: number;
  column: number;
}

/** A spec error at a node (or a line/column): file, line, column, and what was expected. */
export function specError(message: string, at: { file: string; line: number; column: number }): GuppyError {
  return new GuppyError("BAD_SPEC", message, { file: at.file, line: at.line, column: at.column });
}

/** Splits a markup line's content (after the dots) into tag, arg and whether it defines. */
function splitTag(content: string, file: string, line: number, column: number): Pick<SpecNode, "tag" | "arg" | "defines"> {
  const eq = /^([A-Za-z][A-Za-z0-9_-]*)\s*=(.*)$/.exec(content);
  if (eq !== null && !content.slice(0, content.indexOf("=")).includes(":")) return { tag: `${eq[1]}=`, arg: eq[2]!.trim(), defines: false };
  const colon = content.indexOf(":");
  const head = (colon < 0 ? content : content.slice(0, colon)).trim();
  if (head === "") throw specError("Expected a tag name after the dots, such as '.kind:: Name' or '..d: text'.", { file, line, column });
  if (!/^[A-Za-z][A-Za-z0-9_ ]*$/.test(head)) throw specError(`Expected a tag name of letters, digits and spaces, not '${head.slice(0, 40)}'.`, { file, line, column });
  if (colon < 0 && head.includes(" ")) throw specError(`Expected ':' after the tag '${head}' (a tag with spaces needs one).`, { file, line, column });
  const defines = colon >= 0 && content[colon + 1] === ":";
  const arg = colon < 0 ? "" : content.slice(colon + (defines ? 2 : 1)).trim();
  return { tag: head.replace(/\s+/g, "_"), arg, defines };
}

/**
 * Parses GSL's dotted indentation (Guppy-PE's syntax): a line starting with n dots
 * is a node at depth n, child of the closest line above with n-1 dots; other lines
 * are text belonging to the node above. A text line that must start with a dot is
 * written `\.`, one that starts with a backslash `\\`. The result is the file's
 * root node (depth 0), whose text is any text before the first markup line.
 */
export function parseDotted(source: string, file: string): SpecNode {
  const root: SpecNode = { tag: "file", arg: file, defines: false, text: "", children: [], file, line: 1, column: 1 };
  const stack: SpecNode[] = [root];
  const texts = new Map<SpecNode, string[]>([[root, []]]);
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (!raw.startsWith(".")) {
      const text = raw.startsWith("\\.") || raw.startsWith("\\\\") ? raw.slice(1) : raw;
      texts.get(stack[stack.length - 1]!)!.push(text);
      return;
    }
    let depth = 0;
    while (raw[depth] === ".") depth++;
    if (depth > stack.length) {
      throw specError(`Expected at most ${stack.length} dot${stack.length === 1 ? "" : "s"} here: a line may go only one level deeper than the markup line above it.`, { file, line, column: 1 });
    }
    const { tag, arg, defines } = splitTag(raw.slice(depth), file, line, depth + 1);
    const node: SpecNode = { tag, arg, defines, text: "", children: [], file, line, column: depth + 1 };
    stack.length = depth;
    stack[depth - 1]!.children.push(node);
    stack.push(node);
    texts.set(node, []);
  });
  for (const [node, t] of texts) {
    // Trailing blank lines separate paragraphs in the source; they are not part of the text.
    while (t.length > 0 && t[t.length - 1]!.trim() === "") t.pop();
    node.text = t.join("\n");
  }
  return root;
}

/** A node's whole text: its argument, then its text lines. */
export function fullText(node: SpecNode): string {
  return [node.arg, node.text].filter((s) => s !== "").join("\n");
}
