/**
 * Governance: open proposals with their tallies against the threshold and quorum (refreshed
 * while the page is open), a vote sent from the page by the signed-in member's own key, the
 * execution of a proposal that has passed, new proposals (an entity's admission from a form, a
 * suspension, a reinstatement) and what passed and when. Tallies come from the API (the index and
 * the registry's `proposal` view); payloads are built here as the library builds them.
 */
import { EntityRegistryActionKind, EntityRegistryVote } from "../abi/generated";
import { api, type Page } from "../lib/api";
import { progress } from "../lib/charts";
import { h, replace } from "../lib/dom";
import { send } from "../app/tx";
import { getChain } from "../app/chain";
import { currentSigner, session } from "../app/session";
import { entityNames, nameIn } from "../app/names";
import { member } from "../directory/page";
import { formatDateTime, t, tEnum } from "../i18n";
import { proposeForm } from "./propose";

interface Proposal {
  proposal_id: number; proposer: number; kind: string; state: string; deadline: string; yes: number; no: number;
  abstain: number; payload_uri: string; executed_at: string | null;
}
interface Detail extends Proposal {
  tally: { yes: number; no: number; abstain: number; electorate: number; threshold: number; quorum: number; deadline: string; passed: boolean };
  votes: { entity_id: number; vote: string }[];
}

const REFRESH_MS = 5000;
let timer: ReturnType<typeof setInterval> | undefined;

export function governancePage(root: HTMLElement): void {
  const open = h("section", { "aria-labelledby": "open-h", "aria-live": "polite" }, t("common.loading"));
  const passed = h("section", { class: "card", "aria-labelledby": "passed-h", "data-testid": "passed" }, t("common.loading"));
  const refresh = () => Promise.all([
    api<Page<Proposal>>("/proposals?state=open&limit=100")
      .then((page) => Promise.all(page.items.map((p) => api<Detail>(`/proposals/${p.proposal_id}`)))),
    entityNames(),
  ]).then(([details, names]) => replace(open, details.length
      ? h("div", {}, ...details.map((d) => proposalCard(d, names, () => { void refresh(); void showPassed(); })))
      : h("p", {}, t("governance.none"))),
    (error: Error) => replace(open, h("p", { class: "error", role: "alert" }, t("common.unavailable", { detail: error.message }))));
  const showPassed = () => api<Page<Proposal>>("/proposals?state=executed&limit=100").then((page) => replace(passed,
    h("h2", { id: "passed-h" }, t("governance.passed")),
    page.items.length
      ? h("ul", {}, ...[...page.items].reverse().map((p) => h("li", { "data-testid": `passed-${p.proposal_id}` }, t("governance.passedLine", {
          id: p.proposal_id, kind: kindName(p.kind), yes: p.yes, no: p.no, abstain: p.abstain,
          when: p.executed_at ? formatDateTime(new Date(p.executed_at)) : t("governance.whenUnknown") }))))
      : h("p", {}, t("common.none"))));
  replace(root, h("h1", {}, t("governance.title")), h("h2", { id: "open-h" }, t("governance.open")), open,
    session() && currentSigner() ? proposeForm(() => void refresh()) : null, passed);
  void refresh();
  void showPassed();
  clearInterval(timer);
  timer = setInterval(() => (root.isConnected && location.pathname === "/governance" ? void refresh() : clearInterval(timer)), REFRESH_MS);
}

const kindName = (kind: string) => tEnum("action", member(EntityRegistryActionKind, kind));

/** The payload a proposal opened with `propose` committed to: the argument of its transaction. */
async function proposedPayload(proposalId: number): Promise<string> {
  const registry = (await getChain()).registry.contract;
  const [created] = await registry.queryFilter(registry.filters.ProposalCreated(proposalId));
  const tx = created && await created.getTransaction();
  const call = tx && registry.interface.parseTransaction(tx);
  if (!call || call.name !== "propose") throw new Error(t("governance.noPayload", { id: proposalId }));
  return call.args.payload as string;
}

function proposalCard(d: Detail, names: Map<number, string>, refresh: () => void): HTMLElement {
  const turnout = d.tally.yes + d.tally.no + d.tally.abstain;
  const me = session();
  const voted = me ? d.votes.find((v) => v.entity_id === me.entityId) : undefined;
  const status = h("p", { class: "status-line", role: "status" });
  const execute = async () => {
    try {
      const payload = await proposedPayload(d.proposal_id);
      if (await send((chain) => chain.registry.contract, "execute", [d.proposal_id, payload], status)) refresh();
    } catch (error) {
      status.className = "status-line error";
      status.textContent = t("common.error", { detail: (error as Error).message });
    }
  };
  return h("article", { class: "card proposal", "aria-labelledby": `p${d.proposal_id}`, "data-testid": `proposal-${d.proposal_id}` },
    h("h3", { id: `p${d.proposal_id}` }, t("governance.heading", { id: d.proposal_id, kind: kindName(d.kind) })),
    h("p", { class: "hint" }, t("governance.meta", { proposer: nameIn(names, d.proposer), deadline: formatDateTime(new Date(d.tally.deadline)) })),
    progress(t("governance.yes"), d.tally.yes, d.tally.threshold, t("governance.ofNeeded", { count: d.tally.yes, needed: d.tally.threshold })),
    progress(t("governance.turnout"), turnout, d.tally.quorum, t("governance.ofNeeded", { count: turnout, needed: d.tally.quorum })),
    h("p", { "data-testid": "tally" }, t("governance.tally", { yes: d.tally.yes, no: d.tally.no, abstain: d.tally.abstain, electorate: d.tally.electorate })),
    voted ? h("p", {}, t("governance.youVoted", { vote: tEnum("vote", member(EntityRegistryVote, voted.vote)) }))
      : me && currentSigner() ? h("div", { class: "row votes", role: "group", "aria-label": t("governance.vote") },
          ...EntityRegistryVote.map((choice, support) => h("button", { type: "button",
            onclick: () => send((chain) => chain.registry.contract, "vote", [d.proposal_id, support], status).then(refresh) },
            tEnum("vote", choice))))
      : h("p", { class: "hint" }, h("a", { href: "/signin" }, t("governance.signInToVote"))),
    d.tally.passed ? h("p", { class: "ok" }, t("governance.hasPassed")) : null,
    d.tally.passed && currentSigner() && !d.payload_uri
      ? h("button", { type: "button", onclick: () => void execute() }, t("governance.execute")) : null,
    status,
  );
}
