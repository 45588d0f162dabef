import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { createProgress } from "../src/cli/progress.js";

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let out = "";
  const w = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  }) as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean };
  w.isTTY = isTTY;
  w.columns = 100;
  w.cursorTo = () => true;
  w.clearLine = () => true;
  w.moveCursor = () => true;
  return { stream: w, text: () => out };
}

test("on a TTY, reading shows a bar with rate and time left, computing a bar with time left, stages a status line", () => {
  const { stream, text } = fakeStream(true);
  const p = createProgress(true, stream);
  p.reading(50 << 20, 100 << 20);
  p.computing("Dominators", 0.5);
  p.stage("Computing distances…");
  p.done();
  assert.match(text(), /Reading .* 50% \| 50\/100 MiB \| [\d.]+ MiB\/s \| .* left/);
  assert.match(text(), /Dominators .* 50% \| .* left/);
  assert.match(text(), /Computing distances/);
});

test("not a TTY, or disabled (--json): nothing is written", () => {
  for (const [tty, enabled] of [[false, true], [true, false]] as const) {
    const { stream, text } = fakeStream(tty);
    const p = createProgress(enabled, stream);
    p.reading(1, 2);
    p.computing("Dominators", 0.5);
    p.stage("x");
    p.done();
    assert.equal(text(), "");
  }
});
