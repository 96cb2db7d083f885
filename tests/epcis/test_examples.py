"""Every GS1 example document parses, and exports back to an equivalent document."""

from __future__ import annotations

import json

import pytest

from pilotchain.epcis import EVENT_TYPES, diff_documents, equivalent, export_document, parse_document
from tests.epcis.conftest import EXAMPLES, load_example

IDS = [path.name for path in EXAMPLES]


def test_examples_cover_every_event_type_and_error_declarations():
    events = [e for path in EXAMPLES for e in parse_document(path).events]
    assert len(EXAMPLES) == 13
    assert {e.type for e in events} == set(EVENT_TYPES)
    assert any(e.error_declaration for e in events)


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_example_parses_with_its_header_and_events(path):
    raw = json.loads(path.read_text())
    doc = parse_document(path)
    assert len(doc.events) == len(raw["epcisBody"]["eventList"]) > 0
    assert doc.schema_version == "2.0"
    assert doc.header == {k: v for k, v in raw.items()
                          if k not in ("@context", "type", "schemaVersion", "creationDate",
                                       "epcisBody")}
    assert [e.index for e in doc.events] == list(range(len(doc.events)))
    for event, raw_event in zip(doc.events, raw["epcisBody"]["eventList"]):
        assert event.raw == raw_event
        assert event.type == raw_event["type"]
        assert len(event.hash) == 32
        assert event.identifiers(), f"{event.label} touches no item"


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_round_trip_parse_export_parse_is_equivalent(path):
    doc = parse_document(path)
    exported = doc.export()
    again = parse_document(json.dumps(exported))
    assert equivalent(doc, again, ordered=True), diff_documents(doc, again)
    assert [e.hash for e in again.events] == [e.hash for e in doc.events]
    assert exported["@context"] == doc.raw["@context"]
    assert exported["creationDate"] == doc.raw["creationDate"]


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_exported_document_is_equivalent_to_the_original_file(path):
    exported = export_document(parse_document(path).events)
    assert exported["type"] == "EPCISDocument"
    assert exported["schemaVersion"] == "2.0"
    assert equivalent(path, exported)


def test_export_merges_extension_contexts_after_the_epcis_context():
    doc = parse_document(load_example("Example-TransactionEvents-2020_07_03y.jsonld"))
    exported = export_document(doc.events, header={"id": "urn:example:doc"},
                               context=doc.context, creation_date="2024-01-01T00:00:00Z")
    assert exported["@context"] == doc.raw["@context"]
    assert exported["id"] == "urn:example:doc"
    assert exported["creationDate"] == "2024-01-01T00:00:00Z"


def test_export_of_stored_event_dicts_with_their_context_equals_export_of_events():
    doc = parse_document(load_example("Example_9.6.1-ObjectEvent.jsonld"))
    from_dicts = export_document([e.raw for e in doc.events], context=doc.context,
                                 creation_date="2024-01-01T00:00:00Z")
    from_events = export_document(doc.events, creation_date="2024-01-01T00:00:00Z")
    assert from_dicts == from_events
    assert from_events["@context"] == doc.raw["@context"]  # parsed events carry their document's context


def test_events_of_partners_binding_one_prefix_differently_keep_their_own_context():
    a, b = load_example("Example_9.6.1-ObjectEvent.jsonld"), load_example("Example_9.6.1-ObjectEvent.jsonld")
    for doc, iri, value in ((a, "https://a.example/", "alpha"), (b, "https://b.example/", "beta")):
        doc["@context"] = [doc["@context"][0], {"ex": iri}]
        doc["epcisBody"]["eventList"] = [dict(doc["epcisBody"]["eventList"][0], eventID=f"urn:example:{value}",
                                              **{"ex:note": value})]
    events = [*parse_document(a).events, *parse_document(b).events]
    exported = export_document(events)
    assert [e["@context"] for e in exported["epcisBody"]["eventList"]] == [[{"ex": "https://a.example/"}],
                                                                          [{"ex": "https://b.example/"}]]
    assert [e.hash for e in parse_document(exported).events] == [e.hash for e in events]
    unscoped = export_document([e.raw for e in events], context=[{"ex": "https://b.example/"}])
    assert [e.hash for e in parse_document(unscoped).events] != [e.hash for e in events], \
        "one shared binding changes partner a's data: the scoping matters"


def test_documents_with_reordered_events_are_equivalent_unless_order_is_required():
    raw = load_example("Example_9.6.1-ObjectEvent.jsonld")
    swapped = load_example("Example_9.6.1-ObjectEvent.jsonld")
    swapped["epcisBody"]["eventList"].reverse()
    assert equivalent(raw, swapped)
    assert not equivalent(raw, swapped, ordered=True)
    assert diff_documents(raw, swapped, ordered=True) == "same events in a different order"


def test_diff_names_the_changed_event_and_field():
    original = load_example("Example_9.6.1-ObjectEvent.jsonld")
    changed = load_example("Example_9.6.1-ObjectEvent.jsonld")
    changed["epcisBody"]["eventList"][1]["disposition"] = "damaged"
    diff = diff_documents(original, changed)
    assert not equivalent(original, changed)
    assert diff.splitlines()[0].startswith("changed: eventList[1] (ObjectEvent, eventID ni:///")
    assert '  disposition: a="in_progress" b="damaged"' in diff.splitlines()


def test_diff_lists_events_only_in_one_document():
    original = load_example("Example_9.6.1-ObjectEvent.jsonld")
    shorter = load_example("Example_9.6.1-ObjectEvent.jsonld")
    del shorter["epcisBody"]["eventList"][0]
    diff = diff_documents(original, shorter)
    assert diff.startswith("only in a: eventList[0] (ObjectEvent, eventID ni:///sha-256;df7bb3")
    assert "only in b" not in diff
