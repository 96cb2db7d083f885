"""Starting the Clique network: no start deadlock, a stalled head noticed and recovered or
reported in one line, no validator sealing twice at one height, waits that count confirmations."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from pilotchain import chain, toolchain
from pilotchain.chain import nodes, probe
from pilotchain.connection import connect
from pilotchain.tx import Sender
from tests.integration.conftest import PERIOD, VALIDATORS, network_processes
from tests.integration.helpers import wait_until

# This checkout's CLI (the console script runs whichever checkout the shared venv was installed from).
PILOTCHAIN = [sys.executable, "-m", "pilotchain"]
FRESH_STARTS = 3  # `make chain-soak` runs 30 of each kind
RESTARTS = 2
STALL_WARNING = "head stopped moving"


@pytest.fixture
def stall_warnings(caplog):
    """The backstop's warnings while the test runs."""
    caplog.set_level(logging.WARNING, logger="pilotchain.chain")
    return lambda: [r for r in caplog.records if STALL_WARNING in r.getMessage()]


def heads(net: chain.Network) -> list[int]:
    return [connect(n.rpc_url).eth.block_number for n in net.nodes if nodes.running_pid(net, n) is not None]


def kill_every_node(net: chain.Network) -> None:
    processes = [psutil.Process(pid) for n in net.nodes if (pid := nodes.running_pid(net, n)) is not None]
    for process in processes:
        os.kill(process.pid, signal.SIGKILL)
    psutil.wait_procs(processes, timeout=10)


def miner(net: chain.Network, node: chain.Node, method: str) -> None:
    nodes._ipc(net, node).manager.request_blocking(method, [])


def fresh_network(folder: Path, validators: int = VALIDATORS) -> chain.Network:
    return chain.init_network(folder, validators=validators, period=PERIOD,
                              base_port=chain.free_base_port(validators), register_brownie=False)


def test_fresh_networks_start_past_the_start_race_without_a_stall(tmp_path, stall_warnings):
    for n in range(FRESH_STARTS):  # each start must pass: none is replaced or retried
        net = fresh_network(tmp_path / f"net{n}")
        try:
            chain.start(net)
            assert min(heads(net)) >= nodes.PROOF_BLOCKS
            assert chain.sealing_record(net).double_seals == []
        finally:
            chain.stop(net)
        assert not network_processes(net)
    assert stall_warnings() == []


def test_restart_after_sigkill_of_every_node_seals_without_a_stall(network, stall_warnings):
    for _ in range(RESTARTS):
        before = max(heads(network))
        kill_every_node(network)
        assert not any(n.running for n in chain.status(network).nodes)

        chain.start(network)

        assert min(heads(network)) >= before + nodes.PROOF_BLOCKS
    assert stall_warnings() == []


def test_in_turn_signer_of_the_next_block_starts_sealing_last(network, w3):
    head = w3.eth.block_number
    signers = sorted(chain.clique_signers(w3), key=lambda a: int(a, 16))

    order = chain.sealing_order(network, network.validators, head)

    assert sorted(n.address for n in order) == sorted(n.address for n in network.validators)
    assert order[-1].address == signers[(head + 1) % len(signers)]


def test_validators_rebuild_their_block_less_often_than_a_block_interval_lasts(network):
    command = nodes.geth_command(network, network.validators[0])
    recommit = command[command.index("--miner.recommit") + 1]

    assert float(recommit.removesuffix("s")) > network.period + nodes.MAX_WIGGLE_S


def test_start_notices_a_head_that_stopped_moving_and_recovers_it(network, stall_warnings):
    for node in network.validators:
        miner(network, node, "miner_stop")
    time.sleep(2 * PERIOD)  # a seal under way when sealing stopped still lands
    stopped_at = max(heads(network))
    time.sleep(2 * PERIOD)
    assert max(heads(network)) == stopped_at

    chain.start(network)  # every node runs: it only checks that the chain grows

    assert len(stall_warnings()) == 1
    assert min(heads(network)) > stopped_at


