"""A consortium network over five member hosts: each a network namespace with its own address,
joined by a bridge made for the test, latency on every link through Toxiproxy (see
`pilotchain.chain.hosts`); the network made by `chain init --topology` and started by
`chain join` on each host, as members would.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from pilotchain import chain, keystore
from pilotchain.chain import hosts as hostlib
from pilotchain.chain import nodes
from pilotchain.connection import connect
from tests.integration import journal_client
from tests.integration.helpers import folder_processes, signers_of, wait_until

problem = hostlib.root_problem()
pytestmark = pytest.mark.skipif(problem is not None, reason=problem or "")

PERIOD = 1
CHAIN_ID = 16_500
JOIN_TIMEOUT = 120
TRANSFERS = 20
CONFIRMATIONS = 3
RECIPIENT = "0x000000000000000000000000000000000000dEaD"
DIAL_RETRY_S = 35  # geth 1.13 dials a node again only this long after its last dial (p2p/dial.go)


@dataclass
class Consortium:
    hosts: hostlib.Hosts
    net: chain.Network  # the operator's folder: every node, reached on its host address
    folder: Path

    def bundle(self, city: str) -> chain.Network:
        return chain.Network.load(self.folder / "out" / "bundles" / self.hosts.address[city])

    def node(self, city: str) -> chain.Node:
        return self.net.node(city)

    def join(self, *cities: str) -> None:
        """`pilotchain chain join` on each host at once; each must succeed."""
        secrets = self.folder / "out" / "secrets"
        processes = {
            city: self.hosts.pilotchain(city, "chain", "join", str(self.bundle(city).dir), "--passwords",
                                        str(secrets / self.hosts.address[city]), log=self.log(city))
            for city in cities
        }
        for city, process in processes.items():
            assert process.wait(timeout=JOIN_TIMEOUT) == 0, f"join on {city} failed: {self.log(city).read_text()[-600:]}"

    def log(self, city: str) -> Path:
        return self.folder / f"join-{city}.log"

    def account(self, name: str):
        return keystore.load_keystore(*chain.operator_account(self.net.dir, name))

    def journal_on(self, city: str, operator: str, prefix: str) -> tuple[subprocess.Popen, Path]:
        """A journal client on `city`'s host sending `TRANSFERS` transfers through its node."""
        journal = self.folder / f"{prefix}.journal"
        path, _ = chain.operator_account(self.net.dir, operator)
        process = self.hosts.run(city, [
            sys.executable, "-m", "tests.integration.journal_client", self.node(city).rpc_url, str(path),
            str(path.with_suffix(".password")), str(journal), prefix, str(TRANSFERS), RECIPIENT,
        ], cwd=Path(__file__).parents[2], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return process, journal


@pytest.fixture(scope="module")
def consortium(tmp_path_factory):
    folder = tmp_path_factory.mktemp("multihost")
    hosts = hostlib.Hosts()
    try:
        hosts.create()
        hosts.start_proxies(folder)
        topology = hosts.write_topology(folder / "topology.yaml", period=PERIOD, chain_id=CHAIN_ID)
        net = chain.init_topology(topology, folder / "out")
        consortium = Consortium(hosts, net, folder)
        consortium.join(*hosts.cities)
        yield consortium
    finally:
        hosts.remove()
        leftover = folder_processes(folder)
        for process in leftover:
            process.kill()
        assert not leftover, f"processes left behind: {[p.pid for p in leftover]}"
        assert not hosts.left_behind(), f"left behind: {hosts.left_behind()}"


def heads_agree(consortium: Consortium, cities, number: int) -> bool:
    """Whether every node of `cities` has the same block `number`."""
    hashes = set()
    for city in cities:
        w3 = connect(consortium.node(city).rpc_url, timeout=2)
        block = w3.provider.make_request("eth_getBlockByNumber", [hex(number), False]).get("result")
        if block is None:  # not there yet
            return False
        hashes.add(block["hash"])
    return len(hashes) == 1


def confirmed_receipt(w3, tx_hash) -> dict | None:
    """The transaction's receipt once its block is `CONFIRMATIONS` deep (a short Clique reorg may
    move a transaction to another block until then), else None."""
    receipt = w3.provider.make_request("eth_getTransactionReceipt", [w3.to_hex(tx_hash)]).get("result")
    if receipt is None or w3.eth.block_number - int(receipt["blockNumber"], 16) < CONFIRMATIONS:
        return None
    return receipt


def mined_once(consortium: Consortium, operator: str, receipts: list[dict], nonce_before: int) -> None:
    """Every transaction has a confirmed, successful receipt, and the account sent exactly these."""
    w3 = connect(consortium.node("beijing").rpc_url)
    account = consortium.account(operator)
    confirmed = [wait_until(lambda: confirmed_receipt(w3, r["transactionHash"]), what="a confirmed receipt")
                 for r in receipts]
    assert all(r["status"] == "0x1" for r in confirmed)
    assert len({r["transactionHash"] for r in confirmed}) == TRANSFERS
    assert w3.eth.get_transaction_count(account.address) == nonce_before + TRANSFERS


def test_five_validators_on_five_hosts_seal_and_serve_transactions(consortium):
    # `chain join` returns once the chain grows, which a partial mesh allows: a node that dialled
    # a host not listening yet dials it again ~35 s later (geth's dial history), so wait for the
    # full mesh. Each pair is dialled from one side only (`network.dialled_peers`), so no two
    # nodes ever drop each other's connection as a duplicate and wait on each other forever.
    # A peer that arrives with a heavier chain starts the node's first downloader sync, and geth
    # pauses sealing until it is done ("Mining aborted due to sync", miner/miner.go), so the
    # mesh's last connection can catch a validator not sealing for a moment: wait for both.
    def meshed_and_sealing():
        status = chain.status(consortium.net)
        return status if all(n.peers == 4 and n.running and n.sealing for n in status.nodes) else None

    try:
        status = wait_until(meshed_and_sealing, timeout=2 * DIAL_RETRY_S + 20,
                            what="every host peered with the other four and sealing")
    except AssertionError as timeout:
        nodes = [(n.name, n.peers, n.sealing) for n in chain.status(consortium.net).nodes]
        raise AssertionError(f"{timeout}; (node, peers, sealing) now: {nodes}") from None
    assert sorted(status.signers) == sorted(n.address for n in consortium.net.validators)

    receipts = journal_client.send(consortium.node("beijing").rpc_url, consortium.account("operator-1"),
                                   consortium.folder / "serve.journal", "serve", TRANSFERS, RECIPIENT)
    assert all(r["status"] == 1 for r in receipts)
    last = receipts[-1]["transactionHash"]
    blocks = set()
    for city in consortium.hosts.cities:
        w3 = connect(consortium.node(city).rpc_url)
        blocks.add(wait_until(lambda: confirmed_receipt(w3, last), what=f"the last transfer confirmed on {city}")["blockHash"])
    assert len(blocks) == 1
    w3 = connect(consortium.node("beijing").rpc_url)
    head = w3.eth.block_number
    # the last ten sealed blocks (block 0, the genesis, carries no seal)
    assert set(signers_of(w3, max(1, head - 9), head).values()) == {n.address for n in consortium.net.validators}


def test_every_node_listens_only_on_its_host_address(consortium):
    for city, address in consortium.hosts.address.items():
        listening = subprocess.run(["ip", "netns", "exec", consortium.hosts.namespaces[city], "ss", "-ltnH"],
                                   capture_output=True, text=True, check=True).stdout.split("\n")
        local = {line.split()[3].rsplit(":", 1)[0] for line in listening if line.strip()}
        assert local == {address}, f"{city} listens on {local}"


def test_metrics_are_served_for_prometheus_on_each_host_address(consortium):
    for city in consortium.hosts.cities:
        node = consortium.node(city)
        reply = requests.get(f"http://{node.host}:{node.metrics_port}/debug/metrics/prometheus", timeout=5)
        assert reply.ok
        head = [line for line in reply.text.splitlines() if line.startswith("chain_head_block ")]
        assert len(head) == 1 and int(head[0].split()[1]) > 0


def test_host_cut_off_catches_up_and_loses_nothing_it_was_sent(consortium):
    chengdu = consortium.node("chengdu")
    nonce_before = connect(chengdu.rpc_url).eth.get_transaction_count(consortium.account("operator-2").address)
    consortium.hosts.cut("chengdu")
    client, journal = consortium.journal_on("chengdu", "operator-2", "cutoff")
    try:
        wait_until(lambda: journal.exists() and journal.read_text().count('"raw"') == TRANSFERS,
                   what="the client on chengdu to sign and send every transfer")
    finally:
        client.kill()
        client.wait()
    time.sleep(3 * PERIOD)  # the rest of the network moves on without chengdu
    consortium.hosts.rejoin("chengdu")

    beijing = connect(consortium.node("beijing").rpc_url)
    target = beijing.eth.block_number
    wait_until(lambda: connect(chengdu.rpc_url).eth.block_number >= target and heads_agree(
        consortium, ["beijing", "chengdu"], target), timeout=60, what="chengdu to catch up")
    receipts = journal_client.send(consortium.node("beijing").rpc_url, consortium.account("operator-2"),
                                   journal, "cutoff", TRANSFERS, RECIPIENT)
    mined_once(consortium, "operator-2", receipts, nonce_before)
    wait_until(lambda: chengdu.address in signers_of(beijing, target + 1, beijing.eth.block_number).values(),
               what="a block sealed by chengdu after it rejoined")


def test_partition_of_three_and_two_heals_into_one_chain_with_every_transaction_once(consortium):
    cities = consortium.hosts.cities
    w3 = connect(consortium.node("beijing").rpc_url)
    operators = {"beijing": "operator-1", "wuhan": "operator-3"}
    nonces = {city: w3.eth.get_transaction_count(consortium.account(name).address) for city, name in operators.items()}
    consortium.hosts.cut("wuhan", "chengdu")
    minority, minority_journal = consortium.journal_on("wuhan", "operator-3", "minority")
    majority = journal_client.send(consortium.node("beijing").rpc_url, consortium.account("operator-1"),
                                   consortium.folder / "majority.journal", "majority", TRANSFERS, RECIPIENT)
    wait_until(lambda: minority_journal.exists() and minority_journal.read_text().count('"raw"') == TRANSFERS,
               what="the client on wuhan to sign and send every transfer")
    minority.kill()
    minority.wait()
    consortium.hosts.rejoin("wuhan", "chengdu")

    target = w3.eth.block_number
    wait_until(lambda: heads_agree(consortium, cities, target), timeout=60, what="one chain on all five hosts")
    mined_once(consortium, "operator-1", majority, nonces["beijing"])
    receipts = journal_client.send(consortium.node("beijing").rpc_url, consortium.account("operator-3"),
                                   minority_journal, "minority", TRANSFERS, RECIPIENT)
    mined_once(consortium, "operator-3", receipts, nonces["wuhan"])
    head = w3.eth.block_number
    wait_until(lambda: heads_agree(consortium, cities, head), timeout=30, what="all five hosts at the same head")


def test_restarted_host_catches_up_and_seals_again(consortium):
    guangzhou = consortium.bundle("guangzhou")
    assert [n.name for n in chain.stop(guangzhou, ["guangzhou"])] == ["guangzhou"]
    assert nodes.running_pid(guangzhou, guangzhou.node("guangzhou")) is None
    beijing = connect(consortium.node("beijing").rpc_url)
    stopped_at = beijing.eth.block_number
    wait_until(lambda: beijing.eth.block_number >= stopped_at + 3, what="3 blocks without guangzhou")

    consortium.join("guangzhou")

    restarted_at = beijing.eth.block_number
    assert heads_agree(consortium, ["beijing", "guangzhou"], restarted_at - 1)
    wait_until(lambda: consortium.node("guangzhou").address in signers_of(
        beijing, restarted_at + 1, beijing.eth.block_number).values(), what="a block sealed by guangzhou")
