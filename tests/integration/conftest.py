"""The integration suite's own 3-validator Clique network, on free loopback ports.

Plain pytest (`python -m pytest tests/integration`), not `brownie test`. The network lives in
a temporary folder with a 1-second block period; it is stopped at the end whatever happens,
and the session fails if any of its processes is left behind.
"""

from __future__ import annotations

import time

import psutil
import pytest
from web3 import Web3
from web3.middleware import SignAndSendRawMiddlewareBuilder

from pilotchain import chain, keystore
from pilotchain.chain import probe
from pilotchain.connection import connect

VALIDATORS = 3
PERIOD = 1
# Room for the nodes added by vote during the session.
NODE_SLOTS = 7


def network_processes(net: chain.Network) -> list[psutil.Process]:
    """Every process whose command line names the network's folder."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if any(str(net.dir) in part for part in process.info["cmdline"] or []):
            found.append(process)
    return found


def _sealing(net: chain.Network, blocks: int = 3, timeout: float = 20.0) -> bool:
    """Whether the network adds `blocks` blocks within `timeout` seconds."""
    w3 = connect(net.nodes[0].rpc_url)
    target = w3.eth.block_number + blocks
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if w3.eth.block_number >= target:
            return True
        time.sleep(0.5)
    return False


@pytest.fixture(scope="session")
def poa(tmp_path_factory):
    """A fresh network that seals. A fresh start can deadlock at block 1 (three competing first
    blocks, then Clique's "signed recently" everywhere; an open problem of `chain.start`, see the
    note on issue 3): such a network is stopped and replaced, at most twice."""
    for attempt in range(3):
        net = chain.init_network(
            tmp_path_factory.mktemp("poa") / "net",
            validators=VALIDATORS,
            period=PERIOD,
            base_port=chain.free_base_port(NODE_SLOTS),
            register_brownie=False,
        )
        try:
            chain.start(net)
            if _sealing(net) or attempt == 2:
                break
        except BaseException:
            _stop_and_check(net)
            raise
        _stop_and_check(net)
    try:
        yield net
    finally:
        _stop_and_check(net)


def _stop_and_check(net: chain.Network) -> None:
    chain.stop(net)
    leftover = network_processes(net)
    assert not leftover, f"processes left behind: {[p.pid for p in leftover]}"


@pytest.fixture
def network(poa):
    """The session network with every node running (tests stop and kill nodes)."""
    chain.start(poa)
    return poa


@pytest.fixture(scope="session")
def deployer(poa):
    return keystore.load_keystore(*chain.operator_account(poa.dir))


@pytest.fixture
def w3(network, deployer) -> Web3:
    """A connection to node 1 that signs the deployer's transactions locally."""
    w3 = connect(network.nodes[0].rpc_url)
    w3.middleware_onion.inject(SignAndSendRawMiddlewareBuilder.build(deployer), layer=0)
    w3.eth.default_account = deployer.address
    return w3


@pytest.fixture
def store(w3) -> str:
    """A freshly deployed probe contract (one stored word)."""
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_transaction({"data": probe.INIT_CODE}), timeout=30)
    return receipt["contractAddress"]
