"""The indexer over a deployment with activity: rows, reorgs, kill-and-resume, replay, both stores."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from eth_account import Account
from eth_utils import keccak

from pilotchain import artifacts, datasharing, endpoints, provenance, registry
from pilotchain.cli import main
from pilotchain.endpoints import open_session
from pilotchain.epcis.codes import item_id
from pilotchain.epcis.store import EventStore
from pilotchain.indexer import schema as s
from pilotchain.eventdecode import EventDecoder
from pilotchain.indexer.handlers import HANDLERS
from pilotchain.registry import ActionKind, Capability, EntityKind, NewEntity
from tests.indexer.conftest import CELLS, HOSPITAL, PACK, VIN, dump


def _hex(uri: str) -> str:
    return "0x" + item_id(uri).hex()


def _rows(engine, table, *where) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(table).where(*where)).mappings()]


# ------------------------------------------------------------------ schema and handlers


def test_migrations_create_exactly_the_declared_schema(tmp_path, make_indexer, deployed):
    indexer = make_indexer()
    with indexer.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), s.metadata) == []


def test_the_topics_migration_fills_indexed_events_as_the_indexer_writes_them(activity, make_indexer):
    """An index made before revision 0003 gets, on upgrade, the topic words the indexer writes."""
    from alembic import command

    from pilotchain.indexer.store import alembic_config

    indexer = make_indexer(confirmations=0)
    indexer.sync()
    topics = sa.select(s.events.c.block_hash, s.events.c.log_index, s.events.c.topic1, s.events.c.topic2)
    with indexer.engine.connect() as conn:
        written = sorted(conn.execute(topics).all())
    with indexer.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
    with indexer.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    with indexer.engine.connect() as conn:
        assert sorted(conn.execute(topics).all()) == written
    assert any(topic1 is not None for _, _, topic1, _ in written)


def test_an_executed_proposal_is_dated_by_the_block_of_its_execution(activity, make_indexer, network, w3):
    indexer = make_indexer(confirmations=0)
    indexer.sync()
    logs = open_session(network, "council-1").logs("EntityRegistry", "ProposalExecuted")
    expected = {log["args"]["proposalId"]: w3.eth.get_block(log["blockNumber"])["timestamp"] for log in logs}
    dated = {r["proposal_id"]: r["executed_at"] for r in _rows(indexer.engine, s.proposals, s.proposals.c.status == "executed")}
    assert dated == expected and expected


def test_the_execution_time_migration_dates_proposals_executed_before_it(activity, make_indexer):
    """An index made before revision 0004 gets, on upgrade, the execution times the indexer writes."""
    from alembic import command

    from pilotchain.indexer.store import alembic_config

    indexer = make_indexer(confirmations=0)
    indexer.sync()
    times = sa.select(s.proposals.c.proposal_id, s.proposals.c.executed_at)
    with indexer.engine.connect() as conn:
        written = sorted(conn.execute(times).all())
    with indexer.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    with indexer.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    with indexer.engine.connect() as conn:
        assert sorted(conn.execute(times).all()) == written
    assert any(executed_at is not None for _, executed_at in written)


def _abi_events() -> set[tuple[str, str]]:
    return {(name, item["name"]) for name in artifacts.CONTRACTS
            for item in artifacts.load(name).abi if item["type"] == "event"}


def test_every_handler_names_an_event_of_its_contract():
    assert set(HANDLERS) - _abi_events() == set()


def test_every_event_of_the_three_contracts_has_a_handler():
    assert _abi_events() - set(HANDLERS) == set()


def _plain(value):
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, Mapping):  # web3's AttributeDict too
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def test_event_decoder_agrees_with_web3_process_log_on_every_event(activity, w3, deployment):
    checked = set()
    for name in artifacts.CONTRACTS:
        contract = w3.eth.contract(address=deployment.addresses[name], abi=artifacts.load(name).abi)
        decoders = {d.topic: d for d in (EventDecoder(i) for i in contract.abi if i["type"] == "event")}
        for log in w3.eth.get_logs({"fromBlock": deployment.first_block, "address": contract.address}):
            decoder = decoders[log["topics"][0].to_0x_hex()]
            expected = contract.events[decoder.name]().process_log(log)["args"]
            topics = [t.to_0x_hex() for t in log["topics"]]
            assert decoder.decode(topics, log["data"].to_0x_hex()) == _plain(dict(expected))
            checked.add((name, decoder.name))
    assert {("EntityRegistry", "EntityAdmitted"), ("DataSharing", "GrantIssued"), ("Provenance", "Commissioned"),
            ("Provenance", "PackedInto"), ("Provenance", "Transformed")} <= checked


# ------------------------------------------------------------------ catch-up


def test_catch_up_decodes_every_event_into_the_tables(activity, make_indexer, w3, deployment, eventstore_path):
    indexer = make_indexer(confirmations=0)
    result = indexer.sync()
    head = w3.eth.block_number
    assert result.indexed_to == head and result.final_height == head and not result.rolled_back
    engine = indexer.engine

    logs = w3.eth.get_logs({"fromBlock": deployment.first_block, "toBlock": head,
                            "address": list(deployment.addresses.values())})
    events = _rows(engine, s.events)
    assert sorted((e["block_hash"], e["log_index"]) for e in events) == sorted(
        (log["blockHash"].to_0x_hex(), log["logIndex"]) for log in logs)
    assert "Unknown" not in {e["event"] for e in events} and all(e["final"] for e in events)

    [hospital] = _rows(engine, s.entities, s.entities.c.code == HOSPITAL.code)
    assert (hospital["name"], hospital["kind"], hospital["region"], hospital["city"], hospital["status"]) == (
        HOSPITAL.name, 3, 110000, "Beijing", 1)
    assert _rows(engine, s.accounts, s.accounts.c.entity_id == hospital["entity_id"])[0]["account"] == HOSPITAL.admin
    founders = {e["code"]: e["city"] for e in _rows(engine, s.entities, s.entities.c.entity_id <= 5)}
    assert len(founders) == 5 and all(founders.values())  # cities from data/entities.csv

    [admission] = _rows(engine, s.proposals, s.proposals.c.kind == 0)
    assert admission["status"] == "executed" and admission["yes"] >= 1
    assert len(_rows(engine, s.votes, s.votes.c.proposal_id == admission["proposal_id"])) == admission["yes"]

    [asset] = _rows(engine, s.assets, s.assets.c.asset_id == activity["asset"])
    assert (asset["owner"], asset["content_hash"], asset["locator"]) == (1, "0x" + keccak(text="ledger").hex(),
                                                                         "https://gw.example/ledger")
    [grant] = _rows(engine, s.grants, s.grants.c.asset_id == activity["asset"])
    assert (grant["grantee"], grant["purposes"], grant["revoked"]) == (2, 1, False)

    cells = _rows(engine, s.items, s.items.c.item_id == _hex(CELLS))[0]
    assert (cells["status"], cells["owner"], cells["custodian"], cells["unit"], cells["lot"]) == ("recalled", 1, 2, "H87", True)
    assert [c["action"] for c in _rows(engine, s.custody, s.custody.c.item_id == _hex(CELLS))] == ["offered", "accepted"]
    assert _rows(engine, s.recalls, s.recalls.c.item_id == _hex(CELLS))[0]["entity_id"] == 4
    assert _rows(engine, s.acknowledgements, s.acknowledgements.c.recalled_id == _hex(CELLS))[0]["item_id"] == _hex(VIN)
    lineage = {(e["kind"], e["item_id"]) for e in _rows(engine, s.lineage)}
    assert {("input", _hex(CELLS)), ("output", _hex(PACK)), ("pack", _hex(PACK))} <= lineage
    assert _rows(engine, s.items, s.items.c.item_id == _hex(PACK))[0]["parent_id"] == _hex(VIN)

    # the imported events carry their EPCIS document, whose hash is the one on chain
    documented = [e for e in _rows(engine, s.provenance_events) if e["document"] is not None]
    assert {e["event"] for e in documented} == {"Transformed", "Commissioned", "PackedInto", "AggregationRecorded"}
    with EventStore(eventstore_path) as store:  # the digest of each event's GS1 Event Hash ID
        for e in documented:
            stored = store.stored(e["epcis_hash"])
            assert stored.event == e["document"] and "0x" + stored.recomputed_hash().hex() == e["epcis_hash"]


def _new_entity(n: int, kind: EntityKind, region: int, capabilities: Capability) -> NewEntity:
    return NewEntity(name=f"Indexed Entity {n}", kind=kind, region=region, code=f"12000000MA0INDEX{n:02d}",
                     admin=Account.from_key(keccak(text=f"indexer-entity-{n}")).address, capabilities=capabilities)


def _admit(network: str, entities: list[NewEntity]) -> list:
    council = [open_session(network, f"council-{n}") for n in range(1, 6)]
    registry.pass_proposal(council[0], council[1:], ActionKind.Admit, registry.admit_payload(entities))
    return council


def test_entities_admitted_in_one_block_are_indexed_each_with_its_own_facts(activity, make_indexer, network,
                                                                            chain_restored):
    entities = [_new_entity(1, EntityKind.Bank, 310000, Capability(0)),
                _new_entity(2, EntityKind.Regulator, 440100, Capability.INSPECTOR),
                _new_entity(3, EntityKind.CarMaker, 110000, Capability.INSPECTOR | Capability.RECALL_AUTHORITY)]
    _admit(network, entities)
    indexer = make_indexer(confirmations=0)
    indexer.sync()
    rows = _rows(indexer.engine, s.entities, s.entities.c.code.in_([e.code for e in entities]))
    assert len({r["block_number"] for r in rows}) == 1
    assert {r["code"]: (r["kind"], r["region"], r["capabilities"], r["council"], r["city"]) for r in rows} == {
        entities[0].code: (EntityKind.Bank, 310000, 0, False, "Shanghai"),
        entities[1].code: (EntityKind.Regulator, 440100, 1, False, "Guangzhou"),
        entities[2].code: (EntityKind.CarMaker, 110000, 3, False, "Beijing"),
    }


def test_an_admission_row_holds_the_facts_of_its_block_not_later_ones(activity, make_indexer, network, chain_restored):
    entity = _new_entity(4, EntityKind.Hospital, 110000, Capability(0))
    council = _admit(network, [entity])
    entity_id = registry.find_member(council[0], entity.code).id
    registry.pass_proposal(council[0], council[1:], ActionKind.SetCapabilities,
                           registry.capabilities_payload(entity_id, Capability.INSPECTOR))
    indexer = make_indexer(confirmations=0)
    indexer.sync()
    row = s.entities.c.entity_id == entity_id
    assert _rows(indexer.engine, s.entities, row)[0]["capabilities"] == Capability.INSPECTOR

    [changed] = [e for e in _rows(indexer.engine, s.events, s.events.c.event == "CapabilitiesChanged")
                 if e["args"]["entityId"] == entity_id]
    with indexer.engine.begin() as conn:  # back to the block before the change, as a reorg would
        indexer._rollback(conn, changed["block_number"] - 1)
    assert _rows(indexer.engine, s.entities, row)[0]["capabilities"] == 0


def test_rows_within_the_confirmation_depth_are_not_final(activity, make_indexer, w3):
    indexer = make_indexer(confirmations=3)
    indexer.sync()
    head = w3.eth.block_number
    for row in _rows(indexer.engine, s.events):
        assert row["final"] == (row["block_number"] <= head - 3)
    assert indexer.status()["final_height"] == head - 3


def test_sync_again_changes_nothing_and_a_replay_is_identical(activity, make_indexer):
    indexer = make_indexer(confirmations=0, batch_blocks=4)
    indexer.sync()
    before = dump(indexer.engine)
    assert indexer.sync().events == 0 and dump(indexer.engine) == before
    with indexer.engine.begin() as conn:  # replay the whole history over the undo journal
        indexer._rollback(conn, indexer.deployment.first_block - 1)
    assert dump(indexer.engine)["events"] == []
    indexer.sync()
    assert dump(indexer.engine) == before


# ------------------------------------------------------------------ reorgs


def test_reorg_rolls_back_to_the_common_ancestor_and_applies_the_new_blocks(activity, make_indexer, w3, network,
                                                                          monkeypatch):
    indexer = make_indexer(confirmations=2)
    indexer.sync()
    council = open_session(network, "council-1")
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]

    datasharing.retire_asset(council, activity["asset"])  # changes a row from before the fork
    old = datasharing.register_asset(council, keccak(text="old fork"), "https://gw.example/old")
    provenance.commission(council, provenance.Quantity.item(item_id("urn:epc:id:sgtin:6901234.1.OLD")),
                          provenance.EventData())
    indexer.sync()
    assert _rows(indexer.engine, s.assets, s.assets.c.asset_id == activity["asset"])[0]["retired"] is True
    old_head = w3.eth.block_number

    assert w3.provider.make_request("evm_revert", [snapshot])["result"] is True
    council = open_session(network, "council-1")  # nonces from the chain as it is now
    new = datasharing.register_asset(council, keccak(text="new fork"), "https://gw.example/new")
    provenance.commission(council, provenance.Quantity.item(item_id("urn:epc:id:sgtin:6901234.1.NEW")),
                          provenance.EventData())
    w3.provider.make_request("anvil_mine", ["0x2"])
    assert new.asset_id == old.asset_id and w3.eth.block_number > old_head
    before_reorg = dump(indexer.engine)

    # the rollback and the re-application are one transaction: a failure in between keeps the old rows
    def broken(_ctx, _args):
        raise RuntimeError("handler failed")

    monkeypatch.setitem(HANDLERS, ("DataSharing", "AssetRegistered"), broken)
    with pytest.raises(RuntimeError, match="handler failed"):
        indexer.sync()
    assert dump(indexer.engine) == before_reorg
    monkeypatch.undo()

    result = indexer.sync()
    assert result.rolled_back and result.rolled_back[0][0] == old_head
    engine = indexer.engine
    assert _rows(engine, s.assets, s.assets.c.asset_id == new.asset_id)[0]["locator"] == "https://gw.example/new"
    assert _rows(engine, s.assets, s.assets.c.asset_id == activity["asset"])[0]["retired"] is False
    assert _rows(engine, s.items, s.items.c.item_id == _hex("urn:epc:id:sgtin:6901234.1.OLD")) == []
    assert len(_rows(engine, s.items, s.items.c.item_id == _hex("urn:epc:id:sgtin:6901234.1.NEW"))) == 1
    assert not _rows(engine, s.events, s.events.c.event == "AssetRetired")

    clean = make_indexer(confirmations=2)
    clean.sync()
    assert dump(engine) == dump(clean.engine)


# ------------------------------------------------------------------ kill and resume


def _cursor(path) -> int | None:
    try:
        with sqlite3.connect(path) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'cursor'").fetchone()
    except sqlite3.OperationalError:  # not created yet
        return None
    return int(row[0]) if row else None


def test_killed_indexer_resumes_with_nothing_lost_or_doubled(activity, make_indexer, w3, network, tmp_path,
                                                            eventstore_path):
    w3.provider.make_request("anvil_mine", [hex(150)])  # a longer history: small batches below
    head = w3.eth.block_number
    path = tmp_path / "killed.sqlite"
    command = [sys.executable, "-m", "pilotchain.cli", "index", "--network", network, "--db", f"sqlite:///{path}",
               "--batch-blocks", "2", "--confirmations", "0", "--store", str(eventstore_path), "--quiet"]
    kills = []
    for _ in range(2):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        start, deadline = _cursor(path) or 0, time.monotonic() + 20
        while (_cursor(path) or 0) < start + 30 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        assert process.poll() is None, "the indexer finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills.append(_cursor(path))
    assert kills == sorted(kills) and kills[-1] < head
    assert subprocess.run(command, stdout=subprocess.DEVNULL).returncode == 0

    resumed = make_indexer(f"sqlite:///{path}", confirmations=0)
    assert resumed.cursor() >= head
    clean = make_indexer(confirmations=0)
    clean.sync()
    assert dump(resumed.engine) == dump(clean.engine)


# ------------------------------------------------------------------ the command


def test_index_command_catches_up_and_reports_status(activity, network, w3, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert main(["index", "--network", network, "--db", url, "--confirmations", "1", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["indexed_to"] >= status["head"] - 1 and status["confirmations"] == 1 and status["events"] > 0


def test_index_command_refuses_a_bad_database_url_in_one_line(network, deployed, capsys):
    assert main(["index", "--network", network, "--db", "mysql://nowhere/x"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: --db mysql: only sqlite and postgresql") and len(err.strip().splitlines()) == 1


def test_an_index_of_another_chain_is_refused(activity, make_indexer, deployment, w3, tmp_path):
    import dataclasses

    from pilotchain.indexer import Indexer, IndexerError

    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    make_indexer(url).sync()
    moved = dataclasses.replace(deployment, contracts={
        name: dataclasses.replace(c, address="0x" + "11" * 20) if name == "Provenance" else c
        for name, c in deployment.contracts.items()})
    with pytest.raises(IndexerError, match="indexes another chain or deployment"):
        Indexer(w3, moved, url)


# ------------------------------------------------------------------ PostgreSQL


def test_postgresql_holds_the_same_rows_as_sqlite_and_follows_a_reorg(activity, make_indexer, postgres_url, w3,
                                                                     network):
    on_postgres = make_indexer(postgres_url, confirmations=1)
    on_postgres.sync()
    with on_postgres.engine.connect() as conn:
        assert conn.dialect.name == "postgresql"
        assert compare_metadata(MigrationContext.configure(conn), s.metadata) == []

    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
    datasharing.register_asset(open_session(network, "council-3"), keccak(text="pg old"), "https://gw.example/pg-old")
    on_postgres.sync()
    assert w3.provider.make_request("evm_revert", [snapshot])["result"] is True
    datasharing.register_asset(open_session(network, "council-3"), keccak(text="pg new"), "https://gw.example/pg-new")
    w3.provider.make_request("anvil_mine", ["0x1"])
    assert on_postgres.sync().rolled_back

    on_sqlite = make_indexer(confirmations=1)
    on_sqlite.sync()
    assert dump(on_postgres.engine) == dump(on_sqlite.engine)
    assert [a["locator"] for a in _rows(on_postgres.engine, s.assets, s.assets.c.owner == 3)] == ["https://gw.example/pg-new"]


def test_follow_picks_up_new_blocks_until_stopped(activity, make_indexer, network):
    import threading

    indexer = make_indexer(confirmations=0)
    stop, synced = threading.Event(), []
    follower = threading.Thread(target=indexer.follow, kwargs={"interval": 0.05, "stop": stop, "on_sync": synced.append})
    follower.start()
    try:
        asset = datasharing.register_asset(open_session(network, "council-5"), keccak(text="followed"), "https://gw.example/f")
        deadline = time.monotonic() + 20
        while not _rows(indexer.engine, s.assets, s.assets.c.asset_id == asset.asset_id) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        follower.join(10)
    assert not follower.is_alive() and len(synced) >= 2
    assert _rows(indexer.engine, s.assets, s.assets.c.asset_id == asset.asset_id)[0]["owner"] == 5


def test_signed_grants_nonce_invalidations_purposes_and_voting_rules_are_indexed(activity, make_indexer, network,
                                                                                 w3, deployment):
    owner = open_session(network, "council-1")
    key = endpoints.signer_for(*endpoints.connect(network), "council-1")
    asset = datasharing.register_asset(owner, keccak(text="signed"), "https://gw.example/signed")
    now = w3.eth.get_block("latest")["timestamp"]
    signed = datasharing.sign_grant(key, chain_id=deployment.chain_id, contract=deployment.addresses["DataSharing"],
                                    asset_id=asset.asset_id, grantee=3, purposes=[datasharing.Purpose.Research],
                                    valid_until=now + 86400, nonce=7, deadline=now + 3600)
    datasharing.submit_signed_grant(open_session(network, "council-3"), signed)
    datasharing.invalidate_nonces(owner, key.address, 1, 0b101)
    indexer = make_indexer()
    indexer.sync()
    engine = indexer.engine

    assert [(g["signer"], g["grantee"], g["nonce"]) for g in _rows(engine, s.signed_grants,
                                                                   s.signed_grants.c.asset_id == asset.asset_id)] == [
        (key.address, 3, "7")]
    assert [(n["word_pos"], n["mask"], n["by"]) for n in _rows(engine, s.nonce_invalidations,
                                                               s.nonce_invalidations.c.signer == key.address)] == [
        ("1", "5", key.address)]
    assert {p["code"]: p["label"] for p in _rows(engine, s.purposes)}[datasharing.Purpose.Research] == "research"
    rules = {r["kind"]: (r["threshold_bps"], r["quorum_bps"]) for r in _rows(engine, s.voting_rules)}
    assert rules[registry.ActionKind.Admit] == tuple(owner.call(owner.contract("EntityRegistry").functions.votingRule(
        registry.ActionKind.Admit)))


def test_an_event_the_abi_does_not_know_is_kept_undecoded_in_events(activity, make_indexer):
    indexer = make_indexer(confirmations=0)
    recalled = EventDecoder(next(i for i in artifacts.load("Provenance").abi if i.get("name") == "Recalled"))
    address = indexer.deployment.addresses["Provenance"].lower()
    del indexer._decoders[(address, recalled.topic)]  # as if the contract gained an event after this ABI
    indexer.sync()
    unknown = _rows(indexer.engine, s.events, s.events.c.event == "Unknown")
    assert [(e["contract"], e["args"]["topics"][0]) for e in unknown] == [("Provenance", recalled.topic)]
    assert _rows(indexer.engine, s.recalls) == []


def test_a_batch_read_across_a_reorg_is_dropped_and_read_again(activity, make_indexer, monkeypatch):
    indexer = make_indexer(confirmations=0)
    read = indexer._logs
    calls = []

    def torn(first, last):  # the first read sees the last block from another fork
        logs = read(first, last)
        calls.append(len(logs))
        if len(calls) == 1:
            logs = [*logs, {**logs[-1], "blockNumber": last, "blockHash": "0x" + "ab" * 32, "logIndex": 999}]
        return logs

    monkeypatch.setattr(indexer, "_logs", torn)
    indexer.sync()
    assert len(calls) == 2
    clean = make_indexer(confirmations=0)
    clean.sync()
    assert dump(indexer.engine) == dump(clean.engine)
