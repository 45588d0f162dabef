import type { JsonCursor } from "./json-cursor.js";
import type { SnapshotLayout } from "./meta.js";
import { bufferOf } from "./memory.js";

/** What filling edge columns needs of the layout (a plain object, so it crosses to a worker). */
export type EdgeLayout = Pick<SnapshotLayout, "edgeFieldCount" | "nodeFieldCount" | "edgeType" | "edgeNameOrIndex" | "edgeToNode" | "edgeTypes">;

/** The shared memory of edge columns. */
export interface EdgeBuffers {
  type: SharedArrayBuffer;
  name: SharedArrayBuffer;
  target: SharedArrayBuffer;
}

/** Rejects a batch of `n` numbers that is not whole records, or overflows the announced count. */
export function checkRecords(cursor: JsonCursor, what: "node" | "edge", n: number, width: number, filled: number, count: number): void {
  if (n % width !== 0) throw cursor.fail("COUNT_MISMATCH", `The ${what}s section does not hold whole records of ${width} fields.`);
  if (filled + n / width > count) {
    throw cursor.fail("COUNT_MISMATCH", `The ${what}s section holds more than the ${count} ${what}s the header announces.`);
  }
}

/** Edge columns filled while the edges section streams in. */
export class EdgeColumns {
  readonly type: Uint8Array;
  readonly name: Uint32Array;
  readonly target: Uint32Array;
  filled = 0;
  maxType = 0;
  maxStringName = 0;

  /**
   * Columns of their own memory; "shared" puts them in shared memory so a worker
   * thread can fill them; given buffers, the columns are over another thread's.
   */
  constructor(readonly count: number, readonly nodeCount: number, readonly L: EdgeLayout, memory: "own" | "shared" | EdgeBuffers = "own") {
    const inShared = memory === "shared";
    const buffers = typeof memory === "object" ? memory : { type: bufferOf(count, inShared), name: bufferOf(count * 4, inShared), target: bufferOf(count * 4, inShared) };
    this.type = new Uint8Array(buffers.type);
    this.name = new Uint32Array(buffers.name);
    this.target = new Uint32Array(buffers.target);
  }

  /** The shared buffers, to hand to a worker. */
  get buffers(): EdgeBuffers {
    return { type: this.type.buffer as SharedArrayBuffer, name: this.name.buffer as SharedArrayBuffer, target: this.target.buffer as SharedArrayBuffer };
  }

  take(b: Float64Array, n: number, cursor: JsonCursor): void {
    const L = this.L;
    const ef = L.edgeFieldCount;
    const nf = L.nodeFieldCount;
    checkRecords(cursor, "edge", n, ef, this.filled, this.count);
    const { type, name, target, nodeCount } = this;
    const oT = L.edgeType, oN = L.edgeNameOrIndex, oTo = L.edgeToNode;
    const element = L.edgeTypes.indexOf("element");
    const hidden = L.edgeTypes.indexOf("hidden");
    let k = this.filled;
    let maxType = this.maxType, maxStringName = this.maxStringName;
    for (let j = 0; j < n; j += ef, k++) {
      const t = b[j + oT]!, nm = b[j + oN]!, to = b[j + oTo]!;
      const ord = (to / nf) >>> 0;
      if (ord * nf !== to || ord >= nodeCount) {
        throw cursor.fail("EDGE_OUT_OF_RANGE", `Edge ${k} points to node index ${to}, which is not the start of one of the ${nodeCount} nodes.`);
      }
      if (t > maxType) maxType = t;
      if (nm > maxStringName && t !== element && t !== hidden) maxStringName = nm;
      type[k] = t;
      name[k] = nm;
      target[k] = ord;
    }
    this.filled = k;
    this.maxType = maxType;
    this.maxStringName = maxStringName;
  }
}

