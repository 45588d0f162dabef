import { readFileSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";

/** Scripts larger than this are not read: no real script is, and a hostile path must not exhaust memory. */
const MAX_SCRIPT_BYTES = 64 * 1024 * 1024;

/** The local file a script URL names (file: URLs and absolute paths), or null for anything else (http:, node:, eval). */
export function localPath(url: string): string | null {
  try {
    if (url.startsWith("file:")) return fileURLToPath(url);
  } catch {
    return null;
  }
  return isAbsolute(url) ? url : null;
}

/**
 * The text of scripts a snapshot names, read from disk on first use and kept by the
 * caller's instance (snapshots store at most 1024 characters of a script's source).
 * A script that is gone, unreadable or too large reads as null: the caller reports
 * less, never fails.
 */
export class ScriptFiles {
  private readonly texts = new Map<string, string | null>();

  /** The text of the file at `path`, or null. */
  read(path: string): string | null {
    let text = this.texts.get(path);
    if (text === undefined) {
      text = null;
      try {
        if (statSync(path).size <= MAX_SCRIPT_BYTES) text = readFileSync(path, "utf8");
      } catch {
        text = null;
      }
      this.texts.set(path, text);
    }
    return text;
  }

  /** The source of the script with this URL, or null when it is not a readable local file. */
  source(url: string): string | null {
    const path = localPath(url);
    return path === null ? null : this.read(path);
  }
}
