"""What a granted requester gets: the file, hash-checked, whole or by range, and a receipt on chain."""

from __future__ import annotations

import hashlib
import re

import pytest
import requests

from pilotchain import datasharing as ds
from pilotchain.gateway import client
from pilotchain.gateway.files import ByteRange, delivery_hash
from pilotchain.gateway.signing import HEADER
from tests.gateway.conftest import access_receipts, wait_for
from tests.library.cli_run import run as cli, run_json as cli_json


@pytest.fixture(scope="module")
def shared_asset(owner):
    content = b"patient_id,ward,days\n" + b"".join(b"%d,icu,%d\n" % (n, n % 9) for n in range(2000))
    asset_id = owner.publish("icu-extract.csv", content)
    owner.grant(asset_id, 2)
    return asset_id, content


def test_granted_request_is_served_and_hash_verified(gateway, requester, shared_asset, tmp_path):
    session, key = requester
    asset_id, content = shared_asset
    fetched = client.fetch(session, key, asset_id, ds.Purpose.Research, tmp_path / "extract.csv")
    assert (tmp_path / "extract.csv").read_bytes() == content
    assert fetched.sha256 == "0x" + hashlib.sha256(content).hexdigest()
    assert bytes.fromhex(fetched.sha256[2:]) == ds.get_asset(session, asset_id).content_hash
    assert not (tmp_path / "extract.csv.part").exists()


def test_delivery_gets_its_receipt_on_chain(gateway, requester, shared_asset, tmp_path):
    session, key = requester
    asset_id, content = shared_asset
    fetched = client.fetch(session, key, asset_id, ds.Purpose.Research, tmp_path / "extract.csv")
    [receipt] = wait_for(lambda: access_receipts(session, fetched.request_id), what="the receipt")
    assert (receipt["args"]["assetId"], receipt["args"]["grantee"], receipt["args"]["owner"]) == (asset_id, 2, 1)
    assert receipt["args"]["purpose"] == ds.Purpose.Research
    assert bytes(receipt["args"]["deliveryHash"]) == hashlib.sha256(content).digest()


def test_range_request_serves_the_bytes_asked_for(gateway, requester, shared_asset):
    session, key = requester
    asset_id, content = shared_asset
    gw, url = client.gateway_of(session, asset_id)
    wanted = ByteRange(100, 1099)
    with client.get(url, client.signed_request(key, gw, asset_id, ds.Purpose.Research), byte_range=wanted) as answer:
        assert answer.status_code == 206
        assert answer.headers["Content-Range"] == f"bytes 100-1099/{len(content)}"
        assert answer.content == content[100:1100]
        on_chain = ds.get_asset(session, asset_id).content_hash
        assert answer.headers["Pilotchain-Delivery-Hash"] == "0x" + delivery_hash(on_chain, wanted).hex()


def test_range_outside_the_file_is_refused(gateway, requester, shared_asset):
    session, key = requester
    asset_id, content = shared_asset
    gw, url = client.gateway_of(session, asset_id)
    signed = client.signed_request(key, gw, asset_id, ds.Purpose.Research)
    answer = requests.get(url, headers={HEADER: signed.to_header(), "Range": f"bytes={len(content)}-"}, timeout=10)
    assert answer.status_code == 416
    assert answer.json()["type"] == "urn:pilotchain:problem:range-not-satisfiable"
    assert answer.headers["Content-Range"] == f"bytes */{len(content)}"


def test_large_file_streams_whole_and_by_range(gateway, owner, requester, tmp_path):
    session, key = requester
    content = hashlib.sha256(b"seed").digest() * (5 * 2**20 // 32 + 7)  # ~5 MB: several chunks
    asset_id = owner.publish("metering-large.bin", content)
    owner.grant(asset_id, 2)
    fetched = client.fetch(session, key, asset_id, ds.Purpose.Research, tmp_path / "large.bin")
    assert fetched.bytes == len(content) and (tmp_path / "large.bin").read_bytes() == content
    gw, url = client.gateway_of(session, asset_id)
    wanted = ByteRange(2**20 - 5, 3 * 2**20 + 4)
    with client.get(url, client.signed_request(key, gw, asset_id, ds.Purpose.Research), byte_range=wanted) as answer:
        assert answer.content == content[wanted.first:wanted.last + 1]


def test_data_fetch_and_receipts_commands(capsys, network, gateway, requester, shared_asset, tmp_path):
    session, _key = requester
    asset_id, content = shared_asset
    net = ("--network", network)
    out = tmp_path / "by-cli.csv"
    fetched = cli_json(capsys, "data", "fetch", asset_id, "--purpose", "research", "--out", out, *net,
                       "--account", "council-2")
    assert out.read_bytes() == content
    wait_for(lambda: access_receipts(session, fetched["request_id"]), what="the receipt")
    code, shown, err = cli(capsys, "data", "receipts", asset_id, "--gateway-state", gateway.state_dir, *net)
    assert code == 0, err
    receipt_line = next(i for i, line in enumerate(shown.splitlines()) if fetched["request_id"] in line
                        and "gateway:" in line)
    chain_line = shown.splitlines()[receipt_line - 1]
    assert re.match(r"\d{4}-\d\d-\d\dT[\d:]+Z  receipt: entity 2 received for purpose 0 .* tx 0x[0-9a-f]{64} block \d+",
                    chain_line), chain_line


def test_refused_fetch_is_one_line_naming_the_reason(capsys, network, gateway, shared_asset, tmp_path):
    asset_id, _content = shared_asset
    code, _out, err = cli(capsys, "data", "fetch", asset_id, "--purpose", "treatment", "--out", tmp_path / "no.csv",
                          "--network", network, "--account", "council-2")
    assert code == 1
    assert re.fullmatch(r"error: the gateway refused \(403 purpose-not-granted\): entity 2's grant covers "
                        r"purposes \[0\], not 4\n", err), err
    assert not (tmp_path / "no.csv").exists() and not (tmp_path / "no.csv.part").exists()
