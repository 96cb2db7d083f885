"""DataSharing's paged views at scale: `limit` between 1 and MAX_PAGE, and a scan that keeps
going past SCAN_WINDOW ids until it has a row, up to MAX_SCAN ids.

Thousands of assets are not registered one by one: the asset counter and one asset slot are
written with the dev chain's storage call (tests/fixtures/storage.py), checked against the views.
"""

import brownie
import pytest

from tests.fixtures.registry_extra import err
from tests.fixtures.storage import bits, mapping_slot, read_word, write_bits, write_word

COUNTERS_SLOT = 0  # Counters {uint64 assets; uint64 requests; uint8 purposes}
ASSETS_SLOT = 2  # mapping(uint256 => Asset) _assets, after _counters and _purposeLabels

VIEWS = ["listAssets", "listAssetGrants", "listHeldGrants", "listPendingRequests"]


def set_asset_count(datasharing, count):
    write_bits(datasharing, COUNTERS_SLOT, 0, 64, count, current=datasharing.assetCount())
    assert datasharing.assetCount() == count


def copy_asset(datasharing, source_id, target_id):
    """Asset `target_id` becomes a stored copy of asset `source_id`'s packed slot."""
    word = read_word(datasharing, mapping_slot(source_id, ASSETS_SLOT))
    assert bits(word, 0, 32) == datasharing.asset(source_id)["owner"]
    write_word(datasharing, mapping_slot(target_id, ASSETS_SLOT), word)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("limit", ["zero", "above"])
def test_paged_view_refuses_limit_outside_one_to_max_page(datasharing, asset, view, limit):
    cap = datasharing.MAX_PAGE()
    value = 0 if limit == "zero" else cap + 1
    with brownie.reverts(revert_pattern=err("DataSharingInvalidPageLimit", value, cap)):
        getattr(datasharing, view)(1, 0, value)


def test_asset_scan_goes_past_the_window_until_a_first_row(datasharing, asset, entity_ids):
    set_asset_count(datasharing, 3000)
    copy_asset(datasharing, asset, 2500)
    page, cursor = datasharing.listAssets(entity_ids["hospital"], 2, 100)
    assert ([view[0] for view in page], cursor) == ([2500], 2501)


def test_asset_page_with_rows_returns_after_one_scan_window(datasharing, asset, entity_ids):
    set_asset_count(datasharing, 3000)
    copy_asset(datasharing, asset, 2500)
    page, cursor = datasharing.listAssets(entity_ids["hospital"], 1, 100)
    assert ([view[0] for view in page], cursor) == ([asset], 1 + datasharing.SCAN_WINDOW())


def test_empty_asset_page_carries_a_cursor_only_after_max_scan_ids(datasharing, asset, entity_ids):
    set_asset_count(datasharing, 10_000)
    page, cursor = datasharing.listAssets(entity_ids["hospital"], 2, 100)
    assert (list(page), cursor) == ([], 2 + datasharing.MAX_SCAN())
