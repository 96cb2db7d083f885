"""Data sharing from the page: approve a request, sign a grant the grantee then holds, revoke."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.web.conftest import sign_in

OWNER_NAME = "Beijing Municipal Bureau of Big Data Management"  # entity 1, council-1's


def test_owner_approves_an_incoming_request_for_a_shorter_term(page, console_url, network, access_request):
    sign_in(page, console_url, network, "council-1")
    page.get_by_role("link", name="Data sharing").click()
    request = page.get_by_test_id(f"request-{access_request}")
    request.get_by_label("Term (days)").fill("2")
    request.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id(f"request-{access_request}")).to_have_count(0, timeout=15_000)
    expect(page.get_by_test_id("grants-given")).to_contain_text("Guangzhou Municipal Government Service Data Administration")


def test_grant_signed_in_the_page_is_held_by_the_grantee(page, console_url, network):
    sign_in(page, console_url, network, "council-1")
    page.get_by_role("link", name="Data sharing").click()
    page.get_by_label("Grantee (entity id)").fill("5")
    page.get_by_label("research").check()
    page.get_by_role("button", name="Sign in this page").click()
    expect(page.get_by_test_id("grant-status")).to_have_text("Signed. Anyone may submit it until its deadline; or cancel it.")
    page.get_by_role("button", name="Submit to the chain").click()
    expect(page.get_by_test_id("grants-given")).to_contain_text("National Blockchain Pilot Steering Office", timeout=15_000)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, console_url, network, "council-5")
    page.get_by_role("link", name="Data sharing").click()
    expect(page.get_by_test_id("grants-held")).to_contain_text(OWNER_NAME)
