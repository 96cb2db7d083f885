"""Indexer tests: plain pytest on an anvil node of their own, with a deployment and some activity
in every area the indexer covers (admission, data sharing, provenance with EPCIS documents)."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from eth_account import Account
from eth_utils import keccak

from pilotchain import datasharing, deployments, devdb, endpoints, registry
from pilotchain.cli import main
from pilotchain.endpoints import open_session
from pilotchain.indexer import Indexer
from pilotchain.indexer import schema as s
from pilotchain.registry import ActionKind, EntityKind, NewEntity
from tests.library.conftest import anvil, deployed, isolated_state, network, workdir  # noqa: F401  (fixtures)

CELLS = "urn:epc:class:lgtin:6912345.011111.CELLS-C"
PACK = "urn:epc:id:sgtin:6901234.055555.PACK-3"
VIN = "urn:epc:id:sgtin:6901234.066666.LGWEF4A53MB000003"
HOSPITAL = NewEntity(name="Beijing Test Hospital", kind=EntityKind.Hospital, region=110000,
                     code="12110000MA0TESTH01", admin=Account.from_key(keccak(text="indexer-admin")).address)


def cli(*argv) -> None:
    assert main([str(a) for a in argv] + ["--json"]) == 0


@pytest.fixture(scope="session")
def w3(network):
    return endpoints.connect(network)[0]


@pytest.fixture(scope="session")
def deployment(w3, deployed):
    return deployments.for_chain(w3)


@pytest.fixture(scope="session")
def eventstore_path(workdir):
    return workdir / "events.sqlite"


@pytest.fixture(scope="session")
def activity(network, deployment, eventstore_path):
    """Admission (proposal, votes), an asset granted, and cells → pack → vehicle with a recall."""
    from pilotchain.toolchain import ROOT

    council = [open_session(network, f"council-{n}") for n in range(1, 6)]
    registry.pass_proposal(council[0], council[1:], ActionKind.Admit, registry.admit_payload([HOSPITAL]))
    asset = datasharing.register_asset(council[0], keccak(text="ledger"), "https://gw.example/ledger")
    datasharing.grant(council[0], asset.asset_id, 2, [datasharing.Purpose.Research], int(time.time()) + 86400)

    net, store = ("--network", network), ("--store", eventstore_path)
    cli("provenance", "commission", CELLS, "--amount", 1000, "--unit", "H87", "--biz-step", "commissioning",
        *net, "--account", "council-1")
    cli("provenance", "transfer", CELLS, "--to", 2, *net, "--account", "council-1")
    cli("provenance", "accept", CELLS, *net, "--account", "council-2")
    cli("provenance", "import-epcis", ROOT / "examples" / "battery-assembly.jsonld", *store, *net, "--account", "council-2")
    cli("provenance", "recall", CELLS, "--reason", "thermal-runaway", *net, "--account", "council-4")
    cli("provenance", "acknowledge", VIN, "--recalled", CELLS, *net, "--account", "council-2")
    return {"asset": asset.asset_id}


@pytest.fixture
def chain_restored(w3):
    """The chain as it was before the test: a snapshot reverted after it."""
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
    yield
    assert w3.provider.make_request("evm_revert", [snapshot])["result"] is True


@pytest.fixture
def make_indexer(w3, deployment, eventstore_path, tmp_path):
    """Indexer factory on a fresh SQLite file per call (or the URL given); closed after the test."""
    opened = []

    def make(url: str | None = None, **kwargs) -> Indexer:
        url = url or f"sqlite:///{tmp_path / f'index-{len(opened)}.sqlite'}"
        kwargs.setdefault("eventstore", eventstore_path)
        indexer = Indexer(w3, deployment, url, **kwargs)
        opened.append(indexer)
        return indexer

    yield make
    for indexer in opened:
        indexer.close()


def dump(engine: sa.Engine, tables=(s.events, *s.TYPED)) -> dict[str, list[tuple]]:
    """Every row of the event and typed tables, in key order: two indexes of one chain compare equal."""
    with engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))] for t in tables}



@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL 15 server of this session on a Unix socket, stopped at the end (pilotchain.devdb)."""
    if not devdb.available():
        pytest.skip(f"no PostgreSQL server in {devdb.POSTGRES_BIN} (apt-get install postgresql)")
    with devdb.local_postgres() as url:
        yield url
