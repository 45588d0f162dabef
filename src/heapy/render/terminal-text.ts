/**
 * Heap-derived text (class names, property names, script URLs) as it may safely reach
 * a terminal: control characters (C0, DEL, C1 — so ESC sequences never take effect,
 * and a name cannot break a table's lines) and the Unicode bidirectional overrides
 * (which reorder what is shown) become visible escapes: \x1b, \n, \u202e.
 * Printable text, including any other Unicode, is unchanged.
 */
export function terminalText(s: string): string {
  return UNSAFE.test(s) ? s.replace(UNSAFE_ALL, escapeOne) : s;
}

const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "g");
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
}
