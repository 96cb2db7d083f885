/**
 * The console's shell: header with navigation, language switch and sign-in state, and a router
 * over the History API (`pilotchain serve` answers every non-API path with index.html). Links
 * inside the app are followed without a reload.
 *
 * The verification page is part of this entry chunk; every other page is a chunk of its own,
 * fetched on first visit. A citizen who scans a QR code on a phone loads the verification page,
 * its hash-chain check, the QR code and the messages, not the members' pages (keystore
 * decryption, governance, sharing, capture, the dashboard's charts).
 */
import "./styles.css";
import { h, replace } from "./lib/dom";
import { initLocale, LOCALES, locale, onLocaleChange, setLocale, t, type Locale } from "./i18n";
import { onSessionChange, restoreSession, session, signOut } from "./app/session";
import { identifierFromPath, verifyPage } from "./verify/page";
import { short } from "./lib/dom";

const header = document.getElementById("header")!;
const main = document.getElementById("main")!;
/** The pages loaded on demand (the bundler makes each import() a chunk). */
const pages = {
  signin: () => import("./signin/page"),
  directory: () => import("./directory/page"),
  dashboard: () => import("./dashboard/page"),
  item: () => import("./provenance/page"),
  governance: () => import("./governance/page"),
  sharing: () => import("./sharing/page"),
  capture: () => import("./provenance/capture"),
};
/** Counts renders, so a page whose chunk arrives after the reader has moved on is not drawn. */
let renders = 0;

function navigate(path: string): void {
  history.pushState(null, "", path);
  render();
}

/** Draw the page at the current URL; after a navigation, focus moves to the new content (as a
 * page load would put the reader at its top), on first load it stays at the top (skip link first). */
function render(moveFocus = true): void {
  document.documentElement.lang = locale();
  document.title = t("app.title");
  renderHeader();
  const drawing = ++renders;
  const show = (draw: () => void) => {
    draw();
    if (moveFocus) main.focus({ preventScroll: true });
  };
  /** Draw a page once its chunk is here; one that cannot be fetched (offline, or the console was
   * rebuilt while the tab was open) says so and offers a reload, rather than leaving the page blank. */
  const later = <P>(load: () => Promise<P>, draw: (page: P) => void) => {
    replace(main, h("p", { class: "loading", role: "status" }, t("common.loading")));
    load().then(
      (page) => {
        if (drawing === renders) show(() => draw(page));
      },
      () => {
        if (drawing === renders) show(() => replace(main, h("div", { class: "error", role: "alert" },
          h("p", {}, t("app.pageUnavailable")),
          h("button", { type: "button", onclick: () => location.reload() }, t("app.reload")))));
      },
    );
  };
  const { pathname, search } = location;
  if (pathname === "/" || pathname.startsWith("/verify")) show(() => verifyPage(main, pathname, navigate));
  else if (pathname === "/signin") later(pages.signin, (page) => page.signinPage(main, navigate));
  else if (pathname === "/directory") later(pages.directory, (page) => page.directoryPage(main, search, navigate));
  else if (pathname.startsWith("/entities/")) later(pages.directory, (page) => page.entityPage(main, pathname.slice("/entities/".length)));
  else if (pathname === "/dashboard") later(pages.dashboard, (page) => page.dashboardPage(main));
  else if (pathname === "/governance") later(pages.governance, (page) => page.governancePage(main));
  else if (pathname === "/sharing") later(pages.sharing, (page) => page.sharingPage(main));
  else if (pathname === "/capture") later(pages.capture, (page) => page.capturePage(main));
  else if (pathname.startsWith("/items/")) later(pages.item, (page) => page.itemPage(main, identifierFromPath(pathname.replace(/^\/items/, "/verify"))));
  else show(() => replace(main, h("h1", {}, t("common.notFound"))));
}

function renderHeader(): void {
  const link = (path: string, label: string) =>
    h("a", { href: path, "aria-current": location.pathname.startsWith(path) ? "page" : undefined }, label);
  const language = h("select", { id: "language", "aria-label": t("app.language"),
    onchange: (event: Event) => setLocale((event.target as HTMLSelectElement).value as Locale) },
    ...Object.entries(LOCALES).map(([code, name]) => {
      const option = h("option", { value: code, lang: code }, name);
      option.selected = code === locale();
      return option;
    }));
  const signed = session();
  replace(header,
    h("a", { class: "skip", href: "#main" }, t("app.skip")),
    h("a", { class: "brand", href: "/" }, t("app.title")),
    h("nav", { "aria-label": t("nav.main") },
      link("/verify", t("nav.verify")),
      link("/directory", t("nav.directory")),
      link("/governance", t("nav.governance")),
      link("/sharing", t("nav.sharing")),
      link("/capture", t("nav.capture")),
      link("/dashboard", t("nav.dashboard")),
      signed
        ? h("button", { type: "button", class: "link", onclick: () => { signOut(); navigate("/"); } },
            t("nav.signout", { account: short(signed.account, 4) }))
        : link("/signin", t("nav.signin")),
    ),
    language,
  );
}

document.addEventListener("click", (event) => {
  const anchor = (event.target as Element).closest("a");
  if (!anchor || anchor.origin !== location.origin || anchor.target || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (anchor.pathname.startsWith("/api/") || anchor.hash === "#main") return;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search);
});
window.addEventListener("popstate", () => render());
initLocale();
restoreSession();
onLocaleChange(() => {
  render(false);
  document.getElementById("language")?.focus(); // the switch was redrawn: keep the reader on it
});
onSessionChange(renderHeader);
render(false);
