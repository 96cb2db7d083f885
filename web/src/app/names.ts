/** Entity names by id from the directory (`GET /api/v1/entities`), fetched once per page load. */
import { api, type Page } from "../lib/api";
import { t } from "../i18n";

let names: Promise<Map<number, string>> | null = null;

export function entityNames(): Promise<Map<number, string>> {
  names ??= api<Page<{ entity_id: number; name: string }>>("/entities?limit=500")
    .then((page) => new Map(page.items.map((e) => [e.entity_id, e.name])));
  names.catch(() => (names = null));
  return names;
}

export const nameIn = (known: Map<number, string>, id: number) => known.get(id) ?? t("common.entity", { id: String(id) });
