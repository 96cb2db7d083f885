"""Provenance's 24-bit per-item event count: ordinary events stop at EVENT_LIMIT with a named
error, recall and decommission stay possible up to and past the counter's maximum.

Sixteen million events cannot be recorded in a test: the item's count is written with the dev
chain's storage call (tests/fixtures/storage.py), checked against `verify` first.
"""

import brownie
import pytest

from tests.fixtures.provenance import event
from tests.fixtures.registry_extra import err
from tests.fixtures.storage import mapping_slot, write_bits

ITEMS_SLOT = 0  # mapping(bytes32 => Item) _items
COUNT_BITS = (208, 24)  # Item.eventCount, as the fast path `_chainHeld` reads it
COUNTER_MAX = 2**24 - 1
REASON = "0x" + "72" * 32


def set_event_count(provenance, item_id, count):
    slot = mapping_slot(item_id, ITEMS_SLOT)
    write_bits(provenance, slot, *COUNT_BITS, count, current=provenance.verify(item_id)["eventCount"])
    assert provenance.verify(item_id)["eventCount"] == count


@pytest.fixture
def limit(provenance):
    return provenance.EVENT_LIMIT()


def test_event_limit_keeps_a_reserve_below_the_counter_maximum(limit):
    assert limit == COUNTER_MAX - 65_535


def test_last_ordinary_event_below_the_limit_is_recorded(provenance, gadget, carmaker_admin, limit):
    set_event_count(provenance, gadget, limit - 1)
    provenance.observe(gadget, event("last"), {"from": carmaker_admin})
    assert provenance.verify(gadget)["eventCount"] == limit


def test_observation_at_the_limit_reverts_with_the_count(provenance, gadget, carmaker_admin, limit):
    set_event_count(provenance, gadget, limit)
    with brownie.reverts(revert_pattern=err("ProvenanceEventLimit", bytes.fromhex(gadget[2:]), limit)):
        provenance.observe(gadget, event("one too many"), {"from": carmaker_admin})


def test_custody_offer_at_the_limit_reverts_with_the_count(provenance, gadget, carmaker_admin, entity_ids, limit):
    set_event_count(provenance, gadget, limit)
    with brownie.reverts(revert_pattern=err("ProvenanceEventLimit", bytes.fromhex(gadget[2:]), limit)):
        provenance.offerCustody(gadget, entity_ids["logistics"], {"from": carmaker_admin})


def test_recall_at_the_limit_is_counted(provenance, gadget, carmaker_admin, limit):
    set_event_count(provenance, gadget, limit)
    provenance.recall(gadget, REASON, {"from": carmaker_admin})
    assert provenance.verify(gadget)["eventCount"] == limit + 1


def test_recall_at_the_counter_maximum_still_chains(provenance, gadget, carmaker_admin):
    set_event_count(provenance, gadget, COUNTER_MAX)
    head = provenance.verify(gadget)["head"]
    tx = provenance.recall(gadget, REASON, {"from": carmaker_admin})
    after = provenance.verify(gadget)
    assert "Recalled" in tx.events
    assert (after["eventCount"], after["head"] != head) == (COUNTER_MAX, True)


def test_withdrawal_at_the_counter_maximum_is_possible(provenance, gadget, carmaker_admin):
    provenance.recall(gadget, REASON, {"from": carmaker_admin})
    set_event_count(provenance, gadget, COUNTER_MAX)
    tx = provenance.withdrawRecall(gadget, REASON, {"from": carmaker_admin})
    assert "RecallWithdrawn" in tx.events


def test_decommission_at_the_counter_maximum_is_possible(provenance, gadget, carmaker_admin):
    set_event_count(provenance, gadget, COUNTER_MAX)
    tx = provenance.decommission(gadget, event("scrapped"), {"from": carmaker_admin})
    assert "Decommissioned" in tx.events
    assert provenance.verify(gadget)["eventCount"] == COUNTER_MAX
