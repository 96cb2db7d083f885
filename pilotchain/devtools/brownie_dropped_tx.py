"""A runtime fix for Brownie 1.22.2's false "Tx dropped without known replacement" on anvil.

Brownie's wait loop (`TransactionReceipt._await_confirmation`) reads the sender's nonce, then the
receipt, and declares the transaction dropped as soon as the nonce has moved past it without a
receipt. anvil, under load, counts the nonce of a mined transaction a moment before it serves the
receipt, so Brownie gives up on a transaction that was mined, and the caller resends it or fails.
This is the third-party race named here, and the only thing handled: before declaring a drop the
patched loop asks for the receipt again for up to `GRACE` seconds; a transaction that really was
dropped or replaced is still reported exactly as Brownie reports it.

The patch rewrites one condition in the pinned Brownie's own source and refuses to install (with
the reason) when that source is not what it expects, so a Brownie upgrade cannot silently drop it.
Installed by tests/conftest.py for `brownie test` and by scripts/bench_gas.py for `brownie run`.
"""

from __future__ import annotations

import inspect
import textwrap
import time

from web3.exceptions import TransactionNotFound

GRACE = 5.0  # seconds; anvil serves the receipt within milliseconds of counting the nonce
_DROPPED = "    if sender_nonce > self.nonce:\n"
_CHECKED = "    if sender_nonce > self.nonce and not _receipt_served(eth, self.txid):\n"


def _receipt_served(eth, txid: str) -> bool:
    """Whether the node serves a mined receipt for `txid` within GRACE seconds."""
    deadline = time.monotonic() + GRACE
    while True:
        try:
            receipt = eth.get_transaction_receipt(txid)
        except TransactionNotFound:
            receipt = None
        if receipt is not None and receipt["blockHash"] is not None:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def install() -> None:
    """Patch `brownie.network.transaction.TransactionReceipt._await_confirmation` (idempotent)."""
    from brownie.network import transaction

    receipt_class = transaction.TransactionReceipt
    if getattr(receipt_class, "_pilotchain_dropped_tx_fix", False):
        return
    source = textwrap.dedent(inspect.getsource(receipt_class._await_confirmation))
    if source.count(_DROPPED) != 1:
        raise RuntimeError(
            "Brownie's TransactionReceipt._await_confirmation is not the 1.22.2 code this fix rewrites; "
            "review pilotchain/devtools/brownie_dropped_tx.py for the installed Brownie"
        )
    namespace = dict(vars(transaction), _receipt_served=_receipt_served)
    exec(compile(source.replace(_DROPPED, _CHECKED), transaction.__file__, "exec"), namespace)  # noqa: S102
    receipt_class._await_confirmation = namespace["_await_confirmation"]
    receipt_class._pilotchain_dropped_tx_fix = True
