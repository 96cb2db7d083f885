"""API tests: plain pytest on the indexer tests' anvil deployment and activity, plus what the
permission rules need (an access request, a delivery receipt, a recall withdrawn, a suspended
member), indexed once into SQLite and served in-process by starlette's TestClient."""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timezone

import pytest
from eth_account import Account
from eth_utils import keccak
from fastapi.testclient import TestClient

from pilotchain import datasharing, endpoints, provenance, registry
from pilotchain.api import Settings, create_app
from pilotchain.api.siwe import compose
from pilotchain.endpoints import open_session
from pilotchain.registry import ActionKind
from tests.indexer.conftest import (  # noqa: F401  (fixtures)
    CELLS, PACK, VIN, activity, deployment, eventstore_path, postgres_url, w3,
)
from tests.library.conftest import anvil, deployed, isolated_state, network, workdir  # noqa: F401  (fixtures)

HOST = "testserver"  # the Host header of starlette's TestClient
OWNER, GRANTEE, OUTSIDER, REGULATOR = 1, 2, 3, 4  # founding entities: council-N is entity N; 4 is a regulator
PACK_PREFIX, CELLS_PREFIX = "6901234", "6912345"
SUSPENDED_KEY = keccak(text="indexer-admin")  # the admin of the indexer tests' hospital (entity 6)
SECRET = secrets.token_bytes(32)  # one token key for every app of the session: a token works on each


@pytest.fixture(scope="session")
def world(activity, network):
    """The indexer tests' activity, plus: entity 3 asks for the asset, entity 1 records a
    delivery to entity 2, a pack recalled and withdrawn, the hospital suspended, and the
    company prefix of the pack registered (that of the cells registered, then removed)."""
    council = [open_session(network, f"council-{n}") for n in range(1, 6)]
    asset = activity["asset"]
    request = datasharing.request_access(council[OUTSIDER - 1], asset, datasharing.Purpose.Research, 86400,
                                         keccak(text="study"))
    datasharing.record_access(council[0], asset, GRANTEE, datasharing.Purpose.Research, keccak(text="delivery"),
                              keccak(text="gateway-1"))
    provenance.recall(council[REGULATOR - 1], PACK, "precaution")
    provenance.withdraw_recall(council[REGULATOR - 1], PACK, "cleared")
    hospital = registry.entity_id_of(council[0], Account.from_key(SUSPENDED_KEY).address)
    registry.pass_proposal(council[0], council[1:], ActionKind.Suspend, registry.status_payload(hospital))
    registry.pass_proposal(council[0], council[1:], ActionKind.Call, provenance.prefix_payload(
        council[0], [(GRANTEE, PACK_PREFIX), (OWNER, CELLS_PREFIX)]))
    registry.pass_proposal(council[0], council[1:], ActionKind.Call, provenance.prefix_payload(
        council[0], [(OWNER, CELLS_PREFIX)], remove=True))
    return {**activity, "request": request.request_id, "hospital": hospital}


@pytest.fixture(scope="session")
def index_url(world, w3, deployment, eventstore_path, tmp_path_factory):
    from pilotchain.indexer import Indexer

    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'index.sqlite'}"
    with Indexer(w3, deployment, url, confirmations=1, eventstore=eventstore_path) as indexer:
        indexer.sync()
    return url


def settings(url: str, w3, deployment, **overrides) -> Settings:
    return Settings(db_url=url, w3=w3, deployment=deployment, **{
        "confirmations": 1, "web_dir": None, "secret": SECRET, **overrides})


@pytest.fixture(scope="session")
def client(index_url, w3, deployment):
    with TestClient(create_app(settings(index_url, w3, deployment))) as test_client:
        yield test_client


def council_key(network: str, n: int):
    w3, endpoint = endpoints.connect(network)
    return endpoints.signer_for(w3, endpoint, f"council-{n}")


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def siwe_message(client, account, chain_id: int, *, domain: str = HOST, nonce: str | None = None,
                 issued: float | None = None, expires: float | None = None) -> str:
    nonce = nonce or client.get("/api/v1/auth/nonce").json()["nonce"]
    issued = time.time() if issued is None else issued
    return compose(domain=domain, address=account.address, uri=f"http://{domain}/", chain_id=chain_id, nonce=nonce,
                   issued_at=_iso(issued), statement="Sign in to pilotchain.",
                   expiration_time=_iso(expires) if expires else None)


def sign(account, message: str) -> str:
    from eth_account.messages import encode_defunct

    return account.sign_message(encode_defunct(text=message)).signature.to_0x_hex()


def sign_in(client, account, chain_id: int, **kwargs):
    message = siwe_message(client, account, chain_id, **kwargs)
    return client.post("/api/v1/auth/siwe", json={"message": message, "signature": sign(account, message)})


@pytest.fixture(scope="session")
def tokens(client, network, deployment):
    """A bearer header per founding entity (council-N signs in as entity N)."""
    headers = {}
    for n in (OWNER, GRANTEE, OUTSIDER, REGULATOR):
        answer = sign_in(client, council_key(network, n), deployment.chain_id)
        assert answer.status_code == 200, answer.text
        headers[n] = {"Authorization": f"Bearer {answer.json()['token']}"}
    return headers
