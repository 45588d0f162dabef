/** Writing a snapshot of the running process, as the real-program shapes do once their work is done. */
import { renameSync } from "node:fs";
import { Session } from "node:inspector/promises";
import v8 from "node:v8";
import { cacheScriptPositions } from "../src/heapy/capture/script-positions.js";

/**
 * Writes a heap snapshot of this process to `out` (through a temp file, so a cut-short
 * run leaves no file the bench would take as made). The inspector's Debugger is enabled
 * and disabled first: on Node 20 a process that loaded a large script (typescript.js)
 * otherwise spends minutes in V8's Script::GetPositionInfo while writing.
 */
export async function writeSelfSnapshot(out: string): Promise<void> {
  const session = new Session();
  session.connect();
  try {
    await cacheScriptPositions((method) => session.post(method));
  } finally {
    session.disconnect();
  }
  renameSync(v8.writeHeapSnapshot(`${out}.tmp`), out);
}
