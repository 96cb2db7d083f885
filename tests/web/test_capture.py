"""Capturing an EPCIS document from the page: the dry-run preview says what will be recorded and
what cannot be, and why; the capture job then records what it can."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from pilotchain.epcis import EPCIS_CONTEXT
from tests.web.conftest import sign_in

MINE = "urn:epc:id:sgtin:4012345.011111.WEB-1"  # GS1's example prefix, registered to no entity
THEIRS = "urn:epc:id:sgtin:6901234.077777.WEB-2"  # the prefix the council registered to entity 2


def _commissioning(epc: str) -> dict:
    return {"type": "ObjectEvent", "action": "ADD", "eventTime": "2026-11-30T10:00:00.000Z",
            "eventTimeZoneOffset": "+08:00", "epcList": [epc], "bizStep": "commissioning", "disposition": "active",
            "readPoint": {"id": "urn:epc:id:sgln:4012345.00001.0"}}


def test_member_previews_a_document_then_captures_what_the_chain_accepts(page, console_url, network, tmp_path):
    upload = tmp_path / "commissioning.jsonld"
    upload.write_text(json.dumps({"@context": [EPCIS_CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
                                  "creationDate": "2026-11-30T10:00:00.000Z",
                                  "epcisBody": {"eventList": [_commissioning(MINE), _commissioning(THEIRS)]}}))
    sign_in(page, console_url, network, "council-1")
    page.get_by_role("link", name="Capture").click()
    page.get_by_label("EPCIS 2.0 document (JSON or JSON-LD)").set_input_files(upload)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("capture-summary")).to_have_text("1 of 2 events can be recorded now.")
    expect(page.get_by_test_id("capture-record")).to_contain_text(f"eventList[0] (ObjectEvent): commission — {MINE}")
    expect(page.get_by_test_id("capture-refused")).to_contain_text(
        f"eventList[1] (ObjectEvent): {THEIRS} is under company prefix 6901234, which belongs to entity 2")
    page.get_by_label("If an event cannot be recorded").select_option(label="record the others")
    page.get_by_role("button", name="Capture", exact=True).click()
    expect(page.get_by_test_id("capture-status")).to_contain_text("finished with errors: 1 of 2 events recorded",
                                                                  timeout=20_000)
