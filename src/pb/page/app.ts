/**
 * The profile browser's page: stat files as a chart of samples over time with markers
 * A and B and a table at A, at B or between them (here); snapshots in snapshot-view.ts.
 * Every number comes from the server (all analysis runs there); the page only draws.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "./app.css";
import type { OpenFile, StatRecord, StatRow, StatSeries } from "../protocol.js";
import { api, el, pct } from "./dom.js";
import { installGridKeys } from "./grid.js";
import { showSnapshot, type SnapshotState } from "./snapshot-view.js";

type Row = StatRow;

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8", "#ffbe7d", "#8cd17d", "#b6992d", "#499894", "#d4a6c8", "#fabfd2", "#79706e", "#f1ce63"];
const REST_COLOUR = "#bab0ac";

/** A kind's colour: from its name, so it is the same in every chart, file and session. */
function colourOf(kind: string): string {
  let h = 2166136261;
  for (let i = 0; i < kind.length; i++) h = Math.imul(h ^ kind.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length]!;
}

const view = document.getElementById("view")!;
const nav = document.getElementById("files")!;

function showError(e: unknown): void {
  view.replaceChildren(el("p", { class: "error", role: "alert" }, `Error: ${(e as Error).message}`));
}

// ---- stat files -------------------------------------------------------------------

const COLUMNS = [
  ["kind", "Kind"],
  ["countA", "Count at A"],
  ["sizeA", "Size at A"],
  ["countB", "Count at B"],
  ["sizeB", "Size at B"],
  ["pct", "% of total"],
  ["cumulative", "Cumulative %"],
  ["aMinusB", "A-B"],
  ["bMinusA", "B-A"],
] as const;
type Column = (typeof COLUMNS)[number][0];

