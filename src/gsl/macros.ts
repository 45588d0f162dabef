import { specError, type SpecNode } from "./dotted-tree.js";

/** Uses inside uses before GSL gives up: a macro that uses itself would never end. */
const MAX_NESTING = 20;

/**
 * GSL's text macros: `.macro:: name` (at the top level) holds a piece of tree;
 * `.use: name` anywhere puts a copy of it there, at the use's depth. The use's own
 * children are the macro's arguments: `.take all:`, `.take first:` and
 * `.take rest:` in the macro stand for all of them, the first, or all but the first.
 * `.use: name: text` passes `text` as a first argument.
 */
export function expandMacros(node: SpecNode, macros: ReadonlyMap<string, SpecNode>, args: SpecNode[] | null = null, nesting = 0): SpecNode {
  const children: SpecNode[] = [];
  for (const c of node.children) {
    if (c.tag === "use") {
      if (nesting >= MAX_NESTING) throw specError(`Expected macros to end: '.use: ${c.arg}' is nested ${MAX_NESTING} deep (does a macro use itself?).`, c);
      const colon = c.arg.indexOf(":");
      const name = (colon < 0 ? c.arg : c.arg.slice(0, colon)).trim();
      const macro = macros.get(name);
      if (macro === undefined) throw specError(`Unknown macro '${name}': define it with '.macro:: ${name}' at the top level.`, c);
      const passed = expandMacros(c, macros, args, nesting).children;
      if (colon >= 0) passed.unshift({ ...c, tag: "t", arg: c.arg.slice(colon + 1).trim(), text: "", children: [] });
      children.push(...expandMacros(macro, macros, passed, nesting + 1).children);
    } else if (c.tag === "take_all" || c.tag === "take_first" || c.tag === "take_rest") {
      if (args === null) throw specError(`'.${c.tag.replace("_", " ")}:' is only meaningful inside a macro.`, c);
      if (c.tag !== "take_all" && args.length === 0) throw specError(`Expected an argument for '.${c.tag.replace("_", " ")}:': the use passed none.`, c);
      children.push(...(c.tag === "take_all" ? args : c.tag === "take_first" ? args.slice(0, 1) : args.slice(1)));
    } else {
      children.push(expandMacros(c, macros, args, nesting));
    }
  }
  return { ...node, children };
}
