import type { SessionOptions } from "./heapy/session/session.js";

/**
 * The session members that sit above the session's layer (Heapy's `h.pb()` and
 * `h.monitor()`), given to the sessions the package's `hpy()` makes. Loaded on first
 * use, so importing guppy does not load the profile browser's server.
 */
export const SESSION_TOOLS: Required<Pick<SessionOptions, "pb" | "monitor">> = {
  pb: async (files, options) => (await import("./pb/session-pb.js")).sessionProfileBrowser(files, options),
  monitor: async () => (await import("./cli/monitor.js")).monitorConsole(),
};
