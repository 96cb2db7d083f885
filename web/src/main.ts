/**
 * The console's shell: header with navigation, language switch and sign-in state, and a router
 * over the History API (`pilotchain serve` answers every non-API path with index.html). Links
 * inside the app are followed without a reload.
 */
import "./styles.css";
import { h, replace } from "./lib/dom";
import { initLocale, LOCALES, locale, onLocaleChange, setLocale, t, type Locale } from "./i18n";
import { onSessionChange, restoreSession, session, signOut } from "./app/session";
import { identifierFromPath, verifyPage } from "./verify/page";
import { signinPage } from "./signin/page";
import { directoryPage, entityPage } from "./directory/page";
import { dashboardPage } from "./dashboard/page";
import { itemPage } from "./provenance/page";
import { governancePage } from "./governance/page";
import { sharingPage } from "./sharing/page";
import { capturePage } from "./provenance/capture";
import { short } from "./lib/dom";

const header = document.getElementById("header")!;
const main = document.getElementById("main")!;

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
  const { pathname, search } = location;
  if (pathname === "/" || pathname.startsWith("/verify")) verifyPage(main, pathname, navigate);
  else if (pathname === "/signin") signinPage(main, navigate);
  else if (pathname === "/directory") directoryPage(main, search, navigate);
  else if (pathname.startsWith("/entities/")) entityPage(main, pathname.slice("/entities/".length));
  else if (pathname === "/dashboard") dashboardPage(main);
  else if (pathname === "/governance") governancePage(main);
  else if (pathname === "/sharing") sharingPage(main);
  else if (pathname === "/capture") capturePage(main);
  else if (pathname.startsWith("/items/")) itemPage(main, identifierFromPath(pathname.replace(/^\/items/, "/verify")));
  else replace(main, h("h1", {}, t("common.notFound")));
  if (moveFocus) main.focus({ preventScroll: true });
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
