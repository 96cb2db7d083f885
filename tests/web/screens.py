"""`make screens`: every page of the console at desktop and phone width, written to
reports/screens/<page>-<width>.png for a person to look at. Not collected by `make test` (the
file name does not start with test_); each shot first checks that its page rendered."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from pilotchain.epcis import EPCIS_CONTEXT
from pilotchain.toolchain import ROOT
from tests.web.conftest import CELLS, DESKTOP, PHONE, VIN, sign_in

OUT = ROOT / "reports" / "screens"
# pages shown to a signed-in member (reached by the navigation link, which keeps the page's key)
SIGNED_IN = {"sharing": "council-1", "sharing-zh": "council-1", "governance-member": "council-3",
             "governance-member-zh": "council-3", "capture-preview": "council-1", "capture-preview-zh": "council-1"}
LINKS = {"/governance": "Governance", "/sharing": "Data sharing", "/capture": "Capture"}
# a new item, and one that exists (the preview shows what will be recorded and what cannot be)
EPCIS_UPLOAD = {"@context": [EPCIS_CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
                "creationDate": "2026-11-30T10:00:00.000Z", "epcisBody": {"eventList": [
                    {"type": "ObjectEvent", "action": "ADD", "eventTime": "2026-11-30T10:00:00.000Z",
                     "eventTimeZoneOffset": "+08:00", "epcList": [epc], "bizStep": "commissioning"}
                    for epc in ("urn:epc:id:sgtin:4012345.011111.SCREEN-1", VIN)]}}
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
    "sharing-zh": ("/sharing", "[data-testid=receipts] li"),
    "governance-member": ("/governance", "article.proposal [role=group]"),
    "governance-member-zh": ("/governance", "article.proposal [role=group]"),
    "capture-preview": ("/capture", "[data-testid=capture-summary]"),
    "capture-preview-zh": ("/capture", "[data-testid=capture-summary]"),
}


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_screen(browser, console_url, network, name, width, tmp_path):
    path, ready = PAGES[name]
    chinese = name.endswith("-zh")
    locale = "zh-CN" if chinese and name not in SIGNED_IN else "en-US"  # signing in follows the English labels
    context = browser.new_context(viewport=DESKTOP if width == "desktop" else PHONE, locale=locale)
    page = context.new_page()
    if name in SIGNED_IN:
        sign_in(page, console_url, network, SIGNED_IN[name])
        page.get_by_role("link", name=LINKS[path]).click()
        if chinese:
            page.get_by_label("Language").select_option("zh-CN")
        if path == "/capture":
            upload = tmp_path / "capture.jsonld"
            upload.write_text(json.dumps(EPCIS_UPLOAD))
            page.locator("#capture-file").set_input_files(upload)
            page.locator("form button[type=submit]").click()
    else:
        page.goto(f"{console_url}{path}")
    expect(page.locator(ready).first).to_be_visible()
    expect(page.locator("p.error")).to_have_count(0)
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=OUT / f"{name}-{width}.png", full_page=True)
    context.close()
