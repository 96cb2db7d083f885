"""The off-chain event store: put/get, idempotency, per-item order, pending, tampering."""

from __future__ import annotations

import json
import sqlite3

import pytest
from eth_utils import keccak

from pilotchain.epcis import canonical_json, equivalent, export_document, item_id, parse_document
from pilotchain.epcis.store import SCHEMA_VERSION, EventStore, EventStoreError
from tests.epcis.conftest import EXAMPLES, load_example

TX_A = bytes.fromhex("aa" * 32)
TX_B = bytes.fromhex("bb" * 32)
SHARED_EPC = "urn:epc:id:sgtin:0614141.107346.2018"


@pytest.fixture
def object_doc():
    return parse_document(load_example("Example_9.6.1-ObjectEvent.jsonld"))


def test_put_then_get_returns_the_event_and_its_exact_canonical_bytes(store, object_doc):
    event = object_doc.events[0]
    assert store.put(event) is True
    assert store.get(event.hash) == event.raw
    assert store.get_canonical(event.hash) == event.canonical
    assert store.get_canonical("0x" + event.hash.hex()) == event.canonical
    assert event.hash in store


def test_putting_the_same_event_twice_stores_it_once(store, object_doc):
    event = object_doc.events[0]
    assert store.put(event) is True
    assert store.put(parse_document(json.dumps(object_doc.raw, indent=1)).events[0]) is False
    assert len(store.pending()) == 1
    assert len(store.events_for_item(item_id("urn:epc:id:sgtin:0614141.107346.2017"))) == 1


def test_events_for_item_lists_every_event_touching_it_in_stored_order(store):
    first = parse_document(load_example("Example_9.6.1-ObjectEvent.jsonld"))
    aggregation = parse_document(load_example("Example_9.6.3-AggregationEvent.jsonld"))
    for event in (*first.events, *aggregation.events):
        store.put(event)
    history = store.events_for_item(item_id(SHARED_EPC))
    assert [s.hash for s in history] == [first.events[0].hash, first.events[1].hash,
                                         aggregation.events[0].hash]
    assert [s.event_type for s in history] == ["ObjectEvent", "ObjectEvent", "AggregationEvent"]
    assert history[2].event["parentID"] == "urn:epc:id:sscc:0614141.1234567890"
    assert store.events_for_item(item_id("urn:epc:id:sgtin:0000000.000000.0")) == []


def test_quantity_classes_and_sensor_devices_are_indexed(store):
    event = parse_document(load_example("object_event_all_possible_fields.jsonld")).events[0]
    store.put(event)
    for uri in ("urn:epc:class:lgtin:4012345.012345.998877", "urn:epc:id:giai:4000001.111"):
        assert [s.hash for s in store.events_for_item(item_id(uri))] == [event.hash]


def test_pending_until_marked_recorded(store, object_doc):
    first, second = object_doc.events
    store.put(first)
    store.put(second, tx_hash=TX_A, block=7)
    assert [s.hash for s in store.pending()] == [first.hash]
    store.mark_recorded(first.hash, "0x" + TX_B.hex(), 8)
    assert store.pending() == []
    recorded = store.stored(first.hash)
    assert (recorded.tx_hash, recorded.block, recorded.recorded) == (TX_B, 8, True)


def test_put_of_a_pending_event_with_a_receipt_records_it(store, object_doc):
    event = object_doc.events[0]
    store.put(event)
    assert store.put(event, tx_hash=TX_A, block=3) is False
    assert (store.stored(event.hash).tx_hash, store.stored(event.hash).block) == (TX_A, 3)


def test_put_with_a_different_transaction_than_recorded_is_refused(store, object_doc):
    event = object_doc.events[0]
    store.put(event, tx_hash=TX_A, block=3)
    with pytest.raises(EventStoreError, match="already recorded by tx 0xaaaa"):
        store.put(event, tx_hash=TX_B, block=4)


def test_unknown_hashes_are_named_errors(store, object_doc):
    missing = object_doc.events[0].hash
    with pytest.raises(EventStoreError, match=f"event 0x{missing.hex()} is not in"):
        store.get(missing)
    with pytest.raises(EventStoreError, match="is not in"):
        store.mark_recorded(missing, TX_A, 1)
    with pytest.raises(EventStoreError, match="must be 32 bytes, not 3"):
        store.get(b"abc")


def test_put_document_stores_header_and_events_and_is_idempotent(store):
    doc = parse_document(EXAMPLES[0])
    import_id = store.put_document(doc)
    assert store.put_document(doc) == import_id
    assert import_id == "0x" + keccak(canonical_json(doc.raw)).hex()
    assert store.header(import_id)["@context"] == doc.raw["@context"]
    assert [s.import_id for s in store.pending()] == [import_id] * len(doc.events)
    assert store.header("0xunknown") is None


def test_every_example_survives_the_store_and_exports_equivalently(store):
    for path in EXAMPLES:
        doc = parse_document(path)
        import_id = store.put_document(doc)
        stored = [store.get(e.hash) for e in doc.events]
        assert equivalent(doc, export_document(stored, context=store.header(import_id)["@context"]))


def test_tampered_row_is_returned_as_stored_so_the_hash_check_fails(store, object_doc):
    event = object_doc.events[1]
    store.put(event)
    forged = event.canonical.replace(b"in_progress", b"destroyed")
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE events SET canonical = ? WHERE hash = ?", (forged, event.hash))
    assert store.get_canonical(event.hash) == forged
    assert keccak(store.get_canonical(event.hash)) != event.hash
    assert store.get(event.hash)["disposition"] == "destroyed"


def test_store_persists_across_reopen_and_defaults_to_env_path(tmp_path, monkeypatch, object_doc):
    path = tmp_path / "nested" / "store.sqlite"
    monkeypatch.setenv("PILOTCHAIN_EVENTSTORE", str(path))
    with EventStore() as store:
        assert store.path == path
        store.put(object_doc.events[0])
    with EventStore(path) as reopened:
        assert reopened.get_canonical(object_doc.events[0].hash) == object_doc.events[0].canonical
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_store_of_the_keccak_era_is_refused_with_what_to_do(tmp_path):
    old = tmp_path / "old.sqlite"
    db = sqlite3.connect(old)
    db.execute("CREATE TABLE events (hash BLOB PRIMARY KEY, canonical BLOB NOT NULL)")
    db.commit()
    db.close()
    with pytest.raises(EventStoreError, match=r"written by an earlier pilotchain .* move it aside and import"):
        EventStore(old)


def test_a_new_store_is_marked_with_its_schema_version(tmp_path):
    EventStore(tmp_path / "new.sqlite").close()
    with EventStore(tmp_path / "new.sqlite"):  # reopening a current store works
        pass
    assert sqlite3.connect(tmp_path / "new.sqlite").execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
