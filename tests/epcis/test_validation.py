"""Malformed or unsupported EPCIS is rejected with a message naming the event and the field."""

from __future__ import annotations

import pytest

from pilotchain.epcis import EpcisError, parse_document
from pilotchain.errors import PilotchainError
from tests.epcis.conftest import EXAMPLES_DIR, load_example

OBJECT = "Example_9.6.1-ObjectEvent.jsonld"
OBJECT_ID = "ni:///sha-256;00e1e6eba3a7cc6125be4793a631f0af50f8322e0ab5f2c0bab994a11cec1d79?ver=CBV2.0"
QUANTITY = "Example_9.6.2-ObjectEvent.jsonld"
AGGREGATION = "Example_9.6.3-AggregationEvent.jsonld"
TRANSFORMATION = "Example_9.6.4-TransformationEvent.jsonld"
TRANSACTIONS = "Example-TransactionEvents-2020_07_03y.jsonld"
ASSOCIATION = "AssociationEvent-a.jsonld"
ERRORS = "ErrorDeclarationAndCorrectiveEvent.jsonld"
SENSORS = "object_event_all_possible_fields.jsonld"


def _set(index, field, value):
    def edit(doc):
        doc["epcisBody"]["eventList"][index][field] = value
    return edit


def _drop(index, *fields):
    def edit(doc):
        for field in fields:
            del doc["epcisBody"]["eventList"][index][field]
    return edit


def _nested(index, edit_event):
    def edit(doc):
        edit_event(doc["epcisBody"]["eventList"][index])
    return edit


