"""Capture → chain → index → query over GS1's example documents, and every query parameter
checked against a plain-Python reading of the captured events."""

from __future__ import annotations

import json
import pytest

from pilotchain.epcis import equivalent, parse_document
from pilotchain.epcis.identifiers import canonical
from pilotchain.toolchain import ROOT
from tests.unit.test_provenance_epcis import _seed

EXAMPLES = sorted((ROOT / "tests" / "data" / "epcis-examples").glob("*.jsonld"))  # GS1's, as in ../shared
# GS1's examples reuse eventID urn:uuid:374d95fc-… for two different events (an error declaration's
# target in ErrorDeclarationAndCorrectiveEvent, another ObjectEvent here): one repository refuses
# the second meaning, as eventIDs name one event.
REUSES_AN_EVENT_ID = "object_event_all_possible_fields"
RECORDABLE = [p.stem for p in EXAMPLES if p.stem != REUSES_AN_EVENT_ID]


@pytest.fixture(scope="module")
def captured(binding):
    """Every GS1 example captured by council-1 (the items each assumes exist seeded first, as a
    partner's earlier events would have), each job and its parsed document."""
    seeder = binding.session("council-1")
    done = {}
    for path in EXAMPLES:
        _seed(seeder, path)
        done[path.stem] = (binding.capture(json.loads(path.read_text())), parse_document(path))
        binding.get("/epcis/events", perPage=1)  # the view sees each document apart (its recordTime)
    return done


@pytest.fixture(scope="module")
def listed(binding, captured):
    """Every event the repository answers, walked page by page (7 a page)."""
    return binding.events(perPage=7)


def _as_document(events: list[dict]) -> dict:
    return {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
            "schemaVersion": "2.0", "creationDate": "2026-11-30T00:00:00Z", "epcisBody": {"eventList": events}}


def hashes(events: list[dict]) -> list[bytes]:
    """The Event Hash ID digests of query results, in order."""
    return [e.hash for e in parse_document(_as_document(events)).events] if events else []


@pytest.mark.parametrize("name", RECORDABLE)
def test_example_is_recorded_and_queried_back_equivalent(captured, listed, name):
    job, original = captured[name]
    assert (job["success"], job["errors"]) == (True, [])
    assert job["recorded"] + job["skipped"] == len(original.events)  # skipped: an earlier example had it
    mine = {e.hash for e in original.events}
    assert equivalent(original, _as_document([e for e, h in zip(listed, hashes(listed)) if h in mine]))


def test_example_reusing_a_captured_event_id_is_refused_naming_it(captured):
    job, _ = captured[REUSES_AN_EVENT_ID]
    assert (job["running"], job["success"], job["recorded"]) == (False, False, 0)
    [error] = job["errors"]
    assert error["type"] == "epcisException:ValidationException"
    assert "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8" in error["detail"] and "already captured" in error["detail"]


def test_pages_walk_every_event_once(captured, listed):
    recorded = {e.hash for name in RECORDABLE for e in captured[name][1].events}
    assert sorted(hashes(listed)) == sorted(recorded)


# --------------------------------------------------------------------------- query parameters

def _identifiers(*roles: str, classes: bool = False):
    def values(e) -> list[str]:
        return [i.uri for i in e.identifiers() if i.role in roles and i.is_class == classes]
    return values


# parameter -> the values an event has for it (the oracle); MATCH_* compare identifiers canonically
ORACLE = {
    "eventType": lambda e: [e.type],
    "EQ_action": lambda e: [e.action] if e.action else [],
    "EQ_bizStep": lambda e: [e.biz_step.name] if e.biz_step else [],
    "EQ_disposition": lambda e: [e.disposition.name] if e.disposition else [],
    "EQ_readPoint": lambda e: [e.read_point] if e.read_point else [],
    "EQ_bizLocation": lambda e: [e.biz_location] if e.biz_location else [],
    "EQ_eventID": lambda e: [e.event_id] if e.event_id else [],
    "MATCH_epc": _identifiers("epc", "child"),
    "MATCH_parentID": _identifiers("parent"),
    "MATCH_inputEPC": _identifiers("input"),
    "MATCH_outputEPC": _identifiers("output"),
    "MATCH_anyEPC": _identifiers("epc", "child", "input", "output", "parent"),
    "MATCH_epcClass": _identifiers("quantity", "child", classes=True),
    "MATCH_anyEPCClass": _identifiers("quantity", "child", "input", "output", classes=True),
}


