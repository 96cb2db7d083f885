"""Capture: who may, what is refused before a job starts (per the binding), and what a job
reports when the chain refuses an event under each GS1-Capture-Error-Behaviour."""

from __future__ import annotations

import pytest

from tests.api.epcis.conftest import OUTSIDER
from tests.api.epcis.documents import commissioning, document, fresh_epc


def _post(binding, body, account="council-1", **headers):
    return binding.client.post("/epcis/capture", json=body, headers=binding.as_(account) | headers)


def _post_preview(binding, body, account="council-1"):
    return binding.client.post("/epcis/capture/preview", json=body, headers=binding.as_(account))


def test_capture_answers_202_with_the_job_location_and_records_the_event(binding):
    epc = fresh_epc()
    job = binding.capture(document(commissioning(epc)))
    assert (job["running"], job["success"], job["recorded"], job["captureErrorBehaviour"]) == (False, True, 1, "rollback")
    assert [e["epcList"] for e in binding.events(MATCH_epc=epc)] == [[epc]]


def test_capture_by_an_account_of_no_member_is_refused(binding):
    response = _post(binding, document(commissioning(fresh_epc())), account=OUTSIDER)
    assert response.status_code == 403
    assert response.json()["type"] == "epcisException:SecurityException"


def test_capture_without_sign_in_is_refused(binding):
    response = binding.client.post("/epcis/capture", json=document(commissioning(fresh_epc())))
    assert response.status_code == 401


def test_more_events_than_the_capture_limit_are_refused_with_the_limit(binding):
    response = _post(binding, document(*(commissioning(fresh_epc()) for _ in range(21))))
    assert response.status_code == 413
    assert response.json()["type"] == "epcisException:CaptureLimitExceededException"
    assert response.headers["GS1-EPCIS-Capture-Limit"] == "20"


def test_a_body_past_the_size_limit_is_refused_unread(binding):
    response = binding.client.post("/epcis/capture", content=b" " * (300 * 1024),
                                   headers=binding.as_("council-1") | {"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.headers["GS1-EPCIS-Capture-File-Size-Limit"] == str(256 * 1024)


def test_a_body_that_is_not_json_is_an_unsupported_media_type(binding):
    response = binding.client.post("/epcis/capture", content=b"<epcis/>",
                                   headers=binding.as_("council-1") | {"Content-Type": "application/xml"})
    assert (response.status_code, response.json()["type"]) == (415, "epcisException:UnsupportedMediaTypeException")


def test_an_invalid_document_is_refused_naming_the_event_and_field(binding):
    event = commissioning(fresh_epc())
    del event["eventTime"]
    response = _post(binding, document(event))
    assert (response.status_code, response.json()["type"]) == (400, "epcisException:ValidationException")
    assert "eventList[0]" in response.json()["detail"] and "eventTime" in response.json()["detail"]


def test_an_unknown_capture_error_behaviour_is_refused(binding):
    response = _post(binding, document(commissioning(fresh_epc())), **{"GS1-Capture-Error-Behaviour": "all"})
    assert (response.status_code, response.json()["type"]) == (400, "epcisException:ValidationException")


@pytest.fixture
def existing(binding):
    """An EPC the chain has already commissioned (commissioning it again is refused)."""
    epc = fresh_epc()
    assert binding.capture(document(commissioning(epc)))["success"]
    return epc


def test_proceed_records_the_clear_events_and_reports_the_refused_one(binding, existing):
    epc = fresh_epc()
    job = binding.capture(document(commissioning(epc), commissioning(existing)), behaviour="proceed")
    assert (job["running"], job["success"], job["recorded"]) == (False, False, 1)
    [error] = job["errors"]
    assert (error["type"], error["event"]) == ("epcisException:ValidationException", "eventList[1] (ObjectEvent)")
    assert existing in error["detail"] and "already exists" in error["detail"]
    assert len(binding.events(MATCH_epc=epc)) == 1


def test_rollback_records_nothing_when_one_event_is_refused(binding, existing):
    epc = fresh_epc()
    job = binding.capture(document(commissioning(epc), commissioning(existing)), behaviour="rollback")
    assert (job["running"], job["success"], job["recorded"]) == (False, False, 0)
    assert [e["event"] for e in job["errors"]] == ["eventList[1] (ObjectEvent)"]
    assert binding.events(MATCH_epc=epc) == []


def test_job_list_holds_the_members_own_jobs_only(binding):
    mine = binding.capture(document(commissioning(fresh_epc())), account="council-3")
    response = binding.get("/epcis/capture", account="council-3")
    assert [job["captureID"] for job in response.json()] == [mine["captureID"]]
    assert binding.get(f"/epcis/capture/{mine['captureID']}", account="council-2").status_code == 404


def test_the_events_of_a_query_document_are_captured(binding):
    epc = fresh_epc()
    query_document = {**document(), "type": "EPCISQueryDocument",
                      "epcisBody": {"queryResults": {"queryName": "SimpleEventQuery",
                                                     "resultsBody": {"eventList": [commissioning(epc)]}}}}
    assert binding.capture(query_document)["recorded"] == 1
    assert len(binding.events(MATCH_epc=epc)) == 1


def test_preview_says_what_would_be_recorded_and_what_refused_and_records_nothing(binding, existing):
    epc = fresh_epc()
    response = _post_preview(binding, document(commissioning(epc), commissioning(existing)))
    assert response.status_code == 200
    preview = response.json()
    assert (preview["events"], preview["recordable"]) == (2, 1)
    assert [(p["calls"], p["epcs"], p["recorded"]) for p in preview["plan"]] == [
        (["commission"], [epc], False), (["commission"], [existing], True)]
    [refused] = preview["refused"]
    assert (refused["event"], refused["epc"]) == ("eventList[1] (ObjectEvent)", existing)
    assert "already exists" in refused["reason"]
    assert binding.events(MATCH_epc=epc) == []


def test_preview_of_an_invalid_document_names_the_event_and_field(binding):
    event = commissioning(fresh_epc())
    del event["eventTime"]
    response = _post_preview(binding, document(event))
    assert (response.status_code, response.json()["type"]) == (400, "epcisException:ValidationException")
    assert "eventList[0]" in response.json()["detail"] and "eventTime" in response.json()["detail"]


def test_preview_marks_an_event_already_captured_here_as_recorded(binding, existing):
    preview = _post_preview(binding, document(commissioning(existing))).json()
    assert [p["recorded"] for p in preview["plan"]] == [True]
    assert preview["recordable"] == 0
