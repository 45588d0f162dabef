import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** A private file that sends a browser on to the profile browser's address. */
export interface Launcher {
  /** The file's file: URL, which carries no secret: this is what goes on a command line. */
  url: string;
  /** Removes the file and its folder. */
  remove(): void;
}

/**
 * Writes a page that redirects to `address` (token in its fragment) into a new folder
 * only this user can read. `guppy pb --open` hands the browser this file instead of the
 * address, because a browser's (and xdg-open's) command line is visible to every user in ps.
 */
export function writeLauncher(address: string): Launcher {
  const dir = mkdtempSync(join(tmpdir(), "guppy-pb-"));
  const file = join(dir, "open.html");
  const attr = address.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${attr}">
<title>Guppy profile browser</title>
</head>
<body><p><a href="${attr}">Open the Guppy profile browser</a></p></body>
</html>
`;
  writeFileSync(file, html, { mode: 0o600, flag: "wx" });
  return { url: pathToFileURL(file).href, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
