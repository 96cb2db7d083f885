"""Validation against GS1's EPCIS 2.0 JSON Schema plus identifier grammar (pilotchain.epcis.validation)."""

from __future__ import annotations

import pytest

from pilotchain.epcis import EpcisError
from pilotchain.epcis.schema import SchemaValidator
from pilotchain.epcis.validation import SIMPLE_CONTEXT, document_problems, validate_document
from tests.epcis.conftest import EXAMPLES, load_example

FULL = "object_event_all_possible_fields.jsonld"


def _event(doc: dict) -> dict:
    return doc["epcisBody"]["eventList"][0]


def _sensor_report(doc: dict) -> dict:
    return _event(doc)["sensorElementList"][0]["sensorReport"][0]


def _set(path: tuple, value):
    def mutate(doc):
        target = _event(doc)
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return mutate


def _delete(path: tuple):
    def mutate(doc):
        target = _event(doc)
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return mutate


# The 13 mutations of issue 10 that GS1's schema rejects: (name, mutation, field named in the error).
INVALID = [
    ("unknown bare bizTransaction type", _set(("bizTransactionList", 0, "type"), "purchase_order"),
     "bizTransactionList[0].type"),
    ("unknown bare source type", _set(("sourceList", 0, "type"), "seller"), "sourceList[0].type"),
    ("unknown bare destination type", _set(("destinationList", 0, "type"), "buyer"),
     "destinationList[0].type"),
    ("unknown bare error reason", _set(("errorDeclaration", "reason"), "typo"), "errorDeclaration.reason"),
    ("non-URI certificationInfo", _set(("certificationInfo",), "certificate ABC12345"), "certificationInfo"),
    # the schema says it as "an event with ilmd must be an ADD"
    ("ilmd on an OBSERVE event", _set(("action",), "OBSERVE"), "action"),
    ("extra key in a quantity element", _set(("quantityList", 0, "weight"), 3), "quantityList[0].weight"),
    ("uom kg", _set(("quantityList", 0, "uom"), "kg"), "quantityList[0].uom"),
    ("recordTime yesterday", _set(("recordTime",), "yesterday"), "recordTime"),
    ("bad sensorMetadata time", _set(("sensorElementList", 0, "sensorMetadata", "time"), "2019-04-02 13:05"),
     "sensorElementList[0].sensorMetadata.time"),
    ("sensorReport without type", _delete(("sensorElementList", 0, "sensorReport", 0, "type")),
     "sensorElementList[0].sensorReport[0].type"),
    ("sensorReport of unknown type", _set(("sensorElementList", 0, "sensorReport", 0, "type"), "Warmth"),
     "sensorElementList[0].sensorReport[0].type"),
    ("sensor value as a string", _set(("sensorElementList", 0, "sensorReport", 0, "value"), "26"),
     "sensorElementList[0].sensorReport[0].value"),
]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_gs1_example_is_valid(path):
    assert document_problems(load_example(path.name)) == []


@pytest.mark.parametrize("name,mutate,field", INVALID, ids=[m[0] for m in INVALID])
def test_mutation_rejected_by_the_schema_is_rejected(name, mutate, field):
    doc = load_example(FULL)
    assert document_problems(doc) == []
    mutate(doc)
    with pytest.raises(EpcisError) as caught:
        validate_document(doc)
    assert caught.value.where.startswith("eventList[0] (ObjectEvent, eventID urn:uuid:374d95fc")
    assert field in {p[1] for p in document_problems(doc)}, document_problems(doc)


def test_unknown_top_level_document_field_is_rejected():
    doc = load_example(FULL)
    doc["comment"] = "not a field of EPCISDocument"
    with pytest.raises(EpcisError, match=r"document: comment: unknown field"):
        validate_document(doc)


def test_sensor_only_object_event_without_epc_list_is_valid():
    doc = load_example(FULL)
    event = _event(doc)
    for key in ("epcList", "quantityList", "ilmd"):
        del event[key]
    event["action"] = "OBSERVE"
    assert document_problems(doc) == []
    event["epcList"] = []
    assert document_problems(doc) == []


def test_association_delete_without_children_is_valid():
    doc = load_example("association_event_all_possible_fields.jsonld")
    event = _event(doc)
    del event["childEPCs"], event["childQuantityList"]
    event["action"] = "DELETE"
    assert document_problems(doc) == []


def test_simple_context_document_is_valid_after_mapping_its_terms():
    doc = load_example(FULL)
    doc["@context"] = [SIMPLE_CONTEXT, *doc["@context"][1:]]
    report = _sensor_report(doc)
    report["type"] = "https://gs1.org/voc/Temperature"  # the simple context's spelling of Temperature
    _event(doc)["bizStep"] = "https://ref.gs1.org/cbv/BizStep-receiving"
    assert document_problems(doc) == []
    standard = load_example(FULL)
    _sensor_report(standard)["type"] = "https://gs1.org/voc/Temperature"
    assert document_problems(standard), "the standard context keeps GS1's schema rule"


def test_blank_node_document_id_is_valid():
    doc = load_example(FULL)
    doc["id"] = "_:document1"
    assert document_problems(doc) == []
    doc["id"] = "not a uri"
    assert [p[1] for p in document_problems(doc)] == ["id"]


@pytest.mark.parametrize("field,value", [
    ("epcList", ["urn:epc:id:sgtin:0614141.107346"]),          # serial missing
    ("epcList", ["urn:epc:id:sgtin:0614141.10734.1"]),         # company prefix + item ref != 13 digits
    ("epcList", ["https://id.gs1.org/01/10614141073465/21/2018"]),  # wrong check digit
    ("parentID", "urn:epc:id:sscc:0614141.12345"),
])
def test_identifier_outside_its_grammar_is_rejected(field, value):
    doc = load_example(FULL)
    _event(doc)[field] = value
    with pytest.raises(EpcisError, match=rf"eventList\[0\].*{field}"):
        validate_document(doc)


def test_bad_location_identifier_names_the_field():
    doc = load_example(FULL)
    _event(doc)["readPoint"]["id"] = "urn:epc:id:sgln:0012345.111.400"
    assert ("readPoint.id" in {p[1] for p in document_problems(doc)})


def test_schema_loader_refuses_keywords_it_does_not_implement():
    with pytest.raises(ValueError, match="not supported"):
        SchemaValidator({"type": "object", "dependencies": {}})
