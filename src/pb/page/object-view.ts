/**
 * One object of a snapshot, as DevTools' object view: its edges as an expandable
 * containment tree and its retainers as an expandable tree up to the root, both paged.
 * Values (strings, numbers) are the user's heap: shown as text here, never elsewhere.
 */
import type { HeapObject, ObjectEdge, ObjectPage, RetainerPage } from "../protocol.js";
import { api, el, objectLink } from "./dom.js";

/** Rows fetched per expansion, as the server pages them. */
export const PAGE = 100;

type Tree = "edges" | "retainers";

/** A row's edge as a JavaScript programmer reads it: `[3]`, `name`, a context variable, V8's internal links marked. */
function edgeCell(e: ObjectEdge): HTMLTableCellElement {
  const label = e.edgeType === "element" || e.edgeType === "hidden" ? `[${e.edgeName}]` : e.edgeName;
  const td = el("td", { class: `edge edge-${e.edgeType}`, title: `${e.edgeType} edge` }, label);
  if (e.edgeType !== "property" && e.edgeType !== "element") td.append(" ", el("span", { class: "badge" }, e.edgeType));
  return td;
}

/** A string's first characters (with a button for the rest) or a number, as text. */
function valueCell(file: number, o: HeapObject): HTMLTableCellElement {
  const td = el("td", { class: "value" });
  if (o.value === undefined) return td;
  const isString = o.type.includes("string");
  const text = el("span", { class: "value-text" }, isString ? JSON.stringify(o.value).slice(0, -1) + (o.valueLength! > o.value.length ? "…" : '"') : o.value);
  td.append(text);
  if (o.valueLength! > o.value.length) {
    const all = el("button", { type: "button", class: "full-value" }, `all ${o.valueLength} characters`);
    all.addEventListener("click", async (ev) => {
      ev.stopPropagation();
      try {
        const { value } = await api<{ value: string }>("/api/snap/value", { file, id: o.id });
        text.textContent = JSON.stringify(value);
        all.remove();
      } catch (e) {
        all.textContent = `Error: ${(e as Error).message}`;
      }
    });
    td.append(" ", all);
  }
  return td;
}

const num = (v: number | null): HTMLTableCellElement => el("td", { class: "num" }, v === null ? "—" : String(v));

/** The object panel: opens objects by id, remembers where it has been for Backspace. */
export class ObjectView {
  readonly element = el("section", { id: "object", "aria-label": "Object" });
  private readonly history: number[] = [];

  constructor(private readonly file: number) {
    this.element.hidden = true;
  }

  /** Whether an object is shown. */
  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** Shows object `id`: summary, edges, retainers. */
  async open(id: number, remember = true): Promise<void> {
    this.element.hidden = false;
    this.element.replaceChildren(el("p", { class: "note" }, `Opening @${id}…`));
    let edges: ObjectPage;
    let retainers: RetainerPage;
    try {
      [edges, retainers] = await Promise.all([api<ObjectPage>("/api/snap/object", { file: this.file, id, limit: PAGE }), api<RetainerPage>("/api/snap/retainers", { file: this.file, id, limit: PAGE })]);
    } catch (e) {
      this.element.replaceChildren(el("p", { class: "error", role: "alert", id: "object-error" }, `Error: ${(e as Error).message}`));
      return;
    }
    if (remember && this.history[this.history.length - 1] !== id) this.history.push(id);
    const o = edges.object;
    const close = el("button", { type: "button", id: "close-object" }, "Close");
    close.addEventListener("click", () => this.close());
    const summary = el("p", { id: "object-summary" }, `${o.type} · shallow ${o.shallow} bytes · retained ${o.retained} bytes · distance ${o.distance ?? "—"} · ${o.edges} edges`);
    const value = valueCell(this.file, o);
    if (o.value !== undefined) summary.append(el("br"), "value ", ...value.childNodes);
    this.element.replaceChildren(
      el("h3", { id: "object-title" }, `${o.name} `, objectLink(o.id), " ", close),
      summary,
      el("h4", {}, "Edges (containment)"),
      this.table("edges", edges.edges, edges.total, [o.id]),
      el("h4", {}, "Retainers (nearest to the root first)"),
      this.table("retainers", retainers.retainers, retainers.total, [o.id]),
    );
    this.element.querySelector<HTMLElement>("table tbody tr[tabindex]")?.focus();
  }

  /** Goes to the object shown before; false when there was none. */
  back(): boolean {
    if (this.history.length < 2) return false;
    this.history.pop();
    void this.open(this.history[this.history.length - 1]!, false);
    return true;
  }

