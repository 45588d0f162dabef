/**
 * The one error type Guppy throws for bad input. Its `code` is stable (scripts and
 * tests match on it); its message is one sentence that never quotes heap contents,
 * because snapshots hold secrets.
 */
export type GuppyErrorCode =
  | "FILE_NOT_FOUND"
  | "FILE_UNREADABLE"
  | "EMPTY_FILE"
  | "GZIP_CORRUPT"
  | "INVALID_JSON"
  | "WRONG_FORMAT"
  | "BAD_META"
  | "TRUNCATED"
  | "COUNT_MISMATCH"
  | "EDGE_OUT_OF_RANGE"
  | "STRING_OUT_OF_RANGE"
  | "TYPE_OUT_OF_RANGE"
  | "BAD_SPEC"
  | "TOO_LARGE"
  | "SNAPSHOT_FAILED"
  | "BAD_STAT_FILE"
  | "BROWSER_FAILED"
  | "PAGE_FAILED"
  | "STEP_FAILED"
  | "BAD_DATASET"
  | "BAD_QUERY"
  | "EXPORT_FAILED"
  | "DIR_NOT_EMPTY"
  | "CACHE_DAMAGED"
  | "USAGE";

export interface GuppyErrorDetails {
  /** The file the error is about, when there is one. */
  file?: string;
  /** Byte offset in the (decompressed) input where the problem was found. */
  offset?: number;
  /** For text files (specifications): 1-based line and column. */
  line?: number;
  column?: number;
}

export class GuppyError extends Error {
  readonly code: GuppyErrorCode;
  readonly file: string | undefined;
  readonly offset: number | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(code: GuppyErrorCode, message: string, details: GuppyErrorDetails = {}) {
    super(message);
    this.name = "GuppyError";
    this.code = code;
    this.file = details.file;
    this.offset = details.offset;
    this.line = details.line;
    this.column = details.column;
  }

  /** The one line the CLI prints: code, where, and the sentence. */
  describe(): string {
    const where =
      this.file === undefined
        ? ""
        : this.line !== undefined
          ? ` ${this.file}:${this.line}:${this.column ?? 1}:`
          : this.offset === undefined
            ? ` ${this.file}:`
            : ` ${this.file} at byte ${this.offset}:`;
    return `guppy: ${this.code}${where} ${this.message}`;
  }
}

export function isGuppyError(e: unknown): e is GuppyError {
  return e instanceof GuppyError;
}
