/**
 * A real program's heap: Rollup bundling Guppy's own compiled library
 * (dist/src/index.js and every module it imports; packages left external), its
 * bundle (with every module's AST in its cache) and output kept alive while the
 * snapshot is written. Run as `node heap-bundler.js OUT.heapsnapshot`.
 */
import { join } from "node:path";
import { rollup } from "rollup";
import { projectRoot } from "../test/support/paths.js";
import { outArg } from "./args.js";
import { writeSelfSnapshot } from "./self-snapshot.js";

const out = outArg("heap-bundler");
const bundle = await rollup({
  input: join(projectRoot(), "dist", "src", "index.js"),
  // Relative imports are bundled; packages and node: builtins stay imports.
  external: (id, importer) => importer !== undefined && !id.startsWith(".") && !id.startsWith("/"),
  onwarn: () => {},
});
const { output } = await bundle.generate({ format: "es", sourcemap: true });
(globalThis as Record<string, unknown>).bundlerWork = { bundle, output };
process.stderr.write(`bundled ${bundle.watchFiles.length} modules into ${output.length} chunks\n`);
await writeSelfSnapshot(out);
