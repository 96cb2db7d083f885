"""EPCIS as GS1 defines it, through the chain: simple context, sensor-only events, DELETE without
children, Digital Link ids, two partners' prefixes, reused eventIDs, out-of-order capture, error
declarations by Event Hash ID, and exports that give back what was captured, verified."""

import json
import re
import sqlite3

import pytest
from brownie import web3

from pilotchain import provenance as lib
from pilotchain.epcis import EpcisError, event_hash_id, parse_document
from pilotchain.epcis.hashid import id_digest
from pilotchain.epcis.codes import item_id
from pilotchain.registry import ActionKind
from tests.fixtures.provenance import prefix_call
from tests.fixtures.registry import pass_proposal

STANDARD = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
SIMPLE = "https://gs1.github.io/EPCIS/epcis-context-simple.jsonld"
PALLET = "urn:epc:id:sgtin:4012345.022222.PALLET-1"
PALLET_LINK = "https://example.com/01/04012345222227/21/PALLET-1"  # the same object as a Digital Link
TRUCK = "urn:epc:id:grai:4012345.55555.987"
LOGGER = "urn:epc:id:giai:4000001.LOGGER-1"
TAG = "urn:epc:id:giai:4000001.TAG-2"
DOCK = "urn:epc:id:sgln:4012345.00001.0"


def document(*events, context=(STANDARD,), **metadata):
    return {"@context": list(context), "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2026-11-20T08:00:00.000Z", **metadata, "epcisBody": {"eventList": list(events)}}


def event(kind, minute, **fields):
    return {"type": kind, "eventTime": f"2026-11-20T09:{minute:02d}:00.000+08:00", "eventTimeZoneOffset": "+08:00",
            **fields}


def commissioning(minute, *epcs, **fields):
    return event("ObjectEvent", minute, action="ADD", epcList=list(epcs), **{"bizStep": "commissioning", **fields})


def association(minute, action, children=(), **fields):
    more = {"childEPCs": list(children)} if children else {}
    return event("AssociationEvent", minute, action=action, parentID=TRUCK, **more, **fields)


def exported_events(importer, store, item):
    return lib.export_item(importer, store, item)["epcisBody"]["eventList"]


def test_simple_context_document_imports_and_exports_like_the_standard_one(importer, store):
    simple = document(commissioning(0, PALLET, bizStep="https://ref.gs1.org/cbv/BizStep-commissioning"),
                      context=(SIMPLE,))
    standard = document(commissioning(0, PALLET))
    assert parse_document(simple).events[0].hash == parse_document(standard).events[0].hash
    assert lib.import_epcis(importer, simple, store).recorded == 1
    exported = lib.export_item(importer, store, PALLET)
    assert exported["@context"][0] == SIMPLE and exported["epcisBody"]["eventList"] == simple["epcisBody"]["eventList"]
    again = lib.import_epcis(importer, standard, store)
    assert (again.recorded, again.skipped) == (0, 1), "the same event in the standard context is a no-op"


def test_sensor_only_object_event_is_recorded_and_exported_by_its_device(importer, store):
    reading = event("ObjectEvent", 5, action="OBSERVE", readPoint={"id": DOCK}, sensorElementList=[{
        "sensorMetadata": {"time": "2026-11-20T01:05:00.000Z", "deviceID": LOGGER},
        "sensorReport": [{"type": "Temperature", "value": 4.5, "uom": "CEL"}],
    }])
    result = lib.import_epcis(importer, document(commissioning(0, LOGGER), reading), store)
    assert (result.recorded, [c for p in result.plan for c, _ in p.calls]) == (2, ["commission", "observe"])
    assert [e.get("epcList") for e in exported_events(importer, store, LOGGER)] == [[LOGGER], None]
    assert lib.verify(importer, LOGGER).event_count == 2


def test_association_delete_without_children_dissociates_every_device(importer, store, provenance):
    doc = document(commissioning(0, TRUCK, LOGGER, TAG), association(1, "ADD", [LOGGER, TAG]),
                   association(2, "DELETE"))
    result = lib.import_epcis(importer, doc, store)
    assert (result.recorded, result.held) == (3, [])
    assert not provenance.isAssociated(item_id(TRUCK), item_id(LOGGER))
    assert not provenance.isAssociated(item_id(TRUCK), item_id(TAG))
    # an association child is exportable by its own id: the events that name it
    assert [e["type"] for e in exported_events(importer, store, TAG)] == ["ObjectEvent", "AssociationEvent"]
    assert [e["action"] for e in exported_events(importer, store, TRUCK)] == ["ADD", "ADD", "DELETE"]


