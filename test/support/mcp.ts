import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { projectRoot, runCacheDir } from "./paths.js";

/** One tool call's answer: its text, its structured copy, and whether it is a tool error. */
export interface McpResult {
  text: string;
  structured: Record<string, unknown>;
  isError: boolean;
}

/** An MCP server in a child process, driven by the SDK's own client over stdio. */
export interface McpSession {
  call(name: string, args?: Record<string, unknown>, onprogress?: (p: { progress: number; total?: number; message?: string }) => void): Promise<McpResult>;
  client: Client;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** Starts `command args` as an MCP server on stdio and connects the SDK's client to it. */
export async function mcpServer(command: string, args: string[], env: Record<string, string> = {}): Promise<McpSession> {
  const transport = new StdioClientTransport({ command, args, env: { ...(process.env as Record<string, string>), ...env }, stderr: "pipe" });
  let err = "";
  transport.stderr?.on("data", (d: Buffer) => (err += String(d)));
  const client = new Client({ name: "guppy-test", version: "1.0.0" });
  await client.connect(transport);
  return {
    client,
    stderr: () => err,
    close: () => client.close(),
    async call(name, a = {}, onprogress) {
      const r = (await client.callTool({ name, arguments: a }, undefined, onprogress ? { onprogress } : {})) as { content: { type: string; text?: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };
      return { text: r.content.map((c) => c.text ?? "").join("\n"), structured: r.structuredContent ?? {}, isError: r.isError === true };
    },
  };
}

/** `guppy mcp` from this checkout, its snapshot caches in the tests' cache folder. */
export function guppyMcp(env: Record<string, string> = {}): Promise<McpSession> {
  return mcpServer(process.execPath, [join(projectRoot(), "bin", "guppy.js"), "mcp"], { GUPPY_CACHE: process.env.GUPPY_CACHE ?? runCacheDir("snapshot-caches"), ...env });
}

/** The demo's two snapshots (`guppy demo`'s leaky program), written to a fresh folder: [before, after]. */
export async function demoSnapshots(): Promise<[string, string]> {
  const dir = mkdtempSync(join(tmpdir(), "guppy-demo-snapshots-"));
  const before = join(dir, "demo-before.heapsnapshot");
  const after = join(dir, "demo-after.heapsnapshot");
  await promisify(execFile)(process.execPath, [join(projectRoot(), "dist", "src", "cli", "demo", "leaky-app.js"), before, after], { timeout: 120_000 });
  return [before, after];
}
