"""A Session: one web3 connection, one signer, and the deployed contracts of one chain.

Every library function that talks to the contracts takes a Session, so callers never build a
transaction dict by hand:

    session = Session(w3, account, {"EntityRegistry": "0x…", "DataSharing": "0x…"})
    receipt = session.transact(session.contract("EntityRegistry").functions.vote(7, 0))
    [voted] = session.events(receipt, "EntityRegistry", "Voted")
"""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD

from pilotchain import artifacts, tx
from pilotchain.errors import ChainError, ConfigError

LOG_CHUNK = 5_000  # blocks per eth_getLogs request


class Session:
    def __init__(self, w3: Web3, signer: LocalAccount | str, addresses: dict[str, str]):
        self.w3 = w3
        self.sender = tx.Sender(w3, signer)
        self.addresses = {name: Web3.to_checksum_address(a) for name, a in addresses.items()}
        self._contracts: dict[str, Contract] = {}

    @property
    def account(self) -> str:
        return self.sender.address

    def with_signer(self, signer: LocalAccount | str) -> "Session":
        """The same chain and contracts, acting as another account."""
        return Session(self.w3, signer, self.addresses)

    def contract(self, name: str) -> Contract:
        if name not in self._contracts:
            if name not in self.addresses:
                raise ConfigError(f"{name} is not deployed on this chain (known: {', '.join(self.addresses)})")
            self._contracts[name] = self.w3.eth.contract(
                address=self.addresses[name], abi=artifacts.load(name).abi
            )
        return self._contracts[name]

    def transact(self, fn: Any, *, gas: int | None = None) -> dict:
        """Send, wait for the receipt and check it; a revert raises ContractError."""
        return self.sender.transact(fn, gas=gas)

    def send(self, fn: Any, *, gas: int | None = None) -> tx.Pending:
        """Send without waiting (pipelining); `session.wait(pending)` gives the receipt."""
        return self.sender.send(fn, gas=gas)

    def wait(self, pending: tx.Pending, *, timeout: float | None = None) -> dict:
        return self.sender.wait(pending, timeout=timeout)

    def call(self, fn: Any, *args: Any) -> Any:
        return tx.call(fn, *args)

    def events(self, receipt: dict, contract: str, event: str) -> list[dict]:
        """The decoded arguments of every `event` emitted by `contract` in the receipt."""
        decoded = getattr(self.contract(contract).events, event)().process_receipt(receipt, errors=DISCARD)
        return [dict(e["args"]) for e in decoded]

    def raw_logs(self, contract: str, topics: list, *, from_block: int = 0, to_block: int | None = None) -> list[dict]:
        """Logs of `contract` matching `topics` as the node sends them (hex strings, no web3
        formatting: it takes about 1 ms a log), in chunks of at most LOG_CHUNK blocks."""
        address = self.contract(contract).address
        last = self.w3.eth.block_number if to_block is None else to_block
        found = []
        for start in range(from_block, last + 1, LOG_CHUNK):
            end = min(start + LOG_CHUNK - 1, last)
            query = {"address": address, "topics": topics, "fromBlock": hex(start), "toBlock": hex(end)}
            answer = self.w3.provider.make_request("eth_getLogs", [query])
            if "error" in answer:
                raise ChainError(f"eth_getLogs {contract} blocks {start}-{end}: {answer['error']}")
            found += answer["result"]
        return found

    def logs(self, contract: str, event: str, *, from_block: int = 0, to_block: int | None = None,
             argument_filters: dict | None = None) -> list:
        """Every `event` log of `contract`, fetched in chunks of at most LOG_CHUNK blocks."""
        event_type = getattr(self.contract(contract).events, event)
        last = self.w3.eth.block_number if to_block is None else to_block
        found = []
        for start in range(from_block, last + 1, LOG_CHUNK):
            end = min(start + LOG_CHUNK - 1, last)
            found += event_type.get_logs(from_block=start, to_block=end, argument_filters=argument_filters)
        return found
