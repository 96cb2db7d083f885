"""Provenance in Python: typed values, the hash chain, traversal, verification and EPCIS import.

Items are identified on chain by `item_id(uri)` (`pilotchain.epcis.codes`: the key of the EPC's
GS1 company prefix, then the keccak of its canonical form, so a URN and a Digital Link of one
object are one item). Every event whose first argument is the indexed `itemId` extends the
item's hash chain (see IProvenance):

    eventHash = keccak256(abi.encode(topic0, *all event arguments in ABI order))
    head'     = keccak256(head ‖ eventHash)[:20]            (head starts at 20 zero bytes)

`history` rebuilds an item's events from logs and checks them against the head the contract
keeps; `trace` follows the derivation edges (transformation inputs → outputs, child → parent)
backward or forward; `verify` is the QR scan. Reads come from the session's index up to the height
it covers and from logs above it (`pilotchain.logscan`: from the deployment block, many items per
query), so they cost what the data costs, not what the chain's height costs.
`acknowledge_recalls` acknowledges a recall on many items in `multicall` batches sent together.
`import_epcis` records an EPCIS 2.0 document (the chain gets the digest of each event's GS1 Event
Hash ID, the event store the event as captured; events waiting for state not yet on chain are
held and recorded when it lands) and `export_item` gives every captured event about an item back
as EPCIS JSON with its context and document metadata, its meaning verified against the chain.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from faster_eth_abi import encode  # eth_abi compiled with mypyc (a web3 dependency)
from eth_utils import keccak

from pilotchain.epcis.codes import (
    item_id,
    known_prefixes,
    location_id,
    prefix_key,
    prefix_text,
    unresolved_prefix,
)
from pilotchain.errors import ContractError, PilotchainError, TransactionFailed
from pilotchain.eventreads import Event, EventReader
from pilotchain.registry import ActionKind, call_payload, entity_id_of, propose
from pilotchain.session import Session

if TYPE_CHECKING:
    from pilotchain.epcis import EpcisEvent
    from pilotchain.epcis.store import EventStore
    from pilotchain.journal import Journal

CONTRACT = "Provenance"
QUANTITY_SCALE = 1000  # on-chain amounts are thousandths of the unit
ZERO32 = b"\0" * 32
ZERO_HEAD = b"\0" * 20



class TamperError(PilotchainError):
    """A history rebuilt from logs or a stored event does not match the chain."""


class Status(enum.IntEnum):
    Unknown = 0
    Active = 1
    InTransit = 2
    Recalled = 3
    Consumed = 4
    Decommissioned = 5


class Action(enum.IntEnum):
    Add = 0
    Observe = 1
    Delete = 2


# Events that extend an item's hash chain: the first argument is `bytes32 indexed itemId`.
CHAINED_EVENTS = (
    "Commissioned", "Observed", "Decommissioned", "PackedInto", "UnpackedFrom",
    "AggregationRecorded", "InputConsumed", "OutputProduced", "TransactionRecorded",
    "DeviceAssociated", "DeviceDissociated", "ErrorDeclared", "CustodyOffered", "CustodyAccepted",
    "CustodyRejected", "CustodyCancelled", "OwnershipTransferred", "Certified", "Recalled",
    "RecallAcknowledged", "RecallWithdrawn", "RecallReleased",
)  # fmt: skip
MAX_DERIVATION_HOPS = 8  # PROVENANCE_MAX_DERIVATION_HOPS in IProvenance.sol


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class EventData:
    """`IProvenance.EventData`: the what-when-where-why of one EPCIS event, compacted."""

    epcis_hash: bytes = ZERO32
    read_point: bytes = ZERO32
    biz_location: bytes = ZERO32
    event_time: int = 0
    biz_step: int = 0
    disposition: int = 0

    def as_tuple(self) -> tuple:
        return (
            bytes(self.epcis_hash), bytes(self.read_point), bytes(self.biz_location),
            int(self.event_time), int(self.biz_step), int(self.disposition),
        )  # fmt: skip

    @classmethod
    def build(
        cls,
        *,
        biz_step: str | None = None,
        disposition: str | None = None,
        read_point: str | None = None,
        biz_location: str | None = None,
        event_time: int = 0,
        epcis_hash: bytes = ZERO32,
    ) -> EventData:
        """Event data from CBV names or URIs ("shipping", "in_transit") and location URIs."""
        from pilotchain.epcis.codes import VocabularyError, biz_step as step_code, disposition as disp_code

        try:
            return cls(
                epcis_hash=bytes(epcis_hash),
                read_point=location_id(read_point) if read_point else ZERO32,
                biz_location=location_id(biz_location) if biz_location else ZERO32,
                event_time=int(event_time),
                biz_step=step_code(biz_step).code if biz_step else 0,
                disposition=disp_code(disposition).code if disposition else 0,
            )
        except VocabularyError as exc:
            raise PilotchainError(str(exc)) from None

    @classmethod
    def from_abi(cls, value: Any) -> EventData:
        return cls(*_fields(value, ("epcisHash", "readPoint", "bizLocation", "eventTime", "bizStep", "disposition")))


def unit_code(unit: str | None) -> bytes:
    """A UN/ECE Rec 20 unit ("KGM") as the contract's bytes3; "" or None for none."""
    raw = (unit or "").encode("ascii")
    if len(raw) > 3:
        raise PilotchainError(f"unit {unit!r} is longer than 3 characters (UN/ECE Rec 20 codes are 2-3)")
    return raw.ljust(3, b"\0")


def unit_text(unit: bytes | str) -> str:
    """A UN/ECE unit code from the contract's bytes3 (raw or 0x hex); text is returned as it is."""
    if isinstance(unit, str) and unit.startswith("0x"):
        unit = bytes.fromhex(unit[2:])
    if isinstance(unit, (bytes, bytearray)):
        return bytes(unit).rstrip(b"\0").decode("ascii", errors="replace")
    return unit


def scaled(amount: Decimal | float | int) -> int:
    """An EPCIS quantity as on-chain thousandths (exact to three decimals)."""
    value = Decimal(str(amount)) * QUANTITY_SCALE
    if value != value.to_integral_value() or value < 0:
        raise PilotchainError(f"quantity {amount} is negative or has more than three decimals")
    return int(value)


@dataclass(frozen=True)
class Quantity:
    """`IProvenance.Quantity`: a serialised item (no amount) or a lot with an amount."""

    item_id: bytes
    lot: bool = False
    amount: int = 0  # thousandths of `unit`
    unit: bytes = b"\0\0\0"

    @classmethod
    def item(cls, item: bytes) -> Quantity:
        return cls(bytes(item))

    @classmethod
    def of_lot(cls, item: bytes, amount: int, unit: str | None = None) -> Quantity:
        return cls(bytes(item), True, int(amount), unit_code(unit))

    def as_tuple(self) -> tuple:
        return (bytes(self.item_id), bool(self.lot), int(self.amount), bytes(self.unit))

    @classmethod
    def from_abi(cls, value: Any) -> Quantity:
        item, lot, amount, unit = _fields(value, ("itemId", "lot", "amount", "unit"))
        return cls(bytes(item), bool(lot), int(amount), bytes(unit))


