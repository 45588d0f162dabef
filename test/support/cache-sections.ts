import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";

/** Where each section of a cache file lies (absolute byte offsets), from its header, as graph-cache writes it. */
export function cacheSections(path: string): Map<string, { start: number; bytes: number }> {
  const file = readFileSync(path);
  const metaLength = file.readUInt32LE(12);
  const meta = JSON.parse(file.subarray(20, 20 + metaLength).toString("utf8")) as { sections: { name: string; kind: string; length: number; offset: number }[] };
  const dataStart = Math.ceil((20 + metaLength) / 8) * 8;
  const width: Record<string, number> = { u8: 1, u32: 4, i32: 4, f64: 8 };
  return new Map(meta.sections.map((s) => [s.name, { start: dataStart + s.offset, bytes: s.length * width[s.kind]! }]));
}

/** Flips one bit in the middle of a section of a cache file, keeping the file's mode. */
export function damageSection(path: string, name: string): void {
  const sec = cacheSections(path).get(name);
  if (sec === undefined || sec.bytes === 0) throw new Error(`the cache has no section ${name} to damage`);
  const bytes = readFileSync(path);
  bytes[sec.start + (sec.bytes >> 1)]! ^= 0x01;
  // Written in place (not renamed), as damage on disk would be.
  const fd = openSync(path, "r+");
  writeSync(fd, bytes, sec.start + (sec.bytes >> 1), 1, sec.start + (sec.bytes >> 1));
  closeSync(fd);
}

/** Rewrites a cache's header so that a section's hash matches its (edited) bytes: what a forger would do. */
export async function forgeSectionHash(path: string, name: string): Promise<void> {
  const { hashBytes } = await import("../../src/heapy/snapshot/graph-cache.js");
  const file = readFileSync(path);
  const metaLength = file.readUInt32LE(12);
  const meta = JSON.parse(file.subarray(20, 20 + metaLength).toString("utf8")) as { sections: { name: string; offset: number; length: number; kind: string; hash: number }[] };
  const data = file.subarray(Math.ceil((20 + metaLength) / 8) * 8);
  const sec = meta.sections.find((s) => s.name === name)!;
  const width: Record<string, number> = { u8: 1, u32: 4, i32: 4, f64: 8 };
  sec.hash = hashBytes(new Uint8Array(data.subarray(sec.offset, sec.offset + sec.length * width[sec.kind]!)));
  const metaBytes = Buffer.from(JSON.stringify(meta));
  const head = Buffer.alloc(Math.ceil((20 + metaBytes.length) / 8) * 8);
  file.copy(head, 0, 0, 12);
  head.writeUInt32LE(metaBytes.length, 12);
  head.writeUInt32LE(hashBytes(new Uint8Array(metaBytes)), 16);
  metaBytes.copy(head, 20);
  writeFileSync(path, Buffer.concat([head, data]), { mode: 0o600 });
}
