"""Data-sharing rows: visible to their parties and to regulators, hidden from everyone else."""

from __future__ import annotations

import pytest

from tests.api.conftest import GRANTEE, OUTSIDER, OWNER, REGULATOR

API = "/api/v1"

# entity -> the rows of each list it sees: the asset's owner sees everything about it, the
# grantee its grant, receipt and the asset, the requester (OUTSIDER) only its request, the
# regulator everything
VISIBLE = {
    "assets": {OWNER: 1, GRANTEE: 1, OUTSIDER: 0, REGULATOR: 1},
    "requests": {OWNER: 1, GRANTEE: 0, OUTSIDER: 1, REGULATOR: 1},
    "grants": {OWNER: 1, GRANTEE: 1, OUTSIDER: 0, REGULATOR: 1},
    "receipts": {OWNER: 1, GRANTEE: 1, OUTSIDER: 0, REGULATOR: 1},
}


@pytest.mark.parametrize("entity", [OWNER, GRANTEE, OUTSIDER, REGULATOR])
@pytest.mark.parametrize("resource", list(VISIBLE))
def test_lists_hold_only_the_rows_of_the_parties_and_all_rows_for_a_regulator(client, tokens, resource, entity):
    answer = client.get(f"{API}/{resource}", headers=tokens[entity])
    assert answer.status_code == 200
    assert len(answer.json()["items"]) == VISIBLE[resource][entity]


@pytest.mark.parametrize("resource", list(VISIBLE))
def test_lists_need_a_sign_in(client, resource):
    assert client.get(f"{API}/{resource}").status_code == 401


@pytest.mark.parametrize("entity, status", [(OWNER, 200), (GRANTEE, 200), (REGULATOR, 200), (OUTSIDER, 403)])
def test_an_asset_with_its_locator_is_shown_to_owner_grantee_and_regulator_only(client, tokens, world, entity, status):
    answer = client.get(f"{API}/assets/{world['asset']}", headers=tokens[entity])
    assert answer.status_code == status
    if status == 200:
        assert answer.json()["locator"] == "https://gw.example/ledger"
    else:
        assert answer.json()["type"] == "urn:pilotchain:problem:not-a-party" and "locator" not in answer.text


@pytest.mark.parametrize("entity, status", [(OWNER, 200), (OUTSIDER, 200), (REGULATOR, 200), (GRANTEE, 403)])
def test_a_request_is_shown_to_owner_requester_and_regulator_only(client, tokens, world, entity, status):
    answer = client.get(f"{API}/requests/{world['request']}", headers=tokens[entity])
    assert answer.status_code == status


def test_an_unknown_asset_is_a_404_problem(client, tokens):
    assert client.get(f"{API}/assets/999", headers=tokens[REGULATOR]).json()["type"] == "urn:pilotchain:problem:unknown-asset"


@pytest.mark.parametrize("params, found", [
    ({"asset": 1}, 1), ({"asset": 2}, 0),
    ({"grantee": GRANTEE}, 1), ({"grantee": OUTSIDER}, 0),
    ({"purpose": "research"}, 1), ({"purpose": "treatment"}, 0), ({"purpose": "0"}, 1),
])
def test_grants_filter_by_asset_grantee_purpose_and_validity(client, tokens, params, found):
    assert len(client.get(f"{API}/grants", params=params, headers=tokens[REGULATOR]).json()["items"]) == found


def test_grants_filter_by_the_time_they_are_valid_at(client, tokens):
    [grant] = client.get(f"{API}/grants", headers=tokens[REGULATOR]).json()["items"]
    valid_at = [grant["valid_from"] - 1, grant["valid_from"], grant["valid_until"] - 1, grant["valid_until"]]
    counts = [len(client.get(f"{API}/grants", params={"valid_at": t}, headers=tokens[REGULATOR]).json()["items"])
              for t in valid_at]
    assert counts == [0, 1, 1, 0]


def test_an_unknown_purpose_is_a_400_problem(client, tokens):
    answer = client.get(f"{API}/grants", params={"purpose": "curiosity"}, headers=tokens[REGULATOR])
    assert answer.status_code == 400 and answer.json()["parameter"] == "purpose"


def test_receipts_filter_by_asset(client, tokens, world):
    assert len(client.get(f"{API}/receipts", params={"asset": world["asset"]}, headers=tokens[OWNER]).json()["items"]) == 1
    assert client.get(f"{API}/receipts", params={"asset": 999}, headers=tokens[OWNER]).json()["items"] == []
