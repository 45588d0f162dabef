import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";
import { projectRoot } from "./paths.js";

/** The test pages and scenarios of guppy run (test/fixtures/web). */
export const WEB = join(projectRoot(), "test", "fixtures", "web");

/** A page's script from a JSX entry: React and ReactDOM from the registry, built now as a production bundle (names kept). */
export async function reactBundle(entry = join(WEB, "react-app.jsx")): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "iife",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  return out.outputFiles[0]!.text;
}

const REACT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Orders (React)</title></head>
<body><div id="root"></div><script src="/react-app.js"></script></body></html>`;

/** The pages served from 127.0.0.1: /plain.html (no framework) and /react.html; `?leak` plants the leaks. */
export interface WebPages {
  origin: string;
  close(): Promise<void>;
}

export async function serveWebPages(): Promise<WebPages> {
  const files: Record<string, [string, string]> = {
    "/plain.html": ["text/html", readFileSync(join(WEB, "plain.html"), "utf8")],
    "/react.html": ["text/html", REACT_HTML],
    "/react-app.js": ["text/javascript", await reactBundle()],
  };
  const server: Server = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://x").pathname];
    if (!file) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": file[0] }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