CASES = [
    (OBJECT, _set(1, "eventTime", "yesterday"),
     f"eventList[1] (ObjectEvent, eventID {OBJECT_ID}): eventTime: "
     '"yesterday" is not a valid date-time'),
    (QUANTITY, _set(0, "eventTime", "2013-06-08T14:58:56"),
     "eventList[0] (ObjectEvent, eventID ni:///sha-256;a98f08ae6ac4de3482054314d637c07010b448d3802dccb028a06aafcc6a4b10?ver=CBV2.0): "
     'eventTime: "2013-06-08T14:58:56" is not a valid date-time'),
    (TRANSACTIONS, _drop(0, "eventTime"),
     "eventList[0] (TransactionEvent): eventTime: required"),
    (TRANSACTIONS, _set(1, "eventTimeZoneOffset", "+2"),
     "eventList[1] (TransactionEvent): eventTimeZoneOffset: \"+2\" does not match "
     "^([+]|[-])((0[0-9]|1[0-3]):([0-5][0-9])|14:00)$"),
    (TRANSACTIONS, _drop(1, "eventTimeZoneOffset"),
     "eventList[1] (TransactionEvent): eventTimeZoneOffset: required"),
    (TRANSACTIONS, _drop(0, "action"), "eventList[0] (TransactionEvent): action: required"),
    (TRANSACTIONS, _set(0, "bizTransactionList", []),
     "eventList[0] (TransactionEvent): bizTransactionList: needs at least 1 item(s)"),
    (TRANSACTIONS, _set(1, "action", "MOVE"),
     "eventList[1] (TransactionEvent): action: \"MOVE\" is not one of [\"OBSERVE\", \"ADD\", \"DELETE\"]"),
    (OBJECT, _drop(0, "epcList"),
     "eventList[0] (ObjectEvent, eventID ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0): "
     "sensorElementList: required"),  # an ObjectEvent without objects carries sensor data
    (OBJECT, _set(1, "epcList", "urn:epc:id:sgtin:0614141.107346.2018"),
     f"eventList[1] (ObjectEvent, eventID {OBJECT_ID}): epcList: must be of type array, not string (and 1 more problem(s))"),
    (OBJECT, _set(1, "epcList", ["urn:epc:id:sgtin:0614141.107346.2018", "not an epc"]),
     f"eventList[1] (ObjectEvent, eventID {OBJECT_ID}): epcList[1]: \"not an epc\" is not a valid uri (and 1 more problem(s))"),
    (OBJECT, _set(1, "epclist", []),
     f"eventList[1] (ObjectEvent, eventID {OBJECT_ID}): epclist: unknown field "
     "(a field of another kind of object, or an extension without a namespace prefix)"),
    (OBJECT, _set(1, "bizStep", "shiping"),
     f"eventList[1] (ObjectEvent, eventID {OBJECT_ID}): bizStep: "
     '"shiping" is not a valid uri'),
    (OBJECT, _set(1, "disposition", "urn:epcglobal:cbv:disp:lost"),
     f"eventList[1] (ObjectEvent, eventID {OBJECT_ID}): disposition: "
     '"urn:epcglobal:cbv:disp:lost" does not match ^(?!(urn:epcglobal:cbv|https?:\\/\\/ns\\.gs1\\.org/cbv\\/))'),
    (OBJECT, _set(1, "readPoint", "urn:epc:id:sgln:0012345.11111.400"),
     f"eventList[1] (ObjectEvent, eventID {OBJECT_ID}): readPoint: must be of type object, not string"),
    (OBJECT, _set(1, "bizLocation", {}),
     f"eventList[1] (ObjectEvent, eventID {OBJECT_ID}): bizLocation.id: required"),
    (OBJECT, _nested(1, lambda e: e["bizTransactionList"][1].pop("bizTransaction")),
     f"eventList[1] (ObjectEvent, eventID {OBJECT_ID}): bizTransactionList[1].bizTransaction: required"),
    (QUANTITY, _nested(0, lambda e: e["quantityList"][0].update(quantity="200")),
     "eventList[0] (ObjectEvent, eventID ni:///sha-256;a98f08ae6ac4de3482054314d637c07010b448d3802dccb028a06aafcc6a4b10?ver=CBV2.0): "
     "quantityList[0].quantity: must be of type number, not string"),
    (QUANTITY, _nested(0, lambda e: e["sourceList"][1].pop("type")),
     "eventList[0] (ObjectEvent, eventID ni:///sha-256;a98f08ae6ac4de3482054314d637c07010b448d3802dccb028a06aafcc6a4b10?ver=CBV2.0): "
     "sourceList[1].type: required"),
    (AGGREGATION, _nested(0, lambda e: (e.update(action="ADD"), e.pop("parentID"))),
     "eventList[0] (AggregationEvent, eventID ni:///sha-256;87b5f18a69993f0052046d4687dfacdf48f7c988cfabda2819688c86b4066a49?ver=CBV2.0): "
     "parentID: required for AggregationEvent ADD"),
    (AGGREGATION, _drop(0, "childEPCs", "childQuantityList"),
     "eventList[0] (AggregationEvent, eventID ni:///sha-256;87b5f18a69993f0052046d4687dfacdf48f7c988cfabda2819688c86b4066a49?ver=CBV2.0): "
     "childQuantityList: required"),
    (ASSOCIATION, _drop(0, "parentID"),
     "eventList[0] (AssociationEvent, eventID ni:///sha-256;025ac144187a8c5e14caf4d1cfa69250a33dc59a5bc42a68d31b1b5e55a3f15a?ver=CBV2.0): "
     "parentID: required"),
    (TRANSFORMATION, _drop(0, "outputEPCList"),
     "eventList[0] (TransformationEvent, eventID ni:///sha-256;e65c3a997e77f34b58306da7a82ab0fc91c7820013287700f0b50345e5795b97?ver=CBV2.0): "
     "outputQuantityList: required"),
    (TRANSFORMATION, _set(0, "action", "ADD"),
     "eventList[0] (TransformationEvent, eventID ni:///sha-256;e65c3a997e77f34b58306da7a82ab0fc91c7820013287700f0b50345e5795b97?ver=CBV2.0): "
     "action: unknown field (a field of another kind of object, or an extension without a namespace prefix)"),
    (ERRORS, _nested(0, lambda e: e["errorDeclaration"].update(declarationTime="2020-01-15")),
     "eventList[0] (TransformationEvent, eventID urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8): "
     'errorDeclaration.declarationTime: "2020-01-15" is not a valid date-time'),
    (ERRORS, _set(1, "eventID", "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8"),
     "eventList[1] (TransformationEvent, eventID urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8): "
     "eventID: eventList[0] has the same eventID but is a different event"),
    (SENSORS, _nested(0, lambda e: e["sensorElementList"][0].pop("sensorReport")),
     "eventList[0] (ObjectEvent, eventID urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8): "
     "sensorElementList[0].sensorReport: required"),
    (SENSORS, _nested(0, lambda e: e["persistentDisposition"]["set"].append("lost")),
     "eventList[0] (ObjectEvent, eventID urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8): "
     'persistentDisposition.set[1]: "lost" is not a valid uri'),
    (OBJECT, _set(0, "type", "SensorEvent"),
     "eventList[0] (SensorEvent, eventID ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0): "
     'type: "SensorEvent" is not a valid uri'),
    (OBJECT, _nested(1, lambda e: e.update({"example:value": float("nan")})),
     f"eventList[1] (ObjectEvent, eventID {OBJECT_ID}): $.example:value: nan is not a JSON number"),
]


