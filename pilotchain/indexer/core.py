"""The indexer: follows a deployment block by block into the tables of `schema`.

Each poll is one database transaction: check that the last indexed blocks are still on the
chain (a replaced block means a reorg: undo everything above the common ancestor), fetch the
logs of the next batch of blocks, decode each with the contract ABI, store it in `events`, let
its handler fill the typed tables, store the block hashes and move the cursor. A process killed
at any point leaves the database at the end of the last committed batch, where the next run
resumes.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import BlockNotFound
from web3.types import RPCEndpoint

from pilotchain import artifacts, toolchain
from pilotchain.chain.seal import raw_blocks
from pilotchain.deployments import Deployment, chain_identity
from pilotchain.errors import ConfigError, PilotchainError, TransactionFailed
from pilotchain.indexer import schema as s
from pilotchain.eventdecode import EventDecoder
from pilotchain.indexer.handlers import HANDLERS
from pilotchain.indexer.store import connect_db
from pilotchain.registry import ENTITY_FIELDS, EVERYONE
from pilotchain.tx import call, call_rows

DEFAULT_CONFIRMATIONS = 2
DEFAULT_BATCH_BLOCKS = 500
MAX_RETRIES = 5
INDEX_DIR_ENV = "PILOTCHAIN_INDEX"
DEFAULT_DIR = toolchain.ROOT / ".pilotchain" / "index"


class IndexerError(PilotchainError):
    """The index belongs to another chain or deployment, or the node answered inconsistently."""


class _BlockChanged(Exception):
    """A reorg happened while a batch was read: the batch is dropped and read again."""


def default_db_url(chain_id: int) -> str:
    directory = Path(os.environ.get(INDEX_DIR_ENV) or DEFAULT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / f'{chain_id}.sqlite'}"


@dataclass
class SyncResult:
    """What one `sync` did."""

    head: int
    indexed_to: int
    final_height: int
    blocks: int = 0
    events: int = 0
    rolled_back: list[tuple[int, int]] = field(default_factory=list)  # (from block, to ancestor)


class _Batch:
    """The handlers' view of one batch: buffered inserts, journaled updates (see handlers.Context)."""

    def __init__(self, indexer: Indexer, conn: sa.Connection, times: dict[int, int], admitted: dict[int, tuple]):
        self.indexer, self.conn, self.times = indexer, conn, times
        self.admitted = admitted  # entity id -> its stored Entity as of its admission block
        self.pending: dict[sa.Table, list[dict]] = {}
        self.origin: dict[str, Any] = {}

    def insert(self, table: sa.Table, **values: Any) -> None:
        o = self.origin
        values.update(block_number=o["block_number"], block_hash=o["block_hash"], log_index=o["log_index"],
                      last_block=o["block_number"], final=False)
        self.pending.setdefault(table, []).append(values)

    def flush(self, table: sa.Table | None = None) -> None:
        for t in [table] if table is not None else list(self.pending):
            rows = self.pending.pop(t, None)
            if rows:
                self.conn.execute(t.insert(), _same_keys(t, rows))

    def get(self, table: sa.Table, key: dict[str, Any]) -> dict[str, Any] | None:
        rows = self.rows(table, key)
        return rows[0] if rows else None

    def rows(self, table: sa.Table, key: dict[str, Any]) -> list[dict[str, Any]]:
        self.flush(table)
        return [dict(r) for r in self.conn.execute(sa.select(table).where(*_match(table, key))).mappings()]

    def update(self, table: sa.Table, key: dict[str, Any], **values: Any) -> None:
        old = self.get(table, key)
        if old is None:  # the row's creating event is not ours (or not indexed): the event row remains
            return
        undo = {c: old[c] for c in [*values, "last_block"]}
        self.conn.execute(s.undo_log.insert().values(
            block_number=self.origin["block_number"], table_name=table.name, row_key=key, old_values=undo))
        values.update(last_block=self.origin["block_number"], final=False)
        self.conn.execute(table.update().where(*_match(table, key)).values(**values))

    def entity_facts(self, entity_id: int, code: str) -> dict[str, Any]:
        return self.indexer.entity_facts(self.admitted[entity_id], code)

    def document(self, epcis_hash: str) -> dict | None:
        return self.indexer.document(epcis_hash)

    def block_time(self) -> int:
        return self.times[self.origin["block_number"]]


def read_meta(conn: sa.Connection, key: str, default: Any) -> Any:
    """A bookkeeping value of the index (cursor, final_height, identity)."""
    value = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == key)).scalar_one_or_none()
    return default if value is None else value


