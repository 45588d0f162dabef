/** The page's plumbing: the token, the API, making elements, links to objects. */

/**
 * The token comes in the address's fragment (#token=, never sent to a server) or, from
 * older addresses, its query; it is kept for this tab only and taken out of the address
 * bar, so it is not in the history or on the screen.
 */
function takeToken(): string {
  const given = new URLSearchParams(location.hash.slice(1)).get("token") ?? new URLSearchParams(location.search).get("token");
  if (given !== null) {
    sessionStorage.setItem("guppy-token", given);
    history.replaceState(null, "", location.pathname);
    return given;
  }
  return sessionStorage.getItem("guppy-token") ?? "";
}
const token = takeToken();

/** A GET of the explorer's API with the token; the server's one-line error as the Error's message. */
export async function api<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const res = await fetch(`${path}?${q}`, { headers: { "X-Guppy-Token": token } });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${res.status}`);
  return body;
}

/** Makes an element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** A link that opens object `id` (the page handles every `a.obj` click in one place). */
export function objectLink(id: number): HTMLAnchorElement {
  return el("a", { href: "#", class: "obj", "data-id": String(id) }, `@${id}`);
}

/** Text with every `@1234` made a link to that object. */
export function linkify(text: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  let last = 0;
  for (const m of text.matchAll(/@(\d+)/g)) {
    out.push(text.slice(last, m.index), objectLink(Number(m[1])));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

export const pct = (part: number, whole: number): string => (whole === 0 ? "0" : String(Math.round((part * 100) / whole)));
