"""EntityRegistry at national scale: bounded paged views and the widths that must not overflow.

A unit test cannot admit 65,535 entities or tens of thousands of proposals; the boundaries are
reached by writing the registry's counters with the dev chain's storage call
(tests/fixtures/storage.py), each write checked against what the views report first.
"""

import brownie
import pytest
from brownie import chain

from pilotchain.registry import AccountRole, ActionKind, EntityStatus, admit_payload, status_payload
from tests.fixtures.registry_extra import address_for, err, new_entity, open_proposal
from tests.fixtures.storage import bits, mapping_slot, read_word, write_bits, write_word

ENTITIES_SLOT = 0  # mapping(uint32 => Entity) _entities
COUNTERS_SLOT = 3  # _entityCount (bits 0-31), _councilSize, _electorateSize, _seatsTaken, _proposalCount
ADMINS_BITS = (144, 32)  # Entity.admins, after kind, status, capabilities, council, region, two uint40s
ACTIVE_ONLY = (False, 0, True, EntityStatus.Active, False, 0)
ANY_ENTITY = (False, 0, False, 0, False, 0)


def set_entity_count(registry, count):
    write_bits(registry, COUNTERS_SLOT, 0, 32, count, current=registry.entityCount())
    assert registry.entityCount() == count


def copy_entity(registry, source_id, target_id):
    """Entity `target_id` becomes a stored copy of `source_id` (ids past the count read as None)."""
    word = read_word(registry, mapping_slot(source_id, ENTITIES_SLOT))
    assert bits(word, 32, 32) == registry.entity(source_id)["region"]
    write_word(registry, mapping_slot(target_id, ENTITIES_SLOT), word)


def set_admins(registry, entity_id, admins):
    slot = mapping_slot(entity_id, ENTITIES_SLOT)
    write_bits(registry, slot, *ADMINS_BITS, admins, current=registry.entity(entity_id)["admins"])
    assert registry.entity(entity_id)["admins"] == admins


def ids_of(page):
    return [view["id"] for view in page]


# ---------------------------------------------------------------- page limits


@pytest.mark.parametrize("limit", ["zero", "above"])
def test_listing_refuses_limit_outside_one_to_max_page(registry, limit):
    cap = registry.MAX_PAGE()
    value = 0 if limit == "zero" else cap + 1
    with brownie.reverts(revert_pattern=err("RegistryInvalidPageLimit", value, cap)):
        registry.listEntities(ANY_ENTITY, 1, value)


def test_listing_accepts_max_page(registry):
    page, cursor = registry.listEntities(ANY_ENTITY, 1, registry.MAX_PAGE())
    assert (ids_of(page), cursor) == (list(range(1, 16)), 0)


def test_open_proposal_listing_refuses_limit_above_max_page(registry):
    cap = registry.MAX_PAGE()
    with brownie.reverts(revert_pattern=err("RegistryInvalidPageLimit", cap + 1, cap)):
        registry.listOpenProposals(1, cap + 1)


# ---------------------------------------------------------------- scan windows


def test_page_with_rows_returns_after_one_scan_window(registry):
    set_entity_count(registry, 3 * registry.SCAN_WINDOW())
    page, cursor = registry.listEntities(ACTIVE_ONLY, 1, 100)
    assert (ids_of(page), cursor) == (list(range(1, 16)), 1 + registry.SCAN_WINDOW())


def test_scan_goes_past_the_window_until_a_first_row(registry):
    set_entity_count(registry, 3000)
    copy_entity(registry, 1, 2500)
    page, cursor = registry.listEntities(ACTIVE_ONLY, 16, 100)
    assert (ids_of(page), cursor) == ([2500], 2501)


def test_empty_page_carries_a_cursor_only_after_max_scan_ids(registry):
    set_entity_count(registry, 10_000)
    page, cursor = registry.listEntities(ACTIVE_ONLY, 16, 100)
    assert (ids_of(page), cursor) == ([], 16 + registry.MAX_SCAN())


def test_full_listing_of_a_sparse_range_reaches_every_match(registry):
    set_entity_count(registry, 10_000)
    copy_entity(registry, 2, 9_999)
    ids, cursor = [], 1
    while cursor:
        page, cursor = registry.listEntities(ACTIVE_ONLY, cursor, 100)
        ids += ids_of(page)
    assert ids == list(range(1, 16)) + [9_999]


