import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { htmlDocuments } from "./html.js";
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
  return { model, written };
}