def test_delete_captured_before_its_association_is_held_until_the_association_lands(importer, store, provenance):
    early = lib.import_epcis(importer, document(association(9, "DELETE", [LOGGER])), store)
    assert early.recorded == 0 and len(early.held) == 1
    assert early.held[0].reason == f"{TRUCK} is unknown and this event cannot create it"
    assert [s.held for s in store.held()] == [early.held[0].reason]
    block = web3.eth.block_number
    assert lib.release_held(importer, store).released == 0 and web3.eth.block_number == block
    late = lib.import_epcis(importer, document(commissioning(0, TRUCK, LOGGER), association(1, "ADD", [LOGGER])), store)
    assert (late.recorded, late.released, late.held) == (2, 1, [])
    assert store.held() == [] and store.pending() == []
    assert not provenance.isAssociated(item_id(TRUCK), item_id(LOGGER))


def test_delete_of_an_association_not_recorded_is_held_with_its_reason(importer, store):
    result = lib.import_epcis(importer, document(commissioning(0, TRUCK, LOGGER), association(9, "DELETE", [LOGGER])),
                              store)
    assert (result.recorded, [h.reason for h in result.held]) == (1, [f"{LOGGER} is not associated with {TRUCK} on chain yet"])
    bare = lib.import_epcis(importer, document(association(9, "DELETE", bizStep="removing")), store)
    assert [h.reason for h in bare.held] == [f"{TRUCK} has no device associated on chain yet to dissociate"]


def test_delete_before_add_in_one_document_is_recorded_after_the_add(importer, store, provenance):
    doc = document(association(9, "DELETE", [LOGGER]), commissioning(0, TRUCK, LOGGER), association(1, "ADD", [LOGGER]))
    result = lib.import_epcis(importer, doc, store)
    assert (result.recorded, result.held, len(result.transactions)) == (3, [], 2)
    assert not provenance.isAssociated(item_id(TRUCK), item_id(LOGGER))


def test_unpack_captured_before_its_packing_is_held(importer, store):
    unpack = event("AggregationEvent", 9, action="DELETE", parentID=TRUCK, childEPCs=[PALLET])
    held = lib.import_epcis(importer, document(commissioning(0, PALLET, TRUCK), unpack), store).held
    assert held[0].reason == f"{PALLET} is not packed in {TRUCK} on chain yet"
    pack = event("AggregationEvent", 1, action="ADD", parentID=TRUCK, childEPCs=[PALLET])
    late = lib.import_epcis(importer, document(pack), store)
    assert late.released == 1 and lib.verify(importer, PALLET).parent == b"\0" * 32


@pytest.fixture
def own_prefix(provenance, registry, council, entity_ids):
    """The car maker's (the importer's) company prefix 4012345, registered by the council."""
    pass_proposal(registry, council, ActionKind.Call, prefix_call(provenance, entity_ids["carmaker"], "4012345"))


def test_digital_link_under_an_unregistered_prefix_is_refused_not_split_from_its_urn(importer, store):
    lib.import_epcis(importer, document(commissioning(0, PALLET)), store)
    observed = event("ObjectEvent", 3, action="OBSERVE", epcList=[PALLET_LINK], bizStep="shipping")
    result = lib.import_epcis(importer, document(observed), store)
    assert result.recorded == 0 and [r.item for r in result.refused] == [PALLET_LINK]
    assert "company prefix is not registered on chain" in result.refused[0].reason


def test_digital_link_and_urn_of_one_object_are_one_item(importer, store, own_prefix):
    lib.import_epcis(importer, document(commissioning(0, PALLET)), store)
    observed = event("ObjectEvent", 3, action="OBSERVE", epcList=[PALLET_LINK], bizStep="shipping")
    lib.import_epcis(importer, document(observed), store)
    assert lib.resolve_item(importer, PALLET_LINK) == item_id(PALLET)
    assert lib.verify(importer, PALLET_LINK).event_count == 2
    assert [e["epcList"] for e in exported_events(importer, store, PALLET_LINK)] == [[PALLET], [PALLET_LINK]]


def test_reused_event_id_with_another_event_is_refused_and_the_same_event_is_a_no_op(importer, store):
    first = document(commissioning(0, PALLET, eventID="urn:uuid:5d2f3c1e-0b7a-4c55-9a43-0e6f0b7f2a11"))
    lib.import_epcis(importer, first, store)
    other = document(event("ObjectEvent", 4, action="OBSERVE", epcList=[PALLET], bizStep="shipping",
                           eventID="urn:uuid:5d2f3c1e-0b7a-4c55-9a43-0e6f0b7f2a11"))
    block = web3.eth.block_number
    with pytest.raises(EpcisError) as refused:
        lib.import_epcis(importer, other, store)
    assert len(str(refused.value).splitlines()) == 1
    assert re.match(r"eventList\[0\] \(ObjectEvent, eventID urn:uuid:5d2f.*\): eventID: already captured as a "
                    r"different event", str(refused.value))
    assert web3.eth.block_number == block and len(store.events_for_item(item_id(PALLET))) == 1
    same = json.loads(json.dumps(first).replace("09:00:00.000+08:00", "01:00:00Z"))  # one instant, other notation
    again = lib.import_epcis(importer, same, store)
    assert (again.recorded, again.skipped) == (0, 1) and web3.eth.block_number == block
    assert len(exported_events(importer, store, PALLET)) == 1


