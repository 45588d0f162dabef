import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { GuppyError } from "../errors.js";
import { htmlDocuments } from "./html.js";
import { markdownSection, replaceSection } from "./markdown.js";
import { readSpecs, type SpecModel } from "./model.js";
import { testDocuments } from "./tester.js";

/** What `guppy gsl` writes. */
export interface GslOptions {
  /** Folder for the HTML documents. */
  html?: string;
  /** Folder for the XHTML documents (of documents with `..output: xhtml`). */
  xhtml?: string;
  /** Folder for the generated node:test files. */
  tests?: string;
  /** The binding module the tests import: a file path (made relative to the tests folder) or a package specifier. */
  binding?: string;
  /** How the tests import GSL's test runtime (default "guppy/gsl-test"). */
  runtime?: string;
  /** A Markdown file (a README) whose section between guppy gsl's markers is replaced by the API, linked to the HTML documents (in --html's folder, else docs/). */
  markdown?: string;
}

/** The import specifier of `target` from a file in `fromDir`. */
function importPath(fromDir: string, target: string): string {
  if (!target.startsWith(".") && !isAbsolute(target) && !existsSync(target)) return target;
  const rel = relative(fromDir, resolve(target)).split("\\").join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

/**
 * Compiles GSL specifications: reads and checks them (and what they import), then
 * writes HTML documents and/or test files. Returns the model and the files written.
 */
export function compileSpecs(files: readonly string[], options: GslOptions = {}): { model: SpecModel; written: string[] } {
  const model = readSpecs(files);
  const written: string[] = [];
  const write = (dir: string, name: string, text: string): void => {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    writeFileSync(path, text);
    written.push(path);
  };
  if (options.html !== undefined) for (const [name, text] of htmlDocuments(model)) write(options.html, name, text);
  if (options.xhtml !== undefined) for (const [name, text] of htmlDocuments(model, "xhtml")) write(options.xhtml, name, text);
  if (options.tests !== undefined) {
    const binding = importPath(resolve(options.tests), options.binding ?? "./gsl-binding.js");
    for (const [name, text] of testDocuments(model, binding, options.runtime)) write(options.tests, name, text);
  }
  if (options.markdown !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.markdown, "utf8");
    } catch {
      throw new GuppyError("FILE_NOT_FOUND", "The Markdown file to write the API into cannot be read.", { file: options.markdown });
    }
    const links = relative(dirname(resolve(options.markdown)), resolve(options.html ?? "docs")).split("\\").join("/") || ".";
    writeFileSync(options.markdown, replaceSection(text, markdownSection(model, links), options.markdown));
    written.push(options.markdown);
  }
  return { model, written };
}
