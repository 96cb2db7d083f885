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
