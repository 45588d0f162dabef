import type { Data, Table, Vector } from "apache-arrow";
import { Clodo, Prod } from "../classify/classifiers.js";
import { distancesOf, NO_DISTANCE } from "../graph/distances.js";
import { dominatorsOf } from "../graph/dominators.js";
import { shallowSizes } from "../graph/shallow-sizes.js";
import type { IdentitySet } from "../sets/identity-set.js";
import { entriesOf } from "../waste/growth.js";
import { DETACHEDNESS } from "./schema.js";


/**
 * The objects of a set as an Apache Arrow table, with the columns of the exported
 * `objects` table (but no snapshot column): built straight from the graph's arrays,
 * text columns as dictionaries over the labels used. Apache Arrow is loaded on the
 * first call (it is large), hence the promise.
 */
export async function toArrow(set: IdentitySet): Promise<Table> {
  const arrow = await import("apache-arrow");
  const g = set.graph;
  const nodes = set.ordinals();
  const n = nodes.length;
  const distance = distancesOf(g);
  const { idom, retainedSize } = dominatorsOf(g);
  const sizes = shallowSizes(g);

  /** Bits, least significant first, as Arrow lays out validity and booleans. */
  const bits = (set: (i: number) => boolean): Uint8Array => {
    const out = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) if (set(i)) out[i >> 3]! |= 1 << (i & 7);
    return out;
  };
  const validity = (valid: (i: number) => boolean): { nullBitmap: Uint8Array; nullCount: number } => {
    let nullCount = 0;
    for (let i = 0; i < n; i++) if (!valid(i)) nullCount++;
    return { nullBitmap: bits(valid), nullCount };
  };
  const vector = (data: Data): Vector => arrow.makeVector(data);
  const text = (codes: Uint32Array, labels: readonly string[], valid?: (i: number) => boolean): Vector => {
    const type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Uint32());
    const dictionary = arrow.vectorFromArray(labels as string[], new arrow.Utf8());
    return vector(arrow.makeData({ type, length: n, data: codes, dictionary, ...(valid ? validity(valid) : {}) }));
  };

  const id = new Uint32Array(n);
  const shallow = new Uint32Array(n);
  const retained = new Float64Array(n);
  const dist = new Int32Array(n);
  const dominator = new Uint32Array(n);
  const entries = new Int32Array(n);
  const typeCodes = new Uint32Array(n);
  const detachedCodes = new Uint32Array(n);
  // Names: a dictionary of the strings this set uses, not the whole string table.
  const nameCode = new Map<number, number>();
  const names: string[] = [];
  const nameCodes = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = nodes[i]!;
    id[i] = g.nodeId[v]!;
    shallow[i] = sizes[v]!;
    retained[i] = retainedSize[v]!;
    dist[i] = distance[v]!;
    dominator[i] = g.nodeId[idom[v]!]!;
    entries[i] = entriesOf(g, v);
    typeCodes[i] = g.nodeType[v]!;
    detachedCodes[i] = g.nodeDetachedness?.[v] ?? 0;
    const s = g.nodeName[v]!;
    let code = nameCode.get(s);
    if (code === undefined) {
      nameCode.set(s, (code = names.length));
      names.push(g.strings.get(s));
    }
    nameCodes[i] = code;
  }
  const classes = Clodo.classify(g, nodes);
  const traced = g.traces !== null && g.nodeTraceId !== null;
  const sites = traced ? Prod.classify(g, nodes) : { kinds: new Uint32Array(n), labels: [] as string[] };
  return new arrow.Table({
    id: arrow.makeVector(id),
    type: text(typeCodes, g.layout.nodeTypes),
    class: text(classes.kinds, classes.labels),
    name: text(nameCodes, names),
    shallow_size: arrow.makeVector(shallow),
    retained_size: arrow.makeVector(retained),
    distance: vector(arrow.makeData({ type: new arrow.Int32(), length: n, data: dist, ...validity((i) => dist[i] !== NO_DISTANCE) })),
    dominator_id: vector(arrow.makeData({ type: new arrow.Uint32(), length: n, data: dominator, ...validity((i) => nodes[i] !== g.root) })),
    detachedness: text(detachedCodes, DETACHEDNESS, () => g.nodeDetachedness !== null),
    allocation_site: text(sites.kinds, sites.labels, () => traced),
    entries: vector(arrow.makeData({ type: new arrow.Int32(), length: n, data: entries, ...validity((i) => entries[i]! >= 0) })),
    reachable: vector(arrow.makeData({ type: new arrow.Bool(), length: n, data: bits((i) => dist[i] !== NO_DISTANCE && g.nodeType[nodes[i]!] !== g.nodeTypes.synthetic) })),
  });
}
