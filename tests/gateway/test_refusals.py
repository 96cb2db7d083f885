"""Every refusal of the gateway, each an RFC 9457 problem naming its reason; the chain's word
(revocation, suspension) counts from the very next request."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
import requests
from eth_account import Account

from pilotchain import datasharing as ds
from pilotchain.accounts import AccountStore
from pilotchain.endpoints import open_session, resolve
from pilotchain.gateway import client
from pilotchain.gateway.signing import HEADER, sign_request
from pilotchain.registry import ActionKind
from tests.gateway.conftest import _free_port, set_status, start_gateway

PROBLEM = "urn:pilotchain:problem:"


def refusal(url: str, headers: dict, **kwargs) -> tuple[int, dict]:
    answer = requests.get(url, headers=headers, timeout=10, **kwargs)
    assert answer.headers["content-type"] == "application/problem+json", answer.text
    return answer.status_code, answer.json()


def signed_header(session, key, asset_id: int, purpose=ds.Purpose.Research, **changes) -> tuple[str, str]:
    """The asset's URL and a fresh signed request for it, with `changes` made before signing."""
    gw, url = client.gateway_of(session, asset_id)
    signed = client.signed_request(key, gw, asset_id, purpose)
    if changes:
        fields = {"chain_id": signed.chain_id, "gateway": signed.gateway, "asset_id": signed.asset_id,
                  "purpose": signed.purpose, "nonce": signed.nonce, "expiry": signed.expiry, **changes}
        signed = sign_request(key, **fields)
    return url, signed.to_header()


def served(url: str, header: str) -> bool:
    return requests.get(url, headers={HEADER: header}, timeout=10).status_code == 200


@pytest.fixture(scope="module")
def asset(owner, gateway):
    asset_id = owner.publish("refusals.csv", b"a,b\n1,2\n")
    owner.grant(asset_id, 2)
    return asset_id


@pytest.fixture(scope="module")
def third(network, deployed):
    """council-3 (entity 3), which holds no grant unless a test gives one."""
    return open_session(network, "council-3"), AccountStore(resolve(network).accounts_dir).load("council-3")


def test_missing_request_is_refused(gateway, requester, asset):
    _url, _header = signed_header(*requester, asset)
    status, problem = refusal(_url, {})
    assert (status, problem["type"]) == (401, PROBLEM + "missing-request")


def test_malformed_request_is_refused(gateway, requester, asset):
    url, _header = signed_header(*requester, asset)
    status, problem = refusal(url, {HEADER: "bm90IGpzb24"})
    assert (status, problem["type"]) == (400, PROBLEM + "malformed-request")


def test_request_signed_by_another_account_is_refused(gateway, requester, asset):
    session, key = requester
    gw, url = client.gateway_of(session, asset)
    genuine = client.signed_request(key, gw, asset, ds.Purpose.Research)
    forged = replace(sign_request(Account.create(), chain_id=gw.chain_id, gateway=gw.account, asset_id=asset,
                                  purpose=ds.Purpose.Research, nonce=genuine.nonce, expiry=genuine.expiry),
                     requester=genuine.requester)
    status, problem = refusal(url, {HEADER: forged.to_header()})
    assert (status, problem["type"]) == (401, PROBLEM + "bad-signature")


def test_request_signed_for_another_gateway_is_refused(gateway, requester, asset):
    url, header = signed_header(*requester, asset, gateway=Account.create().address)
    status, problem = refusal(url, {HEADER: header})
    assert (status, problem["type"]) == (401, PROBLEM + "wrong-gateway")


def test_expired_request_is_refused(gateway, requester, asset):
    url, header = signed_header(*requester, asset, expiry=int(time.time()) - 1)
    status, problem = refusal(url, {HEADER: header})
    assert (status, problem["type"]) == (401, PROBLEM + "request-expired")


def test_request_valid_too_long_is_refused(gateway, requester, asset):
    url, header = signed_header(*requester, asset, expiry=int(time.time()) + 3600)
    status, problem = refusal(url, {HEADER: header})
    assert (status, problem["type"]) == (400, PROBLEM + "expiry-too-far")


def test_replayed_request_is_refused(gateway, requester, asset):
    url, header = signed_header(*requester, asset)
    assert served(url, header)
    status, problem = refusal(url, {HEADER: header})
    assert (status, problem["type"]) == (409, PROBLEM + "replayed-request")


def test_replayed_request_is_refused_after_a_restart(owner, workdir, requester):
    asset_id = owner.publish("restart.csv", b"x\n")
    owner.grant(asset_id, 2)
    port = _free_port()
    ds.update_locator(owner.admin, asset_id, f"http://127.0.0.1:{port}/files/restart.csv")
    state = workdir / "restart-state"
    operator = owner.operator("restart-op")
    first = start_gateway(owner.network, owner.asset_dir, state, port, account=operator)
    try:
        url, header = signed_header(*requester, asset_id)
        assert served(url, header)
    finally:
        first.stop()
    second = start_gateway(owner.network, owner.asset_dir, state, port, account=operator)
    try:
        status, problem = refusal(url, {HEADER: header})
    finally:
        second.stop()
    assert (status, problem["type"]) == (409, PROBLEM + "replayed-request")


def test_requester_without_grant_is_refused(gateway, third, asset):
    url, header = signed_header(*third, asset)
    status, problem = refusal(url, {HEADER: header})
    assert (status, problem["type"]) == (403, PROBLEM + "no-grant")


