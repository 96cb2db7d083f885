"""An item's page (timeline, recall banner, lineage) and the regulator's dashboard."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.web.conftest import CELLS, DESKTOP, VIN


def test_item_page_of_the_recalled_lot_has_the_banner_and_its_recall_in_the_timeline(page, console_url):
    page.goto(f"{console_url}/items/{CELLS}")
    expect(page.get_by_role("alert")).to_have_text("This item is recalled.")
    expect(page.locator(".timeline li").first).to_contain_text("thermal-runaway")


def test_item_page_lists_custody_handovers_by_name(page, console_url):
    page.goto(f"{console_url}/items/{CELLS}")
    custody = page.locator("section", has=page.get_by_role("heading", name="Custody and ownership"))
    expect(custody.locator("li").first).to_contain_text("Custody offered: Beijing Municipal Bureau of Big Data Management → ")


def test_lineage_of_the_vehicle_reaches_back_to_the_cells(page, console_url):
    page.goto(f"{console_url}/verify/{CELLS}")
    cells_id = page.locator(".item-id code").get_attribute("title")
    page.goto(f"{console_url}/items/{VIN}")
    expect(page.locator(f'svg.lineage a[href="/items/{cells_id}"]')).to_have_count(1)


def test_lineage_node_opens_that_item(page, console_url):
    page.goto(f"{console_url}/items/{VIN}")
    node = page.locator("svg.lineage a").nth(0)
    target = node.get_attribute("href")
    node.click()
    expect(page).to_have_url(f"{console_url}{target}")
    expect(page.locator("h1 code")).to_have_attribute("title", target.removeprefix("/items/"))


def test_dashboard_draws_members_by_kind_and_recall_progress(browser, console_url):
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    page.goto(f"{console_url}/dashboard")
    members = page.get_by_test_id("dash-members")
    expect(members.get_by_role("img", name="Members by kind")).to_be_visible()
    expect(members.locator("table.sr-only").first).to_contain_text("Regulator")
    expect(page.get_by_test_id("dash-recalls").locator("progress")).not_to_have_count(0)
    expect(page.get_by_test_id("dash-events").get_by_role("img", name="Provenance events per day")).to_be_visible()
    context.close()
