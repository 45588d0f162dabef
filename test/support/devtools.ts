import { createReadStream, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { MessageChannel, type MessagePort } from "node:worker_threads";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createGunzip } from "node:zlib";
import { cacheDir, projectRoot } from "./paths.js";

/** What Chrome DevTools' heap snapshot worker computed for one snapshot, by node ordinal. */
export interface DevToolsResult {
  nodeCount: number;
  idom: Uint32Array;
  retainedSize: Float64Array;
  distance: Int32Array;
  /** Shallow sizes after DevTools moved internal arrays' sizes onto their owners. */
  shallowSize: Uint32Array;
  totalSize: number;
}

interface DevToolsModule {
  Loader: { HeapSnapshotLoader: new (dispatcher: undefined) => DevToolsLoader };
  HS: { SecondaryInitManager: new (port: MessagePort) => unknown };
}
interface DevToolsLoader {
  write(chunk: string): void;
  close(): void;
  buildSnapshot(port: MessagePort): Promise<DevToolsSnapshot>;
}
interface DevToolsSnapshot {
  nodeCount: number;
  nodeFieldCount: number;
  nodeSelfSizeOffset: number;
  nodes: { getValue(i: number): number };
  dominatorsTree: Uint32Array;
  retainedSizes: Float64Array;
  nodeDistances: Int32Array;
  totalSize: number;
  createNode(nodeIndex: number): { className(): string; detachedness(): number };
}

const WORKER = "front_end/entrypoints/heap_snapshot_worker";

/**
 * Bundles DevTools' heap snapshot worker (from the chrome-devtools-frontend npm
 * package) for Node with esbuild, once per package version, outside the repo.
 * Its generated locale table is not in the package, so a one-locale stub stands in.
 */
export async function devtoolsBundle(): Promise<string> {
  const root = projectRoot();
  const pkgDir = join(root, "node_modules", "chrome-devtools-frontend");
  const version = (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
  const dir = cacheDir(`devtools-${version}`);
  const out = join(dir, "heap-snapshot-worker.mjs");
  if (existsSync(out)) return out;
  const entry = join(dir, "entry.ts");
  writeFileSync(
    entry,
    `export * as Loader from ${JSON.stringify(join(pkgDir, WORKER, "HeapSnapshotLoader.ts"))};\n` +
      `export * as HS from ${JSON.stringify(join(pkgDir, WORKER, "HeapSnapshot.ts"))};\n`,
  );
  const esbuild = await import("esbuild");
  const tmp = `${out}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "node",
    outfile: tmp,
    logLevel: "error",
    plugins: [
      {
        name: "devtools-locales-stub",
        setup(build) {
          build.onResolve({ filter: /^\.\/locales\.js$/ }, () => ({ path: "locales", namespace: "guppy-stub" }));
          build.onLoad({ filter: /.*/, namespace: "guppy-stub" }, () => ({
            contents:
              "export const LOCALES=['en-US'];export const BUNDLED_LOCALES=['en-US'];export const DEFAULT_LOCALE='en-US';" +
              "export const LOCAL_FETCH_PATTERN='';export const REMOTE_FETCH_PATTERN='';",
            loader: "js",
          }));
        },
      },
    ],
  });
  renameSync(tmp, out);
  return out;
}

/** Node 20 lacks Promise.withResolvers, which the worker uses. */
function polyfillWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: unknown };
  if (P.withResolvers) return;
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((a, b) => {
      resolve = a;
      reject = b;
    });
    return { promise, resolve, reject };
  };
}

/** Loads the bundled worker module. */
export async function loadDevTools(): Promise<DevToolsModule> {
  polyfillWithResolvers();
  return (await import(pathToFileURL(await devtoolsBundle()).href)) as DevToolsModule;
}

/**
 * Runs DevTools' worker on a snapshot file in this thread, the way its own
 * createJSHeapSnapshotForTesting does (a MessageChannel and a SecondaryInitManager),
 * feeding the loader text chunks as the DevTools front end does.
 */
export async function devtoolsSnapshot(file: string, patchText?: (text: string) => string): Promise<DevToolsSnapshot> {
  const dt = await loadDevTools();
  const loader = new dt.Loader.HeapSnapshotLoader(undefined);
  if (patchText) {
    loader.write(patchText(readFileSync(file, "utf8")));
  } else {
    const raw = createReadStream(file);
    const stream = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
    stream.setEncoding("utf8");
    for await (const chunk of stream) loader.write(chunk as string);
  }
  loader.close();
  const channel = new MessageChannel();
  new dt.HS.SecondaryInitManager(channel.port2);
  // The worker reports unreachable nodes with console.warn; the comparison says what matters.
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return await loader.buildSnapshot(channel.port1);
  } finally {
    console.warn = warn;
    channel.port1.close();
    channel.port2.close();
  }
}

/** DevTools' per-node answers for a snapshot file. */
export async function devtoolsReference(file: string, patchText?: (text: string) => string): Promise<DevToolsResult> {
  const s = await devtoolsSnapshot(file, patchText);
  const shallowSize = new Uint32Array(s.nodeCount);
  for (let i = 0; i < s.nodeCount; i++) shallowSize[i] = s.nodes.getValue(i * s.nodeFieldCount + s.nodeSelfSizeOffset);
  return {
    nodeCount: s.nodeCount,
    idom: s.dominatorsTree,
    retainedSize: s.retainedSizes,
    distance: s.nodeDistances,
    shallowSize,
    totalSize: s.totalSize,
  };
}

/** The class name (the Memory panel's Constructor column) and DOM state DevTools gives each node, by ordinal. */
export async function devtoolsClasses(file: string): Promise<{ className: string[]; detachedness: Uint8Array }> {
  const s = await devtoolsSnapshot(file);
  const className: string[] = new Array(s.nodeCount);
  const detachedness = new Uint8Array(s.nodeCount);
  for (let i = 0; i < s.nodeCount; i++) {
    const node = s.createNode(i * s.nodeFieldCount);
    className[i] = node.className();
    detachedness[i] = node.detachedness();
  }
  return { className, detachedness };
}

/**
 * DevTools reads exactly trace_function_count function infos, but V8 can register
 * more functions while it serializes (seen with allocation tracking through the
 * inspector), so the header undercounts. This sets the header to the real count.
 */
export function fixTraceFunctionCount(text: string): string {
  const fields = /"trace_function_info_fields":\[([^\]]*)\]/.exec(text);
  const infos = /"trace_function_infos":\[([^\]]*)\]/.exec(text);
  if (!fields || !infos) return text;
  const width = fields[1]!.split(",").length;
  const values = infos[1]!.trim() === "" ? 0 : infos[1]!.split(",").length;
  return text.replace(/"trace_function_count":\d+/, `"trace_function_count":${values / width}`);
}
