import { createRequire } from "node:module";
import type * as Acorn from "acorn";

const load = createRequire(import.meta.url);

/**
 * acorn, loaded on first use (Node's module cache keeps it): only the source views and
 * the monitor's console parse JavaScript, and a static import would add its load to
 * the start-up of every command.
 */
export function acorn(): typeof Acorn {
  return load("acorn") as typeof Acorn;
}
