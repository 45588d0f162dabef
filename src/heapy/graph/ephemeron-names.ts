/**
 * Recognising V8's WeakMap ephemeron names ("<n> / part of key (K @id) -> value (V @id)
 * pair in WeakMap (table @id)") on the string table's raw bytes, over plain typed
 * arrays only, so that a worker thread can take part of the table while the main
 * thread takes the rest.
 */
import { latin1Bytes } from "../../bytes.js";
import { decodedText } from "../snapshot/string-table.js";
import { isDigit, sharedStart } from "./ephemeron-pairs.js";

// V8 names both edges to a WeakMap value "<n> / part of key (K @id) -> value (V @id) pair in WeakMap (table @id)".
// This is DevTools' definition; recognise() decides the same on raw bytes, faster, and
// leaves to it the names with escapes or non-ASCII bytes (rare).
export const EPHEMERON = /^\d+( \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$/;

const PART_OF_KEY = latin1Bytes(" / part of key (");
const TABLE = latin1Bytes(" pair in WeakMap (table @");
const ARROW = latin1Bytes(") -> value (");
const BACKSLASH = 0x5c;
const AT = 0x40;
const SPACE = 0x20;
const CLOSE = 0x29;

/** What the recognition reads and where it writes. */
export interface NameInput {
  /** The string table's raw bytes and offsets (string i is bytes[starts[i]] .. bytes[starts[i + 1]]). */
  bytes: Uint8Array;
  starts: Uint32Array;
  /** The strings to recognise: indices from..to-1 (the table has more when two threads share it). */
  from: number;
  to: number;
  /** Written: per string, 1 for an ephemeron name recognised on its bytes, 2 for one decided on its decoded text (escapes or non-ASCII), else 0. */
  isEphemeron: Uint8Array;
  /** Written: per ephemeron name, its table's V8 id. */
  tableId: Float64Array;
}

function matchesAt(bytes: Uint8Array, at: number, lit: Uint8Array): boolean {
  for (let k = 0; k < lit.length; k++) if (bytes[at + k] !== lit[k]) return false;
  return true;
}

/**
 * Decides EPHEMERON on the raw bytes [from, to) of a name. Returns the table id;
 * -1 when it does not match, or -2 when the bytes hold escapes or non-ASCII and the
 * regex must decide.
 */
function recognise(b: Uint8Array, from: number, to: number): number {
  const j = sharedStart(b, from, to);
  if (j === from || !matchesAt(b, j, PART_OF_KEY)) return -1;
  // Tail: " pair in WeakMap (table @" digits ")".
  if (b[to - 1] !== CLOSE) return -1;
  let d = to - 1;
  while (d > from && isDigit(b[d - 1])) d--;
  if (d === to - 1) return -1;
  const tableAt = d - TABLE.length;
  const midFrom = j + PART_OF_KEY.length;
  if (tableAt < midFrom || !matchesAt(b, tableAt, TABLE)) return -1;
  // Middle: X " @" digits ") -> value (" Y " @" digits ")", X and Y anything.
  const v = tableAt - 1;
  if (b[v] !== CLOSE) return -1;
  let vd = v;
  while (vd > midFrom && isDigit(b[vd - 1])) vd--;
  if (vd === v || vd - 2 < midFrom || b[vd - 1] !== AT || b[vd - 2] !== SPACE) return -1;
  const yEnd = vd - 2;
  // One pass over X ") -> value (" Y, all that the checks above left unread: reject
  // escapes and non-ASCII, find a valid arrow.
  let arrow = false;
  for (let k = midFrom; k < yEnd; k++) {
    const c = b[k]!;
    if (c === BACKSLASH || c >= 0x80) return -2;
    if (c === CLOSE && !arrow && k + ARROW.length <= yEnd && k > midFrom && matchesAt(b, k, ARROW)) {
      let kd = k;
      while (kd > midFrom && isDigit(b[kd - 1])) kd--;
      arrow = kd < k && kd - 2 >= midFrom && b[kd - 1] === AT && b[kd - 2] === SPACE;
    }
  }
  if (!arrow) return -1;
  let id = 0;
  for (let k = d; k < to - 1; k++) id = id * 10 + (b[k]! - 0x30);
  return id;
}

/** Marks every string of the range that is an ephemeron name (see NameInput). */
export function recogniseEphemeronNames(input: NameInput, onProgress?: () => void): void {
  const { bytes, starts, isEphemeron, tableId } = input;
  for (let s = input.from; s < input.to; s++) {
    if (onProgress !== undefined && (s & 0xffff) === 0) onProgress();
    const from = starts[s]!;
    const to = starts[s + 1]!;
    if (from === to || !isDigit(bytes[from])) continue;
    const id = recognise(bytes, from, to);
    if (id >= 0) {
      isEphemeron[s] = 1;
      tableId[s] = id;
    } else if (id === -2) {
      // Decided here, not by the caller after: a worker marking the retaining edges reads these arrays as soon as this is done.
      const m = EPHEMERON.exec(decodedText(bytes.subarray(from, to)));
      if (m === null) continue;
      isEphemeron[s] = 2;
      tableId[s] = Number(m[2]);
    }
  }
}
