"""EPCIS documents for the binding's tests: commissioning events of fresh EPCs under GS1's
example company prefix 4012345 (registered to no entity, so any member may create items)."""

from __future__ import annotations

import itertools

from pilotchain.epcis import EPCIS_CONTEXT

_serials = itertools.count(1)


def fresh_epc() -> str:
    return f"urn:epc:id:sgtin:4012345.011111.REST-{next(_serials)}"


def commissioning(epc: str, *, biz_step: str = "commissioning") -> dict:
    return {"type": "ObjectEvent", "action": "ADD", "eventTime": "2026-11-30T10:00:00.000Z",
            "eventTimeZoneOffset": "+00:00", "epcList": [epc], "bizStep": biz_step, "disposition": "active",
            "readPoint": {"id": "urn:epc:id:sgln:4012345.00001.0"}}


def document(*events: dict) -> dict:
    return {"@context": [EPCIS_CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": "2026-11-30T10:00:00.000Z", "epcisBody": {"eventList": list(events)}}