@pytest.fixture(scope="module")
def recorded(captured):
    """The recorded events (each once), parsed."""
    return list({e.hash: e for name in RECORDABLE for e in captured[name][1].events}.values())


def _matches(parameter: str, event, value: str) -> bool:
    have = ORACLE[parameter](event)
    return any(canonical(v) == canonical(value) for v in have) if parameter.startswith("MATCH_") else value in have


@pytest.mark.parametrize("parameter", ORACLE)
def test_parameter_selects_the_events_that_have_its_value(binding, recorded, parameter):
    candidates = dict.fromkeys(v for e in recorded for v in ORACLE[parameter](e))
    value = next(v for v in candidates if 0 < sum(_matches(parameter, e, v) for e in recorded) < len(recorded))
    expected = sorted(e.hash for e in recorded if _matches(parameter, e, value))
    assert sorted(hashes(binding.events(**{parameter: value}))) == expected


@pytest.mark.parametrize("parameter", ["GE_eventTime", "LT_eventTime"])
def test_event_time_bounds_split_the_events(binding, recorded, parameter):
    times = sorted(e.event_time for e in recorded)
    middle = times[len(times) // 2]
    inside = (lambda t: t >= middle) if parameter.startswith("GE") else (lambda t: t < middle)
    expected = sorted(e.hash for e in recorded if inside(e.event_time))
    assert 0 < len(expected) < len(recorded)
    assert sorted(hashes(binding.events(**{parameter: middle.isoformat()}))) == expected


@pytest.mark.parametrize("parameter", ["GE_recordTime", "LT_recordTime"])
def test_record_time_bounds_split_the_events(binding, listed, parameter):
    stamps = sorted({e["recordTime"] for e in listed})
    middle = stamps[len(stamps) // 2]
    inside = (lambda t: t >= middle) if parameter.startswith("GE") else (lambda t: t < middle)
    expected = sorted(h for e, h in zip(listed, hashes(listed)) if inside(e["recordTime"]))
    assert 0 < len(expected) < len(listed)
    assert sorted(hashes(binding.events(**{parameter: middle}))) == expected


def test_two_filters_select_what_both_select(binding, recorded):
    expected = sorted(e.hash for e in recorded if e.type == "ObjectEvent" and e.biz_step and e.biz_step.name == "receiving")
    assert 0 < len(expected)
    found = binding.events(eventType="ObjectEvent", EQ_bizStep="urn:epcglobal:cbv:bizstep:receiving")
    assert sorted(hashes(found)) == expected


def test_pipe_delimited_values_are_alternatives(binding, recorded):
    expected = sorted(e.hash for e in recorded if e.type in ("AggregationEvent", "TransformationEvent"))
    assert sorted(hashes(binding.events(eventType="AggregationEvent|TransformationEvent"))) == expected


def test_epc_events_are_those_naming_it_in_any_role(binding, recorded):
    epc = "urn:epc:id:sgtin:0614141.107346.2018"
    expected = sorted(e.hash for e in recorded if _matches("MATCH_anyEPC", e, epc))
    assert expected
    assert sorted(hashes(binding.events(f"/epcis/epcs/{epc}/events"))) == expected


@pytest.mark.parametrize("resource, parameter", [("bizSteps", "EQ_bizStep"), ("dispositions", "EQ_disposition"),
                                                 ("readPoints", "EQ_readPoint"), ("bizLocations", "EQ_bizLocation")])
def test_vocabulary_lists_the_values_in_use_and_their_events(binding, recorded, resource, parameter):
    in_use = sorted({v for e in recorded for v in ORACLE[parameter](e)})
    listing = binding.get(f"/epcis/{resource}").json()
    assert (listing["type"], listing["member"]) == ("Collection", in_use)
    value = in_use[0]
    expected = sorted(e.hash for e in recorded if value in ORACLE[parameter](e))
    assert sorted(hashes(binding.events(f"/epcis/{resource}/{value}/events"))) == expected


def test_event_type_events_are_of_that_type(binding, recorded):
    expected = sorted(e.hash for e in recorded if e.type == "TransactionEvent")
    assert expected and sorted(hashes(binding.events("/epcis/eventTypes/TransactionEvent/events"))) == expected


def test_a_business_step_resource_is_found_by_any_spelling_of_its_term(binding, captured):
    assert binding.get("/epcis/bizSteps/urn:epcglobal:cbv:bizstep:receiving").json()["member"] == ["events"]
    assert binding.get("/epcis/bizSteps/https://ref.gs1.org/cbv/BizStep-destroying").status_code == 404
