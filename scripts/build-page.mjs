// Bundles the profile browser's page (src/pb/page) with uPlot into dist/src/pb/page,
// beside the server that serves it: the package carries its page, no CDN.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
await build({
  entryPoints: [`${root}src/pb/page/app.ts`],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2022",
  outfile: `${root}dist/src/pb/page/app.js`,
  logLevel: "warning",
});
