/**
 * Makes V8 compute the line ends of every script before a heap snapshot. The
 * snapshot records each function's line and column; for a script whose line ends
 * were never computed (a large bundle such as typescript.js, never debugged) V8's
 * Script::GetPositionInfo scans the source anew for every function, and a snapshot
 * of a process that has loaded TypeScript took minutes. Enabling the Debugger once
 * computes and caches the line ends of all scripts; disabling it right after
 * leaves the program as it was. Done before every snapshot, for scripts loaded since.
 */
export async function cacheScriptPositions(post: (method: string) => Promise<unknown>): Promise<void> {
  await post("Debugger.enable");
  await post("Debugger.disable");
}