@dataclass(frozen=True)
class Verification:
    """What a QR-code scan shows (`IProvenance.verify`)."""

    item_id: bytes
    known: bool
    status: Status
    owner: int
    custodian: int
    pending_custodian: int
    event_count: int
    head: bytes
    parent: bytes
    lot: bool
    available: int
    unit: str

    @classmethod
    def from_abi(cls, item: bytes, value: Any) -> Verification:
        known, status, owner, custodian, pending, count, head, parent, lot, available, unit = value
        return cls(bytes(item), bool(known), Status(status), int(owner), int(custodian), int(pending),
                   int(count), bytes(head), bytes(parent), bool(lot), int(available), unit_text(unit))  # fmt: skip


@dataclass(frozen=True)
class HistoryEvent:
    """One chained event of an item, decoded from its log."""

    name: str
    args: dict[str, Any]
    block: int
    tx_hash: bytes
    log_index: int
    event_hash: bytes
    head: bytes  # the chain head after this event

    @property
    def data(self) -> EventData | None:
        return EventData.from_abi(self.args["data"]) if "data" in self.args else None


@dataclass(frozen=True)
class ItemHistory:
    item_id: bytes
    events: list[HistoryEvent]
    verification: Verification


@dataclass(frozen=True)
class Derivation:
    """An edge of the bill of materials: `source` went into `target` (by `via`)."""

    source: bytes
    target: bytes
    via: str  # "transformation" or "aggregation"
    reference: bytes = field(default=ZERO32)  # the transformation id, or the parent for packing


# ---------------------------------------------------------------- the hash chain


def event_hash(abi_event: dict, args: dict[str, Any]) -> bytes:
    """`keccak256(abi.encode(topic0, *args))` for a chained event, from its ABI entry."""
    return _EventHasher(abi_event)(args)


class _EventHasher:
    """`event_hash` for one ABI event, its types and topic worked out once (a history of 10,000
    events hashes 10,000 times)."""

    def __init__(self, abi_event: dict):
        self.inputs = abi_event["inputs"]
        self.types = ["bytes32"] + [_abi_type(i) for i in self.inputs]
        self.topic0 = _topic0(abi_event)

    def __call__(self, args: dict[str, Any]) -> bytes:
        return keccak(encode(self.types, [self.topic0] + [_abi_value(i, args[i["name"]]) for i in self.inputs]))


def next_head(head: bytes, event_hash_: bytes) -> bytes:
    return keccak(bytes(head) + bytes(event_hash_))[:20]


def chain_head(event_hashes: Iterable[bytes]) -> bytes:
    """The head after folding `event_hashes` into an empty chain."""
    head = ZERO_HEAD
    for h in event_hashes:
        head = next_head(head, h)
    return head


def _topic0(abi_event: dict) -> bytes:
    return keccak(text=f"{abi_event['name']}({','.join(_abi_type(i) for i in abi_event['inputs'])})")


def _abi_type(entry: dict) -> str:
    if entry["type"].startswith("tuple"):
        return "(" + ",".join(_abi_type(c) for c in entry["components"]) + ")" + entry["type"][5:]
    return entry["type"]


def _abi_value(entry: dict, value: Any) -> Any:
    if entry["type"] == "tuple":
        names = [c["name"] for c in entry["components"]]
        return tuple(_abi_value(c, v) for c, v in zip(entry["components"], _fields(value, names)))
    if entry["type"].startswith("bytes") and entry["type"] != "bytes":
        return bytes(value)
    return value


def _fields(value: Any, names: tuple[str, ...] | list[str]) -> tuple:
    """A struct decoded by web3 (a dict by name) or by brownie (a tuple) as a tuple."""
    if isinstance(value, Mapping):
        return tuple(value[n] for n in names)
    return tuple(value)


# ---------------------------------------------------------------- arguments


def as_item_id(item: bytes | str) -> bytes:
    """An item id from bytes32, a 0x-hex id, or an EPC URI (hashed with `item_id`)."""
    if isinstance(item, (bytes, bytearray)):
        if len(item) != 32:
            raise PilotchainError(f"an item id is 32 bytes, got {len(item)}")
        return bytes(item)
    if item.startswith("0x") and len(item) == 66:
        return bytes.fromhex(item[2:])
    if ":" not in item:
        raise PilotchainError(f"{item!r} is neither an EPC URI (urn:epc:…) nor a 0x-prefixed 32-byte id")
    return item_id(item)


def resolve_item(session: Session, item: bytes | str) -> bytes:
    """`as_item_id`, with the company prefix of a GS1 Digital Link looked up among the prefixes
    registered on `session`'s chain."""
    if isinstance(item, str) and item.startswith(("http://", "https://")):
        with known_prefixes(registered_prefixes(session)):
            return as_item_id(item)
    return as_item_id(item)


def text32(value: str | bytes) -> bytes:
    """A short code as bytes32: ASCII up to 32 characters is stored as is, longer text hashed."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).rjust(32, b"\0") if len(value) < 32 else bytes(value)[:32]
    raw = value.encode("utf-8")
    return raw.ljust(32, b"\0") if len(raw) <= 32 and raw.isascii() else keccak(raw)


# ---------------------------------------------------------------- reading events: the index or logs


class _Reader(EventReader):
    """Where one read finds Provenance events (`EventReader`), with the hashers of the chained
    events that fold them into an item's head."""

    def __init__(self, session: Session, from_block: int | None = None):
        super().__init__(session, CONTRACT, from_block)
        self.hashers = {name: _EventHasher(e) for name, e in self.abis.items() if name in CHAINED_EVENTS}


# ---------------------------------------------------------------- history and the hash chain


def history(session: Session, item: bytes | str, *, from_block: int | None = None) -> ItemHistory:
    """Every chained event of `item`, in order, checked against the contract's head and count.

    Raises `TamperError` when the events rebuilt from logs do not fold into the on-chain head.
    """
    item = resolve_item(session, item)
    return histories(session, [item], from_block=from_block)[item]


def histories(session: Session, items: Iterable[bytes | str], *, from_block: int | None = None) -> dict[bytes, ItemHistory]:
    """`history` of many items at once: one log query (or index query) for all of them, one
    `verifyBatch` call per 200 items."""
    ids = list(dict.fromkeys(resolve_item(session, i) for i in items))
    verifications = verify_batch(session, ids)
    reader = _Reader(session, from_block)
    logs: dict[bytes, list[Event]] = {i: [] for i in ids}
    for log in reader.find(CHAINED_EVENTS, "itemId", ids):
        logs[bytes(log.args["itemId"])].append(log)
    found = {}
    for item in ids:
        head, events = ZERO_HEAD, []
        for log in logs[item]:
            h = reader.hashers[log.name](log.args)
            head = next_head(head, h)
            events.append(HistoryEvent(log.name, log.args, log.block, log.tx_hash, log.log_index, h, head))
        verification = verifications[item]
        if verification.known and (head != verification.head or len(events) != verification.event_count):
            raise TamperError(
                f"item 0x{item.hex()}: {len(events)} events from logs fold into head 0x{head.hex()}, but the "
                f"contract holds {verification.event_count} events with head 0x{verification.head.hex()}"
            )
        found[item] = ItemHistory(item, events, verification)
    return found


# ---------------------------------------------------------------- verification and traversal


def verify(session: Session, item: bytes | str) -> Verification:
    """What a QR-code scan shows: known or not, status, owner, custodian, events, chain head."""
    item = resolve_item(session, item)
    return Verification.from_abi(item, session.call(session.contract(CONTRACT).functions.verify(item)))


VERIFY_PAGE = 200  # items per verifyBatch call


