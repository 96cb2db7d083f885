"""Resumable batches: a journal of signed transactions, so a killed job finishes without
sending anything twice and without leaving a nonce gap.

Every step has a key. Before a transaction is broadcast, its signed bytes are appended (and
flushed) to the journal; once mined, its receipt's hash is marked done. Run again, a job
skips done steps, re-broadcasts signed-but-unmined ones unchanged (same nonce, same hash) and
only then signs new ones. One JSON line per record:

    {"key": "...", "tx": "0x…", "nonce": 7, "raw": "0x…"}      signed, broadcast may follow
    {"key": "...", "tx": "0x…", "block": 123, "gas": 51234}   mined
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from hexbytes import HexBytes
from web3.exceptions import TransactionNotFound

from pilotchain.errors import ConfigError, TransactionFailed
from pilotchain.session import Session
from pilotchain.tx import NODE_ERRORS, Pending


@dataclass
class Step:
    key: str
    tx: str
    nonce: int | None = None
    raw: str | None = None
    block: int | None = None
    gas: int | None = None

    @property
    def mined(self) -> bool:
        return self.block is not None


class Journal:
    def __init__(self, path: str | Path, session: Session, *, window: int = 256):
        self.path = Path(path)
        self.session = session
        self.window = window
        self.steps: dict[str, Step] = {}
        self.sent = 0  # new transactions signed and sent by this run
        self.resent = 0  # transactions of an earlier run broadcast again
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        for number, line in enumerate(self.path.read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                if number == len(self.path.read_text().splitlines()):
                    continue  # a line cut short by a kill: it was never flushed whole
                raise ConfigError(f"journal {self.path} line {number} is corrupt") from None
            step = self.steps.get(record["key"])
            if step is None or step.tx != record["tx"]:
                self.steps[record["key"]] = Step(**record)
            else:
                step.block, step.gas = record.get("block"), record.get("gas")

    def _append(self, record: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as out:
            out.write(json.dumps(record) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def done(self, key: str) -> bool:
        step = self.steps.get(key)
        return step is not None and step.mined

    def receipt(self, key: str) -> dict:
        try:
            return self.session.w3.eth.get_transaction_receipt(self.steps[key].tx)
        except TransactionNotFound:
            raise TransactionFailed(
                f"journal {self.path} says step {key!r} was mined as {self.steps[key].tx}, but this chain "
                "has no such transaction: the journal belongs to another chain"
            ) from None

    def run(self, items: Iterable[tuple[str, Callable[[Session], Any]]], *, gas: int | None = None,
            window: int | None = None, progress: Callable[[int], None] | None = None) -> list[dict]:
        """Send each (key, make_call) not done yet, up to `window` in flight (default: the
        journal's); returns the receipts of all items in order. `make_call(session)` returns
        a contract function call or a transaction dict."""
        items = list(items)
        window = window or self.window
        receipts: dict[str, dict] = {}
        in_flight: list[tuple[str, Pending]] = []

        def settle(upto: int) -> None:
            while len(in_flight) > upto:
                key, pending = in_flight.pop(0)
                receipts[key] = self._mined(key, self.session.wait(pending))
                if progress:
                    progress(1)

        for key, make_call in items:
            step = self.steps.get(key)
            if step is not None and step.mined:
                receipts[key] = self.receipt(key)
                if progress:
                    progress(1)
                continue
            if step is not None:
                pending = self._resume(step)
            else:
                pending = self._send(key, make_call(self.session), gas)
            in_flight.append((key, pending))
            settle(window - 1)
        settle(0)
        return [receipts[key] for key, _ in items]

    def transact(self, key: str, make_call: Callable[[Session], Any], *, gas: int | None = None) -> dict:
        return self.run([(key, make_call)], gas=gas)[0]

    def _send(self, key: str, call: Any, gas: int | None) -> Pending:
        sender = self.session.sender
        tx = sender.build(call, gas=gas)
        tx["nonce"] = sender.nonces.reserve()
        signed = sender.sign(tx)
        step = Step(key, signed.hash.to_0x_hex(), tx["nonce"], signed.raw_transaction.to_0x_hex())
        self._append({"key": key, "tx": step.tx, "nonce": step.nonce, "raw": step.raw})
        self.steps[key] = step
        self.sent += 1
        return self._broadcast(Pending(HexBytes(step.tx), step.nonce, raw=HexBytes(step.raw)), key)

    def _resume(self, step: Step) -> Pending:
        """A step signed by an earlier run: broadcast again unless the chain already has it."""
        pending = Pending(HexBytes(step.tx), step.nonce or 0, raw=HexBytes(step.raw))
        try:
            self.session.w3.eth.get_transaction(pending.tx_hash)
        except TransactionNotFound:
            self._broadcast(pending, step.key)
            self.resent += 1
        return pending

    def _broadcast(self, pending: Pending, key: str) -> Pending:
        try:
            self.session.sender.resend(pending)
        except NODE_ERRORS as exc:
            raise TransactionFailed(f"journal step {key!r}: the node refused {pending.tx_hash.hex()}: {exc}") from None
        return pending

    def _mined(self, key: str, receipt: dict) -> dict:
        step = self.steps[key]
        step.block, step.gas = receipt["blockNumber"], receipt["gasUsed"]
        self._append({"key": key, "tx": step.tx, "block": step.block, "gas": step.gas})
        return receipt
