/**
 * A real program's heap: the TypeScript compiler (typescript.js, the `typescript-js`
 * devDependency) type-checking this repository as `tsc --noEmit` would, its program
 * and checker kept alive while the snapshot is written.
 * Run as `node heap-typescript.js OUT.heapsnapshot`.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { projectRoot } from "../test/support/paths.js";
import { outArg } from "./args.js";
import { writeSelfSnapshot } from "./self-snapshot.js";

type Ts = typeof import("typescript-js");
const out = outArg("heap-typescript");
const ts = createRequire(import.meta.url)("typescript-js") as Ts;
const config = ts.getParsedCommandLineOfConfigFile(join(projectRoot(), "tsconfig.json"), { noEmit: true }, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  },
});
if (!config) throw new Error("tsconfig.json could not be read");
const program = ts.createProgram(config.fileNames, config.options);
const diagnostics = ts.getPreEmitDiagnostics(program);
(globalThis as Record<string, unknown>).typescriptWork = { program, checker: program.getTypeChecker(), diagnostics };
process.stderr.write(`type-checked ${config.fileNames.length} files (${diagnostics.length} diagnostics)\n`);
await writeSelfSnapshot(out);
