"""Bad query parameters answered as the binding says, discovery, named queries and a WebSocket
subscription receiving a newly captured event."""

from __future__ import annotations

import pytest
from starlette.testclient import WebSocketDenialResponse

from tests.api.epcis.documents import commissioning, document, fresh_epc


@pytest.mark.parametrize("params", [
    {"EQ_colour": "red"},  # not a parameter of the query language
    {"orderBy": "eventTime"},  # a standard parameter this repository does not answer
    {"EQ_action": "JUMP"},
    {"EQ_bizStep": "flying"},  # neither a CBV term nor a URI
    {"GE_eventTime": "yesterday"},
    {"LT_eventTime": "2026-01-01T00:00:00"},  # no time zone
    {"MATCH_epc": "not a uri"},
    {"MATCH_epc": "urn:epc:idpat:sgtin:*.107346.2018"},  # '*' only in trailing fields
    {"perPage": "0"},
    {"nextPageToken": "garbage"},
    {"GE_eventTime": "2026-01-01T00:00:00Z|2026-02-01T00:00:00Z"},  # one value only
], ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()))
def test_bad_parameter_is_a_query_parameter_exception(binding, params):
    response = binding.get("/epcis/events", **params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["type"], body["status"]) == ("epcisException:QueryParameterException", 400)
    assert next(iter(params)) in body["detail"]


def test_a_page_token_of_another_query_is_refused(binding):
    for _ in range(2):
        binding.capture(document(commissioning(fresh_epc())))
    token = binding.get("/epcis/events", perPage=1).links["next"]["url"].split("nextPageToken=")[1]
    response = binding.get("/epcis/events", perPage=1, eventType="ObjectEvent", nextPageToken=token)
    assert (response.status_code, response.json()["type"]) == (400, "epcisException:QueryParameterException")


def test_epc_pattern_matches_every_serial_of_the_product(binding):
    first, second = fresh_epc(), fresh_epc()
    binding.capture(document(commissioning(first), commissioning(second)))
    found = {e["epcList"][0] for e in binding.events(MATCH_epc="urn:epc:idpat:sgtin:4012345.011111.*")}
    assert {first, second} <= found and all(epc.startswith("urn:epc:id:sgtin:4012345.011111.") for epc in found)


def test_answers_carry_the_gs1_version_headers(binding):
    headers = binding.get("/epcis/events", perPage=1).headers
    assert (headers["GS1-EPCIS-Version"], headers["GS1-CBV-Version"]) == ("2.0.0", "2.0.0")


def test_a_client_needing_another_epcis_version_is_not_acceptable(binding):
    response = binding.client.get("/epcis/events", headers=binding.as_("council-2") | {"GS1-EPCIS-Min": "3.0.0"})
    assert (response.status_code, response.json()["type"]) == (406, "epcisException:NotAcceptableException")


def test_options_on_capture_says_methods_limits_and_error_behaviours(binding):
    response = binding.client.options("/epcis/capture")
    assert response.status_code == 204
    assert response.headers["Allow"] == "OPTIONS, GET, POST"
    assert (response.headers["GS1-EPCIS-Capture-Limit"], response.headers["GS1-Capture-Error-Behaviour"]) == ("20", "all")
    assert response.headers["GS1-EPCIS-Version"] == "2.0.0"


def test_top_level_lists_the_resources(binding):
    assert set(binding.get("/epcis/").json()["member"]) >= {"events", "eventTypes", "epcs", "bizSteps", "capture", "queries"}


def test_queries_need_a_member(binding):
    assert binding.client.get("/epcis/events").status_code == 401


# --------------------------------------------------------------------------- named queries


def test_named_query_answers_its_events_and_names_itself(binding):
    epc = fresh_epc()
    binding.capture(document(commissioning(epc)))
    created = binding.client.post("/epcis/queries", json={"name": "one-epc", "query": {"MATCH_epc": [epc]}},
                                  headers=binding.as_("council-2"))
    assert created.status_code == 201 and created.headers["Location"].endswith("/epcis/queries/one-epc")
    results = binding.get("/epcis/queries/one-epc/events").json()["epcisBody"]["queryResults"]
    assert results["queryName"] == "one-epc"
    assert [e["epcList"] for e in results["resultsBody"]["eventList"]] == [[epc]]


