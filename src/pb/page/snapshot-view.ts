/**
 * A snapshot in the page: statistics charts, the partition of a drilled-down set
 * (sortable, filterable, with retained sizes), the comparison with another snapshot
 * by class, a search by object id, and the set's paths, reference pattern and
 * dominated objects with every object and row a link. All numbers come from the server.
 */
import type { Comparison, OpenFile, PartitionPage, PathRow, PatternNode, Step } from "../protocol.js";
import { api, el, linkify, pct } from "./dom.js";
import { ObjectView, PAGE } from "./object-view.js";
import { statsCharts } from "./stats-chart.js";

/** Where a snapshot view starts: a set (less another snapshot, drilled down by steps), or a comparison. */
export interface SnapshotState {
  minus?: number;
  steps?: Step[];
  compare?: number;
}

/** What the page offers a view: opening another file at a state, and the Backspace key. */
export interface ViewHost {
  navigate(file: OpenFile, state: SnapshotState): void;
  onBack(handler: () => void): void;
}

type Sort = { key: string; descending: boolean } | null;

const PARTITION_COLUMNS: [string, string | null][] = [
  ["Index", "index"],
  ["Count", "count"],
  ["%", null],
  ["Size", "size"],
  ["%", null],
  ["Cumulative", null],
  ["%", null],
  ["Retained", "retained"],
  ["Kind", "kind"],
];
const COMPARISON_COLUMNS: [string, string][] = [
  ["Class", "kind"],
  ["# New", "added"],
  ["# Deleted", "deleted"],
  ["# Delta", "delta"],
  ["Alloc. size", "allocSize"],
  ["Freed size", "freedSize"],
  ["Size delta", "sizeDelta"],
];

/** A header row whose cells sort by their column on click: largest first, then the other way. */
function sortableHead(columns: [string, string | null][], sort: Sort, kindHeader: string, onSort: (s: Sort) => void): HTMLTableSectionElement {
  return el(
    "thead",
    {},
    el(
      "tr",
      {},
      ...columns.map(([label, key]) => {
        const text = key === "kind" && label === "Kind" ? kindHeader : label;
        if (key === null) return el("th", { scope: "col" }, text);
        const on = sort?.key === key;
        const th = el("th", { scope: "col", class: "sortable", "data-sort": key, "aria-sort": on ? (sort!.descending ? "descending" : "ascending") : "none", title: "Sort by this column" }, text, on ? (sort!.descending ? " ▼" : " ▲") : "");
        th.addEventListener("click", () => onSort(on ? { key, descending: !sort!.descending } : { key, descending: key !== "kind" }));
        return th;
      }),
    ),
  );
}

/** The reference pattern as a tree of foldable rows; each row's set opens by its index. */
function patternTree(rows: PatternNode[], openRow: (index: number) => void): HTMLElement {
  const root = el("ul", { class: "pattern-tree", id: "pattern" });
  const stack: HTMLUListElement[] = [root];
  rows.forEach((r, i) => {
    stack.length = Math.min(stack.length, r.depth + 1);
    const parent = stack[stack.length - 1]!;
    const hasChildren = rows[i + 1] !== undefined && rows[i + 1]!.depth > r.depth;
    const toggle = el("button", { type: "button", class: "toggle", "aria-expanded": "true", "aria-label": "Fold" }, "▾");
    toggle.hidden = !hasChildren;
    const open = el("a", { href: "#", class: "open-set", "data-index": String(r.index), title: "Open this row's objects as a set" }, `${r.count} ${r.kind}`);
    open.addEventListener("click", (ev) => {
      ev.preventDefault();
      openRow(r.index);
    });
    const children = el("ul");
    const li = el("li", { "data-index": String(r.index) }, toggle, " ", open, " ", el("span", { class: "pattern-line" }, ...linkify(r.line)), children);
    toggle.addEventListener("click", () => {
      const folded = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!folded));
      toggle.textContent = folded ? "▸" : "▾";
      children.hidden = folded;
    });
    parent.append(li);
    stack.push(children);
  });
  return root;
}

