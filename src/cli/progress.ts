import cliProgress from "cli-progress";

/** Progress shown on a TTY and nowhere else (not in pipes, not with --json). */
export interface Progress {
  /** Bytes of the file read so far. */
  reading(read: number, total: number): void;
  /** A stage without a measure, shown as a status line. */
  stage(text: string): void;
  done(): void;
}

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) return { reading() {}, stage() {}, done() {} };
  let bar: cliProgress.SingleBar | null = null;
  let status = false;
  const clearStatus = (): void => {
    if (status) {
      stream.write("\r\x1b[2K");
      status = false;
    }
  };
  return {
    reading(read, total) {
      if (total <= 0) return; // a live stream of unknown size: the stage line says what is happening
      if (bar === null) {
        bar = new cliProgress.SingleBar(
          { stream, format: "Reading {bar} {percentage}% | {value}/{total} MiB", hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(1, Math.ceil(total / 2 ** 20)), 0);
      }
      bar.update(Math.floor(read / 2 ** 20));
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
