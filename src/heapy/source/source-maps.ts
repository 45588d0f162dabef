import { SourceMap } from "node:module";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { latin1Bytes, utf8Text } from "../../bytes.js";
import { localPath, ScriptFiles } from "./script-files.js";

/** A position in a script: 1-based line and column, as V8's allocation traces give them. */
export interface SourcePosition {
  script: string;
  line: number;
  column: number;
}

/** What a script's source map resolves against: the map and the folder its `sources` are relative to. */
interface LoadedMap {
  map: SourceMap;
  base: string;
  sourceRoot: string;
}

/** Whether a reference is a URL with a scheme (http:, file:, data:) rather than a relative path. */
function hasScheme(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(ref);
}

/** The last `sourceMappingURL` comment of a script, as V8 and browsers read it. */
function mappingUrl(text: string): string | null {
  // Searched from the end of the whole text: an inline map can be far longer than any tail.
  const at = Math.max(text.lastIndexOf("# sourceMappingURL="), text.lastIndexOf("@ sourceMappingURL="));
  if (at < 2 || !/\/[/*]\s*$/.test(text.slice(Math.max(0, at - 4), at))) return null;
  const found = /^[^\s'"*]+/.exec(text.slice(at + 19));
  return found ? found[0] : null;
}

/**
 * Positions of scripts mapped back to their sources through source maps (a
 * `//# sourceMappingURL=` comment naming a file beside the script or an inline
 * `data:` URL). Maps are loaded on first use and kept by this instance; a script
 * without a usable map keeps its own position.
 */
export class SourceMaps {
  private readonly maps = new Map<string, LoadedMap | null>();

  constructor(private readonly files = new ScriptFiles()) {}

  /** The original position of `pos`, or `pos` itself when no map covers it. */
  original(pos: SourcePosition): SourcePosition {
    const loaded = this.mapOf(pos.script);
    if (loaded === null || pos.line < 1) return pos;
    const entry = loaded.map.findEntry(pos.line - 1, Math.max(0, pos.column - 1)) as {
      generatedLine?: number;
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    // findEntry answers with the nearest earlier mapping, possibly of another line.
    if (entry.originalSource === undefined || entry.generatedLine !== pos.line - 1) return pos;
    const source = entry.originalSource;
    let script = source;
    if (!hasScheme(source)) {
      const path = isAbsolute(source) ? source : resolve(loaded.base, loaded.sourceRoot, source);
      script = pos.script.startsWith("file:") ? pathToFileURL(path).href : path;
    }
    return { script, line: entry.originalLine! + 1, column: entry.originalColumn! + 1 };
  }

  private mapOf(script: string): LoadedMap | null {
    let loaded = this.maps.get(script);
    if (loaded === undefined) {
      try {
        loaded = this.load(script);
      } catch {
        // A corrupt map or data: URL is ignored: positions stay as V8 recorded them.
        loaded = null;
      }
      this.maps.set(script, loaded);
    }
    return loaded;
  }

  private load(script: string): LoadedMap | null {
    const path = localPath(script);
    const text = path === null ? null : this.files.read(path);
    const url = text === null ? null : mappingUrl(text);
    if (path === null || url === null) return null;
    let json: string | null;
    let base = dirname(path);
    if (url.startsWith("data:")) {
      const comma = url.indexOf(",");
      const meta = url.slice(5, comma);
      json = comma < 0 ? null : meta.endsWith(";base64") ? utf8Text(latin1Bytes(atob(url.slice(comma + 1)))) : decodeURIComponent(url.slice(comma + 1));
    } else {
      let mapPath: string | null;
      try {
        mapPath = url.startsWith("file:") ? fileURLToPath(url) : hasScheme(url) ? null : resolve(base, decodeURIComponent(url));
      } catch {
        mapPath = null;
      }
      if (mapPath === null) return null;
      json = this.files.read(mapPath);
      base = dirname(mapPath);
    }
    try {
      const payload = JSON.parse(json ?? "null") as { version?: unknown; sources?: unknown; mappings?: unknown; sourceRoot?: unknown } | null;
      if (payload === null || payload.version !== 3 || !Array.isArray(payload.sources) || typeof payload.mappings !== "string") return null;
      const sourceRoot = typeof payload.sourceRoot === "string" && !hasScheme(payload.sourceRoot) ? payload.sourceRoot : "";
      return { map: new SourceMap(payload as ConstructorParameters<typeof SourceMap>[0]), base, sourceRoot };
    } catch {
      return null;
    }
  }
}