export async function showSnapshot(view: HTMLElement, file: OpenFile, files: OpenFile[], classifiers: string[], state: SnapshotState, host: ViewHost): Promise<void> {
  const steps: Step[] = [...(state.steps ?? [])];
  let by = "clodo";
  let minus = state.minus;
  let compare = state.compare;
  let sort: Sort = null;
  let filter = "";
  const others = files.filter((f) => f.kind === "snapshot" && f.id !== file.id);
  const objects = new ObjectView(file.id);

  const crumbs = el("nav", { id: "crumbs", "aria-label": "Selection" });
  const bySel = el("select", { id: "by", "aria-label": "Classifier" }, ...classifiers.map((c) => el("option", { value: c }, c)));
  bySel.value = by;
  const minusSel = el("select", { id: "minus", "aria-label": "Objects" }, el("option", { value: "" }, "(all of it)"), ...others.map((f) => el("option", { value: String(f.id) }, `not in ${f.name}`)));
  minusSel.value = minus === undefined ? "" : String(minus);
  const compareSel = el("select", { id: "compare", "aria-label": "Compare with" }, el("option", { value: "" }, "(no comparison)"), ...others.map((f) => el("option", { value: String(f.id) }, `with ${f.name}`)));
  compareSel.value = compare === undefined ? "" : String(compare);
  const filterBox = el("input", { id: "filter", type: "search", placeholder: "Filter by class", "aria-label": "Filter by class" });
  const searchBox = el("input", { id: "search", type: "search", placeholder: "@id", "aria-label": "Object id", size: "10" });
  const searchGo = el("button", { id: "search-go", type: "button" }, "Open");
  const summary = el("p", { id: "summary" });
  const charts = el("details", { id: "statistics", open: "" }, el("summary", {}, "Statistics"));
  const table = el("table", { class: "partition grid", id: "partition" });
  const more = el("button", { id: "more", type: "button" }, "More rows");
  const buttons = el(
    "div",
    { class: "controls" },
    el("button", { id: "show-paths", type: "button" }, "Shortest paths"),
    el("button", { id: "show-pattern", type: "button" }, "Reference pattern"),
    el("button", { id: "show-dominated", type: "button" }, "Retained and dominated"),
  );
  const output = el("div", { id: "output", class: "output" });
  // This view's own element: its listeners go when it is replaced.
  const root = el("div", { class: "snapshot-view" });
  view.replaceChildren(root);
  root.append(
    el("h2", {}, file.name),
    el(
      "div",
      { class: "controls" },
      el("label", {}, "Partition by ", bySel),
      others.length > 0 ? el("label", {}, " Objects ", minusSel) : "",
      others.length > 0 ? el("label", {}, " Compare ", compareSel) : "",
      el("label", {}, " ", filterBox),
      el("span", {}, searchBox, " ", searchGo),
    ),
    crumbs,
    objects.element,
    summary,
    charts,
    table,
    more,
    buttons,
    output,
  );
  const params = () => ({ file: file.id, steps: JSON.stringify(steps), minus });
  const sortParams = () => (sort === null ? {} : { sort: sort.key, dir: sort.descending ? "desc" : "asc" });
  let loaded = 0;
  let cumulative = 0;

  const drawCrumbs = (): void => {
    const parts: (Node | string)[] = [];
    const home = el("a", { href: "#", "data-depth": "0" }, minus === undefined ? "All reachable objects" : `Not in ${files[minus]!.name}`);
    parts.push(home);
    steps.forEach((s, i) => parts.push(" › ", el("a", { href: "#", "data-depth": String(i + 1) }, s.by === "rp" ? `reference pattern row ${s.kind}` : `${s.by}: ${s.kind}`)));
    crumbs.replaceChildren(...parts);
    crumbs.querySelectorAll("a").forEach((a) =>
      a.addEventListener("click", (ev) => {
        ev.preventDefault();
        steps.length = Number(a.dataset.depth);
        void reload();
      }),
    );
  };
  const addRows = (page: PartitionPage): void => {
    for (const r of page.rows) {
      cumulative += r.size;
      // Partitioned by id, each row is one object: it opens, rather than drills.
      const object = by === "id" ? /@(\d+)$/.exec(r.kind) : null;
      const tr = el(
        "tr",
        { tabindex: loaded === 0 && r === page.rows[0] ? "0" : "-1", "data-kind": r.kind, "data-index": String(r.index), title: object ? "Click to open this object" : "Click to look inside this kind" },
        el("td", { class: "num" }, String(r.index)),
        el("td", { class: "num" }, String(r.count)),
        el("td", { class: "num" }, pct(r.count, page.count)),
        el("td", { class: "num" }, String(r.size)),
        el("td", { class: "num" }, pct(r.size, page.size)),
        el("td", { class: "num" }, String(cumulative)),
        el("td", { class: "num" }, pct(cumulative, page.size)),
        el("td", { class: "num", "data-col": "retained" }, r.retained === null ? "…" : String(r.retained)),
        el("td", { class: "kind" }, r.kind),
      );
      tr.addEventListener("click", (ev) => {
        if ((ev.target as HTMLElement).closest("a") !== null) return;
        if (object !== null) {
          void objects.open(Number(object[1]));
          return;
        }
        steps.push({ by, kind: r.kind });
        void reload();
      });
      table.tBodies[0]!.append(tr);
    }
    loaded += page.rows.length;
    more.hidden = loaded >= page.totalRows;
    void fillRetained(page);
  };
  // Each reload starts a generation: an answer for an older table is dropped.
  let generation = 0;
  /** Retained sizes come after the rows (they walk the whole dominator tree once per partition). */
  const fillRetained = async (page: PartitionPage): Promise<void> => {
    if (page.rows.every((r) => r.retained !== null)) return;
    const mine = generation;
    const full = await api<PartitionPage>("/api/snap/partition", { ...params(), by, offset: page.offset, limit: page.rows.length, filter, ...sortParams() });
    if (mine !== generation) return;
    for (const r of full.rows) {
      const td = table.querySelector(`tbody tr[data-index="${r.index}"] td[data-col="retained"]`);
      if (td !== null) td.textContent = String(r.retained);
    }
  };
  const drawComparison = async (base: number): Promise<void> => {
    const c = await api<Comparison>("/api/snap/compare", { file: file.id, base, filter, limit: 10_000, ...sortParams() });
    summary.textContent = `Comparison of ${file.name} with ${files[base]!.name} by class (objects matched by V8 id): ${c.totalRows} classes changed.`;
    const link = (text: string, cls: string, go: () => void): HTMLAnchorElement => {
      const a = el("a", { href: "#", class: cls }, text);
      a.addEventListener("click", (ev) => {
        ev.preventDefault();
        go();
      });
      return a;
    };
    table.id = "comparison";
    table.className = "comparison grid";
    table.replaceChildren(
      sortableHead(COMPARISON_COLUMNS, sort, c.kindHeader, (s) => {
        sort = s;
        void reload();
      }),
      el(
        "tbody",
        {},
        ...c.rows.map((r) => {
          const tr = el(
            "tr",
            { tabindex: "-1", "data-kind": r.kind, title: "Enter or a click opens the new objects (or else the deleted ones)" },
            el("td", { class: "kind" }, r.kind),
            el("td", { class: "num" }, r.added > 0 ? link(String(r.added), "new-objects", () => host.navigate(file, { minus: base, steps: [{ by: "clodo", kind: r.kind }] })) : "0"),
            el("td", { class: "num" }, r.deleted > 0 ? link(String(r.deleted), "deleted-objects", () => host.navigate(files[base]!, { minus: file.id, steps: [{ by: "clodo", kind: r.kind }] })) : "0"),
            el("td", { class: "num" }, String(r.delta)),
            el("td", { class: "num" }, String(r.allocSize)),
            el("td", { class: "num" }, String(r.freedSize)),
            el("td", { class: "num" }, String(r.sizeDelta)),
          );
          tr.addEventListener("click", (ev) => {
            if ((ev.target as HTMLElement).closest("a") === null) tr.querySelector<HTMLAnchorElement>("a.new-objects, a.deleted-objects")?.click();
          });
          return tr;
        }),
      ),
    );
    more.hidden = true;
  };
  const reload = async (): Promise<void> => {
    try {
      drawCrumbs();
      output.replaceChildren();
      summary.textContent = "Loading…";
      generation++;
      buttons.hidden = compare !== undefined;
      charts.hidden = compare !== undefined;
      if (compare !== undefined) return await drawComparison(compare);
      table.id = "partition";
      table.className = "partition grid";
      const page = await api<PartitionPage>("/api/snap/partition", { ...params(), by, offset: 0, limit: PAGE, filter, retained: 0, ...sortParams() });
      loaded = 0;
      cumulative = 0;
      summary.textContent = `Partition of a set of ${page.count} objects. Total size = ${page.size} bytes. ${page.totalRows === page.allRows ? `${page.allRows} kinds.` : `${page.totalRows} of ${page.allRows} kinds match.`}`;
      table.replaceChildren(
        sortableHead(PARTITION_COLUMNS, sort, page.kindHeader, (s) => {
          sort = s;
          void reload();
        }),
        el("tbody"),
      );
      addRows(page);
      // After drilling by keyboard the grid keeps the focus, as DevTools' does.
      if (document.activeElement === document.body) table.querySelector<HTMLElement>("tbody tr")?.focus();
      const drillChart = (chartBy: string, kind: string): void => {
        steps.push({ by: chartBy, kind });
        void reload();
      };
      charts.replaceChildren(charts.firstElementChild!, await statsCharts(params(), drillChart));
    } catch (e) {
      summary.textContent = `Error: ${(e as Error).message}`;
    }
  };
  more.addEventListener("click", async () => addRows(await api<PartitionPage>("/api/snap/partition", { ...params(), by, offset: loaded, limit: PAGE, filter, retained: 0, ...sortParams() })));
  bySel.addEventListener("change", () => {
    by = bySel.value;
    sort = null;
    void reload();
  });
  minusSel.addEventListener("change", () => {
    minus = minusSel.value === "" ? undefined : Number(minusSel.value);
    steps.length = 0;
    void reload();
  });
  compareSel.addEventListener("change", () => {
    compare = compareSel.value === "" ? undefined : Number(compareSel.value);
    sort = null;
    void reload();
  });
  let typing: ReturnType<typeof setTimeout> | undefined;
  filterBox.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      filter = filterBox.value;
      void reload();
    }, 150);
  });
  const search = (): void => {
    const m = /^\s*@?(\d+)\s*$/.exec(searchBox.value);
    if (m === null) {
      objects.element.hidden = false;
      objects.element.replaceChildren(el("p", { class: "error", role: "alert", id: "object-error" }, "Type an object id: @1234 or 1234."));
      return;
    }
    void objects.open(Number(m[1]));
  };
  searchGo.addEventListener("click", search);
  searchBox.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") search();
  });
  // Every @id anywhere in this view opens that object.
  root.addEventListener("click", (ev) => {
    const a = (ev.target as HTMLElement).closest<HTMLAnchorElement>("a.obj");
    if (a === null) return;
    ev.preventDefault();
    ev.stopPropagation();
    void objects.open(Number(a.dataset.id));
    objects.element.scrollIntoView({ block: "nearest" });
  });
  host.onBack(() => {
    if (objects.back()) return;
    if (objects.isOpen) objects.close();
    else if (steps.length > 0) {
      steps.pop();
      void reload();
    }
  });
  const explain = (id: string, fill: () => Promise<(Node | string)[]>): void => {
    document.getElementById(id)!.addEventListener("click", async () => {
      output.replaceChildren("Working…");
      try {
        output.replaceChildren(...(await fill()));
      } catch (e) {
        output.replaceChildren(`Error: ${(e as Error).message}`);
      }
    });
  };
  explain("show-paths", async () => {
    const { text, rows } = await api<{ text: string; rows: PathRow[] }>("/api/snap/paths", { ...params(), limit: 20 });
    if (rows.length === 0) return [el("pre", {}, text)];
    const rest = text.split("\n").filter((l) => !/^ *\d+: /.test(l));
    return [
      el("ol", { id: "paths", class: "paths", start: "0" }, ...rows.map((r) => el("li", { "data-id": String(r.id) }, el("a", { href: "#", class: "obj path", "data-id": String(r.id), title: `Open @${r.id}` }, r.text)))),
      // The REPL's hint ("Type e.g. '_.more'") means nothing here.
      ...rest.map((l) => el("p", { class: "note" }, l.replace(/ Type e\.g\. .*>$/, ">"))),
    ];
  });
  explain("show-pattern", async () => {
    const { rows } = await api<{ text: string; rows: PatternNode[] }>("/api/snap/pattern", params());
    return [
      patternTree(rows, (index) => {
        steps.push({ by: "rp", kind: String(index) });
        void reload();
      }),
    ];
  });
  explain("show-dominated", async () => {
    const d = await api<{ count: number; size: number; retained: number; table: string }>("/api/snap/dominated", params());
    return [el("pre", {}, `The ${d.count} objects (${d.size} bytes) retain ${d.retained} bytes: freeing them would free these:\n\n`, ...linkify(d.table))];
  });
  await reload();
}
