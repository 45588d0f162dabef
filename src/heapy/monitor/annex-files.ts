import { homedir } from "node:os";
import { join } from "node:path";

/** What an annex writes about itself for `guppy monitor` (a 0600 file; the token is the secret). */
export interface AnnexInfo {
  pid: number;
  port: number;
  token: string;
  /** The program's script name, for the listing. */
  program: string;
}

/** Where annexes announce themselves: GUPPY_MONITOR_DIR, or ~/.guppy/monitor. */
export function annexDir(): string {
  return process.env.GUPPY_MONITOR_DIR ?? join(homedir(), ".guppy", "monitor");
}
