/**
 * A new proposal from the page: an entity's admission (the NewEntity record from a form, its
 * dossier hashed here from the file the member picks), a suspension or a reinstatement (an entity
 * and a reason). The member's key signs `propose(kind, payload)`; the registry counts it as the
 * proposer's yes vote.
 */
import { keccak256 } from "ethers";
import { EntityRegistryConstants, EntityRegistryEntityKind } from "../abi/generated";
import { api, type Page } from "../lib/api";
import { h, replace } from "../lib/dom";
import { send } from "../app/tx";
import type { EntityRow } from "../directory/page";
import { t, tEnum } from "../i18n";
import { actionCode, admitPayload, registrationCode, statusPayload } from "./payloads";

type Proposable = "Admit" | "Suspend" | "Reinstate";
const PROPOSABLE: Proposable[] = ["Admit", "Suspend", "Reinstate"];
const CAPABILITIES = [["inspector", EntityRegistryConstants.CAP_INSPECTOR], ["recallAuthority", EntityRegistryConstants.CAP_RECALL_AUTHORITY]] as const;

interface Regioned extends EntityRow { region: number | null }

export function proposeForm(proposed: () => void): HTMLElement {
  const status = h("p", { class: "status-line", role: "status", "data-testid": "propose-status" });
  const fields = h("div", {});
  const kind = h("select", { id: "propose-kind" },
    ...PROPOSABLE.map((k) => h("option", { value: k }, tEnum("action", k))));
  let build: () => Promise<string | null> = async () => null;
  const entities = api<Page<Regioned>>("/entities?limit=500");
  const draw = () => {
    const chosen = kind.value as Proposable;
    status.textContent = "";
    if (chosen === "Admit") build = admissionFields(fields, entities, status);
    else build = statusFields(fields, entities, chosen);
  };
  kind.addEventListener("change", draw);
  draw();
  const form = h("form", { class: "grid-form", "aria-labelledby": "propose-h", onsubmit: async (event: Event) => {
    event.preventDefault();
    const payload = await build();
    if (payload === null) return;
    const ok = await send((chain) => chain.registry.contract, "propose", [actionCode(kind.value as Proposable), payload], status);
    if (ok) {
      status.textContent = t("governance.proposed");
      proposed();
    }
  } },
    h("label", { for: kind.id }, t("governance.proposeKind")), kind,
    fields,
    h("button", { type: "submit" }, t("governance.propose")));
  return h("section", { class: "card" }, h("h2", { id: "propose-h" }, t("governance.proposeTitle")), form, status);
}

function input(id: string, label: string, attrs: Record<string, string | number | boolean> = {}): [HTMLElement, HTMLInputElement] {
  const field = h("input", { id, type: "text", ...attrs });
  return [h("label", { for: id }, label), field];
}

/** The admission form; its builder gives the Admit payload, or null (saying why in `status`). */
function admissionFields(root: HTMLElement, entities: Promise<Page<Regioned>>, status: HTMLElement): () => Promise<string | null> {
  const [nameLabel, name] = input("admit-name", t("governance.entityName"), { required: true, maxlength: 200 });
  const kind = h("select", { id: "admit-kind" }, ...EntityRegistryEntityKind.map((k) => h("option", { value: k }, tEnum("kind", k))));
  const [regionLabel, region] = input("admit-region", t("governance.region"),
    { type: "number", min: 1, max: 999999, required: true, list: "admit-regions", "aria-describedby": "admit-region-hint" });
  const regions = h("datalist", { id: "admit-regions" });
  void entities.then((page) => {
    const known = new Map(page.items.filter((e) => e.region && e.city).map((e) => [e.region!, e.city!]));
    replace(regions, ...[...known].sort(([a], [b]) => a - b).map(([code, city]) => h("option", { value: code }, city)));
  });
  const [codeLabel, code] = input("admit-code", t("governance.code"), { required: true, maxlength: 32 });
  const [adminLabel, admin] = input("admit-admin", t("governance.admin"), { required: true, pattern: "0x[0-9a-fA-F]{40}", placeholder: "0x…" });
  const dossier = h("input", { id: "admit-dossier", type: "file" });
  const [uriLabel, uri] = input("admit-uri", t("governance.dossierUri"));
  const boxes = CAPABILITIES.map(([key, bit]) => {
    const box = h("input", { type: "checkbox", id: `cap-${key}`, value: bit });
    return h("label", { for: box.id, class: "check" }, box, ` ${t(`governance.cap.${key}`)}`);
  });
  replace(root,
    nameLabel, name,
    h("label", { for: kind.id }, t("governance.entityKind")), kind,
    regionLabel, region, regions, h("p", { class: "hint", id: "admit-region-hint" }, t("governance.regionHint")),
    codeLabel, code, adminLabel, admin,
    h("label", { for: dossier.id }, t("governance.dossier")), dossier,
    uriLabel, uri,
    h("fieldset", {}, h("legend", {}, t("governance.capabilities")), ...boxes));
  return async () => {
    if (registrationCode(code.value) === null) {
      status.className = "status-line error";
      status.textContent = t("governance.badCode");
      return null;
    }
    const file = dossier.files?.[0];
    const dossierHash = file ? keccak256(new Uint8Array(await file.arrayBuffer())) : "0x" + "00".repeat(32);
    const capabilities = boxes.map((b) => b.querySelector("input")!).filter((b) => b.checked).reduce((sum, b) => sum | Number(b.value), 0);
    return admitPayload([{ name: name.value.trim(), kind: kind.value as (typeof EntityRegistryEntityKind)[number],
      region: Number(region.value), code: code.value, dossierHash, dossierURI: uri.value.trim(), admin: admin.value.trim(), capabilities }]);
  };
}

/** A suspension (of an active entity) or reinstatement (of a suspended one), with a reason. */
function statusFields(root: HTMLElement, entities: Promise<Page<Regioned>>, action: "Suspend" | "Reinstate"): () => Promise<string | null> {
  const wanted = action === "Suspend" ? "active" : "suspended";
  const entity = h("select", { id: "status-entity", required: true }, h("option", { value: "" }, t("common.loading")));
  void entities.then((page) => {
    const candidates = page.items.filter((e) => e.status === wanted);
    replace(entity, ...(candidates.length
      ? candidates.map((e) => h("option", { value: e.entity_id }, `#${e.entity_id} ${e.name}`))
      : [h("option", { value: "" }, t("governance.noCandidates"))]));
  });
  const [reasonLabel, reason] = input("status-reason", t("governance.reason"), { "aria-describedby": "status-reason-hint" });
  replace(root, h("label", { for: entity.id }, t("governance.entity")), entity, reasonLabel, reason,
    h("p", { class: "hint", id: "status-reason-hint" }, t("governance.reasonHint")));
  return async () => (entity.value ? statusPayload(Number(entity.value), reason.value.trim()) : null);
}
