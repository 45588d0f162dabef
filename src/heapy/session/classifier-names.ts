import { GuppyError } from "../../errors.js";
import { CLASSIFIERS, combine, type Classifier } from "../classify/classifiers.js";
import { WASTE_CLASSIFIERS } from "../waste/known-waste.js";

/** The classifiers chosen by name (`--by`, the profile browser): Heapy's and the known-waste ones. */
export const NAMED_CLASSIFIERS: Readonly<Record<string, Classifier>> = Object.freeze({ ...CLASSIFIERS, ...WASTE_CLASSIFIERS });

/** Their names as users type them. */
export const CLASSIFIER_NAMES = Object.keys(NAMED_CLASSIFIERS).map((k) => k.toLowerCase());

/** `type,size` → the classifier (combined when several are named), any case. */
export function classifierNamed(spec: string): Classifier {
  const parts = spec.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "");
  const found = parts.map((p) => {
    const key = Object.keys(NAMED_CLASSIFIERS).find((k) => k.toLowerCase() === p);
    if (key === undefined) throw new GuppyError("USAGE", `Unknown classifier '${p}'; use one or more of ${CLASSIFIER_NAMES.join(", ")}.`);
    return NAMED_CLASSIFIERS[key]!;
  });
  if (found.length === 0) throw new GuppyError("USAGE", `--by needs a classifier: ${CLASSIFIER_NAMES.join(", ")}.`);
  return found.length === 1 ? found[0]! : combine(...found);
}
