"""A Session: one web3 connection, one signer, and the deployed contracts of one chain.

Every library function that talks to the contracts takes a Session, so callers never build a
transaction dict by hand:

    session = Session(w3, account, {"EntityRegistry": "0x…", "DataSharing": "0x…"})
    receipt = session.transact(session.contract("EntityRegistry").functions.vote(7, 0))
    [voted] = session.events(receipt, "EntityRegistry", "Voted")

Logs are read through the session's `LogScanner` (pilotchain.logscan), from each contract's
deployment block (`start_blocks`, from the deployment record; 0 where it is not known).
"""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.datastructures import AttributeDict
from web3._utils.events import construct_event_topic_set
from web3._utils.method_formatters import log_entry_formatter
from web3.logs import DISCARD

from pilotchain import artifacts, tx
from pilotchain.errors import ConfigError
from pilotchain.logscan import LogScanner, Topic


class Session:
    def __init__(self, w3: Web3, signer: LocalAccount | str, addresses: dict[str, str], *,
                 start_blocks: dict[str, int] | None = None, scanner: LogScanner | None = None):
        self.w3 = w3
        self.sender = tx.Sender(w3, signer)
        self.addresses = {name: Web3.to_checksum_address(a) for name, a in addresses.items()}
        self.start_blocks = dict(start_blocks or {})  # contract -> its deployment block
        self.scanner = scanner or LogScanner(w3)  # shared by `with_signer` sessions: one learnt span
        self.index = None  # a `pilotchain.indexer.reads.IndexSource`: serves the reads it covers
        self._contracts: dict[str, Contract] = {}

    @property
    def account(self) -> str:
        return self.sender.address

    def with_signer(self, signer: LocalAccount | str) -> "Session":
        """The same chain and contracts, acting as another account."""
        other = Session(self.w3, signer, self.addresses, start_blocks=self.start_blocks, scanner=self.scanner)
        other.index = self.index
        return other

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

    def scan(self, contract: str, topics: list[Topic], *, from_block: int | None = None,
             to_block: int | None = None) -> list[dict]:
        """Raw logs of `contract` matching `topics` (a position may list many values), from its
        deployment block unless `from_block` says otherwise, in chain order."""
        start = self.start_blocks.get(contract, 0) if from_block is None else from_block
        return self.scanner.scan(self.contract(contract).address, topics, start, to_block)

    def logs(self, contract: str, event: str, *, from_block: int | None = None, to_block: int | None = None,
             argument_filters: dict | None = None) -> list:
        """Every `event` log of `contract`, decoded, filtered on indexed arguments (a list of
        values matches any of them), from the contract's deployment block."""
        event_type = getattr(self.contract(contract).events, event)()
        indexed = {i["name"] for i in event_type.abi["inputs"] if i["indexed"]}
        if set(argument_filters or {}) - indexed:
            raise ConfigError(f"{event} logs filter only on indexed arguments ({', '.join(sorted(indexed))})")
        topics = construct_event_topic_set(event_type.abi, self.w3.codec, argument_filters)
        raw = self.scan(contract, topics, from_block=from_block, to_block=to_block)
        # as web3's get_logs gives them (its attribute-dict middleware): log.args.name works
        return [AttributeDict.recursive(event_type.process_log(log_entry_formatter(entry))) for entry in raw]
