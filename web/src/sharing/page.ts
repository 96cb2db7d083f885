/**
 * Data sharing for the signed-in member: incoming access requests (approve for the asked term or
 * a shorter one, reject with a reason code), a consent grant signed in the page (EIP-712) and
 * then submitted or cancelled, the grants it gave (renew for longer, revoke once any hold is
 * over) and holds, and the access receipts of each asset it owns or holds a grant on. Rows come
 * from the API (visible to the parties only); every change is a transaction signed here.
 */
import { api, type Page } from "../lib/api";
import { h, replace } from "../lib/dom";
import { getChain } from "../app/chain";
import { entityNames, nameIn } from "../app/names";
import { currentSigner, session } from "../app/session";
import { send } from "../app/tx";
import { text32 } from "../verify/story";
import { formatDateTime, t } from "../i18n";
import { domainMatches, grantDomain, grantTypes, purposeCodes, purposeMask, randomNonce, type SignedGrant } from "./grant";

interface Asset { asset_id: number; owner: number; locator: string; retired: boolean }
interface Request { request_id: number; asset_id: number; owner: number; requester: number; purpose: number; duration: number; status: string }
interface Grant { asset_id: number; grantee: number; owner: number; purposes: number; valid_until: number; hold_until: number; revoked: boolean }
interface Receipt { asset_id: number; owner: number; grantee: number; purpose: number; delivery_hash: string; time: string | null }

const DAY = 86400;

export function sharingPage(root: HTMLElement): void {
  const me = session();
  if (!me || !currentSigner()) {
    replace(root, h("h1", {}, t("sharing.title")), h("p", {}, h("a", { href: "/signin" }, t("sharing.signIn"))));
    return;
  }
  replace(root, h("p", {}, t("common.loading")));
  Promise.all([
    api<Page<Asset>>(`/assets?owner=${me.entityId}&limit=500`),
    api<Page<Request>>("/requests?status=open&limit=500"),
    api<Page<Grant>>("/grants?limit=500"),
    api<Page<Receipt>>("/receipts?limit=500"),
    getChain().then((chain) => chain.sharing.view("purposeLabels", [])),
    entityNames(),
  ]).then(([assets, requests, grants, receipts, labels, names]) => {
    const purposes = labels.map((label, code) => [code, text32(label)] as const).filter(([, label]) => label !== text32("0x" + "00".repeat(32)));
    const purposeText = (mask: number) => purposeCodes(mask).map((c) => purposes.find(([code]) => code === c)?.[1] ?? `#${c}`).join(", ");
    const reload = () => sharingPage(root);
    replace(root,
      h("h1", {}, t("sharing.title")),
      incoming(requests.items.filter((r) => r.owner === me.entityId), names, purposeText, reload),
      signGrant(assets.items.filter((a) => !a.retired), purposes, reload),
      grantTable(t("sharing.given"), "given", grants.items.filter((g) => g.owner === me.entityId), names, purposeText, reload),
      grantTable(t("sharing.held"), "held", grants.items.filter((g) => g.grantee === me.entityId), names, purposeText, reload),
      receiptsPerAsset(receipts.items, names, purposeText),
    );
  }, (error: Error) => replace(root, h("p", { class: "error", role: "alert" }, t("common.unavailable", { detail: error.message }))));
}

function incoming(requests: Request[], names: Map<number, string>, purposeText: (mask: number) => string, reload: () => void): HTMLElement {
  return h("section", { class: "card", "aria-labelledby": "incoming-h", "data-testid": "incoming" },
    h("h2", { id: "incoming-h" }, t("sharing.incoming")),
    requests.length ? h("ul", { class: "plain" }, ...requests.map((r) => {
      const status = h("p", { class: "status-line", role: "status" });
      const days = Math.max(1, Math.floor(r.duration / DAY));
      const term = h("input", { type: "number", min: 1, max: days, value: days, id: `term-${r.request_id}`, class: "narrow" });
      const reason = h("input", { type: "number", min: 1, max: 65535, value: 1, id: `reason-${r.request_id}`, class: "narrow" });
      return h("li", { "data-testid": `request-${r.request_id}` },
        h("p", {}, t("sharing.requestLine", { id: r.request_id, requester: nameIn(names, r.requester), asset: r.asset_id,
          purpose: purposeText(Number(purposeMask([r.purpose]))), days })),
        h("div", { class: "row wrap" },
          h("label", { for: term.id }, t("sharing.termDays")), term,
          h("button", { type: "button", onclick: () =>
            send((c) => c.sharing.contract, "approveRequest", [r.request_id, Number(term.value) * DAY, 0], status).then((ok) => ok && reload()) },
            t("sharing.approve")),
          h("label", { for: reason.id }, t("sharing.reasonCode")), reason,
          h("button", { type: "button", class: "secondary", onclick: () =>
            send((c) => c.sharing.contract, "rejectRequest", [r.request_id, Number(reason.value)], status).then((ok) => ok && reload()) },
            t("sharing.reject"))),
        status);
    })) : h("p", {}, t("sharing.noRequests")));
}

