/**
 * The consortium directory: every entity, filtered by name, kind, city and status through the
 * API's query parameters (the filter is in the URL, so a filtered list can be shared), and an
 * entity's own page.
 */
import { EntityRegistryEntityKind, EntityRegistryEntityStatus } from "../abi/generated";
import { api, enc, type Page } from "../lib/api";
import { h, replace, short } from "../lib/dom";
import { formatDateTime, t, tEnum } from "../i18n";

export interface EntityRow {
  id: number;
  name: string;
  kind: string; // IEntityRegistry.EntityKind member name
  city: string;
  status: string; // IEntityRegistry.EntityStatus member name
  council: boolean;
}

export interface EntityDetail extends EntityRow {
  accounts: { address: string; role: string }[];
  status_history: { status: string; time: string; block: number }[];
  shares: { id: number | string; name?: string; kind?: string }[];
}

const FILTERS = ["name", "kind", "city", "status"] as const;

export function directoryPage(root: HTMLElement, search: string, navigate: (path: string) => void): void {
  const params = new URLSearchParams(search);
  const select = (id: string, prefix: string, members: readonly string[]) =>
    h("select", { id, name: id },
      h("option", { value: "" }, t("directory.any")),
      ...members.map((m) => {
        const option = h("option", { value: m }, tEnum(prefix, m));
        option.selected = params.get(id) === m;
        return option;
      }));
  const fields = {
    name: h("input", { id: "name", name: "name", type: "search", value: params.get("name") ?? "" }),
    kind: select("kind", "kind", EntityRegistryEntityKind),
    city: h("input", { id: "city", name: "city", type: "search", value: params.get("city") ?? "" }),
    status: select("status", "entityStatus", EntityRegistryEntityStatus.filter((s) => s !== "None")),
  };
  const apply = () => {
    const query = new URLSearchParams();
    for (const key of FILTERS) if (fields[key].value.trim()) query.set(key, fields[key].value.trim());
    navigate(`/directory${query.size ? "?" + query : ""}`);
  };
  const form = h("form", { class: "filters", role: "search", "aria-label": t("directory.filter"),
    onsubmit: (event: Event) => { event.preventDefault(); apply(); } },
    ...FILTERS.map((key) => h("div", { class: "field" }, h("label", { for: key }, t(`directory.${key}`)), fields[key])),
    h("button", { type: "submit" }, t("directory.filter")),
  );
  fields.kind.addEventListener("change", apply);
  fields.status.addEventListener("change", apply);
  const results = h("section", { "aria-live": "polite", "data-testid": "directory-results" }, t("common.loading"));
  replace(root, h("h1", {}, t("directory.title")), form, results);

  const query = new URLSearchParams();
  for (const key of FILTERS) if (params.get(key)) query.set(key, params.get(key)!);
  query.set("limit", "500");
  api<Page<EntityRow>>(`/entities?${query}`).then(
    (page) => replace(results,
      h("p", { class: "count" }, t("directory.count", { count: page.items.length })),
      page.items.length ? table(page.items) : h("p", {}, t("directory.empty"))),
    (error: Error) => replace(results, h("p", { class: "error", role: "alert" }, t("common.unavailable", { detail: error.message }))),
  );
}

function table(rows: EntityRow[]): HTMLElement {
  const head = ["directory.id", "directory.name", "directory.kind", "directory.city", "directory.status"] as const;
  return h("table", { class: "entities" },
    h("thead", {}, h("tr", {}, ...head.map((key) => h("th", { scope: "col" }, t(key))))),
    h("tbody", {}, ...rows.map((row) => h("tr", {},
      h("td", {}, String(row.id)),
      h("td", {}, h("a", { href: `/entities/${row.id}` }, row.name)),
      h("td", {}, tEnum("kind", row.kind)),
      h("td", {}, row.city),
      h("td", { class: `entity-${row.status}` }, tEnum("entityStatus", row.status)),
    ))),
  );
}

export function entityPage(root: HTMLElement, id: string): void {
  replace(root, h("p", {}, t("common.loading")));
  api<EntityDetail>(`/entities/${enc(id)}`).then(
    (entity) => replace(root,
      h("h1", {}, t("entity.title", { name: entity.name })),
      h("p", {}, `${tEnum("kind", entity.kind)} · ${entity.city} · ${tEnum("entityStatus", entity.status)}`,
        entity.council ? ` · ${t("entity.council")}` : ""),
      h("section", { class: "card" }, h("h2", {}, t("entity.accounts")),
        h("ul", {}, ...entity.accounts.map((a) => h("li", {}, h("code", { title: a.address }, short(a.address)), ` — ${a.role}`)))),
      h("section", { class: "card" }, h("h2", {}, t("entity.history")),
        h("ol", {}, ...entity.status_history.map((s) => h("li", {}, `${formatDateTime(new Date(s.time))} — ${tEnum("entityStatus", s.status)}`)))),
      h("section", { class: "card" }, h("h2", {}, t("entity.shares")),
        entity.shares.length ? h("ul", {}, ...entity.shares.map((s) => h("li", {}, s.name ?? String(s.id)))) : h("p", {}, t("common.none"))),
    ),
    (error: Error) => replace(root, h("p", { class: "error", role: "alert" }, t("common.unavailable", { detail: error.message }))),
  );
}
