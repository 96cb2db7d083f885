"""Library and CLI tests: plain pytest against an anvil dev node started for the session.

Run with `python -m pytest -p no:pytest-brownie tests/library` (as `make test` does). The node
listens on a free loopback port and is stopped at the end; accounts, deployment records and
journals go to a temporary folder.
"""

from __future__ import annotations

import socket

import pytest

from pilotchain import devnode, endpoints
from pilotchain.deploy import deploy_network
from pilotchain.endpoints import open_session


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("pilotchain")


@pytest.fixture(scope="session", autouse=True)
def isolated_state(workdir):
    """Accounts and deployment records of this session live in its temporary folder."""
    patch = pytest.MonkeyPatch()
    patch.setenv("PILOTCHAIN_ACCOUNTS", str(workdir / "accounts"))
    patch.setenv("PILOTCHAIN_DEPLOYMENTS", str(workdir / "deployments"))
    yield
    patch.undo()


def anvil_fixture(chain_id: int):
    """A session fixture: an anvil node of `chain_id` on a free port, stopped at the end. Nodes of
    one session need chain ids of their own: the session's deployment records are kept per chain id."""

    @pytest.fixture(scope="session")
    def anvil():
        node = devnode.start_anvil(_free_port(), chain_id=chain_id)
        yield node
        node.stop()
        assert node.process.poll() is not None, "anvil still running after stop"

    return anvil


anvil = anvil_fixture(31337)


@pytest.fixture(scope="session")
def network(anvil):
    """The anvil node's URL, usable wherever a --network is expected."""
    return anvil.url


@pytest.fixture(scope="session")
def deployed(network):
    w3, _ = endpoints.connect(network)
    return deploy_network(network, w3, funder=w3.eth.accounts[0], log=lambda _m: None)


@pytest.fixture
def deployer_session(network, deployed):
    return open_session(network, "deployer")


@pytest.fixture
def council_sessions(network, deployed):
    return [open_session(network, f"council-{i}") for i in range(1, 6)]


@pytest.fixture
def make_index(network, deployed, tmp_path):
    """Indexes the deployment up to the head into a new SQLite file at each call; returns its URL."""
    from pilotchain import deployments
    from pilotchain.indexer import Indexer

    made = []

    def make() -> str:
        url = f"sqlite:///{tmp_path / f'index-{len(made)}.sqlite'}"
        w3, _ = endpoints.connect(network)
        with Indexer(w3, deployments.for_chain(w3), url, confirmations=0) as indexer:
            indexer.sync()
        made.append(url)
        return url

    return make
