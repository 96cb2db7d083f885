"""The local Clique network against real geth validators: sealing, contracts, failures, votes."""

from __future__ import annotations

from pilotchain import chain
from pilotchain.chain import probe
from pilotchain.connection import connect
from tests.integration.helpers import signers_of, wait_until


def head(node: chain.Node) -> int:
    return connect(node.rpc_url).eth.block_number


def store_value(w3, address: str, value: int) -> dict:
    tx = w3.eth.send_transaction({"to": address, "data": probe.store_call(value)})
    return w3.eth.wait_for_transaction_receipt(tx, timeout=30)


def stored_value(w3, address: str) -> int:
    return int.from_bytes(w3.eth.call({"to": address}), "big")


def test_every_validator_seals_and_in_turn_blocks_follow_the_rotation(network, w3):
    start = w3.eth.block_number + 1
    wait_until(lambda: w3.eth.block_number >= start + 8, what="9 new blocks")
    sealers = signers_of(w3, start, start + 8)
    signers = chain.clique_signers(w3)

    assert set(sealers.values()) == {n.address for n in network.validators} == set(signers)
    for number, sealer in sealers.items():
        assert sealer.lower() == w3.manager.request_blocking("clique_getSigner", [hex(number)]).lower()
        if chain.raw_block(w3, number)["difficulty"] == "0x2":  # sealed in turn
            assert sealer == signers[number % len(signers)]


def test_contract_deployed_and_used_from_python_with_eip1559_fees(w3, store):
    receipt = store_value(w3, store, 42)

    assert receipt["status"] == 1
    assert receipt["type"] == 2
    assert receipt["effectiveGasPrice"] >= w3.eth.get_block(receipt["blockNumber"])["baseFeePerGas"]
    assert w3.eth.get_code(store) == probe.RUNTIME_CODE
    assert stored_value(w3, store) == 42


def test_chain_goes_on_with_one_validator_stopped_and_it_catches_up(network, w3, store):
    stopped = network.nodes[2]
    chain.stop(network, [stopped.name])
    before = w3.eth.block_number

    receipt = store_value(w3, store, 7)
    wait_until(lambda: w3.eth.block_number >= before + 4, what="4 blocks from 2 of 3 validators")
    assert receipt["status"] == 1
    assert stored_value(w3, store) == 7

    chain.start(network, [stopped.name])
    target = w3.eth.block_number
    wait_until(lambda: head(stopped) >= target, what=f"{stopped.name} to catch up")
    assert stored_value(connect(stopped.rpc_url), store) == 7


def test_contract_state_survives_stopping_the_whole_network(network, w3, store):
    store_value(w3, store, 1234)

    assert len(chain.stop(network)) == len(network.nodes)
    assert not any(n.running for n in chain.status(network).nodes)
    chain.start(network)

    w3 = connect(network.nodes[0].rpc_url)
    assert w3.eth.get_code(store) == probe.RUNTIME_CODE
    assert stored_value(w3, store) == 1234


def test_node_killed_with_sigkill_recovers_and_seals_again(network, w3):
    victim = network.nodes[1]
    chain.kill(network, victim.name)
    assert not chain.status(network).nodes[1].running

    chain.start(network, [victim.name])
    restarted_at = w3.eth.block_number
    wait_until(lambda: head(victim) >= restarted_at, what=f"{victim.name} to catch up")
    wait_until(
        lambda: victim.address in signers_of(w3, restarted_at + 1, w3.eth.block_number).values(),
        what=f"a block sealed by {victim.name}",
    )


def test_validator_voted_in_seals_and_voted_out_no_longer_does(network, w3):
    added = chain.add_validator(network)
    assert added.address in chain.clique_signers(w3)
    voted_in_at = w3.eth.block_number
    wait_until(
        lambda: added.address in signers_of(w3, voted_in_at + 1, w3.eth.block_number).values(),
        what=f"a block sealed by {added.name}",
    )

    chain.remove_validator(network, added.name)
    removed_at = w3.eth.block_number
    assert added.address not in chain.clique_signers(w3)
    wait_until(lambda: w3.eth.block_number >= removed_at + 8, what="8 blocks after the removal")
    assert added.address not in signers_of(w3, removed_at + 1, removed_at + 8).values()
    assert not network.node(added.name).validator


def test_status_reports_every_node_running_with_its_rpc_url(network):
    status = chain.status(network)

    assert [n.rpc_url for n in status.nodes] == [n.rpc_url for n in network.nodes]
    assert all(n.running and n.block is not None and n.peers == len(network.nodes) - 1 for n in status.nodes)
    assert sorted(status.signers) == sorted(n.address for n in network.validators)
