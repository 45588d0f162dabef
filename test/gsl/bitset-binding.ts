// The GSL binding of the BitSet specs (test/gsl/specs/bitsets.gsl): the objects the
// generated tests check and the predicates of the superkinds.
import type { GslBinding } from "../../src/gsl/test-runtime.js";
import { BitMap, BitSet, MutBitSet, WrongBitSet } from "./bitset-api.js";

const wrong = process.env.GSL_BITSET_WRONG === "1";

const binding: GslBinding = {
  instances: {
    BitSet: () => [wrong ? new WrongBitSet(0b1011) : BitSet.of(0, 1, 3), BitSet.of(5)],
    MutBitSet: () => [new MutBitSet(0b110)],
    BitMap: () => [new BitMap().set(3, "three")],
  },
  kinds: {
    "element+": (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 32,
    "Element Index+": (v) => Number.isInteger(v) && (v as number) >= 0,
    "boolean+": (v) => typeof v === "boolean",
    "list+": (v) => Array.isArray(v),
    "name+": (v) => typeof v === "string",
    "maybe name": (v) => v === undefined || typeof v === "string",
    "mask+": (v) => Number.isInteger(v) && (v as number) >= 0,
  },
  examples: { BitSet: () => BitSet.of(1, 2) },
};
export default binding;