def verify_batch(session: Session, items: Iterable[bytes]) -> dict[bytes, Verification]:
    """`verify` of many items, `VERIFY_PAGE` per call."""
    ids, found = list(items), {}
    for start in range(0, len(ids), VERIFY_PAGE):
        page = ids[start:start + VERIFY_PAGE]
        views = session.call(session.contract(CONTRACT).functions.verifyBatch(page))
        found.update({i: Verification.from_abi(i, v) for i, v in zip(page, views)})
    return found


@dataclass(frozen=True)
class Trace:
    """Everything reached from `root` in `direction`: the edges and the items, nearest first."""

    root: bytes
    direction: str
    edges: list[Derivation]

    @property
    def items(self) -> list[bytes]:
        ends = (e.target if self.direction == "forward" else e.source for e in self.edges)
        return list(dict.fromkeys(ends))


def trace(session: Session, item: bytes | str, direction: str = "forward", *, from_block: int | None = None) -> Trace:
    """Follow derivations from `item`: forward to what was made from it or packed around it (the
    reach of a recall), backward to its inputs and contents. Breadth first, each item once; each
    level of the search is two or three queries, however many items it holds."""
    if direction not in ("forward", "backward"):
        raise PilotchainError(f"direction must be forward or backward, not {direction!r}")
    root = resolve_item(session, item)
    reader = _Reader(session, from_block)
    seen, frontier, edges = {root}, [root], []
    while frontier:
        following = []
        for edge in _edges(reader, frontier, direction):
            edges.append(edge)
            reached = edge.target if direction == "forward" else edge.source
            if reached not in seen:
                seen.add(reached)
                following.append(reached)
        frontier = following
    return Trace(root, direction, edges)


def _edges(reader: _Reader, frontier: list[bytes], direction: str) -> list[Derivation]:
    """The derivation edges of every item of `frontier` in `direction`, grouped by item in
    frontier order, each item's in chain order: packing first, then transformations."""
    forward = direction == "forward"
    near = "itemId" if forward else "parentId"
    by_item: dict[bytes, list[Derivation]] = {i: [] for i in frontier}
    for log in reader.find(["PackedInto"], near, frontier):
        source, target = bytes(log.args["itemId"]), bytes(log.args["parentId"])
        by_item[bytes(log.args[near])].append(Derivation(source, target, "aggregation", target))
    mine, theirs = ("InputConsumed", "OutputProduced") if forward else ("OutputProduced", "InputConsumed")
    used = [(bytes(log.args["itemId"]), bytes(log.args["transformationId"])) for log in reader.find([mine], "itemId", frontier)]
    other: dict[bytes, list[bytes]] = {}
    for log in reader.find([theirs], "transformationId", [tid for _, tid in used]):
        other.setdefault(bytes(log.args["transformationId"]), []).append(bytes(log.args["itemId"]))
    for current, tid in used:
        by_item[current] += [Derivation(current, o, "transformation", tid) if forward else
                             Derivation(o, current, "transformation", tid) for o in other.get(tid, [])]  # fmt: skip
    return [edge for i in frontier for edge in dict.fromkeys(by_item[i])]


def _args(session: Session, event: str, filters: dict, from_block: int | None = None) -> list[dict]:
    return [dict(e["args"]) for e in session.logs(CONTRACT, event, from_block=from_block, argument_filters=filters)]


# ---------------------------------------------------------------- transactions


def _send(session: Session, fn, *events: str) -> list[dict]:
    """Transact; the decoded arguments of the named events, structs as plain dicts."""
    receipt = session.transact(fn)
    return [_plain(e) for name in events for e in session.events(receipt, CONTRACT, name)]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def commission(session: Session, quantity: Quantity, data: EventData) -> dict:
    """Commission a new item or lot; returns the `Commissioned` event."""
    fn = session.contract(CONTRACT).functions.commission(quantity.as_tuple(), data.as_tuple())
    return _send(session, fn, "Commissioned")[0]


def observe(session: Session, item: bytes | str, data: EventData) -> dict:
    fn = session.contract(CONTRACT).functions.observe(as_item_id(item), data.as_tuple())
    return _send(session, fn, "Observed")[0]


def transform(session: Session, inputs: list[Quantity], outputs: list[Quantity], data: EventData) -> bytes:
    """Consume `inputs` into `outputs`; returns the transformation id."""
    fn = session.contract(CONTRACT).functions.transform(
        [q.as_tuple() for q in inputs], [q.as_tuple() for q in outputs], data.as_tuple()
    )
    return bytes(_send(session, fn, "Transformed")[0]["transformationId"])


def pack(session: Session, parent: bytes | str, children: list[bytes | str], data: EventData) -> dict:
    fn = session.contract(CONTRACT).functions.pack(
        as_item_id(parent), [as_item_id(c) for c in children], data.as_tuple()
    )
    return _send(session, fn, "AggregationRecorded")[0]


def offer_custody(session: Session, item: bytes | str, to_entity: int) -> dict:
    fn = session.contract(CONTRACT).functions.offerCustody(as_item_id(item), int(to_entity))
    return _send(session, fn, "CustodyOffered")[0]


def accept_custody(session: Session, item: bytes | str) -> dict:
    return _send(session, session.contract(CONTRACT).functions.acceptCustody(as_item_id(item)), "CustodyAccepted")[0]


def transfer_ownership(session: Session, item: bytes | str, to_entity: int, biz_transaction: str | bytes = b"") -> dict:
    fn = session.contract(CONTRACT).functions.transferOwnership(
        as_item_id(item), int(to_entity), text32(biz_transaction)
    )
    return _send(session, fn, "OwnershipTransferred")[0]


def certify(session: Session, item: bytes | str, cert_type: str, cert_hash: bytes, valid_until: int = 0) -> dict:
    fn = session.contract(CONTRACT).functions.certify(
        as_item_id(item), text32(cert_type), bytes(cert_hash), int(valid_until)
    )
    return _send(session, fn, "Certified")[0]


def recall(session: Session, item: bytes | str, reason: str) -> dict:
    fn = session.contract(CONTRACT).functions.recall(as_item_id(item), text32(reason))
    return _send(session, fn, "Recalled")[0]


def acknowledge_recall(session: Session, item: bytes | str, recalled: bytes | str, *, from_block: int | None = None) -> dict:
    """As custodian of `item`, acknowledge the recall of `recalled`, which `item` is or derives
    from; the derivation path the contract checks is built from the logs (`derivation_path`)."""
    item, recalled = as_item_id(item), as_item_id(recalled)
    path = derivation_path(session, item, recalled, from_block=from_block)
    fn = session.contract(CONTRACT).functions.acknowledgeRecall(item, recalled, path)
    return _send(session, fn, "RecallAcknowledged")[0]


BATCH_SHARE = 2  # a batch asks for at most 1/BATCH_SHARE of the block gas limit


@dataclass(frozen=True)
class Acknowledgements:
    """What `acknowledge_recalls` did: the items its batches acknowledged (with a journal, also
    the batches of an earlier run), those acknowledged on chain before, and the transactions."""

    recalled: bytes
    acknowledged: list[bytes]
    already: list[bytes]
    transactions: list[str]


