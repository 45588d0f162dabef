/** A node of a hand-made snapshot. */
export interface SynthNode {
  type: string;
  name: string;
  size: number;
  id?: number;
  /** The node's trace node id and detachedness (0 unless given). */
  trace?: number;
  detachedness?: number;
  edges: SynthEdge[];
}

/** An edge of a hand-made snapshot: element and hidden edges carry a number. */
export interface SynthEdge {
  type: string;
  name: string | number;
  to: number;
}

export const NODE_TYPES = ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape"];
export const EDGE_TYPES = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];

/** Serializes nodes (node 0 is the root) into .heapsnapshot text laid out as V8 writes it. */
export function synthSnapshot(nodes: SynthNode[]): string {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const nf = 7;
  const nodeRows: string[] = [];
  const edgeRows: string[] = [];
  let edgeCount = 0;
  nodes.forEach((n, i) => {
    nodeRows.push([NODE_TYPES.indexOf(n.type), str(n.name), n.id ?? i * 2 + 1, n.size, n.edges.length, n.trace ?? 0, n.detachedness ?? 0].join(","));
    for (const e of n.edges) {
      const numeric = e.type === "element" || e.type === "hidden";
      edgeRows.push([EDGE_TYPES.indexOf(e.type), numeric ? Number(e.name) : str(String(e.name)), e.to * nf].join(","));
      edgeCount++;
    }
  });
  const meta = {
    node_fields: ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"],
    node_types: [NODE_TYPES, "string", "number", "number", "number", "number", "number"],
    edge_fields: ["type", "name_or_index", "to_node"],
    edge_types: [EDGE_TYPES, "string_or_number", "node"],
    trace_function_info_fields: ["function_id", "name", "script_name", "script_id", "line", "column"],
    trace_node_fields: ["id", "function_info_index", "count", "size", "children"],
    sample_fields: ["timestamp_us", "last_assigned_id"],
    location_fields: ["object_index", "script_id", "line", "column"],
  };
  return (
    `{"snapshot":{"meta":${JSON.stringify(meta)},"node_count":${nodes.length},"edge_count":${edgeCount},"trace_function_count":0},\n` +
    `"nodes":[${nodeRows.join("\n,")}],\n"edges":[${edgeRows.join("\n,")}],\n"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[],\n` +
    `"strings":[${strings.map((s) => JSON.stringify(s)).join(",\n")}]}`
  );
}

/** A small deterministic PRNG (mulberry32), so a failing random case can be replayed by seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random heap shaped like V8's: a synthetic root with a shortcut to a global
 * object and an element edge to "(GC roots)", then random objects, arrays and
 * hidden nodes with property, element, internal, hidden, context and weak edges,
 * including self edges, cycles, and nodes held only weakly or not at all.
 */
export function randomHeap(seed: number, size: number): SynthNode[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const nodes: SynthNode[] = [
    { type: "synthetic", name: "", size: 0, edges: [] },
    { type: "object", name: "global", size: 40, edges: [] },
    { type: "synthetic", name: "(GC roots)", size: 0, edges: [] },
  ];
  nodes[0]!.edges.push({ type: "shortcut", name: "1", to: 1 }, { type: "element", name: 1, to: 2 });
  const kinds = ["object", "object", "array", "hidden", "closure", "string", "code"];
  for (let i = 3; i < size; i++) nodes.push({ type: pick(kinds), name: pick(["Foo", "Bar", "(object properties)", "system / Context", "x"]), size: Math.floor(rnd() * 200), edges: [] });
  const edgeKinds = ["property", "property", "element", "internal", "hidden", "context", "weak"];
  const edges = Math.floor(size * (1 + rnd() * 2));
  for (let k = 0; k < edges; k++) {
    // Mostly forward edges so much is reachable, some backward (cycles), some weak.
    const from = Math.floor(rnd() * size);
    const to = rnd() < 0.7 ? Math.min(size - 1, from + 1 + Math.floor(rnd() * 5)) : Math.floor(rnd() * size);
    if (from === 0) continue;
    const type = pick(edgeKinds);
    nodes[from]!.edges.push({ type, name: type === "element" || type === "hidden" ? k : pick(["a", "b", "next", "map"]), to });
  }
  for (let k = 0; k < 3; k++) nodes[2]!.edges.push({ type: "element", name: k, to: 3 + Math.floor(rnd() * (size - 3)) });
  return nodes;
}
