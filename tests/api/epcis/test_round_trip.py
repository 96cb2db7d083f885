"""Capture → chain → index → query over GS1's example documents, and every query parameter
checked against a plain-Python reading of the captured events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pilotchain.epcis import equivalent, parse_document
from tests.unit.test_provenance_epcis import _seed

EXAMPLES = sorted(Path("/work/shared/epcis-examples").glob("*.jsonld"))
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
