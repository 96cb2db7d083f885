"""Gateway tests: the library tests' anvil and deployment, an owner whose operator runs the
gateway as a real `pilotchain gateway serve` process (uvicorn) on a free port, stopped by PID.

Entity 1 (admin `council-1`) owns the assets and runs the gateway as its operator
`gateway-op`; entity 2 (`council-2`) is the usual requester; entities 3-5 stand in where a test
changes an entity's standing.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pilotchain import datasharing as ds
from pilotchain.accounts import AccountStore
from pilotchain.endpoints import open_session, resolve
from pilotchain.gateway import process
from pilotchain.registry import AccountRole, ActionKind, add_account, pass_proposal, status_payload
from pilotchain.session import Session
from tests.library.conftest import _free_port, anvil, deployed, isolated_state, network, workdir  # noqa: F401

DAY = 86_400


def start_gateway(network: str, asset_dir: Path, state_dir: Path, port: int, *extra: str,
                  account: str = "gateway-op") -> process.GatewayProcess:
    """`pilotchain gateway serve` as `account` (each running gateway has an operator of its own)
    with no rate limit unless `extra` sets one."""
    return process.start(network, account, asset_dir, state_dir, port, "--rate", "10000", "--burst", "10000", *extra)


@dataclass
class Owner:
    """Entity 1, its admin session and its gateway's folder and port."""

    network: str
    admin: Session
    asset_dir: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def publish(self, name: str, content: bytes) -> int:
        """Write a file to the gateway's folder and register it as an asset; returns its id."""
        (self.asset_dir / name).write_bytes(content)
        asset = ds.register_asset(self.admin, hashlib.sha256(content).digest(), f"{self.url}/files/{name}")
        return asset.asset_id

    def operator(self, name: str) -> str:
        """A new funded operator account of entity 1, for a gateway of its own; returns `name`."""
        store = AccountStore(resolve(self.network).accounts_dir)
        store.ensure([name])
        add_account(self.admin, store.address(name), AccountRole.Operator)
        open_session(self.network, "deployer").sender.top_up([store.address(name)], minimum=10**18, amount=10**18)
        return name

    def grant(self, asset_id: int, grantee: int, purposes=(ds.Purpose.Research,), seconds: int = 30 * DAY) -> None:
        now = self.admin.w3.eth.get_block("latest")["timestamp"]
        ds.grant(self.admin, asset_id, grantee, purposes, now + seconds)


@pytest.fixture(scope="session")
def owner(network, deployed, workdir):
    asset_dir = workdir / "assets"
    asset_dir.mkdir()
    owner = Owner(network, open_session(network, "council-1"), asset_dir, _free_port())
    owner.operator("gateway-op")
    return owner


@pytest.fixture(scope="session")
def gateway(owner, workdir):
    process = start_gateway(owner.network, owner.asset_dir, workdir / "gateway-state", owner.port,
                            "--batch-seconds", "0.3")
    yield process
    process.stop()


@pytest.fixture(scope="session")
def requester(network, deployed):
    """council-2, an admin of entity 2, and its key."""
    return open_session(network, "council-2"), AccountStore(resolve(network).accounts_dir).load("council-2")


def set_status(network: str, kind: ActionKind, entity_id: int) -> None:
    """Suspend or reinstate an entity by a council vote (entities 2, 3 and 5 propose and vote)."""
    council = [open_session(network, f"council-{i}") for i in (2, 3, 5)]
    pass_proposal(council[0], council[1:], kind, status_payload(entity_id, "gateway test"))


def access_receipts(session, request_id: str) -> list:
    """The AccessRecorded logs carrying `request_id` as their gateway request id."""
    return [log for log in session.logs(ds.CONTRACT, "AccessRecorded")
            if "0x" + bytes(log["args"]["gatewayRequestId"]).hex() == request_id]


def wait_for(predicate, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while not (found := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout} s")
        time.sleep(0.1)
    return found

