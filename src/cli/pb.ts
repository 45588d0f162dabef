import { openInBrowser } from "../pb/session-pb.js";
import { startProfileBrowser } from "../pb/server.js";

/**
 * `guppy pb FILE...`: serves the profile browser on 127.0.0.1 and prints its address
 * (with the token); runs until Ctrl-C. With --open the browser is given a private file
 * that redirects to the address, so the token is on no command line.
 */
export async function pbCommand(files: string[], opts: { port: number; open: boolean }): Promise<void> {
  const pb = await startProfileBrowser(files, { port: opts.port });
  process.stdout.write(`Guppy profile browser: ${pb.url}\n(only this address opens it: it carries the access token; Ctrl-C stops)\n`);
  const launcher = opts.open ? await openInBrowser(pb.url) : null;
  if (opts.open && launcher === null) process.stderr.write("guppy: could not open a browser; open the address above.\n");
  try {
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  } finally {
    launcher?.remove();
    await pb.close();
  }
}
