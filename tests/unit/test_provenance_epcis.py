"""EPCIS import and export: every GS1 example document imports, and the histories of its items
export back to equivalent EPCIS JSON; a tampered store is named; dry runs send nothing."""

import json
import sqlite3

import pytest
from brownie import web3

from pilotchain import provenance as lib
from pilotchain.epcis import equivalent, parse_document
from pilotchain.epcis_fields import EpcisError
from pilotchain.eventstore import EventStore
from pilotchain.toolchain import ROOT

EXAMPLES_DIR = ROOT / "tests" / "data" / "epcis-examples"  # GS1's published examples
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.jsonld"))


@pytest.fixture
def store(tmp_path):
    with EventStore(tmp_path / "events.sqlite") as opened:
        yield opened


@pytest.fixture
def importer(session_for, carmaker_admin):
    return session_for(carmaker_admin)


def _items(doc):
    return list(dict.fromkeys(i.item_id for e in doc.events for i in e.identifiers() if i.role != "sensor"))


def test_every_gs1_example_is_here():
    assert len(EXAMPLES) == 13


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_round_trip(importer, store, path):
    original = parse_document(path)
    result = lib.import_epcis(importer, path, store, batch_size=5)
    assert result.recorded == len(original.events)
    exported = {}
    for item in _items(original):
        for event in lib.export_item(importer, store, item)["epcisBody"]["eventList"]:
            exported[json.dumps(event, sort_keys=True)] = event
    document = {**original.raw, "epcisBody": {"eventList": list(exported.values())}}
    assert equivalent(original, document)


def test_reimport_sends_nothing(importer, store):
    path = EXAMPLES[0]
    lib.import_epcis(importer, path, store)
    block = web3.eth.block_number
    again = lib.import_epcis(importer, path, store)
    assert (again.recorded, again.skipped, web3.eth.block_number) == (0, again.events, block)


def test_dry_run_sends_and_stores_nothing(importer, store):
    block = web3.eth.block_number
    result = lib.import_epcis(importer, EXAMPLES[0], store, dry_run=True)
    assert result.plan and result.recorded == 0
    assert web3.eth.block_number == block and store.pending() == []


def test_tampered_store_is_detected_and_named(importer, store, tmp_path):
    path = EXAMPLES_DIR / "Example_9.6.1-ObjectEvent.jsonld"
    lib.import_epcis(importer, path, store)
    item = parse_document(path).events[0].identifiers()[0].item_id
    victim = store.events_for_item(item)[0]
    forged = victim.canonical.replace(b"urn:epc:id:sgln:", b"urn:epc:id:sgln:9")
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE events SET canonical = ? WHERE hash = ?", (forged, victim.hash))
    with pytest.raises(lib.TamperError, match=r"stored ObjectEvent .* was altered"):
        lib.export_item(importer, store, item)


def test_unsupported_event_is_rejected_before_sending(importer, store):
    doc = json.loads((EXAMPLES_DIR / "Example_9.6.3-AggregationEvent.jsonld").read_text())
    event = doc["epcisBody"]["eventList"][0]
    event.update(action="ADD", childEPCs=[])
    event.pop("childQuantityList", None)
    block = web3.eth.block_number
    with pytest.raises(EpcisError, match=r"eventList\[0\].*child(EPCs|QuantityList)"):
        lib.import_epcis(importer, doc, store)
    assert web3.eth.block_number == block
