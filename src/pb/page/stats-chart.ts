/**
 * A snapshot's statistics as bar charts (plain DOM, no canvas): its size by node type
 * and by class, the 10 largest of each and the rest. A click on a bar drills into it.
 */
import type { PartitionPage } from "../protocol.js";
import { api, el, pct } from "./dom.js";

const TOP = 10;

/** One chart: a bar per kind, as wide as its share of the total. */
async function chart(params: Record<string, string | number | undefined>, by: string, title: string, drill: (by: string, kind: string) => void): Promise<HTMLElement> {
  const page = await api<PartitionPage>("/api/snap/partition", { ...params, by, limit: TOP, retained: 0 });
  const shown = page.rows.reduce((s, r) => s + r.size, 0);
  const bars = page.rows.map((r) => ({ kind: r.kind, size: r.size, count: r.count, drillable: true }));
  if (page.totalRows > TOP) bars.push({ kind: `(the other ${page.totalRows - TOP})`, size: page.size - shown, count: page.count - page.rows.reduce((s, r) => s + r.count, 0), drillable: false });
  const largest = Math.max(1, ...bars.map((b) => b.size));
  return el(
    "figure",
    { class: "bars", "data-by": by },
    el("figcaption", {}, title),
    ...bars.map((b) => {
      const row = el(
        "div",
        { class: "bar-row", "data-kind": b.kind, title: `${b.count} objects, ${b.size} bytes (${pct(b.size, page.size)}%)` },
        el("span", { class: "bar-label" }, b.kind),
        el("span", { class: "bar-track" }, el("span", { class: "bar", style: `width: ${(100 * b.size) / largest}%` })),
        el("span", { class: "bar-value" }, `${b.size} (${pct(b.size, page.size)}%)`),
      );
      if (b.drillable) {
        row.classList.add("drillable");
        row.addEventListener("click", () => drill(by, b.kind));
      }
      return row;
    }),
  );
}

/** Both charts of a set, side by side. */
export async function statsCharts(params: Record<string, string | number | undefined>, drill: (by: string, kind: string) => void): Promise<HTMLElement> {
  const [byType, byClass] = await Promise.all([chart(params, "type", "Size by type", drill), chart(params, "clodo", "Size by class", drill)]);
  return el("div", { id: "stats-chart", class: "charts" }, byType, byClass);
}
