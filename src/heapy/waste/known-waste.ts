import { shallowSizes } from "../graph/shallow-sizes.js";
import type { IdentitySet } from "../sets/identity-set.js";
import { detachedDom, Dom } from "./detached-dom.js";
import { Dupstr, duplicatedStrings } from "./duplicated-strings.js";
import { emptyCollections, Fill } from "./fill.js";
import { Capture, unusedCaptures } from "./unused-captures.js";
import { renderWaste, wasteReport, type WasteAnalysis, type WasteReport } from "./waste-report.js";

/** The known-waste analyses of one snapshot, by the names `guppy waste --only` takes. */
export const WASTE_ANALYSES: Readonly<Record<string, WasteAnalysis>> = Object.freeze({
  strings: duplicatedStrings,
  dom: detachedDom,
  collections: emptyCollections,
  captures: unusedCaptures,
});

/** Their classifiers, by Heapy-style names (a session offers them as h.Dupstr, h.Dom, h.Fill, h.Capture). */
export const WASTE_CLASSIFIERS = Object.freeze({ Dupstr, Dom, Fill, Capture });

/** The reports of a set, as a value that prints as text (`s0.waste` in the REPL). */
export class WasteView {
  constructor(
    readonly reports: readonly WasteReport[],
    private readonly limit = 10,
  ) {}

  /** All reports' bytes together. */
  get bytes(): number {
    return this.reports.reduce((s, r) => s + r.bytes, 0);
  }

  toString(): string {
    return this.reports.map((r) => renderWaste(r, this.limit)).join("\n\n");
  }

  toJSON(): unknown {
    return this.reports.map((r) => ({ ...r, entries: r.entries.map(({ set, ...e }) => ({ ...e, ids: Array.from(set.ids().slice(0, 100)) })) }));
  }
}

/** Runs the named analyses (all by default) over a set. */
export function knownWaste(set: IdentitySet, names: readonly string[] = Object.keys(WASTE_ANALYSES), limit = 10): WasteView {
  const sizes = shallowSizes(set.graph);
  return new WasteView(
    names.map((name) => wasteReport(WASTE_ANALYSES[name]!, set, sizes)),
    limit,
  );
}
