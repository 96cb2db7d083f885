"""The public verification page, as a citizen who scanned a QR code uses it (phone width, no sign-in)."""

from __future__ import annotations

from urllib.parse import quote

from playwright.sync_api import expect

from pilotchain.epcis.codes import item_id
from pilotchain.epcis.identifiers import canonical
from tests.web.conftest import CELLS, VIN


def test_recalled_lot_shows_the_recall_and_a_passing_chain_check(page, console_url):
    page.goto(f"{console_url}/verify/{CELLS}")
    expect(page.get_by_role("alert").first).to_contain_text("RECALLED")
    expect(page.locator("#facts-h")).to_have_text("Recalled")
    expect(page.locator(".recalls li")).to_contain_text("thermal-runaway")
    check = page.get_by_test_id("chain-check")
    expect(check).to_have_class("card check ok")
    expect(check).to_contain_text("fold into the head the contract keeps")


def test_server_story_of_the_recalled_lot_matches_the_chain(page, console_url):
    page.goto(f"{console_url}/verify/{CELLS}")
    expect(page.get_by_test_id("server-check")).to_have_text("✔ The server's record matches the chain.")


def test_vehicle_built_from_the_recalled_lot_shows_the_acknowledged_recall(page, console_url):
    page.goto(f"{console_url}/verify/{VIN}")
    expect(page.locator("#facts-h")).to_have_text("Recalled")
    expect(page.locator(".recalls li")).to_contain_text("Affected by the recall of")
    expect(page.get_by_test_id("chain-check")).to_have_class("card check ok")


def test_owner_and_custodian_are_named_from_the_chain(page, console_url):
    page.goto(f"{console_url}/verify/{CELLS}")
    facts = page.locator(".facts dl")
    expect(facts).not_to_contain_text("Entity #")
    expect(facts.locator("dd").first).not_to_be_empty()


def test_page_carries_a_qr_code_of_its_own_address(page, console_url):
    page.goto(f"{console_url}/verify/{CELLS}")
    expect(page.locator(".qr svg[role=img]")).to_have_attribute("aria-label", f"QR code linking to {page.url}")


def test_malformed_identifier_is_explained(page, console_url):
    page.goto(f"{console_url}/verify/urn:epc:id:sgtin:6901234.0555556.X")
    expect(page.get_by_role("alert")).to_contain_text("does not follow the EPC id URN grammar for sgtin")


def test_chinese_reader_gets_the_page_in_chinese(page, console_url):
    page.goto(f"{console_url}/verify/{CELLS}")
    page.locator("#language").select_option("zh-CN")
    expect(page.locator("h1")).to_have_text("验证产品")
    expect(page.locator("#facts-h")).to_have_text("已召回")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_digital_link_on_any_host_verifies_the_same_vehicle(page, console_url, registered_prefix):
    link = canonical(VIN).replace("https://id.gs1.org", "https://example.com")
    page.goto(f"{console_url}/verify/{quote(link, safe=':')}")
    expect(page.locator(".item-id code")).to_have_attribute("title", "0x" + item_id(VIN).hex())
    expect(page.locator("#facts-h")).to_have_text("Recalled")
    expect(page.get_by_test_id("server-check")).to_have_text("✔ The server's record matches the chain.")


def test_verification_form_works_from_the_keyboard(page, console_url):
    page.goto(f"{console_url}/verify")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_label("EPC URN or GS1 Digital Link").focus()
    page.keyboard.type(CELLS)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{console_url}/verify/{CELLS}")
    expect(page.get_by_test_id("chain-check")).to_have_class("card check ok")
