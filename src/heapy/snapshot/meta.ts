import { GuppyError } from "../../errors.js";

/** The `snapshot` header of a V8 heap snapshot, as written by V8's JSON serializer. */
export interface SnapshotHeader {
  meta: {
    node_fields: string[];
    node_types: unknown[];
    edge_fields: string[];
    edge_types: unknown[];
    trace_function_info_fields?: string[];
    trace_node_fields?: string[];
    sample_fields?: string[];
    location_fields?: string[];
    [other: string]: unknown;
  };
  node_count: number;
  edge_count: number;
  trace_function_count?: number;
  root_index?: number;
  extra_native_bytes?: number;
  [other: string]: unknown;
}

/** Where each field we use sits in a node or edge record, and what its enum values mean. */
export interface SnapshotLayout {
  nodeFieldCount: number;
  nodeType: number;
  nodeName: number;
  nodeId: number;
  nodeSelfSize: number;
  nodeEdgeCount: number;
  /** -1 when the snapshot has no such field. */
  nodeTraceNodeId: number;
  /** -1 when the snapshot has no such field. */
  nodeDetachedness: number;
  nodeTypes: string[];
  edgeFieldCount: number;
  edgeType: number;
  edgeNameOrIndex: number;
  edgeToNode: number;
  edgeTypes: string[];
  traceFunctionInfoFields: string[];
  traceNodeFields: string[];
  sampleFields: string[];
  locationFields: string[];
}

/** Types every V8 since Node 12 writes (symbol, bigint and object shape came later, so are optional). */
const CORE_NODE_TYPES = ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic", "concatenated string", "sliced string"];
const CORE_EDGE_TYPES = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];

/** The node types and node fields V8 has written, up to V8 15 (Node 26, Deno 2.9, Chromium 156); its edge types are the core ones. */
const KNOWN_NODE_TYPES = [...CORE_NODE_TYPES, "symbol", "bigint", "object shape", "wasm object"];
const KNOWN_NODE_FIELDS = ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"];

/**
 * What a newer writer put in the layout that Guppy does not know, each as a warning:
 * such nodes and edges are read, counted and classified by their type's name, but no
 * analysis gives them a meaning of their own (as DevTools, which treats an unknown edge
 * type as retaining and an unknown node type as an ordinary one).
 */
export function unknownLayoutWarnings(L: SnapshotLayout, fields: readonly string[]): string[] {
  const out: string[] = [];
  const list = (names: string[]): string => names.map((n) => `'${n}'`).join(", ");
  const nodeTypes = L.nodeTypes.filter((t) => !KNOWN_NODE_TYPES.includes(t));
  const edgeTypes = L.edgeTypes.filter((t) => !CORE_EDGE_TYPES.includes(t));
  const nodeFields = fields.filter((f) => !KNOWN_NODE_FIELDS.includes(f));
  if (nodeTypes.length > 0) out.push(`The snapshot has node types Guppy does not know (${list(nodeTypes)}): their nodes are read and classified by type, but no analysis treats them specially.`);
  if (edgeTypes.length > 0) out.push(`The snapshot has edge types Guppy does not know (${list(edgeTypes)}): they count as strong references, as in DevTools.`);
  if (nodeFields.length > 0) out.push(`The snapshot has node fields Guppy does not know (${list(nodeFields)}): they are skipped.`);
  return out;
}

function bad(where: { file: string; offset: number }, what: string): GuppyError {
  return new GuppyError("BAD_META", `The snapshot header is malformed: ${what}.`, where);
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function stringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === "string");
}

/**
 * Checks the header and derives the field layout from `meta`; field order is never
 * assumed. `at` is where the header starts in the file, for error messages.
 */
export function layoutOf(header: unknown, at: { file: string; offset: number }): SnapshotLayout {
  if (typeof header !== "object" || header === null) throw bad(at, "'snapshot' is not an object");
  const h = header as Partial<SnapshotHeader>;
  const meta = h.meta;
  if (typeof meta !== "object" || meta === null) throw bad(at, "it has no 'meta'");
  if (!stringList(meta.node_fields) || !stringList(meta.edge_fields)) throw bad(at, "'node_fields' or 'edge_fields' is missing");
  if (!isCount(h.node_count) || !isCount(h.edge_count)) throw bad(at, "'node_count' or 'edge_count' is missing or not a whole number");
  const nf = meta.node_fields;
  const ef = meta.edge_fields;
  const need = (list: string[], name: string, where: string): number => {
    const i = list.indexOf(name);
    if (i < 0) throw bad(at, `${where} has no '${name}' field`);
    return i;
  };
  const nodeType = need(nf, "type", "node_fields");
  const edgeType = need(ef, "type", "edge_fields");
  const nodeTypes = Array.isArray(meta.node_types) ? meta.node_types[nodeType] : undefined;
  const edgeTypes = Array.isArray(meta.edge_types) ? meta.edge_types[edgeType] : undefined;
  if (!stringList(nodeTypes) || nodeTypes.length === 0) throw bad(at, "'node_types' does not list the node types");
  if (!stringList(edgeTypes) || edgeTypes.length === 0) throw bad(at, "'edge_types' does not list the edge types");
  // Classification and dominators decide by these names: a renamed one (say 'string') would
  // turn strings' contents into class names, so every V8 version's core set must be there.
  for (const t of CORE_NODE_TYPES) if (!nodeTypes.includes(t)) throw bad(at, `'node_types' lacks the '${t}' type`);
  for (const t of CORE_EDGE_TYPES) if (!edgeTypes.includes(t)) throw bad(at, `'edge_types' lacks the '${t}' type`);
  if (new Set(nodeTypes).size !== nodeTypes.length || new Set(edgeTypes).size !== edgeTypes.length) throw bad(at, "a node or edge type is listed twice");
  const optionalList = (v: unknown): string[] => (stringList(v) ? v : []);
  return {
    nodeFieldCount: nf.length,
    nodeType,
    nodeName: need(nf, "name", "node_fields"),
    nodeId: need(nf, "id", "node_fields"),
    nodeSelfSize: need(nf, "self_size", "node_fields"),
    nodeEdgeCount: need(nf, "edge_count", "node_fields"),
    nodeTraceNodeId: nf.indexOf("trace_node_id"),
    nodeDetachedness: nf.indexOf("detachedness"),
    nodeTypes: [...nodeTypes],
    edgeFieldCount: ef.length,
    edgeType,
    edgeNameOrIndex: need(ef, "name_or_index", "edge_fields"),
    edgeToNode: need(ef, "to_node", "edge_fields"),
    edgeTypes: [...edgeTypes],
    traceFunctionInfoFields: optionalList(meta.trace_function_info_fields),
    traceNodeFields: optionalList(meta.trace_node_fields),
    sampleFields: optionalList(meta.sample_fields),
    locationFields: optionalList(meta.location_fields),
  };
}
