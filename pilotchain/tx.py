"""Sending transactions: local signing, a nonce manager, fees, receipts and decoded reverts.

One `Sender` per account. Many transactions may be in flight at once (from many threads):
each takes the next nonce from the `NonceManager`, is signed locally (or, on a dev node, sent
from an unlocked account), and is waited for separately. A transaction the node forgot is sent
again with the same raw bytes, so it keeps its nonce. A revert becomes a `ContractError` with
the contract's custom error name and arguments.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from eth_account.signers.local import LocalAccount
from faster_eth_abi import decode as fast_decode  # eth_abi compiled with mypyc (a web3 dependency)
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import ContractCustomError, ContractLogicError, TransactionNotFound, Web3RPCError

from pilotchain.artifacts import _abi_type, decode_error
from pilotchain.errors import ConfigError, ContractError, TransactionFailed

GWEI = 10**9
NODE_ERRORS = (Web3RPCError, ValueError)  # a JSON-RPC error answer, by web3 version
REVERTS = (ContractCustomError, ContractLogicError, *NODE_ERRORS)
GAS_MARGIN = 1.2  # gas limit of a transaction: GAS_MARGIN x the node's estimate + GAS_HEADROOM
GAS_HEADROOM = 10_000


class NonceManager:
    """Hands out consecutive nonces for one account, safely across threads.

    Starts from the node's pending count; `resync()` after a failure that may have left a gap
    (a transaction rejected before it reached the pool) starts again from the node.
    """

    def __init__(self, w3: Web3, address: str):
        self._w3 = w3
        self._address = address
        self._lock = threading.Lock()
        self._next: int | None = None

    def reserve(self) -> int:
        with self._lock:
            if self._next is None:
                self._next = self._w3.eth.get_transaction_count(self._address, "pending")
            nonce = self._next
            self._next += 1
            return nonce

    def resync(self) -> None:
        with self._lock:
            self._next = None


@dataclass
class Pending:
    """A sent transaction: its hash, nonce and what to re-send if the node drops it."""

    tx_hash: HexBytes
    nonce: int
    raw: HexBytes | None = None  # signed bytes (local signing)
    tx: dict = field(default_factory=dict)  # the transaction (unlocked sending)
    sent_at: float = field(default_factory=time.monotonic)


class Sender:
    """Signs and sends transactions for one account on one chain."""

    def __init__(self, w3: Web3, signer: LocalAccount | str, *, receipt_timeout: float = 120.0):
        self.w3 = w3
        self._local = signer if isinstance(signer, LocalAccount) else None
        self.address = Web3.to_checksum_address(signer.address if self._local else signer)
        self.nonces = NonceManager(w3, self.address)
        self.receipt_timeout = receipt_timeout
        self._chain_id: int | None = None
        self._fees: tuple[float, dict] = (0.0, {})
        self._fee_lock = threading.Lock()
        self.mined = 0  # transactions this sender waited for and saw succeed
        self.gas_used = 0  # their gas

    @property
    def chain_id(self) -> int:
        if self._chain_id is None:
            self._chain_id = self.w3.eth.chain_id
        return self._chain_id

    # ------------------------------------------------------------ fees

    def fees(self) -> dict:
        """EIP-1559 fields where the chain has a base fee, else a legacy gas price (cached 1 s)."""
        with self._fee_lock:
            fetched_at, fees = self._fees
            if time.monotonic() - fetched_at < 1.0:
                return fees
            base_fee = self.w3.eth.get_block("latest").get("baseFeePerGas")
            if base_fee is None or self.w3.eth._gas_price_strategy is not None:
                # legacy chain, or a web3 that prices gas itself (Brownie's does)
                fees = {"gasPrice": self.w3.eth.generate_gas_price() or self.w3.eth.gas_price}
            else:
                try:
                    tip = self.w3.eth.max_priority_fee
                except Exception:  # nodes without eth_maxPriorityFeePerGas
                    tip = GWEI
                # geth mines nothing below --miner.gasprice (1 gwei by default)
                tip = max(tip, GWEI)
                fees = {"maxPriorityFeePerGas": tip, "maxFeePerGas": 2 * base_fee + tip}
            self._fees = (time.monotonic(), fees)
            return fees

    # ------------------------------------------------------------ sending

    def build(self, call: Any, *, gas: int | None = None, value: int = 0) -> dict:
        """A complete transaction for a contract function call (or a partial tx dict)."""
        tx: dict = {"from": self.address, "value": value, "chainId": self.chain_id, **self.fees()}
        if gas is not None:
            tx["gas"] = gas
        if hasattr(call, "build_transaction"):
            if gas is None:
                tx["gas"] = self._estimate(call, tx)
            return call.build_transaction(tx)
        tx.update(call)
        if "gas" not in tx:
            tx["gas"] = self._estimate(None, tx)
        return tx

    def _estimate(self, call: Any, tx: dict) -> int:
        try:
            estimate = call.estimate_gas(tx) if call is not None else self.w3.eth.estimate_gas(tx)
        except REVERTS as exc:
            raise _as_contract_error(exc) from None
        return int(estimate * GAS_MARGIN) + GAS_HEADROOM

    def send(self, call: Any, *, gas: int | None = None, value: int = 0) -> Pending:
        """Send without waiting; the nonce is taken only once the transaction is complete."""
        tx = self.build(call, gas=gas, value=value)
        tx["nonce"] = self.nonces.reserve()
        try:
            return self._submit(tx)
        except Exception:
            self.nonces.resync()
            raise

    def sign(self, tx: dict):
        """The signed transaction (for callers that must keep the raw bytes, like a journal)."""
        if self._local is None:
            raise ConfigError(f"{self.address} is a node-unlocked account; this needs a keystore account")
        return self._local.sign_transaction(tx)

    def _submit(self, tx: dict) -> Pending:
        try:
            if self._local is not None:
                signed = self._local.sign_transaction(tx)
                tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
                return Pending(HexBytes(tx_hash), tx["nonce"], raw=HexBytes(signed.raw_transaction))
            return Pending(HexBytes(self.w3.eth.send_transaction(tx)), tx["nonce"], tx=tx)
        except NODE_ERRORS as exc:
            raise TransactionFailed(f"the node refused the transaction: {node_message(exc)}") from None

    def resend(self, pending: Pending) -> None:
        """Send a dropped transaction again, unchanged (same nonce, same hash when signed)."""
        try:
            if pending.raw is not None:
                self.w3.eth.send_raw_transaction(pending.raw)
            else:
                self.w3.eth.send_transaction(pending.tx)
        except NODE_ERRORS as exc:
            if "already known" not in str(exc) and "nonce too low" not in str(exc):
                raise

    def wait(self, pending: Pending, *, timeout: float | None = None, poll: float = 0.05,
             confirmations: int = 0) -> dict:
        """The receipt, once mined and `confirmations` blocks deep (0: as soon as mined);
        re-sends if the node lost the transaction; checks status.

        The receipt is read again until it is deep enough, so after a short reorg it names the
        block that holds the transaction now.
        """
        deadline = time.monotonic() + (timeout or self.receipt_timeout)
        resent_at = time.monotonic()
        while True:
            try:
                receipt = self.w3.eth.get_transaction_receipt(pending.tx_hash)
                if receipt is not None and (
                    confirmations <= 0 or self.w3.eth.block_number >= receipt["blockNumber"] + confirmations
                ):
                    break
            except TransactionNotFound:
                receipt = None
            now = time.monotonic()
            if now > deadline:
                depth = f" and {confirmations} blocks deep" if confirmations > 0 and receipt is not None else ""
                raise TransactionFailed(
                    f"transaction {pending.tx_hash.hex()} (nonce {pending.nonce}) not mined{depth} within "
                    f"{timeout or self.receipt_timeout:.0f} s; is the chain sealing blocks?"
                )
            if now - resent_at > 5.0 and self._dropped(pending):
                self.resend(pending)
                resent_at = now
            time.sleep(poll)
        if receipt["status"] != 1:
            raise self._revert_reason(pending, receipt)
        with self._fee_lock:
            self.mined += 1
            self.gas_used += receipt["gasUsed"]
        return receipt

    def transact(self, call: Any, *, gas: int | None = None, value: int = 0, confirmations: int = 0) -> dict:
        return self.wait(self.send(call, gas=gas, value=value), confirmations=confirmations)

    def top_up(self, addresses: list[str], *, minimum: int, amount: int) -> list[str]:
        """Send `amount` wei to each address holding less than `minimum`; returns those funded."""
        needy = [a for a in addresses if self.w3.eth.get_balance(a) < minimum]
        pending = [self.send({"to": a}, value=amount, gas=21_000) for a in needy]
        for p in pending:
            self.wait(p)
        return needy

    def _dropped(self, pending: Pending) -> bool:
        try:
            self.w3.eth.get_transaction(pending.tx_hash)
            return False
        except TransactionNotFound:
            return True

    def _revert_reason(self, pending: Pending, receipt: dict) -> TransactionFailed:
        """Replay a reverted transaction as a call at its block to read the revert data."""
        tx = self.w3.eth.get_transaction(pending.tx_hash)
        replay = {k: tx[k] for k in ("from", "to", "data", "value", "gas") if k in tx}
        if "input" in tx and "data" not in replay:
            replay["data"] = tx["input"]
        try:
            self.w3.eth.call(replay, receipt["blockNumber"] - 1)
        except REVERTS as exc:
            return _as_contract_error(exc)
        return TransactionFailed(
            f"transaction {pending.tx_hash.hex()} reverted in block {receipt['blockNumber']} "
            f"(gas used {receipt['gasUsed']} of {tx['gas']}; out of gas?)"
        )


def _revert_data(value: Any) -> str | bytes | None:
    """The revert data inside a node's error, wherever the node put it: geth and anvil use
    {"data": "0x…"}, ganache 7 {"data": {"result": "0x…"}} or {"data": {"0x…": {"reason": "0x…"}}}."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value if value.startswith("0x") and len(value) >= 10 else None
    if isinstance(value, dict):
        for key in ("data", "result", "return", "reason"):
            if key in value and (found := _revert_data(value[key])) is not None:
                return found
        for nested in value.values():
            if isinstance(nested, dict) and (found := _revert_data(nested)) is not None:
                return found
    return None


