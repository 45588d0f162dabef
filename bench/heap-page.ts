/**
 * A real program's heap: a Chromium page (headless, /usr/bin/chromium) in which React
 * (the registry's, bundled now by esbuild as a production build) renders a large list
 * (bench/react-list.jsx). Run as `node heap-page.js OUT.heapsnapshot`.
 */
import { join } from "node:path";
import { chromiumMissing, writePageSnapshot } from "../test/support/chromium.js";
import { projectRoot } from "../test/support/paths.js";
import { reactBundle } from "../test/support/web-pages.js";
import { outArg } from "./args.js";

const out = outArg("heap-page");
const missing = chromiumMissing();
if (missing !== null) throw new Error(missing);
const bundle = await reactBundle(join(projectRoot(), "bench", "react-list.jsx"));
// The bundle's value is undefined; the page script's last expression says it rendered.
await writePageSnapshot(`${bundle}\ndocument.querySelectorAll("li").length`, out);
