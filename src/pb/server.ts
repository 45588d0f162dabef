import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { GuppyError } from "../errors.js";
import { newToken, tokenChecker } from "../token.js";
import { hpy } from "../heapy/session/session.js";
import { Explorer, type PartitionSort, type Step } from "./explorer.js";

/** The running profile browser. */
export interface ProfileBrowser {
  /** The page's address, the token in its fragment (which browsers never send to a server): the only way in. */
  url: string;
  port: number;
  token: string;
  explorer: Explorer;
  close(): Promise<void>;
}

export interface ProfileBrowserOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The snapshot cache folder for the session (see Session); default as hpy(). */
  cacheDir?: string | null;
}

/** The page's static files, built by scripts/build-page.mjs beside this module. */
const ASSETS: Record<string, { file: string; type: string }> = {
  "/assets/app.js": { file: "page/app.js", type: "text/javascript; charset=utf-8" },
  "/assets/app.css": { file: "page/app.css", type: "text/css; charset=utf-8" },
};

const SECURITY_HEADERS = {
  "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
  "X-Content-Type-Options": "nosniff",
  // A token may be in the URL (?token=): never send it on as a referrer.
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
  "X-Frame-Options": "DENY",
};

/**
 * The page's shell holds no data and no token: the script takes the token from the
 * address's fragment, so it can be served to anyone who reaches the port.
 */
