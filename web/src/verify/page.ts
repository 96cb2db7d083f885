/**
 * `/verify/<EPC URN or GS1 Digital Link>`: what a citizen sees after scanning a product's QR code.
 * No sign-in. The facts come from the chain (story.ts); the server's record is compared with them
 * and the page says whether they agree.
 */
import { api, ApiError, enc } from "../lib/api";
import { h, replace, short } from "../lib/dom";
import { identifierProblem } from "../lib/epc";
import { qrSvg } from "../lib/qr";
import { getReader } from "../app/deployment";
import { formatDate, formatDateTime, t, tEnum } from "../i18n";
import { compareStory, readChainStory, resolveItemId, type ChainStory, type ServerStory } from "./story";

/** The identifier in a /verify/… path (a Digital Link whose `//` a proxy merged is repaired). */
export function identifierFromPath(pathname: string): string {
  const raw = decodeURIComponent(pathname.replace(/^\/verify\/?/, ""));
  return raw.replace(/^(https?):\/(?!\/)/, "$1://");
}

/** The path of an identifier's verification page (colons kept readable, slashes escaped). */
export function verifyPath(identifier: string): string {
  return "/verify/" + encodeURIComponent(identifier).replace(/%3A/gi, ":");
}

export function verifyPage(root: HTMLElement, pathname: string, navigate: (path: string) => void): void {
  const identifier = identifierFromPath(pathname);
  const input = h("input", {
    id: "verify-input", name: "identifier", type: "text", value: identifier, required: true,
    autocomplete: "off", spellcheck: "false", "aria-describedby": "verify-hint",
  });
  const form = h("form", {
    class: "verify-form", role: "search",
    onsubmit: (event: Event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (value) navigate(verifyPath(value));
    },
  },
    h("label", { for: "verify-input" }, t("verify.prompt")),
    h("div", { class: "row" }, input, h("button", { type: "submit" }, t("verify.go"))),
    h("p", { id: "verify-hint", class: "hint" }, t("verify.hint")),
  );
  const result = h("section", { class: "verify-result", "aria-live": "polite" });
  replace(root, h("h1", {}, t("verify.title")), form, result);
  if (!identifier) return;
  void showResult(result, identifier);
}

