"""The integration suite's own 3-validator Clique network, on free loopback ports.

Plain pytest (`python -m pytest tests/integration`), not `brownie test`. The network lives in
a temporary folder with a 1-second block period; it is stopped at the end whatever happens,
and the session fails if any of its processes is left behind.
"""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def poa(tmp_path_factory):
    """A fresh network that seals (`chain.start` returns only once every node has passed the
    start head by two blocks, and fails if the head stops moving)."""
    net = chain.init_network(
        tmp_path_factory.mktemp("poa") / "net",
        validators=VALIDATORS,
        period=PERIOD,
        base_port=chain.free_base_port(NODE_SLOTS),
        register_brownie=False,
    )
    try:
        chain.start(net)
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
