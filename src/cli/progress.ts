import { createRequire } from "node:module";
import type cliProgressModule from "cli-progress";

// Loaded when a bar is first shown: a pipe or --json shows none, and the module's loading is then saved.
const require = createRequire(import.meta.url);

/** Progress shown on a TTY and nowhere else (not in pipes, not with --json). */
export interface Progress {
  /** Bytes of the file read so far: a bar with the rate and the time left. */
  reading(read: number, total: number): void;
  /** A computation's share done (0..1), under a label: a bar with the time left. */
  computing(label: string, done: number): void;
  /** A stage without a measure, shown as a status line. */
  stage(text: string): void;
  done(): void;
}

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) return { reading() {}, computing() {}, stage() {}, done() {} };
  const cliProgress = require("cli-progress") as typeof cliProgressModule;
  let bar: cliProgressModule.SingleBar | null = null;
  let barLabel = "";
  let status = false;
  let started = 0;
  const newBar = (label: string, format: string, total: number): cliProgressModule.SingleBar => {
    bar?.stop();
    clearStatus();
    const b = new cliProgress.SingleBar({ stream, format: `${label} ${format}`, hideCursor: true, clearOnComplete: true, etaBuffer: 20 }, cliProgress.Presets.shades_classic);
    b.start(total, 0, { rate: "0.0" });
    barLabel = label;
    started = Date.now();
    return b;
  };
  const clearStatus = (): void => {
    if (status) {
      stream.write("\r\x1b[2K");
      status = false;
    }
  };
  return {
    reading(read, total) {
      if (total <= 0) return; // a live stream of unknown size: the stage line says what is happening
      if (bar === null || barLabel !== "Reading") bar = newBar("Reading", "{bar} {percentage}% | {value}/{total} MiB | {rate} MiB/s | {eta_formatted} left", Math.max(1, Math.ceil(total / 2 ** 20)));
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(Math.floor(read / 2 ** 20), { rate: (read / 2 ** 20 / seconds).toFixed(1) });
    },
    computing(label, done) {
      if (bar === null || barLabel !== label) bar = newBar(label, "{bar} {percentage}% | {eta_formatted} left", 1000);
      bar.update(Math.round(done * 1000));
    },
    stage(text) {
      bar?.stop();
      bar = null;
      clearStatus();
      stream.write(text);
      status = true;
    },
    done() {
      bar?.stop();
      bar = null;
      clearStatus();
    },
  };
}