function signGrant(assets: Asset[], purposes: (readonly [number, string])[], reload: () => void): HTMLElement {
  const status = h("p", { class: "status-line", role: "status", "data-testid": "grant-status" });
  const output = h("div", {});
  const asset = h("select", { id: "grant-asset" }, ...assets.map((a) => h("option", { value: a.asset_id }, `#${a.asset_id} ${a.locator}`)));
  const grantee = h("input", { id: "grant-grantee", type: "number", min: 1, required: true });
  const validDays = h("input", { id: "grant-days", type: "number", min: 1, value: 30, required: true });
  const holdDays = h("input", { id: "grant-hold", type: "number", min: 0, value: 0 });
  const boxes = purposes.map(([code, label]) => {
    const box = h("input", { type: "checkbox", id: `purpose-${code}`, value: code });
    return h("label", { for: box.id, class: "check" }, box, ` ${label}`);
  });
  const form = h("form", { class: "grid-form", onsubmit: async (event: Event) => {
    event.preventDefault();
    const codes = boxes.map((b) => b.querySelector("input")!).filter((b) => b.checked).map((b) => Number(b.value));
    if (!codes.length) {
      status.textContent = t("sharing.pickPurpose");
      return;
    }
    const signer = currentSigner()!;
    const chain = await getChain();
    const separator = await chain.sharing.view("domainSeparator", []);
    if (!domainMatches(chain.chainId, chain.sharing.address, separator)) {
      status.className = "status-line error";
      status.textContent = t("sharing.domainMismatch");
      return;
    }
    const now = BigInt(Math.floor(Date.now() / 1000));
    const grant: SignedGrant = {
      assetId: BigInt(asset.value), grantee: BigInt(grantee.value), purposes: purposeMask(codes), validFrom: 0n,
      validUntil: now + BigInt(Number(validDays.value) * DAY), holdUntil: Number(holdDays.value) ? now + BigInt(Number(holdDays.value) * DAY) : 0n,
      signer: await signer.getAddress(), nonce: randomNonce(), deadline: now + BigInt(7 * DAY),
    };
    const signature = await signer.signTypedData(grantDomain(chain.chainId, chain.sharing.address), grantTypes(), grant);
    const tuple = [grant.assetId, grant.grantee, grant.purposes, grant.validFrom, grant.validUntil, grant.holdUntil, grant.signer, grant.nonce, grant.deadline];
    status.className = "status-line";
    status.textContent = t("sharing.signed");
    replace(output,
      h("label", { for: "signed-grant" }, t("sharing.signedGrant")),
      h("textarea", { id: "signed-grant", readonly: true, rows: 5 },
        JSON.stringify({ grant: Object.fromEntries(Object.entries(grant).map(([k, v]) => [k, v.toString()])), signature }, null, 1)),
      h("div", { class: "row wrap" },
        h("button", { type: "button", onclick: () => send((c) => c.sharing.contract, "submitSignedGrant", [tuple, signature], status).then((ok) => ok && reload()) },
          t("sharing.submit")),
        h("button", { type: "button", class: "secondary", onclick: () =>
          send((c) => c.sharing.contract, "cancelNonce", [grant.signer, grant.nonce], status).then((ok) => ok && replace(output)) },
          t("sharing.cancelSigned"))));
  } },
    h("label", { for: asset.id }, t("sharing.asset")), asset,
    h("label", { for: grantee.id }, t("sharing.grantee")), grantee,
    h("fieldset", {}, h("legend", {}, t("sharing.purposes")), ...boxes),
    h("label", { for: validDays.id }, t("sharing.validDays")), validDays,
    h("label", { for: holdDays.id }, t("sharing.holdDays")), holdDays,
    h("button", { type: "submit" }, t("sharing.sign")),
  );
  return h("section", { class: "card", "aria-labelledby": "sign-h" },
    h("h2", { id: "sign-h" }, t("sharing.signTitle")),
    assets.length ? form : h("p", {}, t("sharing.noAssets")), status, output);
}

