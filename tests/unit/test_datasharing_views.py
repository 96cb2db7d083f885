"""Paged views without an indexer: an entity's assets, the grants on an asset, the grants an
entity holds, and the pending requests of an owner."""

import pytest
from eth_utils import keccak

from pilotchain.datasharing import Purpose
from tests.fixtures.datasharing import DAY, LOCATOR, plain


@pytest.fixture
def catalogue(datasharing, asset, hospital_admin, bank_admin):
    """Assets 1-5: the hospital owns 1 (the `asset` fixture), 3 and 5; the bank 2 and 4."""
    for n in range(2, 6):
        owner = hospital_admin if n % 2 else bank_admin
        datasharing.registerAsset(keccak(text=f"set {n}"), 1, 0, LOCATOR, {"from": owner})


def pages(view, *args, limit):
    """Every item of a paged view, and how many calls it took."""
    items, cursor, calls = [], 0, 0
    while True:
        page, cursor = view(*args, cursor, limit)
        items += list(page)
        calls += 1
        if cursor == 0:
            return items, calls


def test_assets_of_entity_in_pages(datasharing, catalogue, entity_ids):
    items, calls = pages(datasharing.listAssets, entity_ids["hospital"], limit=2)
    assert [item[0] for item in items] == [1, 3, 5]
    assert items[0][1][0] == entity_ids["hospital"]
    assert calls == 2


def test_assets_of_entity_without_assets_is_empty(datasharing, catalogue, entity_ids):
    assert plain(datasharing.listAssets(entity_ids["gov"], 0, 10)) == [[], 0]


def test_cursor_past_the_end_is_empty(datasharing, catalogue, entity_ids):
    assert plain(datasharing.listAssets(entity_ids["hospital"], 99, 10)) == [[], 0]


def test_grants_on_asset_and_held_by_entity(datasharing, catalogue, grant_to, entity_ids):
    university, bank = entity_ids["university"], entity_ids["bank"]
    grant_to(university, asset_id=1)
    grant_to(bank, asset_id=1)
    grant_to(university, asset_id=3)
    on_asset, _ = pages(datasharing.listAssetGrants, 1, limit=1)
    assert [(g[0], g[1]) for g in on_asset] == [(1, university), (1, bank)]
    held, _ = pages(datasharing.listHeldGrants, university, limit=10)
    assert [(g[0], g[1]) for g in held] == [(1, university), (3, university)]


def test_pending_requests_of_owner_follow_closures(datasharing, catalogue, hospital_admin, university_admin, gov_admin, entity_ids):
    opened = [
        datasharing.requestAccess(asset, Purpose.Research, DAY, keccak(text="j"), {"from": who}).return_value
        for asset, who in [(1, university_admin), (3, university_admin), (5, gov_admin)]
    ]
    datasharing.rejectRequest(opened[0], 1, {"from": hospital_admin})
    items, calls = pages(datasharing.listPendingRequests, entity_ids["hospital"], limit=1)
    assert sorted(item[0] for item in items) == opened[1:]
    assert calls == 2
    assert all(item[1][4] == 1 for item in items)  # RequestStatus.Pending


@pytest.fixture
def two_pending(datasharing, catalogue, university_admin):
    """Two open requests on hospital assets (ids 1 and 3)."""
    return [
        datasharing.requestAccess(asset, Purpose.Research, DAY, keccak(text="j"), {"from": university_admin}).return_value
        for asset in (1, 3)
    ]


def test_pending_requests_page_larger_than_the_rest_stops_at_the_last(datasharing, two_pending, entity_ids):
    page, cursor = datasharing.listPendingRequests(entity_ids["hospital"], 1, 10)
    assert ([item[0] for item in page], cursor) == (two_pending[1:], 0)


def test_pending_requests_cursor_past_the_end_is_empty(datasharing, two_pending, entity_ids):
    assert plain(datasharing.listPendingRequests(entity_ids["hospital"], 2, 10)) == [[], 0]
