// `--attach HOST:PORT` against a misbehaving DevTools endpoint (issue 15, finding 6): a fake
// endpoint on loopback answers each way an endpoint can go wrong; every one is a one-line
// GuppyError, exit 2, quickly, with the error also in --json's output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { CdpConnection, snapshotSource } from "../src/heapy/capture/cdp.js";
import { guppy } from "./support/cli.js";

interface Fake {
  /** Answers GET /json/list; the default lists one Node target on this server. */
  list?: (res: ServerResponse, port: number) => void;
  /** Answers each WebSocket message. */
  message?: (ws: WebSocket, msg: { id: number; method: string }) => void;
}

/** A fake DevTools endpoint on 127.0.0.1; resolves with its port and a close function. */
async function fakeEndpoint(fake: Fake): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== "/json/list") return void res.writeHead(404).end();
    if (fake.list) return fake.list(res, port);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify([{ type: "node", title: "fake", url: "file:///fake.js", webSocketDebuggerUrl: `ws://127.0.0.1:${port}/fake` }]));
  });
  const wss = new WebSocketServer({ server });
  wss.on("connection", (ws) => ws.on("message", (data) => fake.message?.(ws, JSON.parse(String(data)) as { id: number; method: string })));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Runs `guppy heap --attach` against the fake and checks the one-line error and exit 2. */
async function attachFails(name: string, fake: Fake, expected: RegExp, withinMs: number): Promise<void> {
  const endpoint = await fakeEndpoint(fake);
  try {
    const started = Date.now();
    const r = await guppy("heap", "--attach", `127.0.0.1:${endpoint.port}`, "--json");
    const took = Date.now() - started;
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, /^guppy: SNAPSHOT_FAILED [^\n]+\n$/, `${name}: one line, no stack`);
    assert.match(r.stderr, expected, name);
    const json = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    assert.equal(json.error.code, "SNAPSHOT_FAILED", name);
    assert.ok(took < withinMs, `${name} took ${took} ms`);
  } finally {
    await endpoint.close();
  }
}

const listOf = (body: string) => (res: ServerResponse): void => {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end(body);
};

test("a target list that is not JSON, not a list, or points elsewhere", async () => {
  await attachFails("not JSON", { list: listOf("<html>hello</html>") }, /sent a target list that is not JSON\.$/m, 20_000);
  await attachFails("not a list", { list: listOf('{"targets":[]}') }, /is not one \(not a JSON array\)\.$/m, 20_000);
  await attachFails("entries without addresses", { list: listOf('[1, {"type": "node"}]') }, /is not one \(an entry is not an object\)\.$/m, 20_000);
  await attachFails("an address on another server", { list: listOf('[{"type": "node", "webSocketDebuggerUrl": "ws://192.0.2.1:9229/x"}]') }, /points to another server\)\.$/m, 20_000);
  await attachFails("an address on another port", { list: (res, port) => listOf(`[{"type": "node", "webSocketDebuggerUrl": "ws://127.0.0.1:${port + 1}/x"}]`)(res) }, /points to another server\)\.$/m, 20_000);
  await attachFails("an error status", { list: (res) => res.writeHead(500).end("oops") }, /answered 500 instead of a target list\.$/m, 20_000);
});

test("a target list without end is cut at 1 MiB, a dripping one at 10 s", async () => {
  const chunk = Buffer.alloc(64 * 1024, " ");
  const endless = (res: ServerResponse): void => {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.write("[");
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once("drain", pump);
    };
    pump();
  };
  await attachFails("endless", { list: endless }, /is larger than 1048576 bytes; it is not a target list\.$/m, 20_000);
  const drip = (res: ServerResponse): void => {
    res.writeHead(200, { "Content-Type": "application/json" });
    const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(" ")), 1000);
    res.on("close", () => clearInterval(timer));
  };
  await attachFails("drip", { list: drip }, /did not arrive within 10 s\.$/m, 25_000);
});

test("WebSocket frames that are not protocol objects, error replies, and silence", async () => {
  await attachFails("non-JSON frame", { message: (ws) => ws.send("hello") }, /sent a message that is not a DevTools-protocol object\.$/m, 20_000);
  await attachFails("null frame", { message: (ws) => ws.send("null") }, /sent a message that is not a DevTools-protocol object\.$/m, 20_000);
  await attachFails("an array frame", { message: (ws) => ws.send("[1,2]") }, /sent a message that is not a DevTools-protocol object\.$/m, 20_000);
  // The target's own words may be anything (escape sequences, another process's secrets): not quoted.
  const refusal = (ws: WebSocket, m: { id: number }): void => ws.send(JSON.stringify({ id: m.id, error: { message: "\u001b[2Jsecret-words" } }));
  const refused = await fakeEndpoint({ message: refusal });
  try {
    const r = await guppy("heap", "--attach", `127.0.0.1:${refused.port}`);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "guppy: SNAPSHOT_FAILED The target refused HeapProfiler.enable.\n");
    // Asked as localhost, answered with 127.0.0.1: the same loopback, accepted.
    const alias = await guppy("heap", "--attach", `localhost:${refused.port}`);
    assert.equal(alias.stderr, "guppy: SNAPSHOT_FAILED The target refused HeapProfiler.enable.\n");
  } finally {
    await refused.close();
  }
  await attachFails("silence", {}, /did not answer HeapProfiler\.enable within 10 s\.$/m, 25_000);
});

test("a target that writes its snapshot faster than it is read is paused: what waits stays bounded", async () => {
  const chunks = 100;
  const chunk = "x".repeat(1024 * 1024);
  let written = 0;
  const endpoint = await fakeEndpoint({
    message: (ws, m) => {
      if (m.method !== "HeapProfiler.takeHeapSnapshot") return void ws.send(JSON.stringify({ id: m.id, result: {} }));
      // Each chunk as soon as the last one left (the kernel took it), then the reply.
      const next = (): void => {
        if (written === chunks) return void ws.send(JSON.stringify({ id: m.id, result: {} }));
        ws.send(JSON.stringify({ method: "HeapProfiler.addHeapSnapshotChunk", params: { chunk } }), () => {
          written++;
          next();
        });
      };
      next();
    },
  });
  const conn = await CdpConnection.open(`ws://127.0.0.1:${endpoint.port}/fake`);
  try {
    const source = snapshotSource(conn, "fake");
    await new Promise((r) => setTimeout(r, 3000));
    // 32 MiB waiting in the reader, plus what the sockets' buffers hold.
    assert.ok(written < 64, `${written} MiB were taken while nothing was read`);
    let got = 0;
    for (let c = await source.next(); c !== null; c = await source.next()) got += c.length;
    assert.equal(got, chunks * chunk.length, "everything arrives once it is read");
  } finally {
    conn.close();
    await endpoint.close();
  }
});