def test_too_few_signers_online_stalls_and_start_says_what_to_do_in_one_line(tmp_path):
    net = fresh_network(tmp_path / "net")

    result = subprocess.run([*PILOTCHAIN, "chain", "start", "--dir", str(net.dir), "--node", "node1"],
                            capture_output=True, text=True, timeout=120, cwd=toolchain.ROOT)

    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: the chain is stuck at block 1")
    assert f"Clique needs 2 of the {VALIDATORS} signers online and only 1 run" in lines[0]
    assert f"pilotchain chain start --dir {net.dir}" in lines[0]
    assert not network_processes(net)


def test_pilot_on_a_stalled_network_stops_before_deploying_with_one_line(tmp_path):
    net = fresh_network(tmp_path / "net")
    # The other two signers of the genesis run elsewhere (here: nowhere).
    described = json.loads((net.dir / "network.json").read_text())
    described["nodes"] = described["nodes"][:1]
    (net.dir / "network.json").write_text(json.dumps(described))

    result = subprocess.run([*PILOTCHAIN, "pilot", "run", "--network", "pilot-poa", "--quiet"],
                            capture_output=True, text=True, timeout=120, cwd=toolchain.ROOT,
                            env={**os.environ, "PILOTCHAIN_NETWORK_DIR": str(net.dir)})

    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert len(lines) == 1 and lines[0].startswith("error: the chain is stuck at block 1"), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not network_processes(net)


def test_validators_seal_no_height_twice_under_a_burst_of_transactions(network, deployer):
    logs = chain.log_sizes(network)
    sender = Sender(connect(network.nodes[0].rpc_url), deployer)
    store = sender.wait(sender.send({"data": probe.INIT_CODE}, gas=200_000))["contractAddress"]
    pending = [sender.send({"to": store, "data": probe.store_call(i)}, gas=60_000) for i in range(200)]
    for p in pending:
        sender.wait(p, confirmations=2)

    record = chain.sealing_record(network, logs)
    assert record.sealed > 0
    assert record.double_seals == []


def test_wait_with_confirmations_returns_the_receipt_once_its_block_is_deep_enough(network, deployer):
    w3 = connect(network.nodes[0].rpc_url)
    sender = Sender(w3, deployer)

    receipt = sender.wait(sender.send({"data": probe.INIT_CODE}, gas=200_000), confirmations=2)

    assert receipt["status"] == 1
    assert w3.eth.block_number >= receipt["blockNumber"] + 2
    assert w3.eth.get_transaction_receipt(receipt["transactionHash"])["blockHash"] == receipt["blockHash"]


def test_sealing_record_counts_a_validator_sealing_two_blocks_at_one_height_and_reorgs(tmp_path):
    net = chain.Network(dir=tmp_path, chain_id=1, period=2, gas_limit=1, base_port=1, nodes=[
        chain.Node(name, f"0x{i:040x}", True, 1, 2, 3, "00") for i, name in enumerate(["node1", "node2"], 1)
    ])
    sealed = "INFO [11-30|15:47:0{}] Successfully sealed new block            number={} sealhash=4b8206..1fee5b hash={}"
    lines = {
        "node1": [
            sealed.format("3.171", 7, "bd15ca..43f764") + " elapsed=7.778ms",
            sealed.format("5.012", 7, "9e4bba..902cc1") + " elapsed=2.001s",
            "INFO [11-30|15:47:05.020] Chain reorg detected                     number=6 hash=aa11bb..ccdd01 "
            "drop=1 dropfrom=bd15ca..43f764 add=1 addfrom=9e4bba..902cc1",
        ],
        "node2": [sealed.format("7.003", 8, "1234ab..cd5678") + " elapsed=1.2ms"],
    }
    for node in net.nodes:
        net.node_dir(node).mkdir(parents=True)
        net.log_path(node).write_text("\n".join(lines[node.name]) + "\n")

    record = chain.sealing_record(net)

    assert record == chain.SealingRecord(sealed=3, double_seals=[("node1", 7)], reorgs=1, deepest_reorg=1)
    assert chain.sealing_record(net, chain.log_sizes(net)).sealed == 0
