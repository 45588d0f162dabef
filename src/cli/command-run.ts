import type { GraphFiles } from "../heapy/session/graph-files.js";
import type { Session } from "../heapy/session/session.js";
import { createProgress } from "./progress.js";

/**
 * One run of the guppy command: its exit code beyond success, and the sessions its
 * command opened, whose snapshot caches are written when the command is done (so
 * the next command on the same file starts from the arrays this one computed).
 */
export class CommandRun {
  /** 1 when a command that asserts found what it asserts against (leaks, waste, growth). */
  code = 0;
  private readonly sessions: Session[] = [];
  private readonly files: GraphFiles[] = [];

  /** A new session for the command, remembered for finish(). (Loaded here, on use: a command that needs none starts faster.) */
  async session(): Promise<Session> {
    const { hpy } = await import("../heapy/session/session.js");
    const h = hpy();
    this.sessions.push(h);
    return h;
  }

  /** The snapshot files for a command that needs graphs and no Heapy sets: it loads far fewer modules than a session. */
  async graphs(): Promise<GraphFiles> {
    const { GraphFiles } = await import("../heapy/session/graph-files.js");
    const files = new GraphFiles();
    this.files.push(files);
    return files;
  }

  /** Writes the caches of every snapshot the command loaded, with a note on a TTY (never on stdout). */
  async finish(quiet: boolean): Promise<void> {
    const progress = createProgress(!quiet);
    try {
      // Said only when a cache is written: most commands on a cached file write none.
      const writing = (): void => progress.stage("Writing the snapshot cache for next time…");
      for (const files of this.files) await files.saveCaches(writing);
      for (const h of this.sessions) {
        await h.saveCaches(writing);
        h.close();
      }
    } finally {
      progress.done();
    }
  }
}
