"""Admission batches sized by the block gas limit (`registry.admission_batches`)."""

from __future__ import annotations

import pytest

from pilotchain import registry
from pilotchain.bench.scale_members import synthetic_entity
from pilotchain.errors import ConfigError
from pilotchain.registry import ActionKind, admission_batches, admission_gas, admit_payload
from pilotchain.tx import GAS_HEADROOM, GAS_MARGIN

ENTITIES = [synthetic_entity(n) for n in range(1, 701)]


def test_batches_keep_the_order_and_every_entity():
    batches = admission_batches(ENTITIES, 30_000_000)
    assert [e for batch in batches for e in batch] == ENTITIES
    assert len(batches) > 1


def test_batch_estimate_with_the_transaction_margin_fits_the_block():
    for batch in admission_batches(ENTITIES, 30_000_000):
        estimate = registry.ADMIT_CALL_GAS + sum(admission_gas(e) for e in batch)
        assert estimate * GAS_MARGIN + GAS_HEADROOM <= 30_000_000


def test_batches_hold_at_most_max_size_entities():
    assert [len(batch) for batch in admission_batches(ENTITIES[:100], 30_000_000, max_size=41)] == [41, 41, 18]


def test_smaller_block_makes_smaller_batches():
    assert len(admission_batches(ENTITIES, 8_000_000)) > len(admission_batches(ENTITIES, 30_000_000))


def test_entity_larger_than_a_block_is_refused():
    with pytest.raises(ConfigError, match="more than a block"):
        admission_batches(ENTITIES[:1], 100_000)


@pytest.fixture
def snapshot(deployed, deployer_session):
    """Roll the session's chain back after the test (the admitted entities stay out of others)."""
    w3 = deployer_session.w3
    snapshot_id = w3.provider.make_request("evm_snapshot", [])["result"]
    yield
    assert w3.provider.make_request("evm_revert", [snapshot_id])["result"]


def test_admit_splits_by_the_block_gas_limit_and_admits_every_entity(council_sessions, snapshot):
    proposer = council_sessions[0]
    reg = proposer.contract("EntityRegistry")
    batches = admission_batches(ENTITIES, registry.block_gas_limit(proposer))
    entities = ENTITIES[: len(batches[0]) + 10]
    before = proposer.call(reg.functions.entityCount())
    proposals = registry.admit(proposer, council_sessions[1:], entities)
    assert len(proposals) == 2
    assert proposer.call(reg.functions.entityCount()) == before + len(entities)


def test_full_batch_uses_no_more_gas_than_the_admission_model(council_sessions, snapshot):
    proposer = council_sessions[0]
    batch = admission_batches(ENTITIES, registry.block_gas_limit(proposer))[0]
    pid = registry.pass_proposal(proposer, council_sessions[1:], ActionKind.Admit, admit_payload(batch))
    executed = proposer.logs("EntityRegistry", "ProposalExecuted", argument_filters={"proposalId": pid})
    used = proposer.w3.eth.get_transaction_receipt(executed[0]["transactionHash"])["gasUsed"]
    assert used <= registry.ADMIT_CALL_GAS + sum(admission_gas(e) for e in batch)


def test_batch_payload_fits_a_transaction_geth_accepts():
    for batch in admission_batches(ENTITIES, 300_000_000):
        assert len(admit_payload(batch)) + registry.ADMIT_TX_OVERHEAD_BYTES <= registry.TX_MAX_BYTES
    assert len(admission_batches(ENTITIES, 300_000_000)) > 1
