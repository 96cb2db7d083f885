"""EPCIS REST binding tests: plain pytest on an anvil node and deployment of their own, with
the binding mounted on a bare FastAPI app. Sign-in is the app's business (SIWE); here a member
is named by the `X-Test-Account` header (a keystore account of the session, e.g. council-1)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from eth_account import Account
from eth_utils import keccak
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import HTTPConnection

from pilotchain.api.epcis import EpcisServices, ImportSender, mount
from pilotchain.endpoints import open_session
from pilotchain.indexer import Indexer
from pilotchain.problems import Problem
from pilotchain.registry import entity_id_of
from tests.indexer.conftest import deployment, w3  # noqa: F401  (fixtures)
from tests.library.conftest import anvil_fixture, deployed, network  # noqa: F401  (fixtures)

# The binding's own node (its captures stay out of the API tests' counts), on a chain id of its
# own: the session's accounts and deployment records (tests/api/conftest.py) are shared.
anvil = anvil_fixture(31338)

OUTSIDER = "outsider"  # an account of no member entity


@dataclass(frozen=True)
class TestMember:
    account: str
    entity_id: int
    name: str


@pytest.fixture(scope="session")
def members(network, deployed):
    """council-1…3 (members, with their keystore accounts) and an outsider (an account of no entity)."""
    found = {}
    for name in ("council-1", "council-2", "council-3"):
        session = open_session(network, name)
        found[name] = TestMember(session.account, entity_id_of(session), name)
    found[OUTSIDER] = TestMember(Account.from_key(keccak(text=OUTSIDER)).address, 0, OUTSIDER)
    return found


@pytest.fixture(scope="module")
def binding(network, deployed, deployment, w3, members, tmp_path_factory):
    """The binding over a fresh index (SQLite, no confirmation depth) and event store of the test
    module (the chain is the session's: events other modules captured are on it, but their
    documents are in their own stores, so this module's view holds only its own captures)."""
    folder = tmp_path_factory.mktemp("epcis-rest")
    store = folder / "events.sqlite"
    indexer = Indexer(w3, deployment, f"sqlite:///{folder / 'index.sqlite'}", confirmations=0, eventstore=store)

    def signed_in(connection: HTTPConnection) -> TestMember:
        name = connection.headers.get("x-test-account")
        if name not in members:
            raise Problem(401, "sign-in-required", "Sign in first")
        return members[name]

    sessions: dict[str, object] = {}

    def session_for(member: TestMember):
        """One session per member, shared with the tests' own transactions (one nonce counter)."""
        if member.name not in sessions:
            sessions[member.name] = open_session(network, member.name)
        return sessions[member.name]

    services = EpcisServices(
        engine=indexer.engine, member=signed_in, eventstore=store, poll_interval=0.1, capture_limit=20,
        capture_size_limit=256 * 1024,
        capture=ImportSender(session_for=session_for, eventstore=store),
    )
    app = FastAPI()
    router = mount(app, services)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Binding(client, indexer, router, lambda name: session_for(members[name]))
    router.captures.close()
    indexer.close()


@dataclass
class Binding:
    client: TestClient
    indexer: Indexer
    router: object
    session: object  # the session of a member by name, as the capture sender uses it

    def as_(self, account: str) -> dict[str, str]:
        return {"X-Test-Account": account}

    def capture(self, document: dict, account: str = "council-1", behaviour: str | None = None) -> dict:
        """POST the document, wait for its job to finish, index the chain; returns the job."""
        headers = self.as_(account) | ({"GS1-Capture-Error-Behaviour": behaviour} if behaviour else {})
        response = self.client.post("/epcis/capture", json=document, headers=headers)
        assert response.status_code == 202, response.text
        deadline = time.monotonic() + 120
        while True:
            job = self.client.get(response.headers["Location"], headers=self.as_(account)).json()
            if not job["running"] or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.indexer.sync()
        return job

    def get(self, path: str, account: str = "council-2", **params):
        return self.client.get(path, params=params, headers=self.as_(account))

    def events(self, path: str = "/epcis/events", **params) -> list[dict]:
        """Every event of a query, following nextPageToken links."""
        found, response = [], self.get(path, **params)
        while True:
            assert response.status_code == 200, response.text
            found += response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
            link = response.links.get("next")
            if not link:
                return found
            response = self.client.get(link["url"], headers=self.as_("council-2"))