def acknowledge_recalls(session: Session, items: Iterable[bytes | str], recalled: bytes | str, *,
                        journal: Journal | None = None, from_block: int | None = None) -> Acknowledgements:
    """As custodian of every item of `items`, acknowledge the recall of `recalled` in `multicall`
    batches sized from the block gas limit, all batches in flight at once (the nonce manager).

    Items acknowledged on chain already are left out. Each item's derivation path is checked
    by the contract against the hash chains of the items on it, which acknowledgements extend:
    batches go out farthest item first, so no acknowledgement changes a chain that a later one
    proves against. With a `journal`, a run killed halfway is run again: its signed batches are
    sent again unchanged (or found mined) and only items no batch holds go into new ones.
    """
    recalled = as_item_id(recalled)
    contract = session.contract(CONTRACT)
    prefix = f"acknowledge 0x{recalled.hex()}:"
    journaled = [key for key in (journal.steps if journal else {}) if key.startswith(prefix)]
    in_journal = {as_item_id(i) for key in journaled for i in key[len(prefix):].split()}
    wanted = [i for i in dict.fromkeys(as_item_id(i) for i in items) if i not in in_journal]
    held = _held_acknowledgements(session, recalled, wanted, from_block)
    todo = [i for i in wanted if i not in set(held)]
    paths = derivation_paths(session, todo, recalled, from_block=from_block)
    todo.sort(key=lambda i: -len(paths[i]))
    calls = [(i, contract.encode_abi("acknowledgeRecall", args=(i, recalled, paths[i]))) for i in todo]
    batches = _gas_batches(session, calls)
    steps = [(key, None) for key in journaled] + [
        (prefix + " " + " ".join("0x" + i.hex() for i, _ in batch),
         lambda _s, batch=batch: contract.functions.multicall([data for _, data in batch]))
        for batch in batches
    ]  # fmt: skip
    if journal is not None:
        receipts = journal.run(steps)
    else:
        pending = [session.send(make_call(session)) for _, make_call in steps]
        receipts = [session.wait(p) for p in pending]
    acknowledged = [bytes(e["itemId"]) for r in receipts for e in session.events(r, CONTRACT, "RecallAcknowledged")
                    if bytes(e["recalledId"]) == recalled]  # fmt: skip
    return Acknowledgements(recalled, acknowledged, held, ["0x" + bytes(r["transactionHash"]).hex() for r in receipts])


