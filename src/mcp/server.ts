import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Readable, Writable } from "node:stream";
import { GuppyError } from "../errors.js";
import { TOOLS, type Tool, type ToolContext } from "./tools.js";
import { Workspace } from "./workspace.js";
import type { SessionOptions } from "../heapy/session/session.js";

/** Least time between two progress notifications of one call. */
const PROGRESS_INTERVAL_MS = 100;

/** What a tool call may tell the client while it works. */
interface CallExtra {
  _meta?: { progressToken?: string | number };
  sendNotification: (n: { method: "notifications/progress"; params: { progressToken: string | number; progress: number; total?: number; message?: string } }) => Promise<void>;
}

/**
 * MCP progress for one call, or nothing when the client gave no progressToken. Each
 * stage (a new message) continues from where the last left off, so the reported
 * progress only ever increases, as the protocol requires; reports are thinned to one
 * per PROGRESS_INTERVAL_MS within a stage.
 */
function progressOf(extra: CallExtra): ToolContext["progress"] {
  const token = extra._meta?.progressToken;
  if (token === undefined) return () => undefined;
  let stage = "";
  let base = 0;
  let last = -1;
  let lastAt = 0;
  return (done, total, message) => {
    if (message !== stage) {
      stage = message;
      base = Math.max(0, last);
      lastAt = 0;
    }
    const progress = base + done;
    const now = Date.now();
    if (progress <= last || now - lastAt < PROGRESS_INTERVAL_MS) return;
    last = progress;
    lastAt = now;
    // Progress messages name files and stages only, never heap contents.
    void extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress, ...(total !== undefined ? { total: base + total } : {}), message } }).catch(() => undefined);
  };
}

/** A tool's answer as MCP content, or Guppy's one-line message as a tool error (the server keeps serving). */
async function call(tool: Tool, args: Record<string, unknown>, ctx: ToolContext): Promise<{ content: { type: "text"; text: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean }> {
  try {
    const answer = await tool.run(args, ctx);
    return { content: [{ type: "text", text: answer.text }], structuredContent: answer.structured };
  } catch (e) {
    const text = e instanceof GuppyError ? e.describe() : `guppy: internal error: ${(e as Error)?.message ?? String(e)}`;
    return { content: [{ type: "text", text }], isError: true };
  }
}

/** The MCP server with Guppy's tools over one workspace (not yet connected). */
export function createMcpServer(ws: Workspace): McpServer {
  const server = new McpServer(
    { name: "guppy", version: "0.1.0" },
    {
      instructions:
        "Heapy for V8 heap snapshots. Open files with open_snapshot (handles s0, s1, ...), then ask about sets written as Heapy expressions: s0, s1 - s0 (new since s0), s1 & Clodo(\"Foo\"). Answers are Heapy's tables; pass nextCursor back for more rows.",
    },
  );
  for (const tool of TOOLS) {
    // Only take_snapshot reaches outside the server (a live process); nothing changes any file.
    const annotations = { readOnlyHint: true, openWorldHint: tool.name === "take_snapshot" };
    server.registerTool(tool.name, { description: tool.description, inputSchema: tool.input, annotations }, (async (args: Record<string, unknown>, extra: CallExtra) =>
      call(tool, args, { ws, progress: progressOf(extra) })) as never);
  }
  return server;
}

/**
 * `guppy mcp`: serves Guppy's tools over stdio (stdin and stdout carry the protocol;
 * nothing is bound on the network) until the client closes stdin. Snapshot caches
 * are written when it ends.
 */
export async function serveMcp(options: { input?: Readable; output?: Writable; session?: SessionOptions } = {}): Promise<void> {
  const ws = new Workspace(options.session);
  const server = createMcpServer(ws);
  const input = options.input ?? process.stdin;
  const transport = new StdioServerTransport(input, options.output ?? process.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    input.once("end", () => void transport.close());
  });
  await server.connect(transport);
  await closed;
  await ws.close();
}
