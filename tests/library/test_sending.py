"""Sender and nonce manager: concurrency, drops, reverts, fees."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from pilotchain.errors import ContractError
from pilotchain.registry import ActionKind, Vote, status_payload


def test_fifty_concurrent_sends_from_one_account_use_fifty_consecutive_nonces(deployer_session):
    w3 = deployer_session.w3
    sender = deployer_session.sender
    start = w3.eth.get_transaction_count(sender.address)
    target = w3.eth.accounts[5]

    with ThreadPoolExecutor(max_workers=10) as pool:
        pendings = list(pool.map(lambda _: sender.send({"to": target}, value=1, gas=21_000), range(50)))
    receipts = [sender.wait(p) for p in pendings]

    assert sorted(p.nonce for p in pendings) == list(range(start, start + 50))
    assert all(r["status"] == 1 for r in receipts)
    assert w3.eth.get_transaction_count(sender.address) == start + 50


def test_dropped_transaction_is_sent_again_with_the_same_nonce(deployer_session):
    w3 = deployer_session.w3
    sender = deployer_session.sender
    w3.provider.make_request("evm_setAutomine", [False])
    try:
        pending = sender.send({"to": w3.eth.accounts[6]}, value=1, gas=21_000)
        w3.provider.make_request("anvil_dropTransaction", [pending.tx_hash.to_0x_hex()])
        assert sender._dropped(pending)
        w3.provider.make_request("evm_setIntervalMining", [1])
        receipt = sender.wait(pending, timeout=30)
    finally:
        w3.provider.make_request("evm_setIntervalMining", [0])
        w3.provider.make_request("evm_setAutomine", [True])
    assert receipt["transactionHash"] == pending.tx_hash
    assert w3.eth.get_transaction(pending.tx_hash)["nonce"] == pending.nonce


def test_revert_before_sending_raises_the_named_error_and_uses_no_nonce(deployer_session):
    sender = deployer_session.sender
    registry = deployer_session.contract("EntityRegistry")
    nonce_before = deployer_session.w3.eth.get_transaction_count(sender.address)

    with pytest.raises(ContractError) as raised:
        deployer_session.transact(registry.functions.vote(1, Vote.Yes))

    assert raised.value.name == "RegistryNotMember"
    assert raised.value.args_by_name == {"account": sender.address}
    assert sender.nonces.reserve() == nonce_before


def test_revert_of_a_mined_transaction_is_decoded(council_sessions):
    proposer, voter = council_sessions[0], council_sessions[1]
    registry = proposer.contract("EntityRegistry")
    receipt = proposer.transact(registry.functions.propose(ActionKind.Suspend, status_payload(6, "x")))
    [created] = proposer.events(receipt, "EntityRegistry", "ProposalCreated")
    pid = created["proposalId"]
    voter.transact(registry.functions.vote(pid, Vote.Yes))

    with pytest.raises(ContractError, match=r"RegistryAlreadyVoted\(proposalId=\d+, entityId=2\)"):
        voter.transact(registry.functions.vote(pid, Vote.No), gas=200_000)


def test_fees_are_eip1559_on_a_london_chain(deployer_session):
    fees = deployer_session.sender.fees()
    assert set(fees) == {"maxFeePerGas", "maxPriorityFeePerGas"}
    assert fees["maxFeePerGas"] > fees["maxPriorityFeePerGas"] > 0
