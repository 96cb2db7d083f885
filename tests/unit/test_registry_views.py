"""Queries without an indexer: paged entity listings with filters, open proposals, details."""

import brownie
import pytest
from brownie import chain

from pilotchain.registry import ActionKind, EntityKind, EntityStatus, Vote, registration_code, status_payload
from tests.fixtures.registry_extra import err, open_proposal


def list_ids(registry, limit, kind=None, status=None, region=None):
    """Every matching id, fetched page by page; also returns the page sizes seen."""
    entity_filter = (kind is not None, kind or 0, status is not None, status or 0, region is not None, region or 0)
    ids, sizes, cursor = [], [], 1
    while cursor:
        page, cursor = registry.listEntities(entity_filter, cursor, limit)
        ids += [view["id"] for view in page]
        sizes.append(len(page))
    return ids, sizes


@pytest.fixture(scope="module")
def directory(consortium, members):
    """(id, kind, region) of the fifteen entities, as the listings should report them."""
    founders = [(i + 1, EntityKind[f["kind"]], int(f["region"])) for i, f in enumerate(consortium.founders)]
    return founders + [(6 + i, m.kind, m.region) for i, m in enumerate(members)]


def test_listing_pages_through_all_entities(registry):
    ids, sizes = list_ids(registry, limit=4)
    assert ids == list(range(1, 16))
    assert sizes == [4, 4, 4, 3]


@pytest.mark.parametrize("kind", [EntityKind.GovernmentDepartment, EntityKind.Hospital, EntityKind.Other])
def test_listing_filters_by_kind(registry, directory, kind):
    assert list_ids(registry, 2, kind=kind)[0] == [i for i, k, _ in directory if k == kind]


@pytest.mark.parametrize("region", [110000, 440100, 510100])
def test_listing_filters_by_region(registry, directory, region):
    assert list_ids(registry, 3, region=region)[0] == [i for i, _, r in directory if r == region]


def test_listing_filters_by_status(registry, suspend, entity_ids):
    suspend(entity_ids["bank"])
    suspend(entity_ids["lab"])
    assert list_ids(registry, 1, status=EntityStatus.Suspended)[0] == [entity_ids["bank"], entity_ids["lab"]]


def test_listing_combines_filters(registry, entity_ids):
    ids, _ = list_ids(registry, 10, kind=EntityKind.Other, region=110000)
    assert ids == [entity_ids["dealer"], entity_ids["lab"]]


def test_filtered_page_returns_cursor_after_last_match(registry):
    page, cursor = registry.listEntities((False, 0, False, 0, True, 440100), 1, 2)
    assert [view["id"] for view in page] == [3, 9]
    assert cursor == 10


def test_listing_returns_entity_records(registry, entity_ids, members):
    page, _ = registry.listEntities((True, EntityKind.Hospital, False, 0, False, 0), 1, 1)
    assert page[0]["entity"]["region"] == members[0].region
    assert page[0]["entity"]["status"] == EntityStatus.Active


def test_listing_from_cursor_zero_starts_at_the_first_entity(registry):
    page, cursor = registry.listEntities((False, 0, False, 0, False, 0), 0, 3)
    assert ([view["id"] for view in page], cursor) == ([1, 2, 3], 4)


def test_listing_past_last_entity_is_empty(registry):
    page, cursor = registry.listEntities((False, 0, False, 0, False, 0), 16, 5)
    assert (len(page), cursor) == (0, 0)


def test_entity_view_returns_stored_record(registry, entity_ids, members):
    lab = registry.entity(entity_ids["lab"])
    assert (lab["kind"], lab["region"], lab["capabilities"]) == (EntityKind.Other, 110000, members[-1].capabilities)
    assert (lab["admins"], lab["council"]) == (1, False)


@pytest.mark.parametrize("entity_id", [0, 16])
def test_entity_view_of_unknown_id_reverts(registry, entity_id):
    with brownie.reverts(revert_pattern=err("RegistryUnknownEntity", entity_id)):
        registry.entity(entity_id)


def test_entity_id_by_code(registry, members, entity_ids):
    assert registry.entityIdByCode(registration_code(members[2].code)) == entity_ids["bank"]
    assert registry.entityIdByCode(registration_code("91000000MA99999999")) == 0


def test_counts_and_period(registry, consortium):
    assert (registry.entityCount(), registry.councilSize(), registry.proposalCount()) == (15, 5, 1)
    assert registry.votingPeriod() == consortium.voting_period


# ---------------------------------------------------------------- proposals


@pytest.fixture
def three_proposals(registry, proposer, entity_ids):
    """Three open Suspend proposals (ids 2-4; id 1 is the executed admission)."""
    return [
        open_proposal(registry, proposer, ActionKind.Suspend, status_payload(entity_ids[name], "review"))
        for name in ("bank", "lab", "dealer")
    ]


def open_ids(registry, cursor=1, limit=10):
    page, next_cursor = registry.listOpenProposals(cursor, limit)
    return [view["id"] for view in page], next_cursor


def test_open_proposals_exclude_executed_and_cancelled(registry, proposer, three_proposals):
    registry.cancel(three_proposals[1], {"from": proposer})
    assert open_ids(registry) == ([three_proposals[0], three_proposals[2]], 0)


def test_open_proposals_exclude_expired(registry, three_proposals, voting_period):
    chain.sleep(voting_period)
    chain.mine()
    assert open_ids(registry) == ([], 0)


def test_open_proposals_page_with_cursor(registry, three_proposals):
    first, cursor = open_ids(registry, 1, 2)
    rest, end = open_ids(registry, cursor, 2)
    assert (first + rest, end) == (three_proposals, 0)


def test_open_proposals_from_cursor_zero_start_at_the_first_proposal(registry, three_proposals):
    assert open_ids(registry, 0, 10) == (three_proposals, 0)


def test_open_proposal_listing_carries_tallies(registry, voters, three_proposals):
    registry.vote(three_proposals[0], Vote.No, {"from": voters[0]})
    page, _ = registry.listOpenProposals(three_proposals[0], 1)
    assert (page[0]["proposal"]["yes"], page[0]["proposal"]["no"]) == (1, 1)


def test_proposal_view_flags_passed(registry, voters, three_proposals):
    pid = three_proposals[0]
    registry.vote(pid, Vote.Yes, {"from": voters[0]})
    assert not registry.proposal(pid)["passed"]
    registry.vote(pid, Vote.Yes, {"from": voters[1]})
    view = registry.proposal(pid)
    assert (view["id"], view["passed"]) == (pid, True)


def test_proposal_view_of_unknown_id_reverts(registry):
    with brownie.reverts(revert_pattern=err("RegistryUnknownProposal", 42)):
        registry.proposal(42)


def test_has_voted_is_false_outside_voting_set(registry, three_proposals, entity_ids):
    assert not registry.hasVoted(three_proposals[0], entity_ids["hospital"])
