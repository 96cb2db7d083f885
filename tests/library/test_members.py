"""The member listing (`registry.members`, `registry.find_member`) over segments read at once."""

from __future__ import annotations

import pytest

from pilotchain import registry
from pilotchain.bench.scale_members import synthetic_entity
from pilotchain.registry import EntityKind

NEW = [synthetic_entity(n) for n in range(1, 25)]


@pytest.fixture(scope="module")
def admitted(network, deployed):
    """The founders and 24 synthetic entities (kinds in rotation), rolled back after the module."""
    from pilotchain.endpoints import open_session

    council = [open_session(network, f"council-{i}") for i in range(1, 6)]
    w3 = council[0].w3
    snapshot_id = w3.provider.make_request("evm_snapshot", [])["result"]
    registry.admit(council[0], council[1:], NEW)
    yield council[0]
    assert w3.provider.make_request("evm_revert", [snapshot_id])["result"]


def test_small_pages_list_every_member_once_in_id_order(admitted):
    everyone = registry.members(admitted)
    assert [m.id for m in registry.members(admitted, page=4)] == [m.id for m in everyone]
    assert [m.id for m in everyone] == list(range(1, len(everyone) + 1))


def test_filtered_small_pages_return_exactly_the_matches(admitted):
    everyone = registry.members(admitted)
    hospitals = [m.id for m in everyone if m.kind == EntityKind.Hospital]
    assert [m.id for m in registry.members(admitted, kind=EntityKind.Hospital, page=3)] == hospitals
    assert len(hospitals) >= 3


def test_listing_joins_each_row_with_its_admission_event(admitted):
    listed = {m.code: m for m in registry.members(admitted, kind=EntityKind.Hospital)}
    hospital = next(e for e in NEW if e.kind == EntityKind.Hospital)
    assert listed[hospital.code].name == hospital.name
    assert listed[hospital.code].admin == hospital.admin


def test_find_member_by_code_reads_that_entity(admitted):
    entity = NEW[6]
    found = registry.find_member(admitted, entity.code)
    assert (found.name, found.kind, found.admin) == (entity.name, entity.kind, entity.admin)
