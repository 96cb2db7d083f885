"""The public endpoints: entities, proposals, items, recalls, status, stats, deployment — their
filters, pagination and problem bodies."""

from __future__ import annotations

import re
import shutil

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from pilotchain.api import create_app
from pilotchain.epcis.codes import item_id
from pilotchain.epcis.identifiers import canonical
from pilotchain.indexer import schema as s
from tests.api.conftest import CELLS, GRANTEE, OWNER, PACK, REGULATOR, VIN, settings
from tests.indexer.conftest import HOSPITAL

API = "/api/v1"


def _hex(uri: str) -> str:
    return "0x" + item_id(uri).hex()


def walk(client, path: str, limit: int, **params) -> list[dict]:
    """Every row of a list endpoint, page by page."""
    rows, cursor, pages = [], None, 0
    while True:
        answer = client.get(path, params={**params, "limit": limit, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert len(page["items"]) <= limit
        rows += page["items"]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            return rows


# ------------------------------------------------------------------ entities


def test_entities_list_every_member_with_kind_city_and_finality(client):
    entities = client.get(f"{API}/entities").json()["items"]
    assert [e["entity_id"] for e in entities] == [1, 2, 3, 4, 5, 6]
    regulator = entities[REGULATOR - 1]
    assert (regulator["kind"], regulator["status"], regulator["council"]) == ("regulator", "active", True)
    assert all(e["time"].endswith("Z") and e["block"] > 0 for e in entities)
    assert all(e["final"] for e in entities[:5])  # the founders, admitted at deployment


@pytest.mark.parametrize("params, expected", [
    ({"kind": "hospital"}, [6]),
    ({"kind": "6"}, [4]),
    ({"status": "suspended"}, [6]),
    ({"city": "beijing", "status": "active"}, [1, 4, 5]),
    ({"name": "TEST hosp"}, [6]),
])
def test_entities_filter_by_kind_status_city_and_name(client, params, expected):
    assert [e["entity_id"] for e in client.get(f"{API}/entities", params=params).json()["items"]] == expected


def test_an_unknown_entity_kind_is_a_problem_naming_the_parameter(client):
    answer = client.get(f"{API}/entities", params={"kind": "spaceport"})
    assert answer.status_code == 400 and answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["type"] == "urn:pilotchain:problem:bad-parameter" and body["parameter"] == "kind"
    assert "hospital" in body["detail"]


def test_entity_detail_has_accounts_status_history_and_shared_assets_without_private_fields(client, world):
    hospital = client.get(f"{API}/entities/{world['hospital']}").json()
    assert hospital["name"] == HOSPITAL.name
    assert [(a["account"], a["role"], a["active"]) for a in hospital["accounts"]] == [(HOSPITAL.admin, "admin", True)]
    assert [h["status"] for h in hospital["status_history"]] == ["active", "suspended"]
    owner = client.get(f"{API}/entities/{OWNER}").json()
    assert [a["asset_id"] for a in owner["assets"]] == [world["asset"]]
    assert "locator" not in owner["assets"][0] and "content_hash" not in owner["assets"][0]


def test_an_unknown_entity_is_a_404_problem(client):
    answer = client.get(f"{API}/entities/999")
    assert answer.status_code == 404 and answer.json()["type"] == "urn:pilotchain:problem:unknown-entity"


def test_a_non_numeric_entity_id_is_a_422_problem(client):
    answer = client.get(f"{API}/entities/first")
    assert answer.status_code == 422 and answer.json()["type"] == "urn:pilotchain:problem:invalid-request"


# ------------------------------------------------------------------ pagination


def test_a_cursor_walk_returns_every_entity_exactly_once(client):
    assert [e["entity_id"] for e in walk(client, f"{API}/entities", 4)] == [1, 2, 3, 4, 5, 6]


def test_a_cursor_walk_of_an_item_history_returns_every_row_once_in_chain_order(client):
    whole = client.get(f"{API}/items/{CELLS}/history", params={"limit": 500}).json()["items"]
    walked = walk(client, f"{API}/items/{CELLS}/history", 1)
    assert walked == whole and len(whole) >= 4
    order = [(r["block"], r["log_index"]) for r in walked]
    assert order == sorted(set(order))


def test_a_limit_above_500_is_a_422_problem(client):
    answer = client.get(f"{API}/entities", params={"limit": 501})
    assert answer.status_code == 422 and "limit" in answer.json()["detail"]


def test_a_forged_cursor_is_a_400_problem(client):
    answer = client.get(f"{API}/entities", params={"cursor": "not-a-cursor"})
    assert answer.status_code == 400 and answer.json()["type"] == "urn:pilotchain:problem:bad-cursor"


# ------------------------------------------------------------------ proposals


def test_proposals_filter_by_state(client):
    executed = client.get(f"{API}/proposals", params={"state": "executed"}).json()["items"]
    assert [(p["kind"], p["state"]) for p in executed] == [
        ("admit", "executed"), ("suspend", "executed"), ("call", "executed"), ("call", "executed")]
    assert client.get(f"{API}/proposals", params={"state": "open"}).json()["items"] == []


def test_executed_proposals_say_when_they_were_executed(client):
    executed = client.get(f"{API}/proposals", params={"state": "executed"}).json()["items"]
    times = [p["executed_at"] for p in executed]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", when) for when in times)
    assert all(p["time"] <= p["executed_at"] for p in executed)


def test_an_unknown_proposal_state_is_a_422_problem(client):
    answer = client.get(f"{API}/proposals", params={"state": "rejected"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["location"] == "query.state"


def test_proposal_detail_has_the_tally_with_the_electorate_from_the_chain_and_the_votes(client):
    proposal = client.get(f"{API}/proposals/1").json()
    tally = proposal["tally"]
    assert (tally["yes"], tally["no"], tally["electorate"], tally["passed"]) == (3, 0, 5, True)
    assert 1 <= tally["threshold"] <= tally["electorate"] and tally["deadline"] == proposal["deadline"]
    assert [(v["entity_id"], v["vote"]) for v in proposal["votes"]] == [(1, "yes"), (2, "yes"), (3, "yes")]


# ------------------------------------------------------------------ items


@pytest.mark.parametrize("params, expected", [
    ({"status": "recalled"}, {CELLS, VIN}),
    ({"owner": OWNER}, {CELLS}),
    ({"custodian": GRANTEE, "status": "active"}, {PACK}),
])
def test_items_filter_by_status_owner_and_custodian(client, params, expected):
    found = {i["item_id"] for i in client.get(f"{API}/items", params=params).json()["items"]}
    assert found == {_hex(u) for u in expected}


def test_an_item_is_found_by_epc_urn_and_by_its_0x_id(client):
    by_urn = client.get(f"{API}/items/{CELLS}").json()
    assert by_urn == client.get(f"{API}/items/{_hex(CELLS).upper().replace('0X', '0x')}").json()
    assert (by_urn["unit"], by_urn["lot"], by_urn["status"], by_urn["owner"]) == ("H87", True, "recalled", OWNER)


def test_an_item_is_found_by_its_gs1_digital_link_under_a_registered_company_prefix(client):
    link = canonical(PACK).replace("https://id.gs1.org", "https://example.com")
    assert client.get(f"{API}/items/{link}").json()["item_id"] == _hex(PACK)


def test_a_digital_link_under_a_removed_company_prefix_is_not_resolved_to_the_item(client):
    answer = client.get(f"{API}/items/{canonical(CELLS)}")
    assert answer.status_code == 404 and answer.json()["item_id"] != _hex(CELLS)


def test_a_malformed_item_id_is_a_400_problem(client):
    answer = client.get(f"{API}/items/not-an-epc")
    assert answer.status_code == 400 and answer.json()["type"] == "urn:pilotchain:problem:bad-item-id"


def test_an_unknown_item_is_a_404_problem_with_its_id(client):
    unknown = "urn:epc:id:sgtin:6901234.055555.NOPE"
    body = client.get(f"{API}/items/{unknown}/history").json()
    assert body["status"] == 404 and body["item_id"] == _hex(unknown)


def test_item_history_merges_events_custody_recalls_and_acknowledgements(client):
    kinds = [(r["kind"], r.get("event") or r.get("action")) for r in client.get(f"{API}/items/{CELLS}/history").json()["items"]]
    assert kinds[0] == ("event", "Commissioned")
    assert {("custody", "offered"), ("custody", "accepted"), ("recall", None)} <= set(kinds)


def test_trace_backward_reaches_the_cells_inside_the_vehicle(client):
    trace = client.get(f"{API}/items/{VIN}/trace", params={"direction": "backward", "depth": 3}).json()
    assert {(e["source"], e["target"], e["kind"], e["depth"]) for e in trace["edges"]} == {
        (_hex(PACK), _hex(VIN), "pack", 1), (_hex(CELLS), _hex(PACK), "transformation", 2)}
    assert [i["item_id"] for i in trace["items"]] == [_hex(PACK), _hex(CELLS)]


def test_trace_forward_stops_at_the_depth_asked(client):
    one = client.get(f"{API}/items/{CELLS}/trace", params={"direction": "forward", "depth": 1}).json()
    assert [(e["target"], e["depth"]) for e in one["edges"]] == [(_hex(PACK), 1)]
    two = client.get(f"{API}/items/{CELLS}/trace", params={"direction": "forward", "depth": 2}).json()
    assert [e["target"] for e in two["edges"]] == [_hex(PACK), _hex(VIN)]


def test_a_trace_direction_other_than_forward_or_backward_is_a_422_problem(client):
    assert client.get(f"{API}/items/{CELLS}/trace", params={"direction": "sideways"}).status_code == 422


def test_verify_reads_the_chain_and_matches_the_index_hash_chain(client, w3):
    result = client.get(f"{API}/items/{PACK}/verify").json()
    assert result["match"] is True
    assert result["chain"] == {**result["index"], "status": result["chain"]["status"]}
    assert result["chain"]["event_count"] >= 4 and result["chain"]["head"] != "0x" + "00" * 20


def test_verify_reports_a_mismatch_when_the_index_misses_an_event(index_url, w3, deployment, tmp_path):
    copy = tmp_path / "tampered.sqlite"
    shutil.copy(sa.make_url(index_url).database, copy)
    with TestClient(create_app(settings(f"sqlite:///{copy}", w3, deployment))) as tampered:
        with tampered.app.state.api.engine.begin() as conn:
            conn.execute(s.events.delete().where(s.events.c.event == "RecallWithdrawn"))
        result = tampered.get(f"{API}/items/{PACK}/verify").json()
    assert result["match"] is False
    assert result["index"]["event_count"] == result["chain"]["event_count"] - 1


def test_recalls_show_acknowledgement_progress_and_withdrawal(client):
    recalls = {r["item_id"]: r for r in client.get(f"{API}/recalls").json()["items"]}
    cells, pack = recalls[_hex(CELLS)], recalls[_hex(PACK)]
    assert (cells["affected"], cells["acknowledged"], cells["withdrawn"]) == (2, 1, False)
    assert (pack["withdrawn"], pack["withdrawn_by"]) == (True, REGULATOR)
    standing = client.get(f"{API}/recalls", params={"withdrawn": False}).json()["items"]
    assert [r["item_id"] for r in standing] == [_hex(CELLS)]


# ------------------------------------------------------------------ status, stats, deployment


def test_chain_status_names_the_head_and_who_sealed_the_recent_blocks(client, w3):
    status = client.get(f"{API}/status/chain").json()
    assert status["chain_id"] == w3.eth.chain_id and status["head"] >= w3.eth.block_number - 1
    assert sum(v["sealed"] for v in status["validators"]) == status["recent_blocks"] > 0
    assert status["validators"][0]["address"] == w3.eth.get_block("latest")["miner"]


def test_index_status_says_the_index_is_at_the_head(client, w3):
    status = client.get(f"{API}/status/index").json()
    assert status["lag"] == status["head"] - status["indexed_to"] and status["indexed_to"] <= w3.eth.block_number
    assert status["final_height"] == status["indexed_to"] - 1 and status["events"] > 40


def test_member_stats_count_by_kind_and_status(client):
    stats = client.get(f"{API}/stats/members").json()
    assert stats["total"] == 6 and stats["by_status"] == {"active": 5, "suspended": 1}
    assert stats["by_kind"]["regulator"] == 1


def test_per_day_stats_count_the_events_of_each_day(client):
    [today] = client.get(f"{API}/stats/events-per-day").json()  # cells and vehicle commissioned, two recalls
    assert today["by_event"]["Commissioned"] == 2 and today["by_event"]["Recalled"] == 2 and today["total"] == sum(today["by_event"].values())
    [sharing] = client.get(f"{API}/stats/sharing-per-day").json()
    assert (sharing["by_event"]["RequestOpened"], sharing["by_event"]["AccessRecorded"]) == (1, 1)


def test_recall_and_validator_stats(client):
    assert client.get(f"{API}/stats/recalls").json() == {"standing": 1, "withdrawn": 1, "acknowledgements": 1,
                                                          "released": 0}
    validators = client.get(f"{API}/stats/validators").json()
    assert sum(validators["sealed"].values()) == validators["blocks"]


def test_an_unknown_stats_name_is_a_404_problem(client):
    assert client.get(f"{API}/stats/everything").json()["status"] == 404


def test_deployment_is_the_hardhat_export_shape_with_this_servers_rpc_pass_through(client, deployment):
    exported = client.get(f"{API}/deployment").json()
    assert exported["chainId"] == deployment.chain_id and exported["rpc"] == f"{API}/rpc"
    assert {n: c["address"] for n, c in exported["contracts"].items()} == deployment.addresses
    assert any(e.get("name") == "Commissioned" for e in exported["contracts"]["Provenance"]["abi"])


def test_the_openapi_document_lists_every_endpoint(client):
    paths = set(client.get(f"{API}/openapi.json").json()["paths"])
    assert {f"{API}/entities", f"{API}/items/{{epc}}/verify", f"{API}/auth/siwe", f"{API}/grants",
            f"{API}/status/chain", f"{API}/deployment"} <= paths
    assert client.get(f"{API}/docs").status_code == 200
