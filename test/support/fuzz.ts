import { gzipSync } from "node:zlib";
import { prng, randomHeap, synthSnapshot, type SynthNode } from "./synthetic.js";

/**
 * Mutants of small snapshots for the fuzz suite: each is the bytes of a file and a
 * label saying how it was made (so a failure can be replayed from its seed and index).
 */
export interface Mutant {
  label: string;
  bytes: Buffer;
}

/** The base snapshots: random V8-shaped heaps, one with hostile names. */
export function fuzzBases(seed: number): string[] {
  const hostile: SynthNode[] = [
    { type: "synthetic", name: "", size: 0, edges: [{ type: "shortcut", name: "1", to: 1 }] },
    { type: "object", name: "Window", size: 10, edges: [{ type: "property", name: "k\x1b[2J\u202e\"\\", to: 2 }, { type: "property", name: "s", to: 3 }] },
    { type: "object", name: "Evil\x1b]0;x\x07\n", size: 100, edges: [{ type: "weak", name: "w", to: 1 }] },
    { type: "string", name: "a secret \u00e9\ud83d\ude00", size: 24, edges: [] },
  ];
  return [synthSnapshot(randomHeap(seed, 40)), synthSnapshot(randomHeap(seed + 1, 12)), synthSnapshot(hostile)];
}

/** Offsets of every number token in the text (for the "huge numbers" mutations). */
function numberSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const m of text.matchAll(/\d+/g)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

const SECTIONS = ['"snapshot"', '"meta"', '"node_fields"', '"node_types"', '"edge_fields"', '"edge_types"', '"node_count"', '"edge_count"', '"nodes"', '"edges"', '"strings"', '"trace_tree"', '"samples"', '"locations"'];
const HUGE = ["4294967295", "4294967296", "4294967303", "4294967303 ", "18446744073709551623", "9".repeat(40), "-1", "1e3", "0.5", "00", "2147483648"];
const BAD_UTF8 = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80]];
const BAD_ESCAPES = ["\\q", "\\x41", "\\u12", "\\", "\\u00", "\\ud800"];

/** `count` mutants of the bases, deterministically from `seed`. */
export function mutants(seed: number, count: number): Mutant[] {
  const rnd = prng(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bases = fuzzBases(seed);
  const out: Mutant[] = [];
  for (let i = 0; i < count; i++) {
    const b = int(bases.length);
    const text = bases[b]!;
    const bytes = Buffer.from(text);
    let label: string;
    let m: Buffer;
    switch (int(9)) {
      case 0: {
        // Truncation: anywhere, or just around a section key.
        const key = pick(SECTIONS);
        const at = rnd() < 0.5 ? int(bytes.length) : Math.max(0, text.indexOf(key) + int(key.length + 4) - 2);
        m = bytes.subarray(0, at);
        label = `truncate at ${at}`;
        break;
      }
      case 1: {
        m = Buffer.from(bytes);
        const flips = 1 + int(3);
        const where: number[] = [];
        for (let k = 0; k < flips; k++) {
          const at = int(m.length);
          m[at] = rnd() < 0.5 ? m[at]! ^ (1 << int(8)) : int(256);
          where.push(at);
        }
        label = `flip bytes ${where.join(",")}`;
        break;
      }
      case 2: {
        // Header tampering: counts, field names, types, structure.
        const edits: [string | RegExp, string][] = [
          [/"node_count":\d+/, `"node_count":${pick(["0", "1", "2", "99999999", "4294967296", "-3", "1.5", '"7"', "null"])}`],
          [/"edge_count":\d+/, `"edge_count":${pick(["0", "1", "1000000000", "4294967295", "-1", "[]"])}`],
          ['"node_fields":[', '"node_fields":["extra",'],
          ['"name","id"', '"id","name"'],
          ['"to_node"', '"to_nodes"'],
          ['"node_types":[[', '"node_types":[["object",'],
          ['"string","number"', '"number","string"'],
          ['"meta":{', `"meta":${"[".repeat(int(2000))}{`],
          ['"snapshot":{', '"snapshot":{"root_index":' + pick(["1", "-7", "700", "1e9"]) + ","],
          ['"edges":[', '"nodes":[0,0,0,0,0,0,0],"edges":['],
          ['"strings":[', '"strings":"x","strings2":['],
        ];
        const [from, to] = pick(edits);
        m = Buffer.from(text.replace(from, to));
        label = `header ${String(from)} -> ${to.slice(0, 40)}`;
        break;
      }
      case 3: {
        const spans = numberSpans(text);
        const [s, e] = pick(spans);
        const v = pick(HUGE);
        m = Buffer.from(text.slice(0, s) + v + text.slice(e));
        label = `number at ${s} -> ${v}`;
        break;
      }
      case 4: {
        // Invalid UTF-8 inside the strings section.
        const from = text.indexOf('"strings":[') + 12;
        const at = from + int(text.length - from - 2);
        const seq = pick(BAD_UTF8);
        m = Buffer.concat([bytes.subarray(0, at), Buffer.from(seq), bytes.subarray(at)]);
        label = `bad utf-8 ${seq.join(",")} at ${at}`;
        break;
      }
      case 5: {
        const from = text.indexOf('"strings":[') + 12;
        const quotes = [...text.slice(from).matchAll(/"/g)].map((q) => from + q.index);
        const at = pick(quotes);
        const esc = pick(BAD_ESCAPES);
        m = Buffer.from(text.slice(0, at) + esc + text.slice(at));
        label = `escape ${esc} at ${at}`;
        break;
      }
      case 6: {
        // A section duplicated, dropped, or moved.
        const key = pick(['"nodes"', '"edges"', '"strings"', '"samples"']);
        const s = text.indexOf(key);
        const e = text.indexOf("]", s) + 1;
        const section = text.slice(s, e);
        const how = int(3);
        m = Buffer.from(how === 0 ? text.replace(section, `${section},${section}`) : how === 1 ? text.replace(`${section},`, "") : text.replace(`${section},`, "").replace('"snapshot":', `${section},"snapshot":`));
        label = `section ${key} ${["twice", "dropped", "moved first"][how]}`;
        break;
      }
      case 7: {
        // Gzip: intact, cut short, or flipped.
        const gz = gzipSync(bytes);
        const how = int(3);
        if (how === 1) m = gz.subarray(0, int(gz.length));
        else if (how === 2) {
          m = Buffer.from(gz);
          const at = int(m.length);
          m[at] = m[at]! ^ (1 << int(8));
        } else m = gz;
        label = `gzip ${["intact", "cut", "flipped"][how]}`;
        break;
      }
      default: {
        // Whitespace and garbage inserted between tokens.
        const at = int(bytes.length);
        const junk = pick([" ", "\n\t ", ",", "]", "}", "{", "[", '"', ":", "\u0000"]);
        m = Buffer.concat([bytes.subarray(0, at), Buffer.from(junk), bytes.subarray(at)]);
        label = `insert ${JSON.stringify(junk)} at ${at}`;
      }
    }
    out.push({ label: `#${i} base ${b}: ${label}`, bytes: m });
  }
  return out;
}