function grantTable(title: string, side: "given" | "held", grants: Grant[], names: Map<number, string>,
  purposeText: (mask: number) => string, reload: () => void): HTMLElement {
  const now = Date.now() / 1000;
  return h("section", { class: "card", "aria-labelledby": `${side}-h`, "data-testid": `grants-${side}` },
    h("h2", { id: `${side}-h` }, title),
    grants.length ? h("ul", { class: "plain" }, ...grants.map((g) => {
      const status = h("p", { class: "status-line", role: "status" });
      const held = g.hold_until > now;
      return h("li", { "data-testid": `grant-${g.asset_id}-${g.grantee}` },
        t("sharing.grantLine", { asset: g.asset_id, party: nameIn(names, side === "given" ? g.grantee : g.owner),
          purposes: purposeText(g.purposes), until: formatDateTime(g.valid_until) }),
        g.revoked ? ` — ${t("sharing.revoked")}` : "",
        side === "given" && !g.revoked && g.valid_until > now ? renewal(g, status, reload) : null,
        side === "given" && !g.revoked ? h("button", { type: "button", class: "secondary", disabled: held,
          title: held ? t("sharing.heldUntil", { date: formatDateTime(g.hold_until) }) : undefined,
          onclick: () => send((c) => c.sharing.contract, "revoke", [g.asset_id, g.grantee, 1], status).then((ok) => ok && reload()) },
          t("sharing.revoke")) : null,
        held && !g.revoked ? h("span", { class: "hint" }, ` ${t("sharing.heldUntil", { date: formatDateTime(g.hold_until) })}`) : null,
        status);
    })) : h("p", {}, t("common.none")));
}

/** Renew a grant that has not ended: the same purposes until a later day (the contract never shortens one). */
function renewal(g: Grant, status: HTMLElement, reload: () => void): HTMLElement {
  const days = h("input", { type: "number", min: 1, value: 30, id: `extend-${g.asset_id}-${g.grantee}`, class: "narrow" });
  return h("span", { class: "row wrap" },
    h("label", { for: days.id }, t("sharing.extendDays")), days,
    h("button", { type: "button", onclick: () =>
      send((c) => c.sharing.contract, "renew", [g.asset_id, g.grantee, g.valid_until + Number(days.value) * DAY, 0], status)
        .then((ok) => ok && reload()) },
      t("sharing.renew")));
}

/** The access receipts the member can see (of assets it owns or holds a grant on), by asset. */
function receiptsPerAsset(receipts: Receipt[], names: Map<number, string>, purposeText: (mask: number) => string): HTMLElement {
  const byAsset = new Map<number, Receipt[]>();
  for (const r of receipts) byAsset.set(r.asset_id, [...(byAsset.get(r.asset_id) ?? []), r]);
  return h("section", { class: "card", "aria-labelledby": "receipts-h", "data-testid": "receipts" },
    h("h2", { id: "receipts-h" }, t("sharing.receipts")),
    byAsset.size ? h("div", {}, ...[...byAsset].sort(([a], [b]) => a - b).map(([asset, rows]) =>
      h("section", { "aria-labelledby": `receipts-${asset}-h`, "data-testid": `receipts-${asset}` },
        h("h3", { id: `receipts-${asset}-h` }, t("sharing.receiptsOf", { asset, count: rows.length })),
        h("ul", { class: "plain" }, ...rows.map((r) => h("li", {},
          t("sharing.receiptLine", { when: r.time ? formatDateTime(new Date(r.time)) : "—", owner: nameIn(names, r.owner),
            grantee: nameIn(names, r.grantee), purpose: purposeText(Number(purposeMask([r.purpose]))) }),
          h("br", {}), h("span", { class: "hint" }, `${t("sharing.deliveryHash")} `, h("code", {}, r.delivery_hash))))))))
      : h("p", {}, t("sharing.noReceipts")));
}
