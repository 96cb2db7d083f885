/**
 * An item's page (`/items/<EPC URN, Digital Link or 0x id>`): status and recall banner, owner and
 * custodian, the timeline of everything recorded about it (EPCIS events, custody, certificates,
 * recalls, acknowledgements) from the index, and its lineage drawn as a graph: what it is made
 * of (backward) and where it went (forward). The verification page checks it against the chain.
 */
import { api, enc, type Page } from "../lib/api";
import { h, replace, short } from "../lib/dom";
import { entityNames, nameIn } from "../app/names";
import { text32 } from "../verify/story";
import { verifyPath } from "../verify/page";
import { ProvenanceStatus } from "../abi/generated";
import { member } from "../directory/page";
import { formatDateTime, t, tEnum } from "../i18n";

interface Item { item_id: string; lot: boolean; amount: number; unit: string; owner: number; custodian: number; status: string; parent_id: string | null }
interface HistoryRow {
  kind: "event" | "custody" | "certificate" | "recall" | "acknowledgement";
  time: string | null; block_number: number;
  event?: string; entity_id?: number; action?: string; from_entity?: number; to_entity?: number;
  inspector?: number; cert_type?: string; valid_until?: number; reason?: string; withdrawn?: boolean;
  recalled_id?: string; released?: boolean;
}
interface Edge { source: string; target: string; kind: "pack" | "transformation"; depth: number }
interface Trace { root: string; edges: Edge[]; items: Item[] }

export function itemPage(root: HTMLElement, key: string): void {
  replace(root, h("p", {}, t("common.loading")));
  const path = enc(key);
  Promise.all([
    api<Item>(`/items/${path}`),
    api<Page<HistoryRow>>(`/items/${path}/history?limit=500`),
    api<Trace>(`/items/${path}/trace?direction=backward&depth=5`),
    api<Trace>(`/items/${path}/trace?direction=forward&depth=5`),
    entityNames(),
  ]).then(([item, history, backward, forward, names]) => {
    const status = member(ProvenanceStatus, item.status);
    const rows = history.items;
    const recalled = status === "Recalled";
    replace(root,
      h("h1", {}, t("item.title"), " ", h("code", { title: item.item_id }, short(item.item_id, 8))),
      recalled ? h("div", { class: "recall-banner", role: "alert" }, t("item.recallBanner")) : null,
      h("section", { class: "card facts" },
        h("h2", { class: `status status-${status}` }, tEnum("status", status)),
        h("dl", {},
          h("dt", {}, t("verify.owner")), h("dd", {}, nameIn(names, item.owner)),
          h("dt", {}, t("verify.custodian")), h("dd", {}, nameIn(names, item.custodian)),
          ...(item.parent_id ? [h("dt", {}, t("verify.parent")), h("dd", {}, h("a", { href: `/items/${item.parent_id}` }, short(item.parent_id, 8)))] : []),
        ),
        h("p", {}, h("a", { href: verifyPath(key) }, t("item.verifyLink"))),
      ),
      h("section", { class: "card", "aria-labelledby": "custody-h" },
        h("h2", { id: "custody-h" }, t("item.custodyTitle")),
        listOf(rows.filter((r) => r.kind === "custody"), names)),
      h("section", { class: "card", "aria-labelledby": "certs-h", "data-testid": "certificates" },
        h("h2", { id: "certs-h" }, t("verify.certificates")),
        listOf(rows.filter((r) => r.kind === "certificate"), names, t("verify.noCertificates"))),
      h("section", { class: "card", "aria-labelledby": "lineage-h" },
        h("h2", { id: "lineage-h" }, t("item.lineage")),
        lineage(item.item_id, backward, forward)),
      h("section", { class: "card", "aria-labelledby": "history-h" },
        h("h2", { id: "history-h" }, t("verify.timeline")),
        h("ol", { class: "timeline", reversed: true }, ...[...rows].reverse().map((r) => h("li", {},
          h("span", { class: "when" }, r.time ? formatDateTime(new Date(r.time)) : t("entity.block", { block: r.block_number })), " ",
          describe(r, names))))),
    );
  }, (error: Error) => replace(root, h("p", { class: "error", role: "alert" }, t("common.unavailable", { detail: error.message }))));
}

function listOf(rows: HistoryRow[], names: Map<number, string>, empty = t("common.none")): HTMLElement {
  return rows.length
    ? h("ul", {}, ...rows.map((r) => h("li", {},
        h("span", { class: "when" }, r.time ? formatDateTime(new Date(r.time)) : t("entity.block", { block: r.block_number })), " ",
        describe(r, names))))
    : h("p", {}, empty);
}

