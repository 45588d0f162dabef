import type { JsonCursor, RecordReader } from "./json-cursor.js";
import type { SnapshotLayout } from "./meta.js";
import { bufferOf } from "./memory.js";
import { RecordFields } from "./record-fields.js";
import { RecordKernel } from "./record-kernel.js";

/** What filling edge columns needs of the layout (a plain object, so it crosses to a worker). */
export type EdgeLayout = Pick<SnapshotLayout, "edgeFieldCount" | "nodeFieldCount" | "edgeType" | "edgeNameOrIndex" | "edgeToNode" | "edgeTypes">;

/** The shared memory of edge columns. */
export interface EdgeBuffers {
  type: SharedArrayBuffer;
  name: SharedArrayBuffer;
  target: SharedArrayBuffer;
}

/**
 * Rejects a batch of `n` numbers that is not whole records, or overflows the announced
 * count. Found after the batch was read, such errors name the record, not an offset.
 */
export function checkRecords(cursor: JsonCursor, what: "node" | "edge", n: number, width: number, filled: number, count: number): void {
  if (n % width !== 0) throw cursor.fail("COUNT_MISMATCH", `The ${what}s section does not hold whole records of ${width} fields.`, null);
  if (filled + n / width > count) {
    throw cursor.fail("COUNT_MISMATCH", `The ${what}s section holds more than the ${count} ${what}s the header announces.`, null);
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

  /**
   * A reader of V8's edge records ("type,name,to\n,") straight into the columns, or
   * null where the header orders the fields otherwise. A fifth to a quarter faster
   * than numbers through a batch, on the largest section of a snapshot; twice that
   * again by WebAssembly (`wasm`, where the engine has it).
   */
  records(wasm = true): RecordReader | null {
    const L = this.L;
    if (L.edgeFieldCount !== 3 || L.edgeType !== 0 || L.edgeNameOrIndex !== 1 || L.edgeToNode !== 2) return null;
    const nf = L.nodeFieldCount;
    const element = L.edgeTypes.indexOf("element");
    const hidden = L.edgeTypes.indexOf("hidden");
    const kernel = wasm ? RecordKernel.edges(nf, element, hidden) : null;
    if (kernel !== null) return this.kernelRecords(kernel);
    const f = new RecordFields();
    return {
      width: 3,
      read: (buf, i, safe) => {
        const { type, name, target, nodeCount, count } = this;
        let k = this.filled;
        let maxType = this.maxType, maxStringName = this.maxStringName;
        // Each field starts before `safe`, a comma. What it cannot vouch for, the
        // general loop reads and reports.
        while (i < safe && k < count) {
          let j = f.field(buf, i, safe);
          if (j < 0) break;
          const t = f.value;
          j = f.field(buf, j, safe);
          if (j < 0) break;
          const nm = f.value;
          j = f.last(buf, j);
          if (j < 0) break;
          const to = f.value;
          const ord = (to / nf) >>> 0;
          if (ord * nf !== to || ord >= nodeCount) break;
          if (t > maxType) maxType = t;
          if (nm > maxStringName && t !== element && t !== hidden) maxStringName = nm;
          type[k] = t;
          name[k] = nm;
          target[k++] = ord;
          i = j;
        }
        this.filled = k;
        this.maxType = maxType;
        this.maxStringName = maxStringName;
        return i;
      },
    };
  }

  /** records() by the kernel: its columns copied into these after each call. */
  private kernelRecords(kernel: RecordKernel): RecordReader {
    const [type, name, target] = kernel.out as [Uint8Array, Uint32Array, Uint32Array];
    const take = (n: number): void => {
      const k = this.filled;
      this.type.set(type.subarray(0, n), k);
      this.name.set(name.subarray(0, n), k);
      this.target.set(target.subarray(0, n), k);
      this.filled = k + n;
      this.maxType = Math.max(this.maxType, kernel.reported(1));
      this.maxStringName = Math.max(this.maxStringName, kernel.reported(2));
    };
    const nodeCount = (): number => this.nodeCount;
    return { width: 3, read: (buf, i, safe) => kernel.scan(buf, i, safe, this.count - this.filled, nodeCount, take) };
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
        throw cursor.fail("EDGE_OUT_OF_RANGE", `Edge ${k} points to node index ${to}, which is not the start of one of the ${nodeCount} nodes.`, null);
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

