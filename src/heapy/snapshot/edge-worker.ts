/**
 * Worker thread entry: parses a snapshot's edges section (edge-parse.ts). Its work
 * comes in the first message, as it does to a graph worker lent for a read.
 */
import { parentPort } from "node:worker_threads";
import { parseEdges, type EdgeMessage } from "./edge-parse.js";

parentPort?.once("message", (m: EdgeMessage) => {
  const post = (r: unknown): void => parentPort!.postMessage(r);
  void parseEdges(m.edgeWork, post).then(post);
});
