"""The consortium directory: filter by name, kind, city and status."""

from __future__ import annotations

from playwright.sync_api import expect

from pilotchain.sample import FOUNDER_IDS


def test_directory_lists_every_member(page, console_url):
    page.goto(f"{console_url}/directory")
    expect(page.locator("table.entities tbody tr")).to_have_count(len(FOUNDER_IDS) + 1)  # + the admitted hospital


def test_filter_by_kind_keeps_only_that_kind(page, console_url):
    page.goto(f"{console_url}/directory")
    page.get_by_label("Kind").select_option("Regulator")
    expect(page).to_have_url(f"{console_url}/directory?kind=Regulator")
    rows = page.locator("table.entities tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("State Administration for Market Regulation")


def test_filter_by_name_is_a_case_insensitive_part(page, console_url):
    page.goto(f"{console_url}/directory")
    page.get_by_label("Name").fill("test hospital")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.entities tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Beijing Test Hospital")


def test_entity_page_shows_its_accounts_and_history(page, console_url):
    page.goto(f"{console_url}/directory?kind=Regulator")
    page.get_by_role("link", name="State Administration for Market Regulation, Pilot Office").click()
    expect(page.locator("h1")).to_have_text("State Administration for Market Regulation, Pilot Office")
    expect(page.locator("section", has_text="Accounts").locator("li")).not_to_have_count(0)
    expect(page.locator("section", has_text="Status history").locator("li").first).to_contain_text("Active")
