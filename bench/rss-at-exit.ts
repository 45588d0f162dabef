/**
 * Preloaded into every bench child (`node --import rss-at-exit.js …`): at exit, writes
 * the process's peak RSS (KiB, getrusage's ru_maxrss, worker threads included) to the
 * file named by GUPPY_BENCH_RSS_FILE, as /usr/bin/time would report it, with nothing
 * to install.
 */
import { writeFileSync } from "node:fs";

const file = process.env.GUPPY_BENCH_RSS_FILE;
if (file) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