  close(): void {
    this.history.length = 0;
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  private table(tree: Tree, first: ObjectEdge[], total: number, path: number[]): HTMLTableElement {
    const head = tree === "edges" ? ["Edge", "Object", "Value", "Shallow", "Retained", "Distance"] : ["Edge", "Retainer", "Value", "Shallow", "Retained", "Distance"];
    const body = el("tbody");
    const table = el("table", { class: "grid tree", id: tree }, el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))), body);
    this.insert(body, null, tree, first, 0, total, 0, path);
    if (total === 0) body.append(el("tr", {}, el("td", { colspan: "6", class: "note" }, tree === "edges" ? "No edges." : "Nothing retains it.")));
    return table;
  }

  /** Adds rows `offset`.. of a level after `after` (or at the end), and a row for the rest when paged. */
  private insert(body: HTMLTableSectionElement, after: Element | null, tree: Tree, edges: ObjectEdge[], offset: number, total: number, depth: number, path: number[]): void {
    const rows: HTMLTableRowElement[] = edges.map((e) => this.row(tree, e, depth, path));
    const shown = offset + edges.length;
    if (shown < total) {
      const more = el("button", { type: "button", class: "more-edges" }, `${Math.min(PAGE, total - shown)} more (${shown} of ${total} shown)`);
      const tr = el("tr", { "data-depth": String(depth), class: "more" }, el("td", { colspan: "6", style: `padding-left: ${depth * 1.2 + 0.6}em` }, more));
      more.addEventListener("click", async () => {
        const owner = path[path.length - 1]!;
        const page = tree === "edges" ? await api<ObjectPage>("/api/snap/object", { file: this.file, id: owner, offset: shown, limit: PAGE }) : await api<RetainerPage>("/api/snap/retainers", { file: this.file, id: owner, offset: shown, limit: PAGE });
        this.insert(body, tr, tree, "edges" in page ? page.edges : page.retainers, shown, total, depth, path);
        tr.remove();
      });
      rows.push(tr);
    }
    if (after === null) body.append(...rows);
    else after.after(...rows);
  }

  private row(tree: Tree, e: ObjectEdge, depth: number, path: number[]): HTMLTableRowElement {
    const o = e.to;
    // A retainer already on the way up is a cycle: shown, marked, not expanded again.
    const cycle = path.includes(o.id);
    const canExpand = !cycle && (tree === "retainers" ? o.distance !== 0 : o.edges > 0);
    const tr = el("tr", { tabindex: "-1", "data-depth": String(depth), "data-id": String(o.id), class: [e.weak ? "weak" : "", cycle ? "cycle" : ""].join(" ").trim() });
    const toggle = el("button", { type: "button", class: "toggle", "aria-expanded": "false", "aria-label": "Expand" }, "▸");
    if (!canExpand) toggle.hidden = true;
    const edge = edgeCell(e);
    edge.style.paddingLeft = `${depth * 1.2}em`;
    edge.prepend(toggle, " ");
    const what = el("td", { class: "kind" }, `${o.name} `, objectLink(o.id));
    if (cycle) what.append(" ", el("span", { class: "badge cycle" }, "cycle"));
    if (e.weak) what.append(" ", el("span", { class: "badge weak" }, "weak"));
    tr.append(edge, what, valueCell(this.file, o), num(o.shallow), num(o.retained), num(o.distance));
    toggle.addEventListener("click", async (ev) => {
      ev.stopPropagation();
      const body = tr.parentElement as HTMLTableSectionElement;
      if (toggle.getAttribute("aria-expanded") === "true") {
        // Folding removes the rows below this one that are deeper.
        for (let next = tr.nextElementSibling; next !== null && Number((next as HTMLElement).dataset.depth) > depth; next = tr.nextElementSibling) next.remove();
        toggle.setAttribute("aria-expanded", "false");
        toggle.textContent = "▸";
        return;
      }
      toggle.setAttribute("aria-expanded", "true");
      toggle.textContent = "▾";
      const page = tree === "edges" ? await api<ObjectPage>("/api/snap/object", { file: this.file, id: o.id, limit: PAGE }) : await api<RetainerPage>("/api/snap/retainers", { file: this.file, id: o.id, limit: PAGE });
      const children = "edges" in page ? page.edges : page.retainers;
      this.insert(body, tr, tree, children, 0, page.total, depth + 1, [...path, o.id]);
    });
    tr.addEventListener("click", () => {
      tr.parentElement!.querySelectorAll("tr[aria-selected]").forEach((r) => r.removeAttribute("aria-selected"));
      tr.setAttribute("aria-selected", "true");
      tr.focus();
    });
    return tr;
  }
}