def _topic(topics: list[str], position: int) -> str | None:
    return topics[position].lower() if len(topics) > position else None


def _match(table: sa.Table, key: dict[str, Any]) -> list:
    return [table.c[k] == v for k, v in key.items()]


def _runs(ids: list[int], longest: int) -> list[tuple[int, int]]:
    """Sorted `ids` as (first id, count) runs of consecutive ids, none longer than `longest`."""
    runs: list[list[int]] = []
    for n in ids:
        if runs and n == sum(runs[-1]) and runs[-1][1] < longest:
            runs[-1][1] += 1
        else:
            runs.append([n, 1])
    return [(first, count) for first, count in runs]


def _same_keys(table: sa.Table, rows: list[dict]) -> list[dict]:
    """executemany needs one key set: fill the optional columns a handler left out."""
    keys = set().union(*rows)
    return [{k: r.get(k) for k in keys} for r in rows] if any(len(r) != len(keys) for r in rows) else rows


class Indexer:
    """Indexes the deployment `deployment` of the chain behind `w3` into the database `db_url`."""

    def __init__(self, w3: Web3, deployment: Deployment, db_url: str | None = None, *,
                 confirmations: int = DEFAULT_CONFIRMATIONS, batch_blocks: int = DEFAULT_BATCH_BLOCKS,
                 eventstore: str | Path | None = None, log: Callable[[str], None] = lambda _m: None):
        if confirmations < 0 or batch_blocks < 1:
            raise ConfigError("confirmations must be >= 0 and batch_blocks >= 1")
        self.w3, self.deployment, self.log = w3, deployment, log
        self.confirmations, self.batch_blocks = confirmations, batch_blocks
        self.db_url = db_url or default_db_url(deployment.chain_id)
        self.engine = connect_db(self.db_url)
        self._contracts: dict[str, str] = {}  # lowercase address -> contract name
        self._decoders: dict[tuple[str, str], EventDecoder] = {}  # (address, topic0) -> decoder
        for name, deployed in deployment.contracts.items():
            if name not in artifacts.CONTRACTS:
                continue
            address = deployed.address.lower()
            self._contracts[address] = name
            for item in artifacts.load(name).abi:
                if item["type"] == "event" and not item.get("anonymous"):
                    decoder = EventDecoder(item)
                    self._decoders[(address, decoder.topic)] = decoder
        self._addresses = [Web3.to_checksum_address(a) for a in self._contracts]
        self._eventstore_path = eventstore
        self._local = threading.local()
        self._cities: tuple[dict[str, str], dict[int, str]] | None = None
        self._check_identity()

    # ------------------------------------------------------------------ public

    def sync(self, *, max_batches: int | None = None) -> SyncResult:
        """Catch up to the node's head: one transaction per batch of blocks (the first one also
        rolls back a reorg, if any). Returns what was done."""
        head = self.w3.eth.block_number
        result = SyncResult(head=head, indexed_to=self.cursor(), final_height=max(head - self.confirmations, -1))
        batches = retries = 0
        while max_batches is None or batches < max_batches:
            try:
                done = self._poll(head, result)
            except _BlockChanged as exc:  # nothing was committed; the next poll sees the new blocks
                retries += 1
                if retries > MAX_RETRIES:
                    raise IndexerError(f"{exc}; the chain keeps changing under the indexer") from None
                head = self.w3.eth.block_number
                continue
            batches += 1
            if done:
                break
        return result

    def follow(self, *, interval: float = 1.0, stop: threading.Event | None = None,
               on_sync: Callable[[SyncResult], None] | None = None) -> None:
        """Sync, then poll every `interval` seconds until `stop` is set (or SIGTERM / Ctrl-C)."""
        stop = stop or threading.Event()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.is_set():
                result = self.sync()
                if on_sync:
                    on_sync(result)
                stop.wait(interval)
        except KeyboardInterrupt:  # an interrupted batch was rolled back; the index is consistent
            pass
        finally:
            self._close_store()

    def cursor(self) -> int:
        """The last block indexed (the block before the deployment's first when none is)."""
        with self.engine.connect() as conn:
            return self._meta(conn, "cursor", self.deployment.first_block - 1)

    def status(self) -> dict[str, Any]:
        head = self.w3.eth.block_number
        with self.engine.connect() as conn:
            indexed = self._meta(conn, "cursor", self.deployment.first_block - 1)
            return {
                "chain_id": self.deployment.chain_id, "db": self.engine.url.render_as_string(hide_password=True),
                "head": head, "indexed_to": indexed, "lag": max(head - indexed, 0),
                "confirmations": self.confirmations,
                "final_height": self._meta(conn, "final_height", self.deployment.first_block - 1),
                "events": conn.execute(sa.select(sa.func.count()).select_from(s.events)).scalar_one(),
            }

    def close(self) -> None:
        self._close_store()
        self.engine.dispose()

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ enrichment for handlers

    def entity_facts(self, stored: tuple, code: str) -> dict[str, Any]:
        """Kind, region, capabilities and council seat of an entity (not in EntityAdmitted) from
        its stored Entity (see `_admitted`); the city from data/entities.csv by registration
        code, else by region code."""
        entity = dict(zip(ENTITY_FIELDS, stored))
        by_code, by_region = self._city_tables()
        return {**{k: entity[k] for k in ("kind", "region", "capabilities", "council")},
                "city": by_code.get(code) or by_region.get(entity["region"])}

    def document(self, epcis_hash: str) -> dict | None:
        """The EPCIS event stored off chain under `epcis_hash`, if the event store has it."""
        store = self._store()
        if store is None or epcis_hash not in store:
            return None
        return store.get(epcis_hash)

    def _admitted(self, events: list[tuple[dict, str, str, dict]]) -> dict[int, tuple]:
        """The stored Entity of each entity admitted by `events` (see `_decode`), by id, as the
        registry's `listEntities` view returns it at the admission block: one call per block and
        run of consecutive ids (the admissions of one block are one run), not one `entity` call
        per entity, which cost 12-16 ms an admission in a catch-up. At the admission block, so
        that a later change (capabilities, a council seat) reaches the row only through its own
        event, which a reorg's rollback undoes; at the head only on a node that no longer keeps
        the state of that block."""
        by_block: dict[int, list[int]] = {}
        for entry, contract, name, args in events:
            if (contract, name) == ("EntityRegistry", "EntityAdmitted"):
                by_block.setdefault(entry["blockNumber"], []).append(args["entityId"])
        stored: dict[int, tuple] = {}
        for block, ids in by_block.items():
            for first, count in _runs(sorted(ids), self._entity_page):
                view = self._registry.functions.listEntities(EVERYONE, first, count)
                try:
                    rows, _cursor = call_rows(view, block)
                except TransactionFailed:
                    rows, _cursor = call_rows(view)
                stored.update(rows)
        return stored

    @cached_property
    def _registry(self) -> Contract:
        return self.w3.eth.contract(address=self.deployment.addresses["EntityRegistry"],
                                    abi=artifacts.load("EntityRegistry").abi)

    @cached_property
    def _entity_page(self) -> int:
        """The most rows one `listEntities` call returns (the registry's MAX_PAGE)."""
        return call(self._registry.functions.MAX_PAGE())

    def _store(self):
        from pilotchain.epcis.store import DEFAULT_PATH, PATH_ENV, EventStore

        local = self._local  # an SQLite connection serves only the thread that opened it
        if not hasattr(local, "store"):
            path = Path(self._eventstore_path or os.environ.get(PATH_ENV) or DEFAULT_PATH)
            local.store = EventStore(path) if path.exists() else None  # never created by indexing
        return local.store

    def _close_store(self) -> None:
        store = getattr(self._local, "store", None)
        if store is not None:
            store.close()
        self._local.__dict__.pop("store", None)

    def _city_tables(self) -> tuple[dict[str, str], dict[int, str]]:
        if self._cities is None:
            from pilotchain.pilot.roster import load_roster

            try:
                roster = load_roster()
            except ConfigError:
                roster = []
            self._cities = ({e.code: e.city for e in roster}, {e.region: e.city for e in roster})
        return self._cities

    # ------------------------------------------------------------------ one poll

    def _poll(self, head: int, result: SyncResult) -> bool:
        """One transaction: roll back a reorg if there is one, then index one batch. True when
        the index has reached `head`."""
        with self.engine.begin() as conn:
            cursor = self._meta(conn, "cursor", self.deployment.first_block - 1)
            ancestor = self._common_ancestor(conn, cursor, head)
            if ancestor < cursor:
                self.log(f"reorg: blocks {ancestor + 1}..{cursor} replaced; rolling back to {ancestor}")
                self._rollback(conn, ancestor)
                result.rolled_back.append((cursor, ancestor))
                cursor = ancestor
            if cursor >= head:
                self._finalize(conn, min(cursor, head - self.confirmations))
                result.indexed_to = cursor
                return True
            end = min(head, cursor + self.batch_blocks)
            logs = self._logs(cursor + 1, end)
            headers = self._headers({end, *(entry["blockNumber"] for entry in logs)})
            hashes = {n: h for n, (h, _t) in headers.items()}
            for entry in logs:
                if hashes[entry["blockNumber"]] != entry["blockHash"]:
                    raise _BlockChanged(f"block {entry['blockNumber']} changed while it was read")
            events = [self._decode(entry) for entry in logs]
            batch = _Batch(self, conn, {n: ts for n, (_h, ts) in headers.items()}, self._admitted(events))
            for event in events:
                self._apply(batch, *event)
            batch.flush()
            conn.execute(s.blocks.insert(), [{"number": n, "hash": h, "timestamp": ts}
                                             for n, (h, ts) in sorted(headers.items())])
            self._set_meta(conn, "cursor", end)
            self._finalize(conn, min(end, head - self.confirmations))
            result.indexed_to, result.blocks, result.events = end, result.blocks + end - cursor, result.events + len(logs)
            self.log(f"indexed blocks {cursor + 1}..{end}: {len(logs)} events")
            return end >= head

    def _logs(self, first: int, last: int) -> list[dict]:
        """The deployment's logs of blocks `first`..`last`, as the node sends them (hex strings),
        block numbers and log indexes as integers. Raw JSON-RPC: web3's result formatters would
        cost more than the decoding."""
        response = self.w3.provider.make_request(RPCEndpoint("eth_getLogs"), [
            {"fromBlock": hex(first), "toBlock": hex(last), "address": self._addresses}])
        if "error" in response:
            raise IndexerError(f"eth_getLogs {first}..{last} failed: {response['error']}")
        logs = [entry for entry in response["result"] if not entry.get("removed")]
        for entry in logs:
            entry["blockNumber"], entry["logIndex"] = int(entry["blockNumber"], 16), int(entry["logIndex"], 16)
        return sorted(logs, key=lambda e: (e["blockNumber"], e["logIndex"]))

    def _headers(self, numbers: set[int]) -> dict[int, tuple[str, int]]:
        """(hash, timestamp) of each block in `numbers`, in one JSON-RPC batch."""
        ordered = sorted(numbers)
        headers = {}
        for number, block in zip(ordered, raw_blocks(self.w3, ordered)):
            if block is None:  # the block went away between the logs and this call
                raise _BlockChanged(f"block {number} is gone")
            headers[number] = (block["hash"], int(block["timestamp"], 16))
        return headers

    def _decode(self, entry: dict) -> tuple[dict, str, str, dict]:
        """(the log, its contract's name, the event's name, its arguments)."""
        address, topics = entry["address"].lower(), entry["topics"]
        decoder = self._decoders.get((address, topics[0] if topics else None))
        if decoder is None:  # an event this ABI does not know (a newer contract): kept undecoded
            return entry, self._contracts[address], "Unknown", {"topics": topics, "data": entry["data"]}
        return entry, self._contracts[address], decoder.name, decoder.decode(topics, entry["data"])

    def _apply(self, batch: _Batch, entry: dict, contract: str, name: str, args: dict) -> None:
        topics = entry["topics"]
        batch.origin = {"block_number": entry["blockNumber"], "block_hash": entry["blockHash"],
                        "log_index": entry["logIndex"]}
        batch.pending.setdefault(s.events, []).append({
            **batch.origin, "tx_hash": entry["transactionHash"], "contract": contract, "event": name,
            "args": args, "final": False, "topic1": _topic(topics, 1), "topic2": _topic(topics, 2),
        })
        handler = HANDLERS.get((contract, name))
        if handler is not None:
            handler(batch, args)

    # ------------------------------------------------------------------ reorgs

    def _canonical_hash(self, number: int) -> str | None:
        try:
            return self.w3.eth.get_block(number)["hash"].to_0x_hex()
        except BlockNotFound:
            return None

    def _common_ancestor(self, conn: sa.Connection, cursor: int, head: int) -> int:
        """The highest indexed block still on the chain. The tip and every stored block above the
        final height are compared with the node (a matching tip vouches for all below it by the
        hash chain; the others catch logs read from a fork that was replaced mid-batch)."""
        floor = min(cursor, head - self.confirmations)
        recent = conn.execute(sa.select(s.blocks.c.number, s.blocks.c.hash).where(s.blocks.c.number >= floor)
                              .order_by(s.blocks.c.number.desc())).all()
        if all(self._canonical_hash(n) == h for n, h in recent):
            return cursor
        for number, stored in conn.execute(sa.select(s.blocks.c.number, s.blocks.c.hash)
                                           .order_by(s.blocks.c.number.desc())):
            if self._canonical_hash(number) == stored:
                return number
        return self.deployment.first_block - 1

    def _rollback(self, conn: sa.Connection, ancestor: int) -> None:
        """Undo every change above `ancestor`: journaled updates newest first, then the rows."""
        final_height = min(self._meta(conn, "final_height", ancestor), ancestor)
        tables = {t.name: t for t in s.TYPED}
        undo = conn.execute(sa.select(s.undo_log).where(s.undo_log.c.block_number > ancestor)
                            .order_by(s.undo_log.c.seq.desc())).mappings().all()
        for entry in undo:
            table = tables[entry["table_name"]]
            old = dict(entry["old_values"])
            conn.execute(table.update().where(*_match(table, entry["row_key"]))
                         .values(**old, final=old["last_block"] <= final_height))
        conn.execute(s.undo_log.delete().where(s.undo_log.c.block_number > ancestor))
        for table in (*s.TYPED, s.events):
            conn.execute(table.delete().where(table.c.block_number > ancestor))
        conn.execute(s.blocks.delete().where(s.blocks.c.number > ancestor))
        self._set_meta(conn, "cursor", ancestor)
        self._set_meta(conn, "final_height", final_height)

    def _finalize(self, conn: sa.Connection, height: int) -> None:
        """Mark final the rows last changed at or below `height` (and above the previous mark)."""
        previous = self._meta(conn, "final_height", self.deployment.first_block - 1)
        if height <= previous:
            return
        for table in s.TYPED:
            conn.execute(table.update().where(table.c.last_block > previous, table.c.last_block <= height)
                         .values(final=True))
        conn.execute(s.events.update().where(s.events.c.block_number > previous, s.events.c.block_number <= height)
                     .values(final=True))
        self._set_meta(conn, "final_height", height)

    # ------------------------------------------------------------------ meta

    def _check_identity(self) -> None:
        chain_id, genesis = chain_identity(self.w3)
        identity = {"chain_id": chain_id, "genesis_hash": genesis,
                    "contracts": {n: a for n, a in sorted(self.deployment.addresses.items())}}
        if chain_id != self.deployment.chain_id or genesis != self.deployment.genesis_hash:
            raise IndexerError(f"the deployment record is for chain {self.deployment.chain_id}, "
                               f"the node is chain {chain_id} (genesis {genesis[:12]}…)")
        with self.engine.begin() as conn:
            stored = self._meta(conn, "identity", None)
            if stored is None:
                self._set_meta(conn, "identity", identity)
            elif stored != identity:
                raise IndexerError(
                    f"{self.engine.url.render_as_string(hide_password=True)} indexes another chain or deployment "
                    f"(chain {stored['chain_id']}, genesis {stored['genesis_hash'][:12]}…); use another --db"
                )

    _meta = staticmethod(read_meta)

    @staticmethod
    def _set_meta(conn: sa.Connection, key: str, value: Any) -> None:
        if conn.execute(s.meta.update().where(s.meta.c.key == key).values(value=value)).rowcount == 0:
            conn.execute(s.meta.insert().values(key=key, value=value))


def run(network: str, *, db: str | None = None, follow: bool = False, confirmations: int = DEFAULT_CONFIRMATIONS,
        batch_blocks: int = DEFAULT_BATCH_BLOCKS, interval: float = 1.0, eventstore: str | Path | None = None,
        log: Callable[[str], None] = lambda _m: None, stop: threading.Event | None = None) -> dict[str, Any]:
    """Index the deployment on `network` into `db` (default: SQLite under .pilotchain/index/):
    catch up once, or with `follow` keep polling until stopped. Returns the index status."""
    from pilotchain import deployments, endpoints

    w3, _ = endpoints.connect(network)
    deployment = deployments.for_chain(w3)
    started = time.monotonic()
    with Indexer(w3, deployment, db, confirmations=confirmations, batch_blocks=batch_blocks,
                 eventstore=eventstore, log=log) as indexer:
        if follow:
            indexer.follow(interval=interval, stop=stop)
        else:
            indexer.sync()
        return {**indexer.status(), "seconds": round(time.monotonic() - started, 2)}
