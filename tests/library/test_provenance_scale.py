"""Provenance reads that cost what the data costs and per-item writes in batches: history and
trace from the index or from logs (the same answer), recall acknowledgements in `multicall`
batches, and a journaled batch run that resumes without sending anything twice."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from pilotchain import provenance as prov
from pilotchain.bench.scale_reads import commission_items, derive
from pilotchain.endpoints import open_session
from pilotchain.indexer import schema as s
from pilotchain.indexer.reads import IndexSource
from pilotchain.journal import Journal
from pilotchain.provenance import EventData

_lots = itertools.count(1)


@pytest.fixture
def producer(network, deployed):
    return open_session(network, "council-1")


def _recalled_lot(session, outputs: int, *, packed: int = 0):
    """A lot turned into `outputs` items, `packed` of them then packed into one case; the lot recalled."""
    tag = f"SCALE{next(_lots)}"
    [lot] = commission_items(session, tag, 1, lot_amount=1_000)
    items = derive(session, lot, tag, outputs)
    case = None
    if packed:
        [case] = commission_items(session, f"{tag}-CASE", 1)
        prov.pack(session, case, items[:packed], EventData.build(biz_step="packing"))
    prov.recall(session, lot, "test")
    return lot, items, case


@pytest.fixture
def indexed(producer, make_index):
    """A recalled lot with derived and packed items, and an index of the chain up to its head."""
    lot, items, case = _recalled_lot(producer, 4, packed=2)
    return lot, items, case, make_index()


def test_a_trace_reads_a_whole_level_per_query_and_reaches_packing_and_transformations(producer):
    lot, items, case = _recalled_lot(producer, 30, packed=2)
    before = producer.scanner.requests
    reached = prov.trace(producer, lot, "forward")
    assert set(reached.items) == {*items, case}
    # level 1: PackedInto + InputConsumed of the lot, OutputProduced of its transformation;
    # level 2: the same two for all 30 items; level 3: the case
    assert producer.scanner.requests - before == 3 + 2 + 2


def test_a_trace_costs_the_same_requests_after_the_chain_grows(producer):
    lot, _items, _case = _recalled_lot(producer, 3)
    first = producer.scanner.requests
    edges = prov.trace(producer, lot, "forward").edges
    cost = producer.scanner.requests - first
    producer.w3.provider.make_request("anvil_mine", [hex(300)])
    again = producer.scanner.requests
    assert prov.trace(producer, lot, "forward").edges == edges
    assert producer.scanner.requests - again == cost


def test_history_and_trace_from_the_index_equal_those_from_logs(producer, indexed):
    lot, items, case, url = indexed
    from_logs = (prov.history(producer, items[0]), prov.histories(producer, [lot, case]),
                 prov.trace(producer, lot, "forward"), prov.trace(producer, case, "backward"))  # fmt: skip
    producer.index = IndexSource(url)
    before = producer.scanner.requests
    from_index = (prov.history(producer, items[0]), prov.histories(producer, [lot, case]),
                  prov.trace(producer, lot, "forward"), prov.trace(producer, case, "backward"))  # fmt: skip
    assert producer.scanner.requests == before  # the index covers the head: no log was read
    assert from_index == from_logs
    producer.index.close()


def test_an_index_behind_the_head_serves_its_part_and_logs_the_rest(producer, indexed):
    lot, items, _case, url = indexed
    prov.observe(producer, items[0], EventData.build(biz_step="inspecting"))  # after the index's last block
    producer.index = IndexSource(url)
    mixed = prov.history(producer, items[0])
    producer.index.close()
    producer.index = None
    assert mixed == prov.history(producer, items[0])
    assert mixed.events[-1].name == "Observed"


def test_an_index_whose_last_block_left_the_chain_is_not_used(producer, indexed):
    lot, _items, _case, url = indexed
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(s.blocks.update().values(hash="0x" + "00" * 32))  # as after a reorg it has not seen
    source = IndexSource(engine)
    assert source.coverage(producer, producer.w3.eth.block_number) is None
    producer.index = source
    before = producer.scanner.requests
    prov.trace(producer, lot, "forward")
    assert producer.scanner.requests > before  # read from logs instead
    engine.dispose()


def test_acknowledgements_of_many_items_go_in_one_multicall(producer):
    lot, items, case = _recalled_lot(producer, 5, packed=2)
    result = prov.acknowledge_recalls(producer, [*items, case], lot)
    assert sorted(result.acknowledged) == sorted([*items, case])
    assert len(result.transactions) == 1
    for item in [*items, case]:
        assert prov.history(producer, item).events[-1].name == "RecallAcknowledged"


def test_batches_are_sized_from_the_block_gas_limit(producer, monkeypatch):
    lot, items, _case = _recalled_lot(producer, 7)
    spent = producer.sender.gas_used
    prov.acknowledge_recall(producer, items[0], lot)
    one = producer.sender.gas_used - spent  # one acknowledgement in a transaction of its own
    gas_limit = producer.w3.eth.get_block("latest")["gasLimit"]
    monkeypatch.setattr(prov, "BATCH_SHARE", gas_limit // int(3 * one))  # room for about two a batch
    result = prov.acknowledge_recalls(producer, items[1:], lot)
    assert sorted(result.acknowledged) == sorted(items[1:])
    assert 1 < len(result.transactions) < len(items[1:])


def test_items_acknowledged_already_are_left_out(producer):
    lot, items, _case = _recalled_lot(producer, 3)
    prov.acknowledge_recall(producer, items[0], lot)
    result = prov.acknowledge_recalls(producer, items, lot)
    assert result.already == [items[0]]
    assert sorted(result.acknowledged) == sorted(items[1:])


def test_a_journaled_run_killed_after_signing_resumes_without_sending_twice(producer, tmp_path, monkeypatch):
    lot, items, _case = _recalled_lot(producer, 4)
    path = tmp_path / "acknowledgements.jsonl"

    class Killed(Exception):
        pass

    def killed(self, pending, key):
        raise Killed(key)

    with monkeypatch.context() as patch:
        patch.setattr(Journal, "_broadcast", killed)  # signed and journaled, never sent
        with pytest.raises(Killed):
            prov.acknowledge_recalls(producer, items, lot, journal=Journal(path, producer))
    producer.sender.nonces.resync()
    journal = Journal(path, producer)
    result = prov.acknowledge_recalls(producer, items, lot, journal=journal)
    assert (journal.sent, journal.resent) == (0, 1)
    assert sorted(result.acknowledged) == sorted(items)
    logs = producer.logs("Provenance", "RecallAcknowledged", argument_filters={"recalledId": lot})
    assert sorted(bytes(e["args"]["itemId"]) for e in logs) == sorted(items)  # each once