def test_a_second_query_of_the_same_name_is_refused(binding):
    body = {"name": "twice", "query": {"eventType": ["ObjectEvent"]}}
    assert binding.client.post("/epcis/queries", json=body, headers=binding.as_("council-2")).status_code == 201
    again = binding.client.post("/epcis/queries", json=body, headers=binding.as_("council-2"))
    assert (again.status_code, again.json()["type"]) == (409, "epcisException:ResourceAlreadyExistsException")


def test_a_named_query_with_a_bad_parameter_is_refused(binding):
    response = binding.client.post("/epcis/queries", json={"name": "bad", "query": {"EQ_action": ["JUMP"]}},
                                   headers=binding.as_("council-2"))
    assert (response.status_code, response.json()["type"]) == (400, "epcisException:QueryParameterException")


def test_only_its_creator_deletes_a_named_query(binding):
    binding.client.post("/epcis/queries", json={"name": "mine", "query": {}}, headers=binding.as_("council-2"))
    assert binding.client.delete("/epcis/queries/mine", headers=binding.as_("council-3")).status_code == 403
    assert binding.client.delete("/epcis/queries/mine", headers=binding.as_("council-2")).status_code == 204
    assert binding.get("/epcis/queries/mine").status_code == 404


# --------------------------------------------------------------------------- subscriptions


def test_stream_subscription_receives_a_newly_captured_event(binding):
    binding.client.post("/epcis/queries", json={"name": "shipping", "query": {"EQ_bizStep": ["shipping"]}},
                        headers=binding.as_("council-2"))
    epc = fresh_epc()
    with binding.client.websocket_connect("/epcis/queries/shipping/subscriptions?stream=true",
                                          headers=binding.as_("council-2")) as subscription:
        binding.capture(document(commissioning(fresh_epc()), commissioning(epc, biz_step="shipping")))
        pushed = subscription.receive_json()
    results = pushed["epcisBody"]["queryResults"]
    assert (pushed["type"], results["queryName"]) == ("EPCISQueryDocument", "shipping")
    assert results["subscriptionID"]
    assert [e["epcList"] for e in results["resultsBody"]["eventList"]] == [[epc]]


def test_subscription_without_stream_or_schedule_is_refused(binding):
    binding.client.post("/epcis/queries", json={"name": "any", "query": {}}, headers=binding.as_("council-2"))
    with pytest.raises(WebSocketDenialResponse) as denied:
        with binding.client.websocket_connect("/epcis/queries/any/events", headers=binding.as_("council-2")):
            pass
    assert denied.value.status_code == 400
    assert denied.value.json()["type"] == "epcisException:SubscriptionControlsException"


def test_schedule_fires_at_the_given_time_with_finer_fields_at_zero():
    from datetime import datetime, timezone

    from pilotchain.api.epcis.schedule import Schedule

    schedule = Schedule.parse({"hour": "1", "minute": "5"})
    after = datetime(2026, 11, 30, 1, 5, 0, tzinfo=timezone.utc)
    assert schedule.next_after(after) == datetime(2026, 12, 1, 1, 5, 0, tzinfo=timezone.utc)


def test_scheduled_subscription_reports_when_empty_if_asked(binding):
    binding.client.post("/epcis/queries", json={"name": "nothing", "query": {"EQ_bizStep": ["void_shipping"]}},
                        headers=binding.as_("council-2"))
    with binding.client.websocket_connect("/epcis/queries/nothing/events?second=0-59&reportIfEmpty=true",
                                          headers=binding.as_("council-2")) as subscription:
        pushed = subscription.receive_json()
    assert pushed["epcisBody"]["queryResults"]["resultsBody"]["eventList"] == []


def test_subscription_from_an_initial_record_time_first_sends_the_events_since(binding):
    epc = fresh_epc()
    binding.capture(document(commissioning(epc, biz_step="storing")))
    binding.client.post("/epcis/queries", json={"name": "stored", "query": {"MATCH_epc": [epc]}},
                        headers=binding.as_("council-2"))
    with binding.client.websocket_connect("/epcis/queries/stored/subscriptions?stream=true"
                                          "&initialRecordTime=2020-01-01T00:00:00Z",
                                          headers=binding.as_("council-2")) as subscription:
        pushed = subscription.receive_json()
    assert [e["epcList"] for e in pushed["epcisBody"]["queryResults"]["resultsBody"]["eventList"]] == [[epc]]