async function showStat(file: OpenFile): Promise<void> {
  let metric: "size" | "count" = "size";
  let style: "bars" | "lines" = "bars";
  let series: StatSeries = await api<StatSeries>("/api/stat/series", { file: file.id, metric });
  let n = series.times.length;
  let markA: number | null = n > 0 ? 0 : null;
  let markB: number | null = n > 1 ? n - 1 : null;
  let nextMark: "A" | "B" = "A";
  const shown = new Set<Column>(["kind", "sizeA", "countA", "sizeB", "countB", "pct", "cumulative", "bMinusA"]);

  const metricSel = el("select", { id: "metric", "aria-label": "Measure" }, el("option", { value: "size" }, "by size"), el("option", { value: "count" }, "by count"));
  const styleSel = el("select", { id: "style", "aria-label": "Chart" }, el("option", { value: "bars" }, "stacked bars"), el("option", { value: "lines" }, "lines"));
  const markSel = el("span", { class: "marks" });
  const inputA = el("input", { id: "mark-a", type: "number", min: "0", max: String(Math.max(0, n - 1)), "aria-label": "Sample at A" });
  const inputB = el("input", { id: "mark-b", type: "number", min: "0", max: String(Math.max(0, n - 1)), "aria-label": "Sample at B" });
  const clickSets = el("span", { id: "click-sets" });
  markSel.append("A ", inputA, " B ", inputB, " ", clickSets);
  // Heapy's Collect (read the file again every second while it grows) and Track (B follows the newest sample).
  const collect = el("input", { id: "collect", type: "checkbox" });
  const track = el("input", { id: "track", type: "checkbox" });
  const follow = el("span", { class: "follow" }, el("label", { title: "Read the file again every second, as it grows" }, collect, " Collect"), " ", el("label", { title: "Keep B at the newest sample" }, track, " Track"));
  const columnsBox = el("fieldset", { class: "columns" }, el("legend", {}, "Columns"));
  for (const [key, label] of COLUMNS) {
    const box = el("input", { type: "checkbox", id: `col-${key}`, "data-col": key });
    box.checked = shown.has(key);
    box.addEventListener("change", () => {
      if (box.checked) shown.add(key);
      else shown.delete(key);
      void drawTable();
    });
    columnsBox.append(el("label", {}, box, ` ${label}`));
  }
  const chartBox = el("div", { id: "chart", class: "chart" });
  const tableBox = el("div", { id: "stat-table" });
  const title = el("h2", {});
  const showTitle = (): void => void (title.textContent = `${file.name}: ${n} sample${n === 1 ? "" : "s"}, ${series.kindHeader}`);
  showTitle();
  view.replaceChildren(
    title,
    el("div", { class: "controls" }, metricSel, styleSel, markSel, follow),
    chartBox,
    columnsBox,
    tableBox,
  );

  let plot: uPlot | null = null;
  const draw = (): void => {
    plot?.destroy();
    const xs = series.times.map((t) => t);
    const order = series.kinds.map((_, k) => k);
    // Stacked: each band is the running sum, drawn from the top down so each fills to the one below.
    const layers: number[][] = [];
    let running = new Array<number>(n).fill(0);
    const addLayer = (vals: number[]): void => {
      running = style === "bars" ? running.map((v, i) => v + vals[i]!) : vals.slice();
      layers.push(running);
    };
    for (const k of order) addLayer(series.values[k]!);
    addLayer(series.rest);
    const labels = [...order.map((k) => series.kinds[k]!), "(the rest)"];
    const colours = [...order.map((k) => colourOf(series.kinds[k]!)), REST_COLOUR];
    const bars = uPlot.paths.bars!({ size: [0.8, 40] });
    const s: uPlot.Series[] = [{ label: "time", value: (_u, v) => (v == null ? "" : new Date(v * 1000).toLocaleTimeString()) }];
    labels.forEach((label, i) =>
      s.push({ label, stroke: colours[i]!, fill: style === "bars" ? colours[i]! : undefined, width: style === "bars" ? 0 : 1.5, ...(style === "bars" ? { paths: bars } : {}), points: { show: false } }),
    );
    const data = [xs, ...layers] as uPlot.AlignedData;
    // Bars: later layers are taller, so draw them first (uPlot draws series in order): reverse.
    const opts: uPlot.Options = {
      width: Math.max(400, chartBox.clientWidth || 900),
      height: 360,
      series: style === "bars" ? [s[0]!, ...s.slice(1).reverse()] : s,
      scales: { x: { time: true } },
      axes: [{}, { size: 70, values: (_u, vals) => vals.map((v) => (metric === "size" ? `${(v / 1e6).toFixed(1)} MB` : String(v))) }],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      hooks: {
        draw: [
          (u) => {
            const ctx = u.ctx;
            for (const [mark, name] of [[markA, "A"], [markB, "B"]] as const) {
              if (mark === null) continue;
              const x = u.valToPos(xs[mark]!, "x", true);
              ctx.save();
              ctx.strokeStyle = name === "A" ? "#222" : "#c00";
              ctx.lineWidth = 2;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.fillStyle = ctx.strokeStyle;
              ctx.font = `${12 * devicePixelRatio}px sans-serif`;
              ctx.fillText(name, x + 4, u.bbox.top + 14 * devicePixelRatio);
              ctx.restore();
            }
          },
        ],
      },
    };
    const dataOrdered = style === "bars" ? ([data[0], ...data.slice(1).reverse()] as uPlot.AlignedData) : data;
    plot = new uPlot(opts, dataOrdered, chartBox);
    plot.over.addEventListener("click", () => {
      const idx = plot?.cursor.idx;
      if (idx === null || idx === undefined) return;
      setMark(nextMark, idx);
      nextMark = nextMark === "A" ? "B" : "A";
      showMarks();
    });
    (window as unknown as { guppyChart?: unknown }).guppyChart = { plot, times: xs };
  };
  const showMarks = (): void => {
    inputA.value = markA === null ? "" : String(markA);
    inputB.value = markB === null ? "" : String(markB);
    clickSets.textContent = `(a click on the chart sets ${nextMark})`;
  };
  const setMark = (which: "A" | "B", i: number): void => {
    if (which === "A") markA = i;
    else markB = i;
    plot?.redraw(false);
    void drawTable();
  };
  const drawTable = async (): Promise<void> => {
    if (markA === null) {
      tableBox.replaceChildren(el("p", {}, "No samples."));
      return;
    }
    const a = await api<StatRecord>("/api/stat/record", { file: file.id, i: markA });
    const b = markB === null ? null : await api<StatRecord>("/api/stat/record", { file: file.id, i: markB });
    const kinds = new Map<string, { a: Row | null; b: Row | null }>();
    for (const r of a.rows) kinds.set(r.kind, { a: r, b: null });
    for (const r of b?.rows ?? []) kinds.set(r.kind, { a: kinds.get(r.kind)?.a ?? null, b: r });
    const key = (x: Row | null): number => (x === null ? 0 : x[metric]);
    // Ordered by B when there is one (what grew shows first), else by A.
    const rows = [...kinds].sort((x, y) => (b ? key(y[1].b) - key(x[1].b) : key(y[1].a) - key(x[1].a)) || (x[0] < y[0] ? -1 : 1));
    const total = b ? (metric === "size" ? b.size : b.count) : metric === "size" ? a.size : a.count;
    const cols = COLUMNS.filter(([k]) => shown.has(k) && (b !== null || !["countB", "sizeB", "aMinusB", "bMinusA"].includes(k)));
    const head = el("tr", {}, ...cols.map(([, label]) => el("th", { scope: "col" }, label)));
    let cumulative = 0;
    const body = rows.map(([kind, { a: ra, b: rb }]) => {
      const here = b ? key(rb) : key(ra);
      cumulative += here;
      const cell: Record<Column, string> = {
        kind,
        countA: String(ra?.count ?? 0),
        sizeA: String(ra?.size ?? 0),
        countB: String(rb?.count ?? 0),
        sizeB: String(rb?.size ?? 0),
        pct: pct(here, total),
        cumulative: pct(cumulative, total),
        aMinusB: String(key(ra) - key(rb)),
        bMinusA: String(key(rb) - key(ra)),
      };
      return el("tr", { style: `--kind: ${colourOf(kind)}` }, ...cols.map(([k]) => el("td", { class: k === "kind" ? "kind" : "num", "data-col": k }, cell[k])));
    });
    const when = (r: StatRecord): string => new Date(r.timemade * 1000).toLocaleString();
    tableBox.replaceChildren(
      el("p", { id: "table-caption" }, `A = sample ${markA} (${when(a)}, ${a.count} objects, ${a.size} bytes)` + (b && markB !== null ? `; B = sample ${markB} (${when(b)}, ${b.count} objects, ${b.size} bytes). % by ${metric} at B.` : `. % by ${metric} at A.`)),
      el("table", { class: "stat" }, el("thead", {}, head), el("tbody", {}, ...body)),
    );
  };
  metricSel.addEventListener("change", async () => {
    metric = metricSel.value as "size" | "count";
    series = await api<StatSeries>("/api/stat/series", { file: file.id, metric });
    draw();
    void drawTable();
  });
  styleSel.addEventListener("change", () => {
    style = styleSel.value as "bars" | "lines";
    draw();
  });
  for (const [input, which] of [[inputA, "A"], [inputB, "B"]] as const) {
    input.addEventListener("change", () => {
      const i = Number(input.value);
      if (Number.isInteger(i) && i >= 0 && i < n) setMark(which, i);
    });
  }
  let collecting: ReturnType<typeof setInterval> | null = null;
  const grow = async (): Promise<void> => {
    // The view was left: stop reading.
    if (!chartBox.isConnected) {
      if (collecting !== null) clearInterval(collecting);
      return;
    }
    const next = await api<StatSeries>("/api/stat/series", { file: file.id, metric });
    if (next.times.length === n) return;
    series = next;
    n = series.times.length;
    for (const input of [inputA, inputB]) input.max = String(Math.max(0, n - 1));
    if (markA === null && n > 0) markA = 0;
    if ((track.checked || markB === null) && n > 1) markB = n - 1;
    showTitle();
    draw();
    showMarks();
    await drawTable();
  };
  collect.addEventListener("change", () => {
    if (collecting !== null) clearInterval(collecting);
    collecting = collect.checked ? setInterval(() => void grow().catch(showError), 1000) : null;
  });
  track.addEventListener("change", () => {
    if (track.checked && n > 1) setMark("B", n - 1);
    showMarks();
  });
  draw();
  showMarks();
  await drawTable();
}