@pytest.mark.parametrize(("example", "edit", "message"), CASES,
                         ids=[c[2].split(": ")[1] + "-" + c[0][:20] for c in CASES])
def test_malformed_event_is_rejected_naming_event_and_field(example, edit, message):
    doc = load_example(example)
    edit(doc)
    with pytest.raises(EpcisError) as raised:
        parse_document(doc)
    assert str(raised.value) == message
    assert isinstance(raised.value, PilotchainError)


def test_error_carries_where_field_and_reason_separately():
    doc = load_example(OBJECT)
    doc["epcisBody"]["eventList"][1]["eventTime"] = "yesterday"
    with pytest.raises(EpcisError) as raised:
        parse_document(doc)
    assert raised.value.where == f"eventList[1] (ObjectEvent, eventID {OBJECT_ID})"
    assert raised.value.field == "eventTime"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update({"@context": ["https://example.org/other.jsonld"]}),
         "document: @context: must include the EPCIS 2.0 context "
         "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld (or GS1's simple context)"),
        (lambda d: d.pop("@context"), "document: @context: must include the EPCIS 2.0 context "
         "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld (or GS1's simple context)"),
        (lambda d: d.update(type="EPCISQueryDocument"),
         "document: type: 'EPCISQueryDocument' is not supported (only EPCISDocument)"),
        (lambda d: d.update(schemaVersion="1.2"),
         "document: schemaVersion: '1.2' is not supported (only EPCIS 2.x)"),
        (lambda d: d.pop("creationDate"), "document: creationDate: required"),
        (lambda d: d["epcisBody"].pop("eventList"), "document: epcisBody.eventList: required"),
        (lambda d: d["epcisBody"]["eventList"].append("event"),
         "eventList[2]: must be of type object, not string"),
    ],
)
def test_malformed_document_is_rejected_naming_the_field(edit, message):
    doc = load_example(OBJECT)
    edit(doc)
    with pytest.raises(EpcisError) as raised:
        parse_document(doc)
    assert str(raised.value) == message


def test_duplicate_keys_in_the_file_are_rejected_with_its_path(tmp_path):
    text = (EXAMPLES_DIR / ASSOCIATION).read_text().replace(
        '"action": "ADD",', '"action": "ADD", "action": "DELETE",')
    path = tmp_path / "dup.jsonld"
    path.write_text(text)
    with pytest.raises(EpcisError, match=r"dup\.jsonld: duplicate key 'action'"):
        parse_document(path)


def test_missing_file_is_an_epcis_error(tmp_path):
    with pytest.raises(EpcisError, match="No such file"):
        parse_document(tmp_path / "absent.jsonld")
