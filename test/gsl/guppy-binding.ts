// The GSL binding of Guppy's API (specs/index.gsl and the files it reads): the objects the generated tests
// check, the predicates of kinds, and example values of the superkinds without .eg.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeapGraph, HeapySet, IdentitySet, Kind, PartitionView, ShortestPathsView, Stat, StatView, hpy, type PbHandle } from "../../src/index.js";
import { sessionProfileBrowser } from "../../src/pb/session-pb.js";
import { ReferencePattern } from "../../src/heapy/render/reference-pattern.js";
import type { GslBinding } from "../../src/gsl/test-runtime.js";
import { openDataset } from "../../src/tables/dataset.js";
import { Table } from "apache-arrow";
import { fixtureSnapshot } from "../support/fixtures.js";
import { BIG_OR_SMALL } from "../support/known-graphs.js";

const file = await fixtureSnapshot("classes-in-map");
const h = hpy({ cacheDir: null });
const heap = await h.load(file);
const foo = heap.and(h.Clodo("Foo"));
const statFile = join(mkdtempSync(join(tmpdir(), "guppy-gsl-binding-")), "run.hpy");
heap.stat.dump(statFile);


/** Sessions the tests made: closed at the end, so no inspector session or tracking outlives them. */
const sessions: ReturnType<typeof hpy>[] = [];
/** Profile browsers h.pb() started, stopped at the end; never opened in a browser. */
const browsers: PbHandle[] = [];
const session = (): ReturnType<typeof hpy> => {
  const s = hpy({
    cacheDir: null,
    pb: async (files, options) => {
      const pb = await sessionProfileBrowser(files, { ...options, open: false });
      browsers.push(pb);
      return pb;
    },
    // The console reads the test process's stdin, which never ends: test/session-tools.test.ts
    // runs it on an input of its own.
    monitor: async () => undefined,
  });
  sessions.push(s);
  return s;
};

const binding: GslBinding = {
  teardown: async () => {
    for (const s of sessions) {
      await s.untrack();
      s.close();
    }
    for (const pb of browsers) await pb.close();
  },
  instances: {
    Session: () => [session()],
    HeapySet: () => [heap, foo],
    IdentitySet: () => [foo, IdentitySet.of(heap.graph, foo.ordinals())],
    CallableClassifier: () => [h.Clodo, h.Type, h.Via, h.Type.and(h.Size)],
    Kind: () => [h.Clodo("Foo"), h.Via(".fooMap"), h.Type.string.or(h.Type.Array), h.Size(40).alt(">="), h.Anything, h.Nothing],
    PartitionView: () => [heap.byclodo.more, foo.byvia.all],
    ShortestPathsView: () => [foo.sp, foo.sp.more, foo.pathsin],
    ReferencePattern: () => [foo.rp],
    // A plain Stat beside the views: the kind's members are those every Stat has, not only a StatView's.
    Stat: () => [heap.stat, foo.stat, Stat.fromPartition(foo.partition)],
    StatView: () => [heap.stat, foo.diff(heap)],
    WasteView: () => [foo.waste],
    GrowingView: () => [h.growing([foo, heap])],
  },
  kinds: {
    "string+": (v) => typeof v === "string",
    "index+": (v) => Number.isInteger(v) && (v as number) >= 0,
    "depth+": (v) => Number.isInteger(v) && (v as number) >= 0,
    "number+": (v) => typeof v === "number" && Number.isFinite(v),
    "boolean+": (v) => typeof v === "boolean",
    "list+": (v) => Array.isArray(v),
    "column+": (v) => ArrayBuffer.isView(v),
    HeapGraph: (v) => v instanceof HeapGraph,
    IdentitySet: (v) => v instanceof IdentitySet,
    HeapySet: (v) => v instanceof HeapySet,
    Kind: (v) => v instanceof Kind,
    // formatKind, parts and selects are optional members: a classifier need not have them.
    Classifier: (v) => (typeof v === "object" || typeof v === "function") && v !== null && typeof (v as { name?: unknown }).name === "string" && typeof (v as { classify?: unknown }).classify === "function",
    Stat: (v) => v instanceof Stat,
    StatView: (v) => v instanceof StatView,
    PartitionView: (v) => v instanceof PartitionView,
    ShortestPathsView: (v) => v instanceof ShortestPathsView,
    ReferencePattern: (v) => v instanceof ReferencePattern,
    "arrow table+": (v) => v instanceof Table,
    "export summary+": (v) => typeof v === "object" && v !== null && ["objects", "edges", "classes", "bytes"].every((k) => Number.isInteger((v as Record<string, unknown>)[k])) && typeof (v as { snapshot?: unknown }).snapshot === "string",
  },
  conditions: {
    emptyfolder: (_set, dir) => !existsSync(dir as string) || readdirSync(dir as string).length === 0,
    // Checked, then removed: a generated test exports every HeapySet of the binding into the one example folder.
    exported: async (set, summary, dir) => {
      const dataset = await openDataset(dir as string);
      const ok = dataset.snapshots.length === 1 && dataset.snapshots[0] === (summary as { snapshot: string }).snapshot && (summary as { objects: number }).objects === (set as HeapySet).count;
      rmSync(dir as string, { recursive: true, force: true });
      return ok;
    },
  },
  examples: {
    "snapshot file+": () => file,
    "stat file+": () => statFile,
    "anyobject+": () => ({ planted: true }),
    "setorkind+": () => foo,
    "ordinals+": () => foo.ordinals(),
    "dataset folder+": () => join(statFile, "..", "set"),
    HeapGraph: () => heap.graph,
    IdentitySet: () => foo,
    Classifier: () => ({ ...BIG_OR_SMALL }),
    Stat: () => foo.stat,
    Kind: () => h.Type.string,
  },
};
export default binding;
