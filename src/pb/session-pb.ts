import { canOpenBrowser } from "../doc.js";
import type { PbHandle, PbOptions } from "../heapy/session/session.js";
import { writeLauncher, type Launcher } from "./launcher.js";
import { startProfileBrowser } from "./server.js";

/**
 * Opens the profile browser's address in the web browser through a private launcher
 * file, so the token is on no command line; null when no browser could be started.
 */
export async function openInBrowser(address: string): Promise<Launcher | null> {
  const launcher = writeLauncher(address);
  try {
    const { default: open } = await import("open");
    await open(launcher.url);
    return launcher;
  } catch {
    launcher.remove();
    return null;
  }
}

/** Heapy's `h.pb(files)`: the profile browser served, and opened where a browser can be. */
export async function sessionProfileBrowser(files: readonly string[], options: PbOptions = {}): Promise<PbHandle> {
  const pb = await startProfileBrowser(files, { port: options.port ?? 0 });
  const launcher = (options.open ?? canOpenBrowser()) ? await openInBrowser(pb.url) : null;
  return {
    url: pb.url,
    opened: launcher !== null,
    close: async () => {
      launcher?.remove();
      await pb.close();
    },
    toString: () => `Guppy profile browser: ${pb.url}${launcher !== null ? " (opened in the web browser)" : ""}; close() stops it.`,
  };
}
