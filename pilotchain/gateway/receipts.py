"""Access receipts in batches: every delivery of the gateway ends up in one `AccessRecorded` log.

A background thread sends `recordAccessBatch` every `interval` seconds, or as soon as `size`
deliveries wait, through a `pilotchain.journal.Journal` (key `receipts-<batch id>`), so that a
busy gateway sends one transaction per batch and a killed one resumes its batch, signed or not,
without sending it twice (see `pilotchain.gateway.store`).

The contract records a receipt only while the grant still covers the purpose, and the grantee
and the owner are active. A delivery made just before a revocation or a suspension therefore
cannot get its receipt any more: the batch is refused with the contract's error, the deliveries
it names are marked unrecordable with that error (the gateway's record keeps them), and the
others go into the next batch. While the owner itself is suspended nothing can be recorded; its
deliveries wait until it is reinstated.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from pilotchain import datasharing as ds
from web3.exceptions import TransactionNotFound

from pilotchain.errors import ContractError, PilotchainError, TransactionFailed
from pilotchain.gateway.abi import AbiFunction
from pilotchain.gateway.store import Delivery, Store
from pilotchain.journal import Journal
from pilotchain.session import Session

log = logging.getLogger("pilotchain.gateway")


class Batcher:
    def __init__(self, session: Session, store: Store, journal_path: str | Path, *, interval: float = 2.0,
                 size: int = 100):
        self.session = session
        self.store = store
        self.journal = Journal(journal_path, session, window=1)
        self._record = AbiFunction(session.contract(ds.CONTRACT), "recordAccessBatch")
        self.interval = interval
        self.size = size
        self.sent = 0  # batches mined by this process
        self._delivered = 0  # deliveries since the last flush began
        self._count_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="receipt-batcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Send what waits, then stop (a gateway shutting down leaves no delivery unrecorded)."""
        self._stopping.set()
        self._wake.set()
        self._thread.join()

    def delivered(self) -> None:
        """Called after each delivery: a full batch is sent without waiting for the interval."""
        with self._count_lock:
            self._delivered += 1
            full = self._delivered >= self.size
        if full:
            self._wake.set()

    def _loop(self) -> None:
        while True:
            stopping = self._stopping.is_set()
            try:
                self.flush(everything=stopping)
                self.store.forget_nonces(int(time.time()) - 60)
            except PilotchainError as exc:  # the node is away, the owner suspended: try again later
                log.warning("receipts not recorded yet: %s", exc)
            if stopping:
                return
            self._wake.wait(self.interval)
            self._wake.clear()

    def flush(self, *, everything: bool = False) -> None:
        """Finish the batches a killed gateway left, then send what waits: one batch, and more
        only while full ones wait (deliveries arriving during a send wait for the next interval
        or a full batch, rather than go out a few at a time), or all with `everything`."""
        with self._count_lock:
            self._delivered = 0
        for batch, deliveries in self.store.unfinished_batches().items():
            self._send(batch, deliveries)
        first = True
        while (waiting := self.store.waiting(self.size)) and (first or everything or len(waiting) == self.size):
            self._send(self.store.open_batch(waiting), waiting)
            first = False

    def _send(self, batch: int, deliveries: list[Delivery]) -> None:
        receipts = [ds.Receipt(d.asset_id, d.grantee, d.purpose, d.delivery_hash, d.request_id).as_tuple()
                    for d in deliveries]
        key = f"receipts-{batch}"
        try:
            receipt = self.journal.transact(key, lambda _session: self._record.transaction(receipts))
        except ContractError as refused:
            unrecordable = [d.seq for d in deliveries if _named_by(refused, d)]
            self.store.batch_failed(batch, str(refused), unrecordable=unrecordable)
            if not unrecordable:
                raise
            log.warning("%d deliveries cannot get a receipt: %s", len(unrecordable), refused)
            return
        except TransactionFailed as failed:
            if not self._nonce_taken(key):
                raise
            self.session.sender.nonces.resync()
            self.store.batch_failed(batch, f"its transaction's nonce was taken by another: {failed}")
            log.warning("batch %d goes into a new transaction: another process sent one with its nonce "
                        "(run one gateway per operator account)", batch)
            return
        self.store.batch_mined(batch, receipt["transactionHash"].to_0x_hex(), receipt["blockNumber"])
        self.sent += 1
        log.info("recorded %d receipts in %s (block %d, gas %d)", len(deliveries),
                 receipt["transactionHash"].to_0x_hex(), receipt["blockNumber"], receipt["gasUsed"])


    def _nonce_taken(self, key: str) -> bool:
        """Whether the journal's transaction for `key` can never be mined: not on chain, and its
        nonce used by another transaction of the account (another process sending as it)."""
        step = self.journal.steps.get(key)
        if step is None or step.nonce is None:
            return False
        w3 = self.session.w3
        try:
            w3.eth.get_transaction(step.tx)
            return False
        except TransactionNotFound:
            return w3.eth.get_transaction_count(self.session.account, "latest") > step.nonce


def _named_by(refused: ContractError, delivery: Delivery) -> bool:
    """Whether the contract's refusal of a batch is about this delivery (its grant or grantee)."""
    args = refused.args_by_name
    if refused.name == "DataSharingNoValidGrant":
        return (args["assetId"], args["grantee"], args["purpose"]) == (
            delivery.asset_id, delivery.grantee, delivery.purpose)
    if refused.name == "DataSharingEntityNotActive":
        return args["entityId"] == delivery.grantee
    return False
