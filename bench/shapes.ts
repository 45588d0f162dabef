/**
 * The bench's heap shapes and the snapshots each is measured on, made once and
 * cached in the bench folder (a version in each name, so a changed program makes
 * new files): two synthetic generators, sized by --sizes, and three real programs'
 * heaps, one file each.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { timedNode } from "./child.js";

export const SHAPES = ["generator", "shape2", "typescript", "bundler", "page"] as const;
export type ShapeName = (typeof SHAPES)[number];

interface Shape {
  /** The program that writes the snapshot, in dist/bench. */
  script: string;
  /** The file name's stem; bump its version when the program changes. */
  stem: string;
  /** Synthetic shapes take a size in MB; real programs make the heap they make. */
  sized: boolean;
}

const shapes: Record<ShapeName, Shape> = {
  generator: { script: "generate-heap.js", stem: "bench-v2", sized: true },
  shape2: { script: "generate-shape2.js", stem: "shape2-v1", sized: true },
  typescript: { script: "heap-typescript.js", stem: "typescript-v1", sized: false },
  bundler: { script: "heap-bundler.js", stem: "bundler-v1", sized: false },
  page: { script: "heap-page.js", stem: "page-react-v1", sized: false },
};

/** One snapshot to measure: its file, or why it could not be made. */
export interface BenchSnapshot {
  shape: ShapeName;
  file: string | null;
  failed?: string;
}

const here = fileURLToPath(new URL(".", import.meta.url));

/** The shape names in `list` (comma-separated), or an error naming the unknown one. */
export function parseShapes(list: string): ShapeName[] {
  const names = list.split(",").filter((s) => s !== "");
  const unknown = names.find((n) => !(SHAPES as readonly string[]).includes(n));
  if (unknown !== undefined) throw new Error(`unknown shape "${unknown}" (shapes: ${SHAPES.join(", ")})`);
  return names as ShapeName[];
}

/** The snapshots of a shape (one per size for synthetic shapes), each made now unless cached. */
export async function snapshotsOf(name: ShapeName, sizes: readonly number[], dir: string): Promise<BenchSnapshot[]> {
  const shape = shapes[name];
  const made: BenchSnapshot[] = [];
  for (const mb of shape.sized ? sizes : [null]) {
    const file = join(dir, `${shape.stem}${mb === null ? "" : `-${mb}mb`}-node${process.versions.node}.heapsnapshot`);
    if (!existsSync(file)) {
      process.stderr.write(`making the ${name} snapshot ${file}…\n`);
      const args = mb === null ? [file] : [String(mb), file];
      const r = await timedNode(["--max-old-space-size=16000", join(here, shape.script), ...args], { timeoutMs: 30 * 60_000, rssFile: `${file}.rss` });
      rmSync(`${file}.tmp`, { force: true });
      if (!r.ok) {
        made.push({ shape: name, file: null, failed: `could not make the snapshot: ${r.message}` });
        continue;
      }
    }
    made.push({ shape: name, file });
  }
  return made;
}
