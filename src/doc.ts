import { docTexts } from "./docs.js";

/**
 * One member's help text, with its numbered references to the documentation
 * (`h.doc.heap[0]` is the page that describes it); prints as the text and the references.
 */
export class DocEntry {
  readonly 0: string;
  constructor(readonly name: string, readonly text: string, page: string) {
    this[0] = page;
  }
  toString(): string {
    return `${this.text}\n[0] ${this[0]}`;
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
  const line = (key: string): string => entry.members[key]!.replaceAll("{v}", variable);
  const text = `${entry.title} Available attributes:\n${columns(names)}\nUse eg: ${variable}.doc.<attribute> for info on <attribute>.`;
  return new Proxy({} as Doc, {
    get(_t, key) {
      if (key === "toString" || key === Symbol.toPrimitive) return () => text;
      if (key === "topic") return topic;
      if (typeof key === "string" && key in entry.members) return new DocEntry(key, line(key), entry.anchors[key]!);
      return undefined;
    },
    has(_t, key) {
      return typeof key === "string" && key in entry.members;
    },
    ownKeys() {
      return names;
    },
    getOwnPropertyDescriptor(_t, key) {
      return typeof key === "string" && key in entry.members ? { enumerable: true, configurable: true, value: new DocEntry(key, line(key), entry.anchors[key]!) } : undefined;
    },
  });
}