function describe(r: HistoryRow, names: Map<number, string>): string {
  const who = (id: number | undefined) => nameIn(names, id ?? 0);
  switch (r.kind) {
    case "event": return t("item.byEntity", { what: tEnum("event", r.event ?? ""), entity: who(r.entity_id) });
    case "custody": return t("item.custody", { action: tEnum("custody", r.action ?? ""), from: who(r.from_entity), to: who(r.to_entity) });
    case "certificate": return t("verify.certBy", { type: text32(r.cert_type ?? "0x"), inspector: who(r.inspector) });
    case "recall": return t(r.withdrawn ? "item.recallWithdrawn" : "item.recalled", { entity: who(r.entity_id), reason: text32(r.reason ?? "0x") });
    case "acknowledgement": return t("item.acknowledged", { item: short(r.recalled_id ?? "", 8), entity: who(r.entity_id) });
  }
}

const SVG = "http://www.w3.org/2000/svg";

/**
 * The lineage graph: the item in the middle column, what it is made of in columns to its left
 * (one per step back), where it went to its right; each node links to its own page.
 */
function lineage(rootId: string, backward: Trace, forward: Trace): HTMLElement {
  const columns = new Map<number, string[]>([[0, [rootId]]]);
  const place = (id: string, column: number) => {
    for (const ids of columns.values()) if (ids.includes(id)) return;
    columns.set(column, [...(columns.get(column) ?? []), id]);
  };
  backward.edges.forEach((e) => place(e.source, -e.depth));
  forward.edges.forEach((e) => place(e.target, e.depth));
  if (columns.size === 1) return h("p", {}, t("item.noLineage"));
  const order = [...columns.keys()].sort((a, b) => a - b);
  const nodeW = 150, nodeH = 34, gapX = 60, gapY = 14;
  const rows = Math.max(...[...columns.values()].map((ids) => ids.length));
  const width = order.length * (nodeW + gapX) - gapX + 8;
  const height = rows * (nodeH + gapY) + 8;
  const at = new Map<string, [number, number]>();
  order.forEach((column, x) => columns.get(column)!.forEach((id, y) => at.set(id, [4 + x * (nodeW + gapX), 4 + y * (nodeH + gapY)])));
  const graph = document.createElementNS(SVG, "svg");
  graph.setAttribute("viewBox", `0 0 ${width} ${height}`);
  graph.setAttribute("class", "lineage");
  graph.setAttribute("role", "group");
  graph.setAttribute("aria-label", t("item.lineage"));
  graph.style.maxWidth = `${width}px`;
  graph.style.minWidth = `${Math.min(width, 520)}px`; // readable labels on a phone: the wrapper scrolls
  for (const e of [...backward.edges, ...forward.edges]) {
    const [from, to] = [at.get(e.source), at.get(e.target)];
    if (!from || !to) continue;
    const line = document.createElementNS(SVG, "path");
    line.setAttribute("d", `M${from[0] + nodeW} ${from[1] + nodeH / 2} C${from[0] + nodeW + gapX / 2} ${from[1] + nodeH / 2} ${to[0] - gapX / 2} ${to[1] + nodeH / 2} ${to[0]} ${to[1] + nodeH / 2}`);
    line.setAttribute("class", `edge edge-${e.kind}`);
    graph.appendChild(line);
  }
  const statusOf = new Map([...backward.items, ...forward.items].map((i) => [i.item_id, member(ProvenanceStatus, i.status)]));
  for (const [id, [x, y]] of at) {
    const link = document.createElementNS(SVG, "a");
    link.setAttribute("href", `/items/${id}`);
    const status = statusOf.get(id);
    link.setAttribute("aria-label", `${short(id, 6)}${status ? ` — ${tEnum("status", status)}` : ""}`);
    const box = document.createElementNS(SVG, "rect");
    Object.entries({ x, y, width: nodeW, height: nodeH, rx: 6 }).forEach(([k, v]) => box.setAttribute(k, String(v)));
    box.setAttribute("class", `node ${id === rootId ? "node-root" : ""} node-${status ?? "Active"}`);
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("x", String(x + nodeW / 2));
    label.setAttribute("y", String(y + nodeH / 2 + 4));
    label.setAttribute("text-anchor", "middle");
    label.textContent = short(id, 5);
    link.append(box, label);
    graph.appendChild(link);
  }
  return h("div", { class: "lineage-wrap" },
    h("p", { class: "hint" }, t("item.lineageHint")), graph as unknown as HTMLElement);
}