function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Guppy profile browser</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header><h1>Guppy</h1><nav id="files" aria-label="Files"></nav></header>
<main id="view"><p class="note">Loading…</p></main>
<script src="/assets/app.js"></script>
</body>
</html>
`;
}

/** Hosts a page of ours is addressed by; anything else is a DNS-rebinding attempt. */
function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), ...SECURITY_HEADERS });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(value));
}

/** A whole number from the query, within bounds. */
function intParam(q: URLSearchParams, name: string, fallback: number | undefined, max = 2 ** 31): number {
  const raw = q.get(name);
  if (raw === null || raw === "") {
    if (fallback === undefined) throw new GuppyError("USAGE", `The request needs '${name}'.`);
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new GuppyError("USAGE", `'${name}' must be a whole number from 0 to ${max}.`);
  return n;
}

function stepsParam(q: URLSearchParams): Step[] {
  const raw = q.get("steps");
  if (raw === null || raw === "") return [];
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new GuppyError("USAGE", "'steps' must be JSON.");
  }
  if (!Array.isArray(v) || v.length > 32 || !v.every((s) => typeof s === "object" && s !== null && typeof (s as Step).by === "string" && typeof (s as Step).kind === "string")) {
    throw new GuppyError("USAGE", "'steps' must be a list of {by, kind}.");
  }
  return v as Step[];
}

/** `sort=<column>` (largest first; `&dir=asc` for smallest first); none keeps the table's own order. */
function sortParam(q: URLSearchParams): PartitionSort | null {
  const key = q.get("sort");
  if (key === null || key === "") return null;
  return { key, descending: q.get("dir") !== "asc" };
}

function optionalInt(q: URLSearchParams, name: string): number | undefined {
  return q.get(name) === null || q.get(name) === "" ? undefined : intParam(q, name, undefined);
}

/**
 * `guppy pb`: the profile browser and snapshot explorer, served on 127.0.0.1 only.
 * Every request must carry a Host header naming this server; every API request must
 * also carry the random token (the X-Guppy-Token header, or ?token=). Only the page's
 * shell and its static assets, which hold no data, are served without it. The page can
 * reach only the files given here, by number.
 */
export async function startProfileBrowser(files: readonly string[], options: ProfileBrowserOptions = {}): Promise<ProfileBrowser> {
  if (files.length === 0) throw new GuppyError("USAGE", "Give the profile browser at least one stat file or snapshot.");
  const wanted = options.port ?? 0;
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) throw new GuppyError("USAGE", "The port must be a whole number from 0 to 65535.");
  const session = hpy(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir });
  const explorer = new Explorer(files, session);
  const token = newToken();
  const here = fileURLToPath(new URL(".", import.meta.url));
  const tokenOk = tokenChecker(token);
  let port = 0;

  const api = async (path: string, q: URLSearchParams): Promise<unknown> => {
    switch (path) {
      case "/api/files":
        return { files: explorer.files(), classifiers: explorer.classifiers() };
      case "/api/stat/series":
        return explorer.statSeries(intParam(q, "file", undefined), q.get("metric") === "count" ? "count" : "size");
      case "/api/stat/record":
        return explorer.statRecord(intParam(q, "file", undefined), intParam(q, "i", undefined));
      case "/api/snap/partition":
        return explorer.partition(intParam(q, "file", undefined), stepsParam(q), q.get("by") || "clodo", intParam(q, "offset", 0), intParam(q, "limit", 100, 10_000), optionalInt(q, "minus"), q.get("filter") ?? "", sortParam(q), q.get("retained") !== "0");
      case "/api/snap/paths":
        return explorer.paths(intParam(q, "file", undefined), stepsParam(q), intParam(q, "limit", 10, 1000), optionalInt(q, "minus"));
      case "/api/snap/pattern":
        return explorer.pattern(intParam(q, "file", undefined), stepsParam(q), optionalInt(q, "minus"));
      case "/api/snap/object":
        return explorer.object(intParam(q, "file", undefined), intParam(q, "id", undefined, 2 ** 32 - 1), intParam(q, "offset", 0), intParam(q, "limit", 100, 1000));
      case "/api/snap/retainers":
        return explorer.retainers(intParam(q, "file", undefined), intParam(q, "id", undefined, 2 ** 32 - 1), intParam(q, "offset", 0), intParam(q, "limit", 100, 1000));
      case "/api/snap/value":
        return explorer.value(intParam(q, "file", undefined), intParam(q, "id", undefined, 2 ** 32 - 1));
      case "/api/snap/compare":
        return explorer.compare(intParam(q, "file", undefined), intParam(q, "base", undefined), intParam(q, "offset", 0), intParam(q, "limit", 100, 10_000), q.get("filter") ?? "", sortParam(q));
      case "/api/snap/dominated":
        return explorer.dominated(intParam(q, "file", undefined), stepsParam(q), optionalInt(q, "minus"));
      default:
        return undefined;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req.headers.host, port)) return send(res, 403, "text/plain; charset=utf-8", "Forbidden: this server answers only to 127.0.0.1 and localhost.\n");
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
    if (req.method !== "GET") return send(res, 405, "text/plain; charset=utf-8", "Only GET.\n");
    if (url.pathname === "/") return send(res, 200, "text/html; charset=utf-8", page());
    const asset = ASSETS[url.pathname];
    if (asset !== undefined) return send(res, 200, asset.type, readFileSync(here + asset.file));
    if (!tokenOk(url.searchParams.get("token") ?? req.headers["x-guppy-token"])) {
      return send(res, 401, "text/plain; charset=utf-8", "Unauthorized: open the address guppy pb printed (it carries the token).\n");
    }
    if (!url.pathname.startsWith("/api/")) return send(res, 404, "text/plain; charset=utf-8", "Not found.\n");
    try {
      const answer = await api(url.pathname, url.searchParams);
      if (answer === undefined) return json(res, 404, { error: "No such request." });
      json(res, 200, answer);
    } catch (e) {
      if (e instanceof GuppyError) return json(res, e.code === "USAGE" ? 400 : 422, { error: e.message, code: e.code });
      json(res, 500, { error: "internal error" });
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { error: "internal error" });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(new GuppyError("USAGE", `The profile browser cannot listen on port ${wanted} (${(e as NodeJS.ErrnoException).code}).`)));
    server.listen(wanted, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    explorer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        session.close();
      }),
  };
}