def _as_contract_error(exc: Exception) -> TransactionFailed:
    """The custom error carried by a revert; a node error without revert data stays a failure."""
    data = getattr(exc, "data", None) or getattr(exc, "rpc_response", None)
    if data is None and exc.args and isinstance(exc.args[0], dict):
        data = exc.args[0]  # a raw JSON-RPC error (web3 stacks without the revert middleware)
    found = _revert_data(data)
    decoded = decode_error(found) if found is not None else None
    if decoded is not None:
        return decoded
    message = node_message(exc)
    if isinstance(exc, (ContractCustomError, ContractLogicError)):
        return ContractError("Error", {"message": message})
    return TransactionFailed(f"the node refused the transaction: {message}")


def node_message(exc: Exception) -> str:
    """The text of a node's error, not the JSON-RPC error dict around it."""
    for value in (getattr(exc, "rpc_response", None), *exc.args):
        if isinstance(value, dict):
            found = value.get("error", value)
            if isinstance(found, dict) and isinstance(found.get("message"), str):
                return found["message"]
    return getattr(exc, "message", None) or str(exc)


def call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """`fn.call()` with custom errors decoded into ContractError."""
    try:
        return fn.call(*args, **kwargs)
    except REVERTS as exc:
        raise _as_contract_error(exc) from None


def call_rows(fn: Any, block: int | str = "latest") -> tuple:
    """`call` for views that return many rows: the node's answer decoded by the compiled codec
    from the function's output types, as plain tuples (web3's result formatters take about 3 ms
    a row, 2 s for a page of 700 entities). Addresses come back in lower case. `block` is the
    block the view reads (pages of one listing read at one block see one state)."""
    try:
        raw = fn.w3.eth.call({"to": fn.address, "data": fn._encode_transaction_data()}, block)
    except REVERTS as exc:
        raise _as_contract_error(exc) from None
    return fast_decode([_abi_type(output) for output in fn.abi["outputs"]], raw)
