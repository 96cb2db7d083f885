"""Data sharing from the page: approve or reject a request, sign a grant the grantee then holds,
renew, revoke (the hold respected), the receipts of an asset."""

from __future__ import annotations

from datetime import datetime, timezone

from playwright.sync_api import expect

from pilotchain import datasharing
from pilotchain.endpoints import open_session
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


def test_owner_rejects_a_request_with_a_reason_code(page, console_url, network, request_to_reject):
    sign_in(page, console_url, network, "council-1")
    page.get_by_role("link", name="Data sharing").click()
    request = page.get_by_test_id(f"request-{request_to_reject}")
    expect(request).to_contain_text("State Administration for Market Regulation, Pilot Office")
    request.get_by_label("Reason code").fill("3")
    request.get_by_role("button", name="Reject").click()
    expect(page.get_by_test_id(f"request-{request_to_reject}")).to_have_count(0, timeout=15_000)
    [rejected] = [log["args"] for log in open_session(network, "council-1").logs("DataSharing", "RequestRejected")
                  if log["args"]["requestId"] == request_to_reject]
    assert rejected["reason"] == 3


def test_a_grant_under_hold_cannot_be_revoked_and_one_without_is(page, console_url, network, revocable_grants):
    sign_in(page, console_url, network, "council-1")
    page.get_by_role("link", name="Data sharing").click()
    held = page.get_by_test_id(f"grant-{revocable_grants}-4")
    expect(held.get_by_role("button", name="Revoke")).to_be_disabled()
    expect(held).to_contain_text("cannot be revoked before")
    free = page.get_by_test_id(f"grant-{revocable_grants}-5")
    free.get_by_role("button", name="Revoke").click()
    expect(page.get_by_test_id(f"grant-{revocable_grants}-5")).to_contain_text("— revoked", timeout=15_000)
    expect(page.get_by_test_id(f"grant-{revocable_grants}-5").get_by_role("button", name="Revoke")).to_have_count(0)
    expect(page.get_by_test_id(f"grant-{revocable_grants}-4").get_by_role("button", name="Revoke")).to_be_disabled()


def test_owner_sees_the_receipts_of_its_asset(page, console_url, network, activity, delivery):
    sign_in(page, console_url, network, "council-1")
    page.get_by_role("link", name="Data sharing").click()
    receipts = page.get_by_test_id(f"receipts-{activity['asset']}")
    expect(receipts.get_by_role("heading")).to_have_text(f"Asset #{activity['asset']} — deliveries recorded: 1")
    expect(receipts).to_contain_text(f"delivered by {OWNER_NAME} to Shanghai Municipal Big Data Center for research")
    expect(receipts).to_contain_text(delivery)


def test_owner_renews_a_grant_for_longer(page, console_url, network, revocable_grants):
    owner = open_session(network, "council-1")
    renewed = datetime.fromtimestamp(datasharing.get_grant(owner, revocable_grants, 4).valid_until + 10 * 86400, timezone.utc)
    sign_in(page, console_url, network, "council-1")
    page.get_by_role("link", name="Data sharing").click()
    grant = page.get_by_test_id(f"grant-{revocable_grants}-4")
    grant.get_by_label("Extend by (days)").fill("10")
    grant.get_by_role("button", name="Renew").click()
    expect(page.get_by_test_id(f"grant-{revocable_grants}-4")).to_contain_text(
        f"until {renewed:%b} {renewed.day}, {renewed.year}", timeout=15_000)
    assert datasharing.get_grant(owner, revocable_grants, 4).valid_until == int(renewed.timestamp())
