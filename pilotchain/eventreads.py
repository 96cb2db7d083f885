"""Events of one contract as the library's reads take them: from the session's index up to the
height it covers, from logs above it (and from logs alone without an index).

    reader = EventReader(session, "EntityRegistry")
    for event in reader.find(["EntityAdmitted"], "entityId", [3, 7]):
        event.args["name"]

Every read is fixed at the head the reader saw when it was made. The index answers only for an
index of this deployment whose last block is still on the chain (`IndexSource.coverage`), so a
lagging index is a smaller share of the answer, never a stale one. Both sources give the same
events in chain order, with the arguments as web3 gives them (bytes as bytes, structs as dicts);
logs are decoded by the compiled `EventDecoder`, not web3's log formatters (about 14 ms an event
there: 10 s for the admissions of 700 entities).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pilotchain.errors import PilotchainError
from pilotchain.eventdecode import EventDecoder
from pilotchain.logscan import word
from pilotchain.session import Session


@dataclass(frozen=True)
class Event:
    """One event of the reader's contract, decoded by its ABI (bytes as bytes, structs as dicts)."""

    name: str
    args: dict[str, Any]
    block: int
    log_index: int
    tx_hash: bytes


class EventReader:
    """Where one read finds the events of `contract`: the session's index up to the height it
    covers, logs from there to the head. Each query names events whose indexed argument at one
    topic position is any of many values, so a whole set of ids costs one request, whatever the
    chain's height. A read given an explicit `from_block` reads logs only, from there."""

    def __init__(self, session: Session, contract: str, from_block: int | None = None):
        self.session = session
        self.contract = contract
        self.head = session.w3.eth.block_number
        self.covered = None
        if session.index is not None and from_block is None:
            self.covered = session.index.coverage(session, self.head)
        start = session.start_blocks.get(contract, 0) if from_block is None else from_block
        self.log_from = start if self.covered is None else max(start, self.covered + 1)
        self.abis = {e["name"]: e for e in session.contract(contract).abi if e.get("type") == "event"}
        self.decoders = {d.topic: d for d in map(EventDecoder, self.abis.values())}
        self.topic0 = {d.name: d.topic for d in self.decoders.values()}

    def find(self, names: Iterable[str], argument: str | None = None, values: Iterable[bytes | int] = ()) -> list[Event]:
        """Events `names` whose indexed `argument` is one of `values` (every event of `names`
        when no argument is named), in chain order."""
        names = list(names)
        if argument is None:
            position, words = None, None
        else:
            position, words = self._position(names, argument), list(dict.fromkeys(word(v) for v in values))
            if not words:
                return []
        found = []
        if self.covered is not None:
            found += [self._native(row["event"], row["args"], row["block_number"], row["log_index"], row["tx_hash"])
                      for row in self.session.index.events(self.contract, names, position, words, self.covered)]  # fmt: skip
        if self.log_from <= self.head:
            topics = [[self.topic0[n] for n in names]]
            if words is not None:
                topics += [*([None] * (position - 1)), words]
            for entry in self.session.scan(self.contract, topics, from_block=self.log_from, to_block=self.head):
                decoder = self.decoders[entry["topics"][0]]
                found.append(self._native(decoder.name, decoder.decode(entry["topics"], entry["data"]),
                                          entry["blockNumber"], entry["logIndex"], entry["transactionHash"]))  # fmt: skip
        return found

    def _position(self, names: list[str], argument: str) -> int:
        positions = {[i["name"] for i in self.abis[n]["inputs"] if i["indexed"]].index(argument) + 1 for n in names}
        if len(positions) != 1:
            raise PilotchainError(f"{argument} is not one topic position in {', '.join(names)}")
        return positions.pop()

    def _native(self, name: str, args: dict, block: int, log_index: int, tx_hash: str) -> Event:
        inputs = self.abis[name]["inputs"]
        return Event(name, {i["name"]: _native(i, args[i["name"]]) for i in inputs}, block, log_index,
                     bytes.fromhex(tx_hash[2:]))  # fmt: skip


def _native(param: dict, value: Any) -> Any:
    """An argument from its JSON form (`EventDecoder`: bytes as 0x hex, structs as dicts) as
    web3 gives it: bytes as bytes, structs as dicts, numbers and addresses as they are."""
    kind = param["type"]
    if kind.endswith("]"):
        inner = {**param, "type": kind[: kind.rindex("[")]}
        return [_native(inner, v) for v in value]
    if kind == "tuple":
        return {c["name"]: _native(c, value[c["name"]]) for c in param["components"]}
    if kind.startswith("bytes"):
        return bytes.fromhex(value[2:])
    return value
