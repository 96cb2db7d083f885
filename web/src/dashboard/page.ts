/**
 * The regulator's dashboard: members by kind and city, provenance and data-sharing events per
 * day, recalls with how many affected items acknowledged them, and the validators' sealing and
 * block times. Public figures from the API's /stats and /status endpoints, drawn as charts.
 */
import { EntityRegistryEntityKind } from "../abi/generated";
import { api, type Page } from "../lib/api";
import { barChart, progress, stackedColumns } from "../lib/charts";
import { h, replace, short } from "../lib/dom";
import { member } from "../directory/page";
import { text32 } from "../verify/story";
import { formatDate, formatNumber, formatPercent, t, tEnum } from "../i18n";

interface Members { total: number; by_kind: Record<string, number>; by_status: Record<string, number>; by_city: Record<string, number> }
interface Day { day: string; total: number; by_event: Record<string, number> }
interface RecallRow { item_id: string; entity_id: number; reason: string; withdrawn: boolean; affected: number; acknowledged: number }
interface ChainStatus {
  chain_id: number; head: number; consensus: string; recent_blocks: number;
  validators: { address: string; sealed: number; share: number }[];
  block_time_avg: number | null; block_time_max: number | null;
}

export function dashboardPage(root: HTMLElement): void {
  const section = (id: string, title: string) => {
    const body = h("div", { "aria-live": "polite" }, t("common.loading"));
    return [h("section", { class: "card", "aria-labelledby": id, "data-testid": id }, h("h2", { id }, title), body), body] as const;
  };
  const [membersCard, members] = section("dash-members", t("dashboard.members"));
  const [eventsCard, events] = section("dash-events", t("dashboard.events"));
  const [sharingCard, sharing] = section("dash-sharing", t("dashboard.sharing"));
  const [recallsCard, recalls] = section("dash-recalls", t("dashboard.recalls"));
  const [validatorsCard, validators] = section("dash-validators", t("dashboard.validators"));
  replace(root, h("h1", {}, t("dashboard.title")),
    h("div", { class: "dashboard" }, membersCard, recallsCard, eventsCard, sharingCard, validatorsCard));

  const fail = (target: HTMLElement) => (error: Error) =>
    replace(target, h("p", { class: "error", role: "alert" }, t("common.unavailable", { detail: error.message })));
  const day = (iso: string) => formatDate(new Date(`${iso}T00:00:00Z`));

  api<Members>("/stats/members").then((m) => replace(members,
    h("p", {}, t("dashboard.memberTotal", { count: m.total })),
    barChart(t("dashboard.byKind"), Object.entries(m.by_kind).map(([k, n]) => [tEnum("kind", member(EntityRegistryEntityKind, k)), n]),
      [t("directory.kind"), t("dashboard.count")]),
    barChart(t("dashboard.byCity"), Object.entries(m.by_city), [t("directory.city"), t("dashboard.count")]),
  ), fail(members));

  const perDay = (target: HTMLElement, path: string, title: string) =>
    api<Day[]>(path).then((days) => replace(target, days.length
      ? stackedColumns(title, days.map((d) => ({ day: d.day, values: d.by_event })), (name) => tEnum("event", name), day)
      : h("p", {}, t("dashboard.noEvents"))), fail(target));
  perDay(events, "/stats/events-per-day", t("dashboard.events"));
  perDay(sharing, "/stats/sharing-per-day", t("dashboard.sharing"));

  api<Page<RecallRow>>("/recalls?withdrawn=false&limit=100").then((page) => replace(recalls, page.items.length
    ? h("div", {}, ...page.items.map((r) => progress(
        `${short(r.item_id, 8)} — ${text32(r.reason)}`, r.acknowledged, r.affected,
        t("dashboard.acknowledged", { done: r.acknowledged, total: r.affected }))))
    : h("p", {}, t("verify.noRecalls"))), fail(recalls));

  api<ChainStatus>("/status/chain").then((c) => replace(validators,
    h("p", {}, t("dashboard.chainLine", {
      head: c.head, consensus: c.consensus, blocks: c.recent_blocks,
      avg: c.block_time_avg === null ? "—" : formatNumber(Math.round(c.block_time_avg * 10) / 10),
      max: c.block_time_max === null ? "—" : String(c.block_time_max),
    })),
    c.validators.length
      ? barChart(t("dashboard.sealed"), c.validators.map((v) => [`${short(v.address, 4)} (${formatPercent(v.share)})`, v.sealed]),
          [t("dashboard.validator"), t("dashboard.count")])
      : h("p", {}, t("dashboard.noValidators")),
  ), fail(validators));
}