def test_account_of_no_entity_is_refused(gateway, requester, asset):
    session, _key = requester
    url, header = signed_header(session, Account.create(), asset)
    status, problem = refusal(url, {HEADER: header})
    assert (status, problem["type"]) == (403, PROBLEM + "not-a-member")


def test_purpose_not_granted_is_refused(gateway, requester, asset):
    url, header = signed_header(*requester, asset, purpose=ds.Purpose.Treatment)
    status, problem = refusal(url, {HEADER: header})
    assert (status, problem["type"]) == (403, PROBLEM + "purpose-not-granted")
    assert problem["purpose"] == ds.Purpose.Treatment


def test_expired_grant_is_refused(owner, gateway, third):
    session, _key = third
    asset_id = owner.publish("short-grant.csv", b"y\n")
    owner.grant(asset_id, 3, seconds=5)
    url, header = signed_header(*third, asset_id)
    session.w3.provider.make_request("evm_increaseTime", [10])
    session.w3.provider.make_request("evm_mine", [])
    status, problem = refusal(url, {HEADER: header})
    assert (status, problem["type"]) == (403, PROBLEM + "grant-expired")


def test_revocation_stops_the_very_next_request(owner, gateway, third):
    asset_id = owner.publish("revoked.csv", b"z\n")
    owner.grant(asset_id, 3)
    url, header = signed_header(*third, asset_id)
    assert served(url, header)
    ds.revoke(owner.admin, asset_id, 3, 1)
    url, header = signed_header(*third, asset_id)
    status, problem = refusal(url, {HEADER: header})
    assert (status, problem["type"]) == (403, PROBLEM + "grant-revoked")


def test_requester_suspension_stops_the_very_next_request(owner, gateway, network):
    store = AccountStore(resolve(network).accounts_dir)
    fourth = open_session(network, "council-4"), store.load("council-4")
    asset_id = owner.publish("suspension.csv", b"s\n")
    owner.grant(asset_id, 4)
    url, header = signed_header(*fourth, asset_id)
    assert served(url, header)
    set_status(network, ActionKind.Suspend, 4)
    try:
        url, header = signed_header(*fourth, asset_id)
        status, problem = refusal(url, {HEADER: header})
    finally:
        set_status(network, ActionKind.Reinstate, 4)
    assert (status, problem["type"]) == (403, PROBLEM + "requester-suspended")
    url, header = signed_header(*fourth, asset_id)
    assert served(url, header)


def test_owner_suspension_stops_the_very_next_request(owner, gateway, network, requester):
    asset_id = owner.publish("owner-suspension.csv", b"o\n")
    owner.grant(asset_id, 2)
    url, header = signed_header(*requester, asset_id)
    assert served(url, header)
    set_status(network, ActionKind.Suspend, 1)
    try:
        url, header = signed_header(*requester, asset_id)
        status, problem = refusal(url, {HEADER: header})
    finally:
        set_status(network, ActionKind.Reinstate, 1)
    assert (status, problem["type"]) == (403, PROBLEM + "owner-suspended")


def test_retired_asset_is_refused(owner, gateway, requester):
    asset_id = owner.publish("retired.csv", b"r\n")
    owner.grant(asset_id, 2)
    ds.retire_asset(owner.admin, asset_id)
    url, header = signed_header(*requester, asset_id)
    status, problem = refusal(url, {HEADER: header})
    assert (status, problem["type"]) == (403, PROBLEM + "asset-retired")


def test_file_changed_on_disk_is_refused(owner, gateway, requester):
    asset_id = owner.publish("tampered.csv", b"original\n")
    owner.grant(asset_id, 2)
    url, header = signed_header(*requester, asset_id)
    assert served(url, header)
    (owner.asset_dir / "tampered.csv").write_bytes(b"tampered\n")
    url, header = signed_header(*requester, asset_id)
    status, problem = refusal(url, {HEADER: header})
    assert (status, problem["type"]) == (409, PROBLEM + "content-changed")


def test_asset_of_another_entity_is_not_served(owner, gateway, requester, asset):
    session, key = requester
    foreign = ds.register_asset(session, b"\x01" * 32, f"{owner.url}/files/refusals.csv")
    gw, _url = client.gateway_of(session, asset)
    signed = client.signed_request(key, gw, foreign.asset_id, ds.Purpose.Research)
    status, problem = refusal(f"{owner.url}/files/refusals.csv", {HEADER: signed.to_header()})
    assert (status, problem["type"]) == (404, PROBLEM + "asset-not-served-here")


def test_file_other_than_the_assets_is_not_served(gateway, requester, asset, owner):
    _url, header = signed_header(*requester, asset)
    status, problem = refusal(f"{owner.url}/files/other.csv", {HEADER: header})
    assert (status, problem["type"]) == (404, PROBLEM + "not-this-asset")


def test_request_with_a_body_is_refused(gateway, requester, asset):
    url, header = signed_header(*requester, asset)
    status, problem = refusal(url, {HEADER: header}, data=b"x" * 100)
    assert (status, problem["type"]) == (413, PROBLEM + "request-too-large")


def test_client_over_its_rate_is_refused(owner, workdir):
    port = _free_port()
    limited = start_gateway(owner.network, owner.asset_dir, workdir / "rate-state", port, "--rate", "0.5",
                            "--burst", "3", account=owner.operator("rate-op"))
    try:
        answers = [requests.get(f"{limited.url}/files/any.csv", timeout=10) for _ in range(4)]
    finally:
        limited.stop()
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[-1].json()["type"] == PROBLEM + "rate-limited" and int(answers[-1].headers["Retry-After"]) >= 1
