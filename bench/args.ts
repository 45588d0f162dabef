/** The command lines of the programs that make the bench's snapshots; a wrong one exits 2 with its usage. */

/** `node heap-X.js OUT.heapsnapshot`: the output file. */
export function outArg(name: string): string {
  const out = process.argv[2];
  if (!out) usage(`${name} OUT.heapsnapshot`);
  return out;
}

/** `node generate-X.js SCALE_MB OUT.heapsnapshot`: the size asked for and the output file. */
export function scaleArgs(name: string): { scale: number; out: string } {
  const scale = Number(process.argv[2] ?? "10");
  const out = process.argv[3];
  if (!out || !(scale > 0)) usage(`${name} SCALE_MB OUT.heapsnapshot`);
  return { scale, out };
}

function usage(line: string): never {
  process.stderr.write(`usage: ${line}\n`);
  process.exit(2);
}
