/**
 * Capture an EPCIS 2.0 document by upload: the file is read in the page, its dry run
 * (`POST /epcis/capture/preview`, as the signed-in member) shows per event what would be recorded
 * and what the chain would refuse or leave waiting, and why; then the capture job is started and
 * followed until the chain has it. The server signs with the member's own key (see docs/api.md).
 */
import { ApiError, epcis, epcisCapture } from "../lib/api";
import { h, replace } from "../lib/dom";
import { session } from "../app/session";
import { t } from "../i18n";

interface Preview {
  events: number;
  recordable: number;
  plan: { event: string; eventHash: string; recorded: boolean; calls: string[]; epcs: string[] }[];
  refused: { event: string; epc: string; reason: string }[];
  held: { event: string; reason: string }[];
}
interface Job { captureID: string; running: boolean; success: boolean; events: number; recorded: number; errors: { event?: string; detail?: string; title: string }[] }

const POLL_MS = 500;

export function capturePage(root: HTMLElement): void {
  if (!session()) {
    replace(root, h("h1", {}, t("capture.title")), h("p", {}, h("a", { href: "/signin" }, t("capture.signIn"))));
    return;
  }
  const status = h("p", { class: "status-line", role: "status", "data-testid": "capture-status" });
  const preview = h("section", { "aria-live": "polite", "data-testid": "capture-preview" });
  const file = h("input", { id: "capture-file", type: "file", accept: ".json,.jsonld,application/json,application/ld+json" });
  const form = h("form", { class: "grid-form", onsubmit: async (event: Event) => {
    event.preventDefault();
    replace(preview);
    status.className = "status-line";
    status.textContent = "";
    const chosen = file.files?.[0];
    if (!chosen) return fail(status, t("capture.noFile"));
    const text = await chosen.text();
    try {
      JSON.parse(text);
    } catch (error) {
      return fail(status, t("capture.notJson", { detail: (error as Error).message }));
    }
    try {
      const dry = await epcis<Preview>("/capture/preview", { method: "POST", body: text });
      showPreview(preview, dry, text, status);
    } catch (error) {
      fail(status, error instanceof ApiError && error.status === 400
        ? t("capture.invalid", { detail: error.detail ?? error.title }) : t("common.error", { detail: (error as Error).message }));
    }
  } },
    h("label", { for: file.id }, t("capture.file")), file,
    h("button", { type: "submit" }, t("capture.preview")));
  replace(root, h("h1", {}, t("capture.title")), h("p", { class: "hint" }, t("capture.intro")),
    h("section", { class: "card" }, form), preview, status);
}

function fail(status: HTMLElement, message: string): void {
  status.className = "status-line error";
  status.textContent = message;
}

function list(title: string, testid: string, lines: string[], tone = ""): HTMLElement | null {
  return lines.length ? h("div", { "data-testid": testid }, h("h3", { class: tone }, title),
    h("ul", {}, ...lines.map((line) => h("li", {}, line)))) : null;
}

function showPreview(root: HTMLElement, dry: Preview, document: string, status: HTMLElement): void {
  const blocked = new Set([...dry.refused.map((r) => r.event), ...dry.held.map((w) => w.event)]);
  const behaviour = h("select", { id: "capture-behaviour" },
    h("option", { value: "rollback" }, t("capture.rollback")), h("option", { value: "proceed" }, t("capture.proceed")));
  const start = h("button", { type: "button", disabled: dry.recordable === 0, onclick: async () => {
    start.setAttribute("disabled", "");
    try {
      follow(await epcisCapture(document, behaviour.value as "rollback" | "proceed"), status);
    } catch (error) {
      fail(status, t("common.error", { detail: (error as Error).message }));
    }
  } }, t("capture.capture"));
  replace(root, h("div", { class: "card preview" },
    h("h2", {}, t("capture.previewTitle")),
    h("p", { "data-testid": "capture-summary" }, t("capture.summary", { recordable: dry.recordable, events: dry.events })),
    list(t("capture.willRecord"), "capture-record", dry.plan.filter((p) => !blocked.has(p.event) && !p.recorded).map((p) =>
      `${t("capture.callLine", { event: p.event, calls: p.calls.join(", ") })} — ${p.epcs.join(", ")}`), "ok"),
    list(t("capture.skipped"), "capture-skipped", dry.plan.filter((p) => !blocked.has(p.event) && p.recorded).map((p) => p.event)),
    list(t("capture.cannot"), "capture-refused", dry.refused.map((r) => t("capture.refusedLine", r)), "bad"),
    list(t("capture.waits"), "capture-held", dry.held.map((w) => t("capture.heldLine", w)), "warn"),
    dry.recordable ? h("div", { class: "row wrap" }, h("label", { for: behaviour.id }, t("capture.behaviour")), behaviour, start)
      : h("p", {}, t("capture.nothing"))));
}

/** Follow the capture job until it has finished, saying where it is in `status`. */
async function follow(id: string, status: HTMLElement): Promise<void> {
  status.className = "status-line";
  status.textContent = t("capture.running", { id });
  for (;;) {
    const job = await epcis<Job>(`/capture/${encodeURIComponent(id)}`);
    if (!job.running) {
      const counts = { id, recorded: job.recorded, events: job.events };
      status.className = job.success ? "status-line ok" : "status-line error";
      status.textContent = job.success ? t("capture.done", counts)
        : [t("capture.failed", counts), ...job.errors.map((e) => e.detail ?? e.title)].join(" ");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
