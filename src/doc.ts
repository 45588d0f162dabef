import { inspect } from "node:util";
import { docTexts } from "./docs.js";

/** Whether a web browser can be opened for the user: a terminal, on a desktop. */
export function canOpenBrowser(): boolean {
  if (!process.stdout.isTTY) return false;
  return process.platform === "darwin" || process.platform === "win32" || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/**
 * A numbered reference of a help text, once asked for: the page is opened in the web
 * browser when there is one to open (a terminal on a desktop), and the value prints as
 * what was done, or as the page's address to open by hand.
 */
export class DocReference {
  constructor(
    /** The page's address (file: URL of the shipped page in docs/, with the anchor). */
    readonly url: string,
    /** Whether a browser was asked to open it. */
    readonly opened: boolean,
  ) {}

  toString(): string {
    return this.opened ? `Opening ${this.url} in the web browser.` : this.url;
  }

  [inspect.custom](): string {
    return String(this);
  }
}

/** Opens a page of the documentation if a browser can be opened; says where it is otherwise. */
export function openReference(url: string, browser = canOpenBrowser()): DocReference {
  if (!browser) return new DocReference(url, false);
  // The `open` package picks the platform's opener; a failure leaves the printed address.
  void import("open").then((m) => m.default(url)).catch(() => undefined);
  return new DocReference(url, true);
}

/**
 * One member's help text, with its numbered references to the documentation; prints as
 * the whole text. `h.doc.heap[0]` opens the page that describes it (Heapy's), `[1]` and on
 * the pages of the kinds it names; `references` are their addresses, opening nothing.
 */
export class DocEntry {
  readonly [index: number]: DocReference;

  constructor(
    readonly name: string,
    /** The one-line summary `h.doc` is made of. */
    readonly line: string,
    /** The whole help text. */
    readonly text: string,
    readonly references: readonly string[],
  ) {
    references.forEach((url, i) => Object.defineProperty(this, i, { get: () => openReference(url), enumerable: false }));
  }

  toString(): string {
    return this.text;
  }

  [inspect.custom](): string {
    return this.text;
  }
}

/**
 * Interactive help, as Guppy-PE 0.1.9 added it: `h.doc` lists the attributes in
 * columns; `h.doc.heap` explains one. Attribute access works for every documented
 * member, so it is a Proxy over the topic's table.
 */
export type Doc = { toString(): string; readonly topic: string } & Record<string, DocEntry>;

/** Attributes in four columns, read down the columns (as `ls` lists). */
function columns(names: string[], width = 20, cols = 4): string {
  const rows = Math.ceil(names.length / cols);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = "";
    for (let c = 0; c < cols; c++) {
      const name = names[c * rows + r];
      if (name !== undefined) line += name.padEnd(width);
    }
    lines.push(line.trimEnd());
  }
  return lines.join("\n");
}

/** The help of a topic (Session, HeapySet, ...), for the variable name users type (`h`, `x`). */
export function docOf(topic: string, variable: string): Doc {
  const entry = docTexts()[topic];
  if (entry === undefined) throw new Error(`no documentation topic ${topic}`);
  const names = Object.keys(entry.members).sort();
  const entryOf = (key: string): DocEntry => {
    const named = (t: string): string => t.replaceAll("{v}", variable);
    return new DocEntry(key, named(entry.members[key]!), named(entry.texts[key]!), entry.references[key]!);
  };
  const text = `${entry.title} Available attributes:\n${columns(names)}\nUse eg: ${variable}.doc.<attribute> for info on <attribute>.`;
  return new Proxy({} as Doc, {
    get(_t, key) {
      if (key === "toString" || key === Symbol.toPrimitive) return () => text;
      if (key === "topic") return topic;
      if (typeof key === "string" && key in entry.members) return entryOf(key);
      return undefined;
    },
    has(_t, key) {
      return typeof key === "string" && key in entry.members;
    },
    ownKeys() {
      return names;
    },
    getOwnPropertyDescriptor(_t, key) {
      return typeof key === "string" && key in entry.members ? { enumerable: true, configurable: true, value: entryOf(key) } : undefined;
    },
  });
}
