"""SIWE sign-in (EIP-4361): who gets a session token and who is refused, and why."""

from __future__ import annotations

import time

import pytest
from eth_account import Account
from fastapi import Depends, FastAPI, WebSocket
from fastapi.testclient import TestClient

from pilotchain.api import siwe
from pilotchain.api.auth import Member, connection_member
from pilotchain.problems import Problem
from tests.api.conftest import HOST, OUTSIDER, SUSPENDED_KEY, council_key, sign, sign_in, siwe_message

API = "/api/v1"


@pytest.fixture(scope="module")
def member(network):
    return council_key(network, OUTSIDER)


def test_a_member_account_signs_in_and_gets_a_token_for_its_entity(client, member, deployment):
    answer = sign_in(client, member, deployment.chain_id)
    assert answer.status_code == 200, answer.text
    session = answer.json()
    assert (session["account"], session["entity_id"]) == (member.address, OUTSIDER)
    assert session["expires"].endswith("Z") and session["token"]
    headers = {"Authorization": f"Bearer {session['token']}"}
    assert client.get(f"{API}/requests", headers=headers).status_code == 200


def test_a_nonce_is_used_once(client, member, deployment):
    message = siwe_message(client, member, deployment.chain_id)
    body = {"message": message, "signature": sign(member, message)}
    assert client.post(f"{API}/auth/siwe", json=body).status_code == 200
    replay = client.post(f"{API}/auth/siwe", json=body)
    assert replay.status_code == 401 and "used already" in replay.json()["detail"]


def test_a_nonce_the_server_did_not_issue_is_refused(client, member, deployment):
    answer = sign_in(client, member, deployment.chain_id, nonce="madeup12345")
    assert answer.status_code == 401 and answer.json()["type"] == "urn:pilotchain:problem:siwe-refused"


def test_a_message_for_another_domain_is_refused(client, member, deployment):
    answer = sign_in(client, member, deployment.chain_id, domain="phishing.example")
    assert answer.status_code == 401 and "phishing.example" in answer.json()["detail"]


def test_a_message_for_another_chain_is_refused(client, member, deployment):
    answer = sign_in(client, member, deployment.chain_id + 1)
    assert answer.status_code == 401 and "chain" in answer.json()["detail"]


def test_an_expired_message_is_refused(client, member, deployment):
    answer = sign_in(client, member, deployment.chain_id, issued=time.time() - 600, expires=time.time() - 60)
    assert answer.status_code == 401 and "expired" in answer.json()["detail"]


def test_a_signature_by_another_key_is_refused(client, member, deployment):
    message = siwe_message(client, member, deployment.chain_id)
    stranger = Account.create()
    answer = client.post(f"{API}/auth/siwe", json={"message": message, "signature": sign(stranger, message)})
    assert answer.status_code == 401 and member.address in answer.json()["detail"]


def test_an_account_of_no_member_is_refused(client, deployment):
    answer = sign_in(client, Account.create(), deployment.chain_id)
    assert answer.status_code == 403 and answer.json()["type"] == "urn:pilotchain:problem:not-a-member"


def test_an_account_of_a_suspended_entity_is_refused(client, deployment, world):
    answer = sign_in(client, Account.from_key(SUSPENDED_KEY), deployment.chain_id)
    body = answer.json()
    assert answer.status_code == 403 and body["type"] == "urn:pilotchain:problem:entity-not-active"
    assert body["entity_id"] == world["hospital"] and "suspended" in body["detail"]


def test_a_malformed_message_is_a_400_problem(client):
    answer = client.post(f"{API}/auth/siwe", json={"message": "let me in", "signature": "0x00"})
    assert answer.status_code == 400 and answer.json()["type"] == "urn:pilotchain:problem:siwe-malformed"


def test_a_sign_in_without_a_signature_field_is_a_422_problem(client):
    answer = client.post(f"{API}/auth/siwe", json={"message": "x"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["location"] == "body.signature"


def test_a_signed_in_resource_without_a_token_is_401_with_a_bearer_challenge(client):
    answer = client.get(f"{API}/grants")
    assert answer.status_code == 401 and answer.headers["www-authenticate"].startswith("Bearer")


def test_a_tampered_token_is_refused(client, member, deployment):
    token = sign_in(client, member, deployment.chain_id).json()["token"]
    payload, mac = token.split(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + mac
    answer = client.get(f"{API}/grants", headers={"Authorization": f"Bearer {forged}"})
    assert answer.status_code == 401 and "not one this server issued" in answer.json()["detail"]


def test_an_expired_session_is_refused(client, member, deployment):
    auth = client.app.state.api.auth
    token = sign_in(client, member, deployment.chain_id).json()["token"]
    clock = auth.clock
    auth.clock = lambda: clock() + auth.session_ttl + 1
    try:
        answer = client.get(f"{API}/grants", headers={"Authorization": f"Bearer {token}"})
    finally:
        auth.clock = clock
    assert answer.status_code == 401 and "expired" in answer.json()["detail"]


# ------------------------------------------------------------------ the message format


def test_parse_reads_every_field_of_an_eip_4361_message():
    text = siwe.compose(domain=HOST, address=Account.create().address, uri=f"http://{HOST}/login", chain_id=5,
                        nonce="abcdef123456", issued_at="2026-11-30T10:00:00Z", statement="Hello.",
                        expiration_time="2026-11-30T11:00:00Z")
    message = siwe.parse(text)
    assert (message.domain, message.statement, message.uri, message.chain_id, message.nonce) == (
        HOST, "Hello.", f"http://{HOST}/login", 5, "abcdef123456")
    assert message.expiration_time - message.issued_at == 3600


def test_parse_accepts_a_message_without_a_statement():
    text = siwe.compose(domain=HOST, address=Account.create().address, uri=f"http://{HOST}/", chain_id=5,
                        nonce="abcdef123456", issued_at="2026-11-30T10:00:00Z")
    assert siwe.parse(text).statement is None


def test_parse_refuses_a_lowercase_address():
    text = siwe.compose(domain=HOST, address=Account.create().address.lower(), uri=f"http://{HOST}/", chain_id=5,
                        nonce="abcdef123456", issued_at="2026-11-30T10:00:00Z")
    with pytest.raises(Problem, match="EIP-55"):
        siwe.parse(text)


def test_a_websocket_route_takes_the_token_from_the_access_token_query_parameter(client, tokens):
    app = FastAPI()
    app.state.api = client.app.state.api  # the same sessions and index

    @app.websocket("/ws")
    async def ws(websocket: WebSocket, member: Member = Depends(connection_member)):
        await websocket.accept()
        await websocket.send_json({"entity_id": member.entity_id})
        await websocket.close()

    token = tokens[OUTSIDER]["Authorization"].removeprefix("Bearer ")
    with TestClient(app) as ws_client:
        with ws_client.websocket_connect(f"/ws?access_token={token}") as socket:
            assert socket.receive_json() == {"entity_id": OUTSIDER}
        with pytest.raises(Problem, match="Bearer"):  # the dependency refuses before the socket is accepted
            with ws_client.websocket_connect("/ws") as socket:
                socket.receive_json()