async function showResult(result: HTMLElement, identifier: string): Promise<void> {
  const problem = identifierProblem(identifier);
  if (problem) {
    replace(result, h("p", { class: "error", role: "alert" }, t("verify.invalid", { detail: problem })));
    return;
  }
  replace(result, h("p", { class: "loading" }, t("common.loading")));
  let story: ChainStory;
  let rpc = "";
  let chainId = 0;
  try {
    const chain = await getReader();
    rpc = chain.rpc;
    chainId = chain.chainId;
    story = await readChainStory(chain, await resolveItemId(chain, identifier));
  } catch (error) {
    replace(result, h("p", { class: "error", role: "alert" }, t("common.error", { detail: message(error) })));
    return;
  }
  if (!story.known) {
    replace(result, h("p", { class: "unknown", role: "status" }, t("verify.unknown")), idLine(story), qrBlock());
    return;
  }
  const serverSection = h("section", { class: "card", "aria-labelledby": "server-h" },
    h("h2", { id: "server-h" }, t("verify.serverCheck")), h("p", {}, t("common.loading")));
  replace(result,
    story.status === "Recalled" || story.openRecalls.length
      ? h("div", { class: "recall-banner", role: "alert" }, t("verify.recallBanner"))
      : null,
    facts(story),
    recalls(story),
    certificates(story),
    chainCheck(story, rpc, chainId),
    serverSection,
    timeline(story),
    qrBlock(),
  );
  replace(serverSection, h("h2", { id: "server-h" }, t("verify.serverCheck")), await serverCheck(identifier, story));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const nameOf = (story: ChainStory, id: bigint) => story.names.get(id) ?? t("common.entity", { id: id.toString() });

function idLine(story: ChainStory): HTMLElement {
  return h("p", { class: "item-id" }, `${t("verify.itemId")}: `, h("code", { title: story.itemId }, short(story.itemId, 8)));
}

function facts(story: ChainStory): HTMLElement {
  const row = (label: string, value: string | Node) => [h("dt", {}, label), h("dd", {}, value)];
  const last = story.events[story.events.length - 1];
  return h("section", { class: "card facts", "aria-labelledby": "facts-h" },
    h("h2", { id: "facts-h", class: `status status-${story.status}` }, tEnum("status", story.status)),
    h("dl", {},
      ...row(t("verify.owner"), nameOf(story, story.owner)),
      ...row(t("verify.custodian"), nameOf(story, story.custodian)),
      ...(story.pendingCustodian ? row(t("verify.pendingCustodian"), nameOf(story, story.pendingCustodian)) : []),
      ...(story.parent ? row(t("verify.parent"), h("a", { href: `/verify/${story.parent}` }, short(story.parent, 8))) : []),
      ...row(t("verify.events"), String(story.eventCount)),
      ...(last ? row(t("verify.lastEvent"), `${tEnum("event", last.name)} · ${formatDateTime(story.blockTimes.get(last.blockNumber) ?? 0)}`) : []),
    ),
    idLine(story),
    h("p", {}, h("a", { href: `/items/${story.itemId}` }, t("verify.details"))),
  );
}

function recalls(story: ChainStory): HTMLElement {
  const when = (block: number) => formatDate(story.blockTimes.get(block) ?? 0);
  return h("section", { class: "card", "aria-labelledby": "recalls-h" },
    h("h2", { id: "recalls-h" }, t("verify.recalls")),
    story.openRecalls.length
      ? h("ul", { class: "recalls" }, ...story.openRecalls.map((r) => h("li", {},
          ...(r.reason !== null
            ? [t("verify.recallOwn", { entity: nameOf(story, r.entity), reason: r.reason, date: when(r.blockNumber) })]
            : [t("verify.recallVia", { item: short(r.recalledId, 8), entity: nameOf(story, r.entity), date: when(r.blockNumber) }),
               " ", h("a", { href: `/verify/${r.recalledId}` }, t("verify.viewRecalled"))]),
        )))
      : h("p", {}, t("verify.noRecalls")),
  );
}

function certificates(story: ChainStory): HTMLElement {
  const now = Date.now() / 1000;
  return h("section", { class: "card", "aria-labelledby": "certs-h" },
    h("h2", { id: "certs-h" }, t("verify.certificates")),
    story.certificates.length
      ? h("ul", { class: "certs" }, ...story.certificates.map((c) => h("li", {},
          t("verify.certBy", { type: c.certType, inspector: nameOf(story, c.inspector) }), " — ",
          c.validUntil === 0 ? t("verify.noExpiry")
            : c.validUntil < now ? h("span", { class: "expired" }, t("verify.expired", { date: formatDate(c.validUntil) }))
            : t("verify.validUntil", { date: formatDate(c.validUntil) }),
        )))
      : h("p", {}, t("verify.noCertificates")),
  );
}

function chainCheck(story: ChainStory, rpc: string, chainId: number): HTMLElement {
  const c = story.check;
  return h("section", { class: `card check ${c.match ? "ok" : "bad"}`, "aria-labelledby": "chain-h", "data-testid": "chain-check" },
    h("h2", { id: "chain-h" }, h("span", { "aria-hidden": "true" }, c.match ? "✔ " : "✘ "), t("verify.chainCheck")),
    h("p", {}, c.match
      ? t("verify.chainOk", { count: c.logsCount, head: short(c.contractHead) })
      : t("verify.chainBad", { logsHead: short(c.logsHead), logsCount: c.logsCount, contractHead: short(c.contractHead), contractCount: c.contractCount })),
    h("p", { class: "hint" }, t("verify.rpc", { rpc, chainId: String(chainId), block: story.block })),
  );
}

async function serverCheck(identifier: string, story: ChainStory): Promise<HTMLElement> {
  try {
    const answer = await api<{ item_id: string; index: Omit<ServerStory, "item_id"> }>(`/items/${enc(identifier)}/verify`);
    const differs = compareStory(story, { ...answer.index, item_id: answer.item_id });
    return differs.length
      ? h("p", { class: "bad", role: "alert", "data-testid": "server-check" }, "✘ ", t("verify.serverMismatch", { fields: differs.join(", ") }))
      : h("p", { class: "ok", "data-testid": "server-check" }, "✔ ", t("verify.serverMatch"));
  } catch (error) {
    const detail = error instanceof ApiError ? error.message : message(error);
    return h("p", { class: "warn", "data-testid": "server-check" }, t("verify.serverUnavailable", { detail }));
  }
}

function timeline(story: ChainStory): HTMLElement {
  return h("section", { class: "card", "aria-labelledby": "timeline-h" },
    h("h2", { id: "timeline-h" }, t("verify.timeline")),
    h("ol", { class: "timeline", reversed: true }, ...[...story.events].reverse().map((e) => h("li", {},
      h("span", { class: "when" }, formatDateTime(story.blockTimes.get(e.blockNumber) ?? 0)), " ",
      h("span", { class: "what" }, tEnum("event", e.name)),
    ))),
  );
}

function qrBlock(): HTMLElement {
  const url = location.href;
  return h("section", { class: "card qr", "aria-labelledby": "qr-h" },
    h("h2", { id: "qr-h" }, t("verify.qr")),
    qrSvg(url, t("verify.qrAlt", { url })),
    h("p", { class: "url" }, url),
    h("button", { type: "button", class: "no-print", onclick: () => print() }, t("verify.print")),
  );
}
