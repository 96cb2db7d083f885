"""Canonical JSON (RFC 8785 style) and the event hash the chain records."""

from __future__ import annotations

import hashlib
import json

import pytest

from pilotchain.epcis import canonical_json, event_hash, parse_document
from pilotchain.epcis.hashid import prehash_string
from pilotchain.epcis.canonical import CanonicalJsonError, load_json
from tests.epcis.conftest import EXAMPLES, load_example

ASSOCIATION_CANONICAL = (
    '{"action":"ADD","bizStep":"assembling","childEPCs":["urn:epc:id:giai:4000001.12345"],'
    '"eventID":"ni:///sha-256;025ac144187a8c5e14caf4d1cfa69250a33dc59a5bc42a68d31b1b5e55a3f15a'
    '?ver=CBV2.0","eventTime":"2019-11-01T14:00:00.000+01:00","eventTimeZoneOffset":"+01:00",'
    '"parentID":"urn:epc:id:grai:4012345.55555.987",'
    '"readPoint":{"id":"urn:epc:id:sgln:4012345.00001.0"},"type":"AssociationEvent"}'
)
# Pinned: the digest of the event's GS1 Event Hash ID, the bytes32 the chain records (the eventID
# GS1 gave this example is the Event Hash ID of an earlier draft of the event).
ASSOCIATION_HASH_ID = "ni:///sha-256;39141606ab0b3f7839735303d670b16acdd6faf573d27564ebb3f76ad23e4ff7?ver=CBV2.0"
ASSOCIATION_HASH = "0x39141606ab0b3f7839735303d670b16acdd6faf573d27564ebb3f76ad23e4ff7"


def _reordered(value):
    """The same JSON value with every object's keys in reverse order."""
    if isinstance(value, dict):
        return {k: _reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value


def test_canonical_form_of_a_gs1_event_is_sorted_and_compact():
    event = parse_document(load_example("AssociationEvent-a.jsonld")).events[0]
    assert event.canonical == ASSOCIATION_CANONICAL.encode()


def test_event_hash_is_the_digest_of_the_event_hash_id():
    event = parse_document(load_example("AssociationEvent-a.jsonld")).events[0]
    assert event.hash_id == ASSOCIATION_HASH_ID
    assert "0x" + event.hash.hex() == ASSOCIATION_HASH
    assert event_hash(event.raw) == event.hash == event_hash(event)
    independent = hashlib.sha256(prehash_string(event.raw).encode()).hexdigest()
    assert "0x" + independent == ASSOCIATION_HASH


def test_event_hash_ignores_surface_form():
    raw = load_example("AssociationEvent-a.jsonld")["epcisBody"]["eventList"][0]
    rewritten = dict(raw, eventTime="2019-11-01T13:00:00Z", parentID="https://example.com/8003/04012345555554987",
                     bizStep="https://ref.gs1.org/cbv/BizStep-assembling")
    assert event_hash(rewritten) == event_hash(raw)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_hash_is_stable_under_key_order_and_whitespace(path):
    raw = json.loads(path.read_text())
    rewritten = json.dumps(_reordered(raw), indent=7, ensure_ascii=True)
    original, reformatted = parse_document(path), parse_document(rewritten)
    assert [e.hash for e in reformatted.events] == [e.hash for e in original.events]
    assert [e.canonical for e in reformatted.events] == [e.canonical for e in original.events]


def test_different_content_gives_a_different_hash():
    raw = load_example("AssociationEvent-a.jsonld")["epcisBody"]["eventList"][0]
    changed = dict(raw, action="DELETE")
    assert event_hash(changed) != event_hash(raw)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (200.0, "200"),
        (200, "200"),
        (200.5, "200.5"),
        (-0.0, "0"),
        (0.001, "0.001"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123456789.125, "123456789.125"),
        (-2.5e30, "-2.5e+30"),
        (0.1 + 0.2, "0.30000000000000004"),
    ],
)
def test_numbers_are_written_as_ecmascript_prints_them(value, expected):
    assert canonical_json(value) == expected.encode()


def test_strings_use_minimal_escapes_and_utf8():
    assert canonical_json("é\u20ac😀\n\"\\\x01") == '"é€😀\\n\\"\\\\\\u0001"'.encode()


def test_keys_sort_by_utf16_code_units():
    # U+1F600 is D83D DE00 in UTF-16, so it sorts before U+FB01 (RFC 8785 section 3.2.3).
    assert canonical_json({"\ufb01": 1, "\U0001f600": 2, "a": 3}) == (
        '{"a":3,"\U0001f600":2,"\ufb01":1}'.encode()
    )


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {1: "x"}, {"s": {1, 2}}, "\ud800"])
def test_values_without_a_canonical_form_are_rejected(value):
    with pytest.raises(CanonicalJsonError):
        canonical_json(value)


@pytest.mark.parametrize("text", ['{"a": 1, "a": 2}', '{"q": NaN}', '{"q": Infinity}', "{"])
def test_strict_loading_rejects_ambiguous_json(text):
    with pytest.raises(CanonicalJsonError):
        load_json(text)
