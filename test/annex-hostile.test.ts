// The remote-monitor annex under bad clients (issue 15, finding 1): whatever a local user
// without the token sends, the monitored program keeps running and the annex keeps answering.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RM as rm, startMonitored, type Monitored } from "./support/monitored.js";

interface Target extends Monitored {
  port: number;
  token: string;
}

async function startTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "guppy-annex-"));
  const t = await startMonitored(dir, "inspect-target.mjs");
  try {
    const { port, token } = JSON.parse(readFileSync(join(dir, `${t.child.pid}.json`), "utf8")) as { port: number; token: string };
    return { ...t, port, token };
  } catch (e) {
    // A target that did not start is stopped too: a program left running keeps this file's process from ending.
    t.child.kill("SIGKILL");
    throw e;
  }
}

/** Sends raw bytes on one connection; resolves with everything the annex sent back before it closed. */
function exchange(port: number, send: (s: ReturnType<typeof connect>) => void, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => send(s));
    let data = "";
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`the annex did not close the connection; it sent ${JSON.stringify(data)}`));
    }, timeoutMs);
    s.on("data", (d) => (data += String(d)));
    s.on("error", () => undefined);
    s.on("close", () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

/** The target is alive and its annex answers a request with the right token. */
async function assertStillServing(t: Target): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(t.child.exitCode, null, `the monitored program died: ${t.stderr()}`);
  assert.equal(t.child.signalCode, null);
  const reply = await exchange(t.port, (s) => {
    s.write(JSON.stringify({ token: t.token, code: "1 + 1" }) + "\n");
    s.once("data", () => s.end());
  });
  assert.equal(reply, JSON.stringify({ text: "2" }) + "\n");
}

/** Each bad client gets a fresh target, so one failure cannot hide another. */
function hostile(name: string, body: (target: Target) => Promise<void>): void {
  test(`annex, bad client: ${name}; the monitored program keeps running`, async () => {
    const target = await startTarget();
    try {
      await body(target);
      await assertStillServing(target);
    } finally {
      target.child.kill("SIGKILL");
    }
  });
}

  hostile("two lines on one connection: one refusal, no write after end", async (target) => {
    const reply = await exchange(target.port, (s) => s.write("x\nx\n"));
    assert.equal(reply, JSON.stringify({ error: "not a JSON request" }) + "\n");
  });
  hostile("two wrong-token requests on one connection", async (target) => {
    const bad = JSON.stringify({ token: "wrong", code: "1" }) + "\n";
    const reply = await exchange(target.port, (s) => s.write(bad + bad));
    assert.equal(reply, JSON.stringify({ error: "refused: wrong or missing token" }) + "\n");
  });
  hostile("a token of the right length with a non-ASCII character is refused", async (target) => {
    const forged = "é" + target.token.slice(1);
    assert.equal(forged.length, target.token.length);
    const reply = await exchange(target.port, (s) => s.write(JSON.stringify({ token: forged, code: "1" }) + "\n"));
    assert.equal(reply, JSON.stringify({ error: "refused: wrong or missing token" }) + "\n");
  });
  hostile("a line longer than 1 MiB is refused and the client dropped", async (target) => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    const reply = await exchange(target.port, (s) => {
      // Keep sending until the annex hangs up (at most 8 MiB).
      let sent = 0;
      const pump = (): void => {
        while (sent < 8 * 1024 * 1024 && !s.destroyed) {
          sent += chunk.length;
          if (!s.write(chunk)) return void s.once("drain", pump);
        }
      };
      pump();
    });
    assert.equal(reply, JSON.stringify({ error: "refused: a request longer than 1048576 bytes" }) + "\n");
  });
  hostile("a client that resets the connection while its request runs", async (target) => {
    await new Promise<void>((resolve) => {
      const s = connect(target.port, "127.0.0.1", () => {
        s.write(JSON.stringify({ token: target.token, code: "(await h.heap()).count" }) + "\n", () => {
          s.resetAndDestroy();
          resolve();
        });
      });
      s.on("error", () => undefined);
    });
  });
  hostile("a client that half-closes right after its request", async (target) => {
    const reply = await exchange(target.port, (s) => s.end(JSON.stringify({ token: target.token, code: "40 + 2" }) + "\n"));
    assert.equal(reply, JSON.stringify({ text: "42" }) + "\n");
  });
hostile("a request that is JSON but not an object (null, a number)", async (target) => {
  for (const line of ["null", "7"]) {
    const reply = await exchange(target.port, (s) => s.write(line + "\n"));
    assert.equal(reply, JSON.stringify({ error: "not a JSON request" }) + "\n");
  }
});
hostile("more than 16 requests pipelined on one connection", async (target) => {
  const reply = await exchange(target.port, (s) => s.write(`${JSON.stringify({ token: target.token, code: "await new Promise((r) => setTimeout(r, 500))" })}\n`.repeat(40)));
  assert.ok(reply.endsWith(JSON.stringify({ error: "refused: more than 16 requests waiting" }) + "\n"), reply);
});

test("an annex that cannot announce itself stops, and the program goes on", async () => {
  const notADir = join(mkdtempSync(join(tmpdir(), "guppy-annex-")), "file");
  writeFileSync(notADir, "");
  const child = spawn(process.execPath, ["--import", rm, "-e", "setTimeout(() => console.log('still here'), 1500)"], {
    env: { ...process.env, GUPPY_MONITOR_DIR: join(notADir, "monitor") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += String(d)));
  child.stderr!.on("data", (d: Buffer) => (err += String(d)));
  const code = await new Promise((r) => child.once("exit", r));
  assert.equal(code, 0, err);
  assert.equal(out, "still here\n");
  assert.equal(err, `guppy annex (pid ${child.pid}): cannot announce itself in ${join(notADir, "monitor")} (ENOTDIR); monitoring is off\n`);
});

hostile("200 connections at once: at most 32 are kept, the rest closed", async (target) => {
  const sockets = await Promise.all(
    Array.from(
      { length: 200 },
      () =>
        new Promise<ReturnType<typeof connect>>((resolve) => {
          const s = connect(target.port, "127.0.0.1", () => resolve(s));
          s.on("error", () => undefined);
        }),
    ),
  );
  await new Promise((r) => setTimeout(r, 500));
  const open = sockets.filter((s) => !s.destroyed && s.readyState === "open").length;
  for (const s of sockets) s.destroy();
  assert.ok(open <= 32, `${open} connections kept`);
  await new Promise((r) => setTimeout(r, 300));
});
