import { z } from "zod";
import type { Answer, PageRequest } from "./pages.js";
import type { Workspace } from "./workspace.js";

/** What a tool may use while it works: the server's snapshots, and MCP progress (a no-op unless the client asked). */
export interface ToolContext {
  ws: Workspace;
  progress: (done: number, total: number | undefined, message: string) => void;
}

/** One MCP tool: a name, a one-line description, its arguments and what answers them. */
export interface Tool {
  name: string;
  description: string;
  input: z.ZodRawShape;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<Answer>;
}

export const paging = {
  cursor: z.string().optional().describe("nextCursor from the previous answer, to get the next page (same other arguments)"),
  limit: z.number().int().min(1).optional().describe("rows per page (default 20, at most 1000)"),
  max_chars: z.number().int().min(200).optional().describe("cut the answer's text to this many characters (default 8000)"),
};
export const setArg = z
  .string()
  .describe('a Heapy set expression: s0 (a snapshot\'s reachable objects), s1 - s0 (objects of s1 that s0 had not, by V8 id), s1 & Clodo("Session"), s0 & Type("string"), s0[0] (row 0 of the partition by class), s0.bytype[2], x.dominos; operators | & - ^ and parentheses');
export const snapshotArg = z.string().describe("a snapshot handle from open_snapshot (s0, s1, ...)");
export const byArg = z.string().default("clodo").describe("classifier: clodo (class), type, size, id, via, rcs, module, prod, unity, dupstr, dom, fill, capture, or several joined by commas (type,size)");
export const idArg = z.union([z.number().int(), z.string()]).describe("a V8 object id, as DevTools shows it (@1234 or 1234)");

export type Paged = PageRequest & Record<string, unknown>;