def test_partners_binding_one_prefix_differently_export_each_in_its_own_context(importer, store):
    mine = document(commissioning(0, PALLET, **{"ex:batch": "B-7"}), context=(STANDARD, {"ex": "https://a.example/"}),
                    id="urn:uuid:6e0f4b8c-2a7d-4f1e-8c3b-1d2e3f4a5b6c", sender="urn:epc:id:sgln:4012345.00000.0")
    theirs = document(event("ObjectEvent", 5, action="OBSERVE", epcList=[PALLET], **{"ex:batch": "B-7"}),
                      context=(STANDARD, {"ex": "https://b.example/"}), id="urn:uuid:0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9")
    lib.import_epcis(importer, mine, store)
    lib.import_epcis(importer, theirs, store)
    exported = lib.export_item(importer, store, PALLET)
    assert exported["@context"] == [STANDARD, {"pilotchain": lib.EXPORT_PREFIX_IRI}]
    assert [e["@context"] for e in exported["epcisBody"]["eventList"]] == [[{"ex": "https://a.example/"}],
                                                                          [{"ex": "https://b.example/"}]]
    sources = exported["pilotchain:sourceDocuments"]
    assert [(s["id"], s.get("sender"), s["creationDate"]) for s in sources] == [
        (mine["id"], mine["sender"], mine["creationDate"]), (theirs["id"], None, theirs["creationDate"])]
    assert [s["eventHashIDs"] for s in sources] == [[e.hash_id] for e in (parse_document(mine).events[0],
                                                                           parse_document(theirs).events[0])]


def test_export_gives_back_the_document_metadata_as_captured(importer, store):
    doc = document(commissioning(0, PALLET), id="urn:uuid:6e0f4b8c-2a7d-4f1e-8c3b-1d2e3f4a5b6c",
                   sender="urn:epc:id:sgln:4012345.00000.0", receiver="urn:epc:id:sgln:4000001.00000.0",
                   instanceIdentifier="1234567890")
    doc["creationDate"] = "2026-11-20T10:00:00.000+08:00"
    lib.import_epcis(importer, doc, store)
    exported = lib.export_item(importer, store, PALLET)
    for key in ("@context", "id", "sender", "receiver", "instanceIdentifier", "creationDate"):
        assert exported[key] == (doc[key] if key != "@context" else [STANDARD, {"pilotchain": lib.EXPORT_PREFIX_IRI}])
    assert exported["pilotchain:exportDate"].startswith("20") and exported["pilotchain:exportDate"] != doc["creationDate"]


def test_error_declaration_names_the_erroneous_event_by_its_event_hash_id(importer, store):
    wrong = commissioning(0, PALLET, eventID="urn:uuid:7a1b2c3d-4e5f-4061-8273-948596a7b8c9", disposition="active")
    lib.import_epcis(importer, document(wrong), store)
    declared = dict(wrong, errorDeclaration={"declarationTime": "2026-11-21T08:00:00.000Z", "reason": "incorrect_data"})
    result = lib.import_epcis(importer, document(declared), store)
    assert result.recorded == 1
    logs = importer.logs(lib.CONTRACT, "ErrorDeclared")
    assert len(logs) == 1 and bytes(logs[0].args["erroneousHash"]) == id_digest(event_hash_id(wrong, [STANDARD]))
    assert bytes(logs[0].args["data"]["epcisHash"]) == parse_document(document(declared)).events[0].hash != id_digest(
        event_hash_id(wrong, [STANDARD]))
    assert [e.get("errorDeclaration") is not None for e in exported_events(importer, store, PALLET)] == [False, True]


def test_export_verifies_meaning_so_a_changed_context_is_named(importer, store):
    doc = document(commissioning(0, PALLET, **{"ex:batch": "B-7"}), context=(STANDARD, {"ex": "https://a.example/"}))
    lib.import_epcis(importer, doc, store)
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE events SET context = ?", (json.dumps([STANDARD, {"ex": "https://evil.example/"}]),))
    with pytest.raises(lib.TamperError, match=r"stored ObjectEvent .* was altered: its Event Hash ID gives"):
        lib.export_item(importer, store, PALLET)


def test_quantity_class_is_exportable_by_its_own_id(importer, store):
    lot = "urn:epc:class:lgtin:4012345.011111.LOT-9"
    made = event("ObjectEvent", 0, action="ADD", quantityList=[{"epcClass": lot, "quantity": 200, "uom": "KGM"}])
    lib.import_epcis(importer, document(made), store)
    assert [e["quantityList"][0]["epcClass"] for e in exported_events(importer, store, lot)] == [lot]