// ---- start --------------------------------------------------------------------------

async function start(): Promise<void> {
  const { files, classifiers } = await api<{ files: OpenFile[]; classifiers: string[] }>("/api/files");
  // Backspace goes back in whatever view is showing: it says how.
  let back: () => void = () => undefined;
  installGridKeys(document.body, () => back());
  const host = {
    navigate: (f: OpenFile, state: SnapshotState): void => void open(f, state),
    onBack: (handler: () => void): void => {
      back = handler;
    },
  };
  const open = async (f: OpenFile, state: SnapshotState = {}): Promise<void> => {
    back = () => undefined;
    nav.querySelectorAll("button").forEach((b) => b.setAttribute("aria-current", String(b.dataset.id === String(f.id))));
    view.replaceChildren(el("p", { class: "note" }, `Opening ${f.name}…`));
    try {
      if (f.kind === "stat") await showStat(f);
      else await showSnapshot(view, f, files, classifiers, state, host);
    } catch (e) {
      showError(e);
    }
  };
  nav.replaceChildren(
    ...files.map((f) => {
      const b = el("button", { type: "button", "data-id": String(f.id), title: f.kind === "stat" ? "stat file (samples over time)" : "heap snapshot" }, `${f.name} (${f.kind === "stat" ? "stats" : "snapshot"})`);
      b.addEventListener("click", () => void open(f));
      return b;
    }),
  );
  if (files[0]) await open(files[0]);
}

start().catch(showError);
