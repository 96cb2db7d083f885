"""Governance: a member votes on an open proposal from the page and sees the tally move."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import sign_in


def test_member_votes_yes_and_the_tally_counts_it(page, console_url, network, open_proposal):
    sign_in(page, console_url, network, "council-2")
    page.get_by_role("link", name="Governance").click()
    card = page.get_by_test_id(f"proposal-{open_proposal}")
    tally = card.get_by_test_id("tally")
    expect(tally).to_contain_text("Yes")
    yes_before = int(re.search(r"Yes (\d+)", tally.inner_text()).group(1))
    card.get_by_role("group", name="Vote").get_by_role("button", name="Yes").click()
    expect(card.get_by_text("Your entity voted: Yes")).to_be_visible(timeout=15_000)
    expect(tally).to_contain_text(f"Yes {yes_before + 1}")


def test_visitor_is_asked_to_sign_in_to_vote(page, console_url, open_proposal):
    page.goto(f"{console_url}/governance")
    card = page.get_by_test_id(f"proposal-{open_proposal}")
    expect(card.get_by_role("link", name="Sign in with your keystore to vote")).to_be_visible()
    expect(card.get_by_role("progressbar")).to_have_count(2)


def test_member_proposes_an_admission_from_the_form_and_sees_it_open(page, console_url, network):
    sign_in(page, console_url, network, "council-2")
    page.get_by_role("link", name="Governance").click()
    page.get_by_label("What to propose").select_option(label="Admission")
    page.get_by_label("Name of the organisation").fill("Shenzhen Grid Battery Lab")
    page.get_by_label("Kind of organisation").select_option(label="Power company")
    page.get_by_label("Region code (GB/T 2260)").fill("440300")
    page.get_by_label("Registration code (unified social credit code)").fill("91440300MA0000WEB2")
    page.get_by_label("First admin account (0x address)").fill("0x" + "5a" * 20)
    page.get_by_label("Inspector (attaches certificates)").check()
    page.get_by_role("button", name="Propose", exact=True).click()
    expect(page.get_by_test_id("propose-status")).to_have_text(
        "Proposed: your entity's yes vote is counted; the proposal is listed above.", timeout=15_000)
    card = page.locator("article.proposal", has_text="Proposed by Shanghai Municipal Big Data Center")
    expect(card.get_by_role("heading")).to_have_text(re.compile(r"#\d+: Admission"))
    expect(card.get_by_test_id("tally")).to_contain_text("Yes 1 ")
    expect(card).to_contain_text("Your entity voted: Yes")


def test_member_executes_a_passed_admission_and_sees_when_it_passed(page, console_url, network, passed_admission):
    sign_in(page, console_url, network, "council-4")
    page.get_by_role("link", name="Governance").click()
    card = page.get_by_test_id(f"proposal-{passed_admission}")
    expect(card).to_contain_text("Passed: anyone may now execute it.")
    card.get_by_role("button", name="Execute").click()
    expect(page.get_by_test_id(f"proposal-{passed_admission}")).to_have_count(0, timeout=15_000)
    expect(page.get_by_test_id(f"passed-{passed_admission}")).to_have_text(
        re.compile(rf"#{passed_admission} Admission — executed \w{{3}} \d{{1,2}}, \d{{4}}, .+ with 3 yes, 0 no, 0 abstaining"))
