import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { basename } from "node:path";

/** What a check of a process found: true, false, or null when this system cannot tell. */
export type Verdict = boolean | null;

/** Executable names a Node process runs under (node, nodejs, node22...). */
const NODE_NAME = /^(node|nodejs)(\d+(\.\d+)*)?(\.exe)?$/;

/**
 * Whether `pid` runs Node, by its executable (/proc/PID/exe on Linux, `ps` elsewhere).
 * Guppy must not send SIGUSR1 to anything else: for most programs its default action is
 * to end them.
 */
export function isNodeProcess(pid: number): Verdict {
  if (existsSync("/proc/self/exe")) {
    try {
      return NODE_NAME.test(basename(readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, "")));
    } catch (e) {
      // Another user's process: its executable cannot be read, and it cannot be signalled either.
      const code = (e as NodeJS.ErrnoException).code;
      return code === "ENOENT" ? false : null;
    }
  }
  try {
    const comm = execFileSync("ps", ["-o", "comm=", "-p", String(pid)], { encoding: "utf8", timeout: 5000 }).trim();
    return comm === "" ? false : NODE_NAME.test(basename(comm));
  } catch {
    return null;
  }
}

/** The inode of the socket listening on 127.0.0.1:`port`, from /proc/net/tcp; null when none (or no /proc). */
function listeningInode(port: number): string | null {
  let table: string;
  try {
    table = readFileSync("/proc/net/tcp", "utf8");
  } catch {
    return null;
  }
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  for (const line of table.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    // Fields: sl, local_address, rem_address, st (0A = LISTEN), ..., inode is the tenth.
    if (f[1] === local && f[3] === "0A") return f[9] ?? null;
  }
  return null;
}

/**
 * Whether the socket listening on 127.0.0.1:`port` belongs to process `pid`: its inode
 * is one of the process's open file descriptors. null when this system has no /proc, or
 * nothing listens there.
 */
export function listenerBelongsTo(port: number, pid: number): Verdict {
  const inode = listeningInode(port);
  if (inode === null) return null;
  const link = `socket:[${inode}]`;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === link) return true;
    } catch {
      // Closed meanwhile.
    }
  }
  return false;
}
