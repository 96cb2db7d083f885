/**
 * The consortium directory: every entity, filtered by name, kind, city and status through the
 * API's query parameters (the filter is in the URL, so a filtered list can be shared), and an
 * entity's own page.
 */
import { EntityRegistryAccountRole, EntityRegistryEntityKind, EntityRegistryEntityStatus } from "../abi/generated";
import { api, enc, type Page } from "../lib/api";
import { h, replace, short } from "../lib/dom";
import { formatDateTime, t, tEnum } from "../i18n";

/** A row of `GET /api/v1/entities`: enum members in lower case ("carmaker", "active"). */
export interface EntityRow {
  entity_id: number;
  name: string;
  kind: string | null;
  city: string | null;
  status: string;
  council: boolean;
}

export interface EntityDetail extends EntityRow {
  accounts: { account: string; role: string; active: boolean }[];
  status_history: { status: string; time: string | null; block: number }[];
  assets: { asset_id: number; schema: number; sensitivity: number; retired: boolean }[];
}

/** The ABI's enum member an API value names ("carmaker" → "CarMaker"), for its message key. */
export function member(members: readonly string[], value: string | null): string {
  const wanted = (value ?? "").replace(/[-_]/g, "").toLowerCase();
  return members.find((m) => m.toLowerCase() === wanted) ?? value ?? "";
}
const kindOf = (value: string | null) => tEnum("kind", member(EntityRegistryEntityKind, value));
const statusOf = (value: string | null) => tEnum("entityStatus", member(EntityRegistryEntityStatus, value));

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
      h("td", { class: "id" }, `#${row.entity_id}`),
      h("td", {}, h("a", { href: `/entities/${row.entity_id}` }, row.name)),
      h("td", {}, kindOf(row.kind)),
      h("td", {}, row.city ?? ""),
      h("td", { class: `entity-${member(EntityRegistryEntityStatus, row.status)}` }, statusOf(row.status)),
    ))),
  );
}

export function entityPage(root: HTMLElement, id: string): void {
  replace(root, h("p", {}, t("common.loading")));
  api<EntityDetail>(`/entities/${enc(id)}`).then(
    (entity) => replace(root,
      h("h1", {}, t("entity.title", { name: entity.name })),
      h("p", {}, [kindOf(entity.kind), entity.city, statusOf(entity.status), entity.council ? t("entity.council") : null]
        .filter(Boolean).join(" · ")),
      h("section", { class: "card" }, h("h2", {}, t("entity.accounts")),
        h("ul", {}, ...entity.accounts.map((a) => h("li", {},
          h("code", { title: a.account }, short(a.account)), ` — ${tEnum("role", member(EntityRegistryAccountRole, a.role))}`)))),
      h("section", { class: "card" }, h("h2", {}, t("entity.history")),
        h("ol", {}, ...entity.status_history.map((s) => h("li", {},
          `${s.time ? formatDateTime(new Date(s.time)) : t("entity.block", { block: s.block })} — ${statusOf(s.status)}`)))),
      h("section", { class: "card" }, h("h2", {}, t("entity.shares")),
        entity.assets.length
          ? h("ul", {}, ...entity.assets.map((a) => h("li", {}, t("entity.asset", { id: a.asset_id, schema: a.schema, sensitivity: a.sensitivity }))))
          : h("p", {}, t("common.none"))),
    ),
    (error: Error) => replace(root, h("p", { class: "error", role: "alert" }, t("common.unavailable", { detail: error.message }))),
  );
}