# ---------------------------------------------------------------- open proposals


def test_open_proposals_start_after_the_expired_ones(registry, proposer, entity_ids, voting_period):
    open_proposal(registry, proposer, ActionKind.Suspend, status_payload(entity_ids["bank"], "old"))
    chain.sleep(voting_period)
    chain.mine()
    fresh = open_proposal(registry, proposer, ActionKind.Suspend, status_payload(entity_ids["lab"], "new"))
    page, cursor = registry.listOpenProposals(1, 10)
    assert (ids_of(page), cursor) == ([fresh], 0)


def test_open_proposals_skip_closed_ones_among_the_unexpired(registry, proposer, entity_ids):
    first = open_proposal(registry, proposer, ActionKind.Suspend, status_payload(entity_ids["bank"], "a"))
    second = open_proposal(registry, proposer, ActionKind.Suspend, status_payload(entity_ids["lab"], "b"))
    registry.cancel(first, {"from": proposer})
    page, _ = registry.listOpenProposals(0, 10)
    assert ids_of(page) == [second]


# ---------------------------------------------------------------- widths


def test_admission_stops_at_max_entities(registry, approve):
    cap = registry.MAX_ENTITIES()
    set_entity_count(registry, cap - 1)
    payload = admit_payload([new_entity(address_for("last")), new_entity(address_for("one too many"))])
    pid = approve(ActionKind.Admit, payload)
    with brownie.reverts(revert_pattern=err("RegistryEntityLimit", cap)):
        registry.execute(pid, payload)


def test_last_entity_id_is_admitted(registry, approve):
    cap = registry.MAX_ENTITIES()
    set_entity_count(registry, cap - 1)
    payload = admit_payload([new_entity(address_for("last"))])
    tx = registry.execute(approve(ActionKind.Admit, payload), payload)
    assert tx.events["EntityAdmitted"]["entityId"] == cap
    assert tuple(registry.memberOfAndActive(address_for("last"), cap)) == (cap, True)


def test_admission_across_a_bitmap_word_boundary_marks_every_entity_active(registry, approve):
    set_entity_count(registry, 254)
    admins = [address_for(f"word boundary {i}") for i in range(3)]
    payload = admit_payload([new_entity(admin) for admin in admins])
    registry.execute(approve(ActionKind.Admit, payload), payload)
    ids = [255, 256, 257]  # the last bit of word 0 and the first two of word 1
    for admin, entity_id in zip(admins, ids):
        assert [tuple(registry.memberOfAndActive(admin, other)) for other in ids + [258]] == [
            (entity_id, True), (entity_id, True), (entity_id, True), (entity_id, False)
        ]


def test_suspension_in_second_bitmap_word_clears_only_its_entity(registry, approve, enact):
    set_entity_count(registry, 254)
    admins = [address_for(f"word boundary {i}") for i in range(3)]
    payload = admit_payload([new_entity(admin) for admin in admins])
    registry.execute(approve(ActionKind.Admit, payload), payload)
    enact(ActionKind.Suspend, status_payload(256, "bit test"))
    assert tuple(registry.memberOfAndActive(admins[1], 255)) == (0, False)
    assert tuple(registry.memberOfAndActive(admins[0], 256)) == (255, False)
    assert tuple(registry.memberOfAndActive(admins[2], 255)) == (257, True)


def test_admin_count_grows_past_sixteen_bits(registry, hospital_admin, entity_ids):
    set_admins(registry, entity_ids["hospital"], 2**16 - 1)
    registry.addAccount(address_for("admin 65536"), int(AccountRole.Admin), {"from": hospital_admin})
    assert registry.entity(entity_ids["hospital"])["admins"] == 2**16


def test_admin_count_refuses_an_admin_past_its_maximum(registry, hospital_admin, entity_ids):
    hospital = entity_ids["hospital"]
    set_admins(registry, hospital, 2**32 - 1)
    with brownie.reverts(revert_pattern=err("RegistryAdminLimit", hospital, 2**32 - 1)):
        registry.addAccount(address_for("one admin too many"), int(AccountRole.Admin), {"from": hospital_admin})
