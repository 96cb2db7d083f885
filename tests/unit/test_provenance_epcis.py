"""EPCIS import and export: every GS1 example document imports, and the histories of its items
export back to equivalent EPCIS JSON; a tampered store is named; dry runs send nothing."""

import json
import sqlite3

import pytest
from brownie import web3

from pilotchain import provenance as lib
from pilotchain.epcis import equivalent, parse_document
from pilotchain.epcis.codes import item_id
from pilotchain.epcis.fields import EpcisError
from pilotchain.registry import ActionKind
from pilotchain.toolchain import ROOT
from tests.fixtures.provenance import prefix_call
from tests.fixtures.registry import pass_proposal

EXAMPLES_DIR = ROOT / "tests" / "data" / "epcis-examples"  # GS1's published examples
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.jsonld"))


def _items(doc):
    return list(dict.fromkeys(i.item_id for e in doc.events for i in e.identifiers() if i.role != "sensor"))


def _seed(session, document):
    """Commission, as `session`'s entity and with no EPCIS hash (so exports leave them out), the
    items a partner's document names before anything in it creates them: what the document
    assumes the chain has seen. Lots take the unit the document uses them in."""
    plan = lib.import_epcis(session, document, None, dry_run=True).plan
    shapes = {}
    for planned in plan:
        for _fn, args in planned.calls:
            for arg in args:
                for q in arg if isinstance(arg, list) else [arg]:
                    if isinstance(q, tuple) and len(q) == 4:
                        shapes.setdefault(bytes(q[0]), q)
    for _round in range(sum(len(p.uris) for p in plan) + 1):  # each round commissions at least one item
        unknown = [r for r in lib.refused_events(session, plan) if r.reason.endswith("cannot create it")]
        if not unknown:
            return
        for refusal in {r.item: r for r in unknown}.values():
            item = item_id(refusal.item)
            _, is_lot, _, unit = shapes.get(item, (item, False, 0, b"\0\0\0"))
            quantity = lib.Quantity.of_lot(item, 10**12, lib.unit_text(unit)) if is_lot else lib.Quantity.item(item)
            lib.commission(session, quantity, lib.EventData())
    raise AssertionError("seeding did not converge")


def test_every_gs1_example_is_here():
    assert len(EXAMPLES) == 13


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_round_trip(importer, store, path):
    original = parse_document(path)
    _seed(importer, path)
    result = lib.import_epcis(importer, path, store, batch_size=5)
    assert (result.recorded, result.refused) == (len(original.events), [])
    exported = {}
    for item in _items(original):
        for event in lib.export_item(importer, store, item)["epcisBody"]["eventList"]:
            exported[json.dumps(event, sort_keys=True)] = event
    document = {**original.raw, "epcisBody": {"eventList": list(exported.values())}}
    assert equivalent(original, document)


def test_reimport_sends_nothing(importer, store):
    path = EXAMPLES[0]
    _seed(importer, path)
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
    _seed(importer, path)
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


# ---------------------------------------------------------------- a partner's document: what cannot be recorded

OWN = "urn:epc:id:sgtin:4012345.022222.OWN-1"  # the importer's, created by the document
STRANGER = "urn:epc:id:sgtin:4012345.022222.NEVER-SEEN"  # only observed: never created
FOREIGN = "urn:epc:id:sgtin:6912345.011111.FOREIGN-1"  # under the cell maker's prefix
PALLET = "urn:epc:id:sscc:4012345.0000000042"  # created by packing


def _object(action, epcs, n):
    return {"type": "ObjectEvent", "eventID": f"urn:uuid:00000000-0000-4000-8000-00000000000{n}",
            "eventTime": f"2026-11-20T09:0{n}:00.000+08:00", "eventTimeZoneOffset": "+08:00",
            "action": action, "epcList": epcs}  # fmt: skip


def _partner_document():
    events = [
        _object("ADD", [OWN], 0),
        _object("OBSERVE", [STRANGER], 1),
        _object("ADD", [FOREIGN], 2),
        _object("OBSERVE", [OWN], 3),
        {"type": "AggregationEvent", "eventTime": "2026-11-20T09:04:00.000+08:00", "eventTimeZoneOffset": "+08:00",
         "action": "ADD", "parentID": PALLET, "childEPCs": [OWN]},
        _object("OBSERVE", [FOREIGN], 5),
    ]  # fmt: skip
    return {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
            "schemaVersion": "2.0", "creationDate": "2026-11-20T10:00:00.000+08:00", "epcisBody": {"eventList": events}}


@pytest.fixture
def foreign_prefix(provenance, registry, council, entity_ids):
    """The cell maker's company prefix 6912345, registered by the council."""
    pass_proposal(registry, council, ActionKind.Call, prefix_call(provenance, entity_ids["cellmaker"], "6912345"))
    return entity_ids["cellmaker"]


def test_import_records_what_it_may_and_names_each_event_it_cannot(importer, store, foreign_prefix, provenance):
    doc = parse_document(_partner_document())
    result = lib.import_epcis(importer, _partner_document(), store)
    assert [str(r) for r in result.refused] == [
        f"{doc.events[2].label}: {FOREIGN} is under company prefix 6912345, which belongs to entity {foreign_prefix}",
    ]
    assert [str(h) for h in result.held] == [  # held until an event creates them
        f"{doc.events[1].label}: {STRANGER} is unknown and this event cannot create it",
        f"{doc.events[5].label}: {FOREIGN} is unknown and this event cannot create it",
    ]
    assert (result.events, result.recorded, result.skipped) == (6, 3, 0)
    own, pallet = provenance.verify(item_id(OWN)), provenance.verify(item_id(PALLET))
    assert (own["eventCount"], own["parent"], pallet["known"]) == (3, "0x" + item_id(PALLET).hex(), True)
    assert [provenance.verify(item_id(uri))["known"] for uri in (STRANGER, FOREIGN)] == [False, False]
    assert [store.stored(e.hash).recorded for e in doc.events] == [True, False, False, True, True, False]


def test_reimport_sends_nothing_and_names_the_same_refusals(importer, store, foreign_prefix):
    first = lib.import_epcis(importer, _partner_document(), store)
    block = web3.eth.block_number
    again = lib.import_epcis(importer, _partner_document(), store)
    assert (again.recorded, again.skipped, web3.eth.block_number) == (0, 3, block)
    assert (again.refused, [h.reason for h in again.held]) == (first.refused, [h.reason for h in first.held])


def test_dry_run_with_a_session_names_refusals_and_sends_nothing(importer, store, foreign_prefix):
    block = web3.eth.block_number
    result = lib.import_epcis(importer, _partner_document(), store, dry_run=True)
    assert [r.item for r in result.refused] == [FOREIGN]
    assert [h.reason.split()[0] for h in result.held] == [STRANGER, FOREIGN]
    assert web3.eth.block_number == block and store.pending() == []


def test_prefix_owner_imports_its_own_items(session_for, cellmaker_admin, store, foreign_prefix, provenance):
    document = _partner_document()
    document["epcisBody"]["eventList"] = [_object("ADD", [FOREIGN], 2)]
    result = lib.import_epcis(session_for(cellmaker_admin), document, store)
    assert (result.recorded, result.refused) == (1, [])
    assert provenance.verify(item_id(FOREIGN))["owner"] == foreign_prefix