def _gas_batches(session: Session, calls: list[tuple[bytes, str]]) -> list[list[tuple[bytes, str]]]:
    """`calls` cut into `multicall` batches whose estimated gas stays within 1/BATCH_SHARE of the
    block gas limit: the rest of the calls is estimated as one batch and, when it is too big (or
    the node cannot even estimate it), cut in proportion and estimated again."""
    budget = session.w3.eth.get_block("latest")["gasLimit"] // BATCH_SHARE
    multicall = session.contract(CONTRACT).functions.multicall
    batches, rest, size = [], list(calls), len(calls)
    while rest:
        size = min(size, len(rest))
        try:
            gas = session.sender.build(multicall([data for _, data in rest[:size]]))["gas"]
        except TransactionFailed as exc:  # not a revert: out of gas at the node's cap, certainly too big
            if isinstance(exc, ContractError) or size == 1:
                raise
            size //= 2
            continue
        if gas > budget and size > 1:
            size = max(1, size * budget // gas)
            continue
        batches.append(rest[:size])
        rest = rest[size:]
    return batches


def _held_acknowledgements(session: Session, recalled: bytes, items: list[bytes] | None = None,
                           from_block: int | None = None) -> list[bytes]:
    """The items (of `items`, or all) whose acknowledgement of the recall of `recalled` stands on
    chain, in the order they were first acknowledged; the recalled item itself is no such item."""
    reader = _Reader(session, from_block)
    names = ["RecallAcknowledged", "RecallReleased"]
    logs = reader.find(names, "recalledId", [recalled]) if items is None else reader.find(names, "itemId", items)
    held: dict[bytes, int] = {}
    for log in logs:
        item = bytes(log.args["itemId"])
        if bytes(log.args["recalledId"]) == recalled and item != recalled:
            held[item] = held.get(item, 0) + (1 if log.name == "RecallAcknowledged" else -1)
    return [i for i, n in held.items() if n > 0]


def withdraw_recall(session: Session, item: bytes | str, reason: str, *, from_block: int | None = None) -> dict:
    """Withdraw the recall of `item` (a recall authority, or the owner for a recall the owner made)
    and, in the same transaction, release every acknowledgement of it still held, so that each
    acknowledging item returns to the status it had before. Returns the `RecallWithdrawn` event
    and the released items."""
    item = as_item_id(item)
    contract = session.contract(CONTRACT)
    releasing = _held_acknowledgements(session, item, from_block=from_block)
    calls = [contract.encode_abi("withdrawRecall", args=(item, text32(reason)))]
    calls += [contract.encode_abi("releaseRecall", args=(i, item)) for i in releasing]
    receipt = session.transact(contract.functions.multicall(calls))
    withdrawn = _plain(session.events(receipt, CONTRACT, "RecallWithdrawn")[0])
    return {"withdrawn": withdrawn, "released": ["0x" + i.hex() for i in releasing]}


def derivation_path(session: Session, item: bytes | str, recalled: bytes | str, *, from_block: int | None = None) -> list[tuple]:
    """The shortest derivation path from `item` back to `recalled`, as the `DerivationStep` tuples
    `acknowledgeRecall` checks: packing hops where the source is packed into the item now,
    transformation hops with proofs against both items' hash chains. Empty when they are the same."""
    item = as_item_id(item)
    return derivation_paths(session, [item], recalled, from_block=from_block)[item]


def derivation_paths(session: Session, items: Iterable[bytes | str], recalled: bytes | str, *,
                     from_block: int | None = None) -> dict[bytes, list[tuple]]:
    """`derivation_path` of many items to one recalled item. One item is searched for backward
    from it (its ancestors are few); many at once forward from `recalled`, one search for all,
    stopped at the level that reaches the last of them. Either search follows only the edges
    that hold (a packing edge while the source is still packed there); the hash chains that the
    transformation hops prove against are read at once."""
    recalled = as_item_id(recalled)
    wanted = list(dict.fromkeys(as_item_id(i) for i in items))
    reader = _Reader(session, from_block)
    hops: dict[bytes, list[Derivation]] = {}
    if len(wanted) == 1:
        came_from = _search(session, reader, wanted[0], "backward", {recalled})
        if recalled in came_from:
            path, current = [], recalled
            while came_from[current] is not None:
                path.append(came_from[current])
                current = came_from[current].target
            hops[wanted[0]] = path[::-1]  # from the item back to `recalled`
    else:
        came_from = _search(session, reader, recalled, "forward", set(wanted))
        for item in (i for i in wanted if i in came_from):
            path, current = [], item
            while came_from[current] is not None:
                path.append(came_from[current])
                current = came_from[current].source
            hops[item] = path
    missing = [i for i in wanted if i not in hops]
    if missing:
        raise PilotchainError(f"item 0x{missing[0].hex()} does not derive from 0x{recalled.hex()} in the logs"
                              + (f" (nor do {len(missing) - 1} more)" if len(missing) > 1 else ""))  # fmt: skip
    for item, path in hops.items():
        if len(path) > MAX_DERIVATION_HOPS:
            raise PilotchainError(f"0x{item.hex()} derives from 0x{recalled.hex()} over {len(path)} hops; "
                                  f"the contract checks at most {MAX_DERIVATION_HOPS}")  # fmt: skip
    chained = {i for path in hops.values() for e in path if e.via == "transformation" for i in (e.source, e.target)}
    chains = {i: h.events for i, h in histories(session, chained, from_block=from_block).items()} if chained else {}
    return {item: [_derivation_step(edge, chains, reader.abis) for edge in path] for item, path in hops.items()}


def _search(session: Session, reader: _Reader, start: bytes, direction: str, until: set[bytes]) -> dict[bytes, Derivation | None]:
    """Breadth first from `start` over the edges that hold, until every item of `until` is
    reached (or nothing more is): each reached item with the edge it was reached by."""
    forward = direction == "forward"
    came_from: dict[bytes, Derivation | None] = {start: None}
    frontier = [start]
    while frontier and not until <= came_from.keys():
        edges = [e for e in _edges(reader, frontier, direction) if (e.target if forward else e.source) not in came_from]
        packed = list(dict.fromkeys(e.source for e in edges if e.via == "aggregation"))
        parents = {i: v.parent for i, v in verify_batch(session, packed).items()}
        frontier = []
        for edge in edges:
            reached = edge.target if forward else edge.source
            if reached not in came_from and (edge.via == "transformation" or parents[edge.source] == edge.target):
                came_from[reached] = edge
                frontier.append(reached)
    return came_from


_NO_PROOF = (ZERO_HEAD, [], [])


def _derivation_step(edge: Derivation, chains: dict[bytes, list[HistoryEvent]], abis: dict[str, dict]) -> tuple:
    if edge.via == "aggregation":
        return (edge.source, ZERO32, _NO_PROOF, _NO_PROOF)
    output = _chain_proof(chains[edge.target], abis["OutputProduced"], edge.reference)
    consumed = _chain_proof(chains[edge.source], abis["InputConsumed"], edge.reference)
    return (edge.source, edge.reference, output, consumed)


def _chain_proof(events: list[HistoryEvent], abi_event: dict, transformation_id: bytes) -> tuple:
    """A `ChainProof` that event `abi_event(item, transformation_id, ...)` is in `events`, an
    item's hash chain."""
    at = next(k for k, e in enumerate(events)
              if e.name == abi_event["name"] and bytes(e.args["transformationId"]) == transformation_id)  # fmt: skip
    rest = abi_event["inputs"][2:]  # the arguments after itemId and transformationId
    words = encode([_abi_type(i) for i in rest], [_abi_value(i, events[at].args[i["name"]]) for i in rest])
    fields = [words[k:k + 32] for k in range(0, len(words), 32)]
    prior = events[at - 1].head if at else ZERO_HEAD
    return (prior, fields, [e.event_hash for e in events[at + 1:]])


# ---------------------------------------------------------------- company prefixes


def prefix_key_of(prefix: str) -> bytes:
    """The bytes6 key of a GS1 company prefix; a `PilotchainError` for anything else."""
    try:
        return prefix_key(str(prefix))
    except ValueError as exc:
        raise PilotchainError(str(exc)) from None


def prefix_payload(session: Session, registrations: Iterable[tuple[int, str]], *, remove: bool = False) -> bytes:
    """The payload of the council `ActionKind.Call` that registers each (entity id, company prefix)
    pair, or with `remove` removes each prefix; several go in one `multicall` of the contract."""
    contract = session.contract(CONTRACT)
    calls = [
        contract.encode_abi("removePrefix", args=(prefix_key_of(prefix),)) if remove
        else contract.encode_abi("registerPrefix", args=(int(entity), prefix_key_of(prefix)))
        for entity, prefix in registrations
    ]  # fmt: skip
    if not calls:
        raise PilotchainError("no company prefix given")
    data = calls[0] if len(calls) == 1 else contract.encode_abi("multicall", args=(calls,))
    return call_payload(contract.address, bytes.fromhex(str(data)[2:]))


def propose_prefixes(session: Session, registrations: Iterable[tuple[int, str]], *, remove: bool = False) -> int:
    """Open the council proposal that registers (or removes) company prefixes; returns its id.
    Once it passes and is executed, only the named entity creates ids under each prefix."""
    return propose(session, ActionKind.Call, prefix_payload(session, registrations, remove=remove))


def prefix_owner(session: Session, prefix: str) -> int:
    """The entity a company prefix is registered to, 0 when none."""
    return int(session.call(session.contract(CONTRACT).functions.prefixOwner(prefix_key_of(prefix))))


# ---------------------------------------------------------------- EPCIS import and export

EXPORT_PREFIX_IRI = "urn:pilotchain:epcis:"  # the namespace of the export's own metadata fields


@dataclass(frozen=True)
class PlannedEvent:
    """One EPCIS event and the contract calls that record it (`fn` names and arguments);
    `uris` names the items of the calls (item id -> EPC URI). A call `("dissociate", (parent,
    None, data))`, an AssociationEvent DELETE without children, stands for every device the
    chain shows associated with the parent when it is sent."""

    label: str
    epcis_hash: bytes
    calls: list[tuple[str, tuple]]
    uris: dict[bytes, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class HeldEvent:
    """An event that depends on state not yet on chain: stored, and recorded once it lands."""

    label: str
    epcis_hash: bytes
    reason: str

    def __str__(self) -> str:
        return f"{self.label}: {self.reason}"


@dataclass(frozen=True)
class RefusedEvent:
    """An event of a document the importer cannot record: which item stops it, and why."""

    label: str
    item: str  # the EPC URI (or 0x id) of the item
    reason: str

    def __str__(self) -> str:
        return f"{self.label}: {self.item} {self.reason}"


@dataclass(frozen=True)
class ImportResult:
    events: int  # events in the document
    recorded: int  # events of the document sent now (0 on a dry run)
    skipped: int  # events the store already had recorded
    transactions: list[str]
    plan: list[PlannedEvent]
    refused: list[RefusedEvent] = field(default_factory=list)  # events this entity can never record, and why
    held: list[HeldEvent] = field(default_factory=list)  # events of the document left waiting, and why
    released: int = 0  # events held by earlier imports that were recorded now


def event_data(event: EpcisEvent) -> EventData:
    """The on-chain EventData of a parsed EPCIS event (`pilotchain.epcis.EpcisEvent`)."""
    return EventData(
        epcis_hash=event.hash,
        read_point=event.read_point_id or ZERO32,
        biz_location=event.biz_location_id or ZERO32,
        event_time=int(event.event_time.timestamp()),
        biz_step=event.biz_step.code if event.biz_step else 0,
        disposition=event.disposition.code if event.disposition else 0,
    )


def plan_event(event: EpcisEvent) -> PlannedEvent:
    """The contract calls that record one EPCIS event; raises EpcisError naming the event and field.

    An error declaration names the erroneous event by the digest of its GS1 Event Hash ID (the
    declaration has the same Event Hash ID, CBV 2.0 leaving `errorDeclaration` out of it). An
    ObjectEvent that names no object (sensor data only) is an observation of its sensor devices,
    or of its read point when it names no device."""
    from pilotchain.epcis.hashid import id_digest
    from pilotchain.epcis.fields import EpcisError

    data = event_data(event).as_tuple()

    def items(epcs, quantities) -> list[bytes]:
        return [item_id(e) for e in epcs] + [item_id(q.epc_class) for q in quantities]

    def quantities(epcs, elements, field_name) -> list[tuple]:
        found = [Quantity.item(item_id(e)).as_tuple() for e in epcs]
        for n, q in enumerate(elements):
            try:
                amount = scaled(q.quantity) if q.quantity is not None else 0
                found.append(Quantity.of_lot(item_id(q.epc_class), amount, q.uom).as_tuple())
            except PilotchainError as exc:
                raise EpcisError(event.label, f"{field_name}[{n}]", str(exc)) from None
        return found

    calls: list[tuple[str, tuple]] = []
    uris = {i.item_id: i.uri for i in event.identifiers()}
    every = ([item_id(event.parent_id)] if event.parent_id else []) + items(event.epcs, event.quantities)
    if event.error_declaration is not None:
        erroneous = id_digest(event.hash_id)
        reason = text32(event.error_declaration.reason or "")
        touched = every + items(event.child_epcs, event.child_quantities) + items(
            event.input_epcs, event.input_quantities) + items(event.output_epcs, event.output_quantities)
        calls = [("declareError", (i, erroneous, reason, data)) for i in dict.fromkeys(touched)]
    elif event.type == "ObjectEvent" and not every:
        subjects = [item_id(d) for d in event.sensor_devices]
        if not subjects and event.read_point:
            subjects = [location_id(event.read_point)]
            uris[subjects[0]] = event.read_point
        calls = [("observe", (i, data)) for i in dict.fromkeys(subjects)]
    elif event.type == "ObjectEvent":
        if event.action == "ADD":
            calls = [("commission", (q, data)) for q in quantities(event.epcs, event.quantities, "quantityList")]
        else:
            fn = "observe" if event.action == "OBSERVE" else "decommission"
            calls = [(fn, (i, data)) for i in every]
    elif event.type == "AggregationEvent":
        children = items(event.child_epcs, event.child_quantities)
        parent = item_id(event.parent_id) if event.parent_id else None
        if event.action in ("ADD", "DELETE") and not (parent and children):
            raise EpcisError(event.label, "childEPCs", f"an aggregation {event.action} needs a parentID and children")
        if event.action == "ADD":
            calls = [("pack", (parent, children, data))]
        elif event.action == "DELETE":
            calls = [("unpack", (parent, children, data))]
        else:
            calls = [("observe", (i, data)) for i in ([parent] if parent else []) + children]
    elif event.type == "TransformationEvent":
        inputs = quantities(event.input_epcs, event.input_quantities, "inputQuantityList")
        outputs = quantities(event.output_epcs, event.output_quantities, "outputQuantityList")
        if not inputs or not outputs:
            raise EpcisError(event.label, "inputEPCList" if not inputs else "outputEPCList",
                             "the chain records transformations with at least one input and one output")  # fmt: skip
        calls = [("transform", (inputs, outputs, data))]
    elif event.type == "TransactionEvent":
        action = Action[event.action.capitalize()]
        calls = [("recordTransaction", (every, item_id(bt.id), int(action), data)) for bt in event.biz_transactions]
    elif event.type == "AssociationEvent":
        parent = item_id(event.parent_id)
        devices = items(event.child_epcs, event.child_quantities)
        if event.action == "OBSERVE":
            calls = [("observe", (parent, data))]
        elif event.action == "DELETE" and not devices:
            calls = [("dissociate", (parent, None, data))]
        else:
            fn = "associate" if event.action == "ADD" else "dissociate"
            calls = [(fn, (parent, device, data)) for device in devices]
    if not calls:
        raise EpcisError(event.label, "type", f"{event.type} {event.action} names nothing the chain can record")
    return PlannedEvent(event.label, event.hash, calls, uris)


class _Blocked(Exception):
    """Why a planned event cannot be recorded now: `item` (its URI) and `reason`; `final` when it
    never can be by this entity (it is refused), otherwise it waits for state not yet on chain."""

    def __init__(self, item: str, reason: str, final: bool = False):
        super().__init__(f"{item} {reason}")
        self.item, self.reason, self.final = item, reason, final


class _ChainState:
    """What the chain holds for the checks of `_dependency` (items known, company-prefix owners,
    packing, device associations), with the effects of the events already planned in this round."""

    def __init__(self, session, plan: list[PlannedEvent]):
        self.session = session
        self.contract = session.contract(CONTRACT)
        self.me = entity_id_of(session)
        ids = list(dict.fromkeys(i for p in plan for fn, args in p.calls for role in _roles(fn, args) for i in role))
        self.known: set[bytes] = {i for i, v in verify_batch(session, ids).items() if v.known}
        self.owners: dict[bytes, int] = {}
        self.parents: dict[bytes, bytes] = {}
        self.associated: dict[tuple[bytes, bytes], bool] = {}

    def owner(self, key: bytes) -> int:
        if key not in self.owners:
            self.owners[key] = int(self.session.call(self.contract.functions.prefixOwner(key))) if any(key) else 0
        return self.owners[key]

    def parent_of(self, child: bytes) -> bytes:
        if child not in self.parents:
            self.parents[child] = verify(self.session, child).parent
        return self.parents[child]

    def is_associated(self, item: bytes, device: bytes) -> bool:
        if (item, device) not in self.associated:
            self.associated[(item, device)] = bool(self.session.call(self.contract.functions.isAssociated(item, device)))
        return self.associated[(item, device)]

    def devices_of(self, item: bytes) -> list[bytes]:
        logged = [bytes(a["deviceId"]) for a in _args(self.session, "DeviceAssociated", {"itemId": item})]
        planned = [device for (i, device), on in self.associated.items() if i == item and on]
        return [d for d in dict.fromkeys(logged + planned) if self.is_associated(item, d)]

    def apply(self, calls: list[tuple[str, tuple]]) -> None:
        for fn, args in calls:
            for role in _roles(fn, args):
                self.known.update(role)
            if fn in ("pack", "unpack"):
                for child in args[1]:
                    self.parents[bytes(child)] = bytes(args[0]) if fn == "pack" else ZERO32
            elif fn in ("associate", "dissociate"):
                self.associated[(bytes(args[0]), bytes(args[1]))] = fn == "associate"


def _roles(fn: str, args: tuple) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """The items a planned call names: those that must be known, those it creates when unknown,
    and those it must create (commissioning)."""
    if fn == "commission":
        return [], [], [bytes(args[0][0])]
    if fn == "transform":
        return [bytes(q[0]) for q in args[0]], [bytes(q[0]) for q in args[1]], []
    if fn == "pack":
        return [bytes(c) for c in args[1]], [bytes(args[0])], []
    if fn == "unpack":
        return [bytes(args[0])] + [bytes(c) for c in args[1]], [], []
    if fn == "recordTransaction":
        return [bytes(i) for i in args[0]], [], []
    if fn == "dissociate" and args[1] is None:
        return [bytes(args[0])], [], []
    return [bytes(args[0])], [], []  # observe, decommission, associate, dissociate, declareError


def _dependency(state: _ChainState, planned: PlannedEvent) -> list[tuple[str, tuple]]:
    """The calls that record `planned` now (their effects applied to `state`), or `_Blocked`:
    final (refused) for an item to commission that exists, an item under a company prefix
    registered to another entity, or a GS1 Digital Link whose company prefix the chain does not
    know; waiting for an item the chain has not seen that the event cannot create, a child not
    packed in the parent it is unpacked from, a device not associated yet."""

    def name(i: bytes) -> str:
        return planned.uris.get(i, "0x" + i.hex())

    for uri in planned.uris.values():
        if unresolved_prefix(uri):
            raise _Blocked(uri, "is a GS1 Digital Link whose company prefix is not registered on chain, so its item "
                           "id cannot be matched to its EPC URN's; name it by its EPC URN or register the prefix", True)
    calls: list[tuple[str, tuple]] = []
    for fn, args in planned.calls:
        if fn == "dissociate" and args[1] is None:
            devices = state.devices_of(args[0]) if args[0] in state.known else []
            if not devices:
                raise _Blocked(name(args[0]), "has no device associated on chain yet to dissociate")
            calls += [(fn, (args[0], d, args[2])) for d in devices]
        else:
            calls.append((fn, args))
    created: list[bytes] = []
    for fn, args in calls:
        required, creatable, fresh = _roles(fn, args)
        exists = lambda i: i in state.known or i in created  # noqa: E731
        for i in required:
            if not exists(i):
                raise _Blocked(name(i), "is unknown and this event cannot create it")
        for i in fresh:
            if exists(i):
                raise _Blocked(name(i), "already exists", True)
        for i in creatable + fresh:
            if not exists(i):
                holder = state.owner(i[:6])
                if holder not in (0, state.me):
                    raise _Blocked(name(i), f"is under company prefix {prefix_text(i[:6])}, which belongs to entity "
                                   f"{holder}", True)  # fmt: skip
                created.append(i)
        if fn == "unpack":
            for child in args[1]:
                if state.parent_of(bytes(child)) != bytes(args[0]):
                    raise _Blocked(name(child), f"is not packed in {name(args[0])} on chain yet")
        if fn == "dissociate" and not state.is_associated(args[0], args[1]):
            raise _Blocked(name(args[1]), f"is not associated with {name(args[0])} on chain yet")
    state.apply(calls)
    return calls


def _triage(state: _ChainState, plan: list[PlannedEvent]):
    """One round over `plan`, in order: the events recordable now with their calls, those that
    wait (with the blocker) and those refused (with the blocker). An event left out creates nothing."""
    ready, waiting, refused = [], [], []
    for p in plan:
        try:
            ready.append((p, _dependency(state, p)))
        except _Blocked as blocked:
            (refused if blocked.final else waiting).append((p, blocked))
    return ready, waiting, refused


def refused_events(session: Session, plan: list[PlannedEvent]) -> list[RefusedEvent]:
    """The events of `plan` that the caller's entity cannot record now, in plan order, each with
    the first item that stops it: an item the chain does not know and the event cannot create
    (an import holds such events until the item is created), an item to commission that exists,
    an item under a company prefix registered to another entity, a Digital Link under an
    unregistered prefix, an unpack or dissociation of what is not packed or associated (held as
    well). Items created by earlier events of the plan count as known."""
    with known_prefixes(registered_prefixes(session)):
        _, waiting, refused = _triage(_ChainState(session, plan), plan)
    order = {p.label: n for n, p in enumerate(plan)}
    left = sorted(waiting + refused, key=lambda pair: order[pair[0].label])
    return [RefusedEvent(p.label, b.item, b.reason) for p, b in left]


def registered_prefixes(session: Session) -> frozenset[str]:
    """The GS1 company prefixes registered on chain (to resolve the company prefix of a Digital Link)."""
    added = [bytes(a["prefix"]) for a in _args(session, "PrefixRegistered", {})]
    removed = [bytes(a["prefix"]) for a in _args(session, "PrefixRemoved", {})]
    live = list(added)
    for key in removed:
        live.remove(key)
    return frozenset(prefix_text(k) for k in live)


def _refuse_reused_event_ids(doc, store) -> None:
    """An eventID already captured with another meaning refuses the document (one line naming it).
    The same event again, and an error declaration of a captured event (which keeps its eventID
    and its Event Hash ID), are no conflict. Blank-node ids (`_:e1`) are local to their document."""
    from pilotchain.epcis import event_hash_id
    from pilotchain.epcis.fields import EpcisError

    for event in doc.events:
        if event.event_id is None or event.event_id.startswith("_:"):
            continue
        for stored in store.with_event_id(event.event_id):
            if stored.hash != event.hash and event_hash_id(stored.event, stored.context) != event.hash_id:
                raise EpcisError(event.label, "eventID", f"already captured as a different event (0x{stored.hash.hex()}); "
                                 "an event is corrected by an error declaration, not by reusing its eventID")  # fmt: skip

def _held_plan(stored) -> PlannedEvent:
    """The plan of an event an earlier import held (read back from the store, checked unaltered)."""
    from pilotchain.epcis import parse_event

    event = parse_event(stored.event, 0, tuple(stored.context))
    if event.hash != stored.hash:
        raise TamperError(f"held {stored.label} was altered in the store: it hashes to 0x{event.hash.hex()}, "
                          f"it was stored as 0x{stored.hash.hex()}")  # fmt: skip
    planned = plan_event(event)
    return PlannedEvent(f"held {stored.label}", stored.hash, planned.calls, planned.uris)


def import_epcis(
    session: Session | None, document: str | Path | dict, store: EventStore, batch_size: int = 20, *, dry_run: bool = False
) -> ImportResult:
    """Record an EPCIS 2.0 document: its events into `store`, their hashes (the digests of their
    GS1 Event Hash IDs) on chain.

    The whole document is validated (GS1's schema, `pilotchain.epcis.validate_document`) and
    mapped before anything is stored or sent: a malformed or unsupported event raises `EpcisError`
    naming the event and the field, and so does an eventID the store holds for a different event.
    Events go out in `multicall` transactions of up to `batch_size` events; events the store
    already holds as recorded are skipped, so an interrupted import can simply be run again.
    An event that depends on state not yet on chain (an item no event has created yet, unpacking
    what is not packed, dissociating what is not associated) is held in the store with the reason
    and recorded by the import that brings the state; each import first retries the events held
    before. An event the caller's entity can never record (an item under another entity's company
    prefix, commissioning an item that exists, a Digital Link under an unregistered prefix) is left
    out whole and listed in `refused`. With `dry_run` nothing is stored or sent: the result's `plan`
    shows what would be recorded, and with a session `held` and `refused` what would not be.
    """
    from pilotchain.epcis import parse_document

    with known_prefixes(registered_prefixes(session) if session else ()):
        doc = parse_document(document)
        plan = [plan_event(e) for e in doc.events]
        if dry_run:
            if session is None:
                return ImportResult(len(plan), 0, 0, [], plan)
            _, waiting, refused = _triage(_ChainState(session, plan), plan)
            return ImportResult(len(plan), 0, 0, [], plan, _refusals(refused), _holds(waiting))
        _refuse_reused_event_ids(doc, store)
        store.put_document(doc)
        todo = list({p.epcis_hash: p for p in plan if not store.stored(p.epcis_hash).recorded}.values())
        earlier = [_held_plan(s) for s in store.held() if s.hash not in {p.epcis_hash for p in todo}]
        transactions, sent, waiting, refused = _record(session, store, earlier + todo, batch_size)
    ours = {p.epcis_hash for p in todo}
    return ImportResult(len(plan), len(sent & ours), len(plan) - len(todo), transactions, plan, _refusals(refused),
                        _holds([(p, b) for p, b in waiting if p.epcis_hash in ours]), len(sent - ours))  # fmt: skip


def release_held(session: Session, store: EventStore, batch_size: int = 20) -> ImportResult:
    """Retry every held event (as an import does first); those whose state has landed are recorded."""
    with known_prefixes(registered_prefixes(session)):
        earlier = [_held_plan(s) for s in store.held()]
        transactions, sent, waiting, refused = _record(session, store, earlier, batch_size)
    return ImportResult(len(earlier), 0, 0, transactions, earlier, _refusals(refused), _holds(waiting), len(sent))


def _holds(waiting: list) -> list[HeldEvent]:
    return [HeldEvent(p.label, p.epcis_hash, str(blocked)) for p, blocked in waiting]


def _refusals(refused: list) -> list[RefusedEvent]:
    return [RefusedEvent(p.label, blocked.item, blocked.reason) for p, blocked in refused]


def _record(session: Session, store, pending: list[PlannedEvent], batch_size: int):
    """Send `pending` in rounds: each round sends, in order, every event whose state is on chain
    (or made by an earlier event of the round); the rest wait for the next round. Events still
    waiting when a round sends nothing are held in the store with their reason; refused events
    stay stored, unrecorded and not held."""
    contract = session.contract(CONTRACT)
    transactions: list[str] = []
    sent: set[bytes] = set()
    waiting: list = []
    refused: list = []
    while pending:
        ready, waiting, rejected = _triage(_ChainState(session, pending), pending)
        refused += rejected
        for start in range(0, len(ready), batch_size):
            batch = ready[start:start + batch_size]
            encoded = [contract.encode_abi(fn, args=args) for _, calls in batch for fn, args in calls]
            receipt = session.transact(contract.functions.multicall(encoded))
            for p, _ in batch:
                store.mark_recorded(p.epcis_hash, receipt["transactionHash"], receipt["blockNumber"])
                sent.add(p.epcis_hash)
            transactions.append("0x" + bytes(receipt["transactionHash"]).hex())
        if not ready:
            break
        pending = [p for p, _ in waiting]
    for p, blocked in waiting:
        store.hold(p.epcis_hash, str(blocked))
    return transactions, sent, waiting, refused


def item_epcis_hashes(session: Session, history_: ItemHistory) -> list[bytes]:
    """The EPCIS event hashes of an item's history, in chain order, each once. A transformation's
    hash comes from its `Transformed` log, whose id is checked against the event data."""
    found = []
    for event in history_.events:
        if event.name in ("InputConsumed", "OutputProduced"):
            data = _transformation_data(session, bytes(event.args["transformationId"]), event.args["entityId"])
        elif event.data is not None:
            data = event.data
        else:
            continue
        if data.epcis_hash != ZERO32:
            found.append(data.epcis_hash)
    return list(dict.fromkeys(found))


def _transformation_data(session: Session, transformation_id: bytes, entity_id: int) -> EventData:
    logs = session.logs(CONTRACT, "Transformed", argument_filters={"transformationId": transformation_id})
    if not logs:
        raise TamperError(f"transformation 0x{transformation_id.hex()} has no Transformed log")
    data = EventData.from_abi(logs[0]["args"]["data"])
    expected = keccak(encode(["uint32", "(bytes32,bytes32,bytes32,uint40,uint16,uint16)"], [entity_id, data.as_tuple()]))
    if expected != transformation_id:
        raise TamperError(f"transformation 0x{transformation_id.hex()} does not match its logged event data")
    return data


def _recorded_in(session: Session, tx_hash: bytes) -> set[bytes]:
    """The EPCIS hashes the Provenance contract logged in one transaction (decoded by its ABI)."""
    contract = session.contract(CONTRACT)
    receipt = session.w3.eth.get_transaction_receipt(tx_hash)
    found = set()
    for entry in contract.abi:
        if entry.get("type") == "event" and any(i["name"] == "data" for i in entry["inputs"]):
            for decoded in session.events(receipt, CONTRACT, entry["name"]):
                found.add(EventData.from_abi(decoded["data"]).epcis_hash)
    return found


def export_item(session: Session, store: EventStore, item: bytes | str) -> dict:
    """Every captured event about an item, as an EPCIS 2.0 document that gives back what was
    captured, its meaning verified against the chain.

    The events are the item's on-chain history (the logs checked against its hash-chain head),
    then the stored events that name it in another role, e.g. an association child, a quantity
    class or a sensor device (each checked to be logged by the transaction that recorded it).
    Every event goes out as captured. Its document's `@context` goes with it: as the export's
    context when all events share one, otherwise scoped to the event (an event-level
    `@context`), so two partners' prefixes cannot change each other's data. Document metadata
    comes back as captured: with one source document its id, sender, receiver,
    instanceIdentifier, epcisHeader and creationDate, otherwise each source document's under
    `pilotchain:sourceDocuments`; `pilotchain:exportDate` is the export's own creation time.

    Verified means: the exported document is parsed again, each event's GS1 Event Hash ID is
    recomputed from the exported JSON and its digest compared with the hash the chain recorded;
    any difference raises `TamperError` naming the event (a tampered, missing or re-contexted
    stored event included).
    """
    from pilotchain.epcis import parse_document
    from pilotchain.epcis.store import EventStoreError

    checked = history(session, item)
    wanted = [(h, None) for h in item_epcis_hashes(session, checked)]
    seen = {h for h, _ in wanted}
    for stored in store.events_for_item(checked.item_id):
        if stored.recorded and stored.hash not in seen:
            wanted.append((stored.hash, stored.tx_hash))
            seen.add(stored.hash)
    events = []
    for h, tx in wanted:
        try:
            stored = store.stored(h)
        except EventStoreError:
            raise TamperError(f"event 0x{h.hex()} of item 0x{checked.item_id.hex()} is missing from {store.path}") from None
        if tx is not None and h not in _recorded_in(session, tx):
            raise TamperError(f"stored {stored.label} names tx 0x{bytes(tx).hex()}, which did not record it")
        if stored.recomputed_hash() != h:
            raise TamperError(
                f"stored {stored.label} was altered: its Event Hash ID gives 0x{stored.recomputed_hash().hex()}, "
                f"the chain recorded 0x{h.hex()}"
            )
        events.append(stored)
    document = _export_document(store, events)
    exported = parse_document(document)
    for stored, again in zip(events, exported.events, strict=True):
        if again.hash != stored.hash:
            raise TamperError(f"exported {again.label} does not keep the meaning the chain recorded for {stored.label}")
    return document


def _export_document(store, events: list) -> dict:
    """The EPCIS document of stored events: contexts kept (shared, or scoped per event) and the
    source documents' metadata as captured beside the export's own creation time."""
    from datetime import datetime, timezone

    from pilotchain.epcis import EPCIS_CONTEXT, METADATA_FIELDS, canonical_json, export_document, parse_event

    now = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    parsed = [parse_event(s.event, n, tuple(s.context)) for n, s in enumerate(events)]
    contexts = {canonical_json(s.context): s.context for s in events}
    context = list(next(iter(contexts.values()))) if len(contexts) == 1 else [EPCIS_CONTEXT]
    prefix = _free_prefix(context, EXPORT_PREFIX_IRI)
    if {prefix: EXPORT_PREFIX_IRI} not in context:
        context.append({prefix: EXPORT_PREFIX_IRI})
    sources = list(dict.fromkeys(s.import_id for s in events))
    headers = {i: (store.header(i) or {}) if i else {} for i in sources}
    if len(sources) == 1 and headers[sources[0]].get("creationDate"):
        captured = {k: v for k, v in headers[sources[0]].items() if k != "@context"}
        creation = captured.pop("creationDate")
        header = {**captured, f"{prefix}:exportDate": now}
    else:
        creation = now
        header = {f"{prefix}:exportDate": now, f"{prefix}:sourceDocuments": [
            {**{k: h[k] for k in ("creationDate", *METADATA_FIELDS) if k in h},
             "eventHashIDs": [e.hash_id for e, s in zip(parsed, events) if s.import_id == i]}
            for i, h in headers.items()
        ]}  # fmt: skip
    return export_document(parsed, header, context=context, creation_date=creation)


def _free_prefix(context: list, iri: str) -> str:
    """`pilotchain`, or `pilotchain2`…, whichever the context leaves free or binds to `iri`."""
    bound = {k: v for entry in context if isinstance(entry, Mapping) for k, v in entry.items()}
    n = 1
    while (name := "pilotchain" + (str(n) if n > 1 else "")) in bound and bound[name] != iri:
        n += 1
    return name
