"""The member listing (`registry.members`, `registry.find_member`) over segments read at once,
joined with admission events from logs or from an index (the same answer)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pilotchain import registry
from pilotchain.bench.scale_members import synthetic_entity
from pilotchain.indexer import schema as s
from pilotchain.indexer.reads import IndexSource
from pilotchain.registry import EntityKind

NEW = [synthetic_entity(n) for n in range(1, 25)]
LATER = [synthetic_entity(n) for n in range(25, 28)]


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


def _reads(session) -> tuple:
    """Every registry read served from admission and membership events."""
    entity = registry.find_member(session, NEW[6].code)
    return (registry.members(session), registry.members(session, kind=EntityKind.Hospital), entity,
            registry.accounts_of(session, entity.id), registry.proposals(session, open_only=False))


@pytest.fixture
def from_index(admitted):
    """Sets the session's index for a test (a URL), closed and unset after it."""

    def use(url: str) -> IndexSource:
        admitted.index = IndexSource(url)
        return admitted.index

    yield use
    if admitted.index is not None:
        admitted.index.close()
    admitted.index = None


def test_reads_from_an_index_covering_the_head_equal_those_from_logs_and_read_no_log(admitted, make_index, from_index):
    from_logs = _reads(admitted)
    from_index(make_index())
    before = admitted.scanner.requests
    assert _reads(admitted) == from_logs
    assert admitted.scanner.requests == before


def test_entities_admitted_after_the_index_s_last_block_are_listed_from_logs(admitted, council_sessions, make_index,
                                                                            from_index):
    url = make_index()
    w3 = admitted.w3
    snapshot_id = w3.provider.make_request("evm_snapshot", [])["result"]
    try:
        registry.admit(council_sessions[0], council_sessions[1:], LATER)
        from_logs = registry.members(admitted)
        head = w3.eth.block_number
        assert from_index(url).coverage(admitted, head) < head  # the index serves a part only
        listed = registry.members(admitted)
    finally:
        assert w3.provider.make_request("evm_revert", [snapshot_id])["result"]
    assert listed == from_logs
    assert [(m.code, m.name) for m in listed[-len(LATER):]] == [(e.code, e.name) for e in LATER]


def test_an_index_of_another_deployment_is_ignored(admitted, make_index, from_index):
    url = make_index()
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # another registry's index, whose admissions name other entities
        identity = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == "identity")).scalar_one()
        identity["contracts"]["EntityRegistry"] = "0x" + "11" * 20
        conn.execute(s.meta.update().where(s.meta.c.key == "identity").values(value=identity))
        conn.execute(sa.text("UPDATE events SET args = json_set(args, '$.name', 'Elsewhere') "
                             "WHERE event = 'EntityAdmitted'"))
    engine.dispose()
    from_logs = registry.members(admitted)
    assert from_index(url).coverage(admitted, admitted.w3.eth.block_number) is None
    assert registry.members(admitted) == from_logs
