"""`make screens`: every page of the console at desktop and phone width, written to
reports/screens/<page>-<width>.png for a person to look at. Not collected by `make test` (the
file name does not start with test_); each shot first checks that its page rendered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pilotchain.toolchain import ROOT
from tests.web.conftest import CELLS, DESKTOP, PHONE, VIN, sign_in

OUT = ROOT / "reports" / "screens"
SIGNED_IN = {"sharing": "council-1", "governance-member": "council-3"}  # pages shown to a signed-in member
PAGES = {
    "verify-recalled-lot": (f"/verify/{CELLS}", "[data-testid=server-check]"),
    "verify-vehicle": (f"/verify/{VIN}", "[data-testid=server-check]"),
    "verify-vehicle-zh": (f"/verify/{VIN}", "[data-testid=server-check]"),
    "verify-form": ("/verify", "#verify-input"),
    "signin": ("/signin", "#keystore"),
    "directory": ("/directory", "table.entities"),
    "entity": ("/entities/4", "section.card li"),
    "item-vehicle": (f"/items/{VIN}", "svg.lineage"),
    "item-recalled-lot": (f"/items/{CELLS}", ".timeline li"),
    "dashboard": ("/dashboard", "[data-testid=dash-validators] p"),
    "governance": ("/governance", "article.proposal"),
    "sharing-signed-out": ("/sharing", "main a[href='/signin']"),
    "sharing": ("/sharing", "[data-testid=grants-given] li"),
    "governance-member": ("/governance", "article.proposal [role=group]"),
}


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_screen(browser, console_url, network, name, width):
    path, ready = PAGES[name]
    locale = "zh-CN" if name.endswith("-zh") else "en-US"
    context = browser.new_context(viewport=DESKTOP if width == "desktop" else PHONE, locale=locale)
    page = context.new_page()
    if name in SIGNED_IN:
        sign_in(page, console_url, network, SIGNED_IN[name])
        page.get_by_role("link", name="Governance" if path == "/governance" else "Data sharing").click()
    else:
        page.goto(f"{console_url}{path}")
    expect(page.locator(ready).first).to_be_visible()
    expect(page.locator("p.error")).to_have_count(0)
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=OUT / f"{name}-{width}.png", full_page=True)
    context.close()
