"""Receipts: batched, and exactly one per delivery even when the gateway is killed before sending it."""

from __future__ import annotations

import json
import signal

from pilotchain import datasharing as ds
from pilotchain.gateway import client
from pilotchain.gateway.store import Store
from tests.gateway.conftest import _free_port, access_receipts, start_gateway, wait_for


def test_deliveries_are_receipted_in_one_batch(owner, workdir, requester, tmp_path):
    session, key = requester
    asset_id = owner.publish("batched.csv", b"batched\n")
    owner.grant(asset_id, 2)
    port = _free_port()
    ds.update_locator(owner.admin, asset_id, f"http://127.0.0.1:{port}/files/batched.csv")
    gateway = start_gateway(owner.network, owner.asset_dir, workdir / "batch-state", port,
                            "--batch-seconds", "3600", "--batch-size", "5", account=owner.operator("batch-op"))
    try:
        fetched = [client.fetch(session, key, asset_id, ds.Purpose.Research, tmp_path / f"copy-{n}")
                   for n in range(5)]
        wait_for(lambda: access_receipts(session, fetched[-1].request_id), what="the batch")
    finally:
        gateway.stop()
    receipts = [r for f in fetched for r in access_receipts(session, f.request_id)]
    assert len(receipts) == 5
    assert len({r["transactionHash"] for r in receipts}) == 1


def test_killed_gateway_records_the_receipt_after_restart_exactly_once(owner, workdir, requester, tmp_path):
    session, key = requester
    asset_id = owner.publish("killed.csv", b"delivered before the kill\n")
    owner.grant(asset_id, 2)
    port = _free_port()
    ds.update_locator(owner.admin, asset_id, f"http://127.0.0.1:{port}/files/killed.csv")
    state, operator = workdir / "kill-state", owner.operator("kill-op")
    first = start_gateway(owner.network, owner.asset_dir, state, port, "--batch-seconds", "3600", account=operator)
    try:
        fetched = client.fetch(session, key, asset_id, ds.Purpose.Research, tmp_path / "killed.csv")
    finally:
        first.stop(signal.SIGKILL)
    assert first.process.returncode == -signal.SIGKILL
    assert access_receipts(session, fetched.request_id) == []
    [journaled] = Store(state / "gateway.sqlite").deliveries(asset_id)
    assert "0x" + journaled.request_id.hex() == fetched.request_id and journaled.tx is None

    second = start_gateway(owner.network, owner.asset_dir, state, port, "--batch-seconds", "0.2", account=operator)
    try:
        [receipt] = wait_for(lambda: access_receipts(session, fetched.request_id), what="the receipt")
    finally:
        second.stop()
    [recorded] = Store(state / "gateway.sqlite").deliveries(asset_id)
    assert recorded.tx == receipt["transactionHash"].to_0x_hex()


def test_gateway_killed_with_its_batch_signed_but_unmined_sends_that_transaction_once(
        owner, workdir, requester, tmp_path):
    session, key = requester
    asset_id = owner.publish("signed-batch.csv", b"batch signed, node lost it\n")
    owner.grant(asset_id, 2)
    port = _free_port()
    ds.update_locator(owner.admin, asset_id, f"http://127.0.0.1:{port}/files/signed-batch.csv")
    state, operator = workdir / "signed-state", owner.operator("signed-op")
    node = session.w3.provider
    first = start_gateway(owner.network, owner.asset_dir, state, port, "--batch-seconds", "0.2", account=operator)
    node.make_request("evm_setAutomine", [False])
    try:
        fetched = client.fetch(session, key, asset_id, ds.Purpose.Research, tmp_path / "signed.csv")
        journal = state / "receipts.journal"
        signed_tx = wait_for(lambda: journal.exists() and json.loads(journal.read_text().splitlines()[-1])["tx"],
                             what="the batch signed")
        first.stop(signal.SIGKILL)
        node.make_request("anvil_dropAllTransactions", [])  # the node forgets it too
    finally:
        node.make_request("evm_setAutomine", [True])
    assert access_receipts(session, fetched.request_id) == []

    second = start_gateway(owner.network, owner.asset_dir, state, port, "--batch-seconds", "0.2", account=operator)
    try:
        [receipt] = wait_for(lambda: access_receipts(session, fetched.request_id), what="the receipt")
    finally:
        second.stop()
    assert receipt["transactionHash"].to_0x_hex() == signed_tx


def test_delivery_whose_grant_is_revoked_before_its_batch_is_kept_without_receipt(owner, workdir, requester, tmp_path):
    session, key = requester
    asset_id = owner.publish("revoked-before-batch.csv", b"delivered, then revoked\n")
    owner.grant(asset_id, 2)
    port = _free_port()
    ds.update_locator(owner.admin, asset_id, f"http://127.0.0.1:{port}/files/revoked-before-batch.csv")
    state = workdir / "revoked-state"
    gateway = start_gateway(owner.network, owner.asset_dir, state, port, "--batch-seconds", "3600",
                            account=owner.operator("revoked-op"))
    try:
        fetched = client.fetch(session, key, asset_id, ds.Purpose.Research, tmp_path / "revoked.csv")
        ds.revoke(owner.admin, asset_id, 2, 1)
    finally:
        gateway.stop()  # its last batch is refused by the contract
    assert access_receipts(session, fetched.request_id) == []
    [row] = client.audit(session, asset_id, state)
    assert row["tx"] is None and row["request_id"] == fetched.request_id
    assert row["unrecorded"].endswith(f"DataSharingNoValidGrant(assetId={asset_id}, grantee=2, purpose=0)")
