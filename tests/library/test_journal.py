"""Resumable batches: a job killed midway finishes on the next run, nothing sent twice, no gap."""

import pytest

from pilotchain.journal import Journal


class Killed(Exception):
    pass


def _transfers(session, count, *, kill_after=None):
    """Transfer steps; the step after `kill_after` raises before it is signed (the kill)."""
    target = session.w3.eth.accounts[7]

    def step(i):
        def make(s):
            if kill_after is not None and i == kill_after:
                raise Killed(i)
            return {"to": target, "value": 1000 + i}

        return make

    return [(f"transfer-{i}", step(i)) for i in range(count)]


def test_killed_batch_resumes_without_duplicates_or_nonce_gaps(tmp_path, deployer_session):
    w3, address = deployer_session.w3, deployer_session.account
    start = w3.eth.get_transaction_count(address)
    path = tmp_path / "journal.jsonl"

    with pytest.raises(Killed):
        Journal(path, deployer_session).run(_transfers(deployer_session, 30, kill_after=12), gas=21_000, window=8)
    assert w3.eth.get_transaction_count(address) == start + 12

    resumed = Journal(path, deployer_session.with_signer(deployer_session.sender._local))
    receipts = resumed.run(_transfers(deployer_session, 30), gas=21_000, window=8)

    assert resumed.sent == 18
    assert w3.eth.get_transaction_count(address) == start + 30
    nonces = sorted(w3.eth.get_transaction(r["transactionHash"])["nonce"] for r in receipts)
    assert nonces == list(range(start, start + 30))
    values = [w3.eth.get_transaction(r["transactionHash"])["value"] for r in receipts]
    assert values == [1000 + i for i in range(30)]


def test_signed_but_unsent_step_is_broadcast_unchanged_on_resume(tmp_path, deployer_session):
    w3 = deployer_session.w3
    path = tmp_path / "journal.jsonl"
    journal = Journal(path, deployer_session)
    sender = deployer_session.sender
    tx = sender.build({"to": w3.eth.accounts[8], "value": 5}, gas=21_000)
    tx["nonce"] = sender.nonces.reserve()
    signed = sender.sign(tx)
    # The kill came after the journal line was written and before the broadcast.
    journal._append({"key": "pay", "tx": signed.hash.to_0x_hex(), "nonce": tx["nonce"],
                     "raw": signed.raw_transaction.to_0x_hex()})

    resumed = Journal(path, deployer_session.with_signer(sender._local))
    [receipt] = resumed.run([("pay", lambda s: pytest.fail("a journaled step must not be rebuilt"))])

    assert receipt["transactionHash"] == signed.hash
    assert resumed.done("pay")


def test_finished_journal_sends_nothing_again(tmp_path, deployer_session):
    path = tmp_path / "journal.jsonl"
    first = Journal(path, deployer_session)
    first.run(_transfers(deployer_session, 3), gas=21_000)
    again = Journal(path, deployer_session)
    receipts = again.run(_transfers(deployer_session, 3), gas=21_000)
    assert again.sent == 0
    assert [r["status"] for r in receipts] == [1, 1, 1]
