"""The off-chain store of EPCIS events: each event's JSON as captured, keyed by its hash (SQLite).

The chain holds only each event's hash, the digest of its GS1 Event Hash ID
(`pilotchain.epcis.hashid.event_digest`); this store keeps the event's JSON (canonical bytes of
what was captured), the `@context` of its document, which document (import) it came from with
that document's metadata, and an index from every item id the event touches to the event, in
the order events were stored. `pending()` lists events not yet recorded on chain, so an import
can resume; `held()` those waiting for state not yet on chain, with the reason. Bytes are
returned exactly as stored: the caller detects tampering by recomputing the Event Hash ID of
the stored JSON (`StoredEvent.recomputed_hash`) and comparing it with the hash on chain.

    with EventStore() as store:
        store.put_document(doc)
        for stored in store.pending(): ...
        store.mark_recorded(event.hash, tx_hash, block)
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils import keccak

from pilotchain import toolchain
from pilotchain.epcis import EpcisDocument, EpcisEvent, canonical_json, event_hash
from pilotchain.errors import PilotchainError

DEFAULT_PATH = toolchain.ROOT / ".pilotchain" / "eventstore.sqlite"
PATH_ENV = "PILOTCHAIN_EVENTSTORE"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    import_id TEXT PRIMARY KEY,
    header    TEXT NOT NULL                 -- JSON: @context, creationDate and the other
);                                          -- top-level fields (id, sender, receiver…) as captured
CREATE TABLE IF NOT EXISTS events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    hash       BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    canonical  BLOB NOT NULL,
    import_id  TEXT,
    event_type TEXT NOT NULL,
    event_id   TEXT,
    tx_hash    BLOB,
    block      INTEGER,
    context    TEXT NOT NULL DEFAULT '[]',  -- JSON: the @context of the event's document
    held       TEXT                         -- why the event waits to be recorded (NULL: it does not)
);
CREATE TABLE IF NOT EXISTS item_events (
    item_id BLOB NOT NULL CHECK (length(item_id) = 32),
    seq     INTEGER NOT NULL REFERENCES events(seq),
    role    TEXT NOT NULL,
    PRIMARY KEY (item_id, seq, role)
);
CREATE INDEX IF NOT EXISTS events_pending ON events(seq) WHERE tx_hash IS NULL;
CREATE INDEX IF NOT EXISTS events_by_event_id ON events(event_id);
"""


SCHEMA_VERSION = 2  # 2: events keyed by the digest of their GS1 Event Hash ID, with context and held


class EventStoreError(PilotchainError):
    """An event missing from the store, or a recording that contradicts the stored one."""


@dataclass(frozen=True)
class StoredEvent:
    """A stored event: its hash, its canonical bytes as stored, the `@context` of its document,
    where it was recorded, and why it waits if it is held."""

    hash: bytes
    canonical: bytes
    import_id: str | None
    event_type: str
    event_id: str | None
    tx_hash: bytes | None
    block: int | None
    context: list[Any]
    held: str | None

    @property
    def event(self) -> dict[str, Any]:
        """The event JSON, decoded from the stored canonical bytes."""
        return json.loads(self.canonical)

    @property
    def label(self) -> str:
        """How messages name a stored event: `ObjectEvent eventID urn:uuid:…` (or its hash)."""
        return f"{self.event_type} " + (f"eventID {self.event_id}" if self.event_id else f"0x{self.hash.hex()}")

    def recomputed_hash(self) -> bytes:
        """The hash of the stored JSON computed afresh (GS1 Event Hash ID digest, in its
        document's context): equal to `hash` unless the stored event was altered."""
        return event_hash(self.event, self.context)

    @property
    def recorded(self) -> bool:
        return self.tx_hash is not None


class EventStore:
    """Events by hash in an SQLite file (WAL), with an item id → events index. A context manager."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path or os.environ.get(PATH_ENV) or DEFAULT_PATH)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION and self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'events'").fetchone():
            self._db.close()
            raise EventStoreError(
                f"the event store {self.path} was written by an earlier pilotchain (events keyed by keccak, "
                "not by GS1 Event Hash IDs): move it aside and import the documents again"
            )
        self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def __contains__(self, event_hash: bytes | str) -> bool:
        return self._row(event_hash) is not None

    def put(
        self,
        event: EpcisEvent,
        *,
        import_id: str | None = None,
        tx_hash: bytes | str | None = None,
        block: int | None = None,
    ) -> bool:
        """Store an event and index its items; True if new, False if its hash was already here.

        Storing the same event again changes nothing, except that a recording (`tx_hash`,
        `block`) is added to an event stored as pending.
        """
        with self._db:
            return self._put(event, import_id, tx_hash, block)

    def put_document(self, doc: EpcisDocument, import_id: str | None = None) -> str:
        """Store a document's header and all its events in one transaction; returns the import id.

        The default import id is the document's own hash, so importing it again is a no-op.
        """
        import_id = import_id or "0x" + keccak(canonical_json(doc.raw)).hex()
        header = {"@context": list(doc.context), "creationDate": doc.raw["creationDate"], **doc.header}
        with self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO documents (import_id, header) VALUES (?, ?)",
                (import_id, canonical_json(header).decode()),
            )
            for event in doc.events:
                self._put(event, import_id, None, None)
        return import_id

    def header(self, import_id: str) -> dict[str, Any] | None:
        """The top-level fields (`@context`, id, sender…) of an imported document, if known."""
        row = self._db.execute(
            "SELECT header FROM documents WHERE import_id = ?", (import_id,)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def get(self, event_hash: bytes | str) -> dict[str, Any]:
        """The event JSON stored under `event_hash`."""
        return json.loads(self.get_canonical(event_hash))

    def get_canonical(self, event_hash: bytes | str) -> bytes:
        """The event's canonical JSON exactly as stored (compare its keccak with the chain's)."""
        return self.stored(event_hash).canonical

    def stored(self, event_hash: bytes | str) -> StoredEvent:
        """The stored record of an event; `EventStoreError` if it is not here."""
        row = self._row(event_hash)
        if row is None:
            raise EventStoreError(f"event 0x{_hash32(event_hash).hex()} is not in {self.path}")
        return _stored(row)

    def events_for_item(self, item_id: bytes | str) -> list[StoredEvent]:
        """Every event that touches the item (any role), in the order they were stored."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM events WHERE seq IN "
            "(SELECT seq FROM item_events WHERE item_id = ?) ORDER BY seq",
            (_hash32(item_id),),
        )
        return [_stored(row) for row in rows]

    def with_event_id(self, event_id: str) -> list[StoredEvent]:
        """The stored events that carry `event_id` (one, unless the store predates the check)."""
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM events WHERE event_id = ? ORDER BY seq", (event_id,))
        return [_stored(row) for row in rows]

    def held(self) -> list[StoredEvent]:
        """Events waiting for state not yet on chain, with the reason, in the order they were stored."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM events WHERE held IS NOT NULL AND tx_hash IS NULL ORDER BY seq"
        )
        return [_stored(row) for row in rows]

    def hold(self, event_hash: bytes | str, reason: str) -> None:
        """Note that the event waits for state not yet on chain, and why."""
        with self._db:
            cursor = self._db.execute("UPDATE events SET held = ? WHERE hash = ? AND tx_hash IS NULL",
                                      (reason, _hash32(event_hash)))  # fmt: skip
        if cursor.rowcount == 0:
            raise EventStoreError(f"event 0x{_hash32(event_hash).hex()} is not a pending event of {self.path}")

    def pending(self) -> list[StoredEvent]:
        """Events stored but not yet recorded on chain, in the order they were stored."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM events WHERE tx_hash IS NULL ORDER BY seq"
        )
        return [_stored(row) for row in rows]

    def mark_recorded(self, event_hash: bytes | str, tx_hash: bytes | str, block: int) -> None:
        """Note the transaction and block that recorded the event (replaces an earlier note)."""
        with self._db:
            cursor = self._db.execute(
                "UPDATE events SET tx_hash = ?, block = ?, held = NULL WHERE hash = ?",
                (_hash32(tx_hash), block, _hash32(event_hash)),
            )
        if cursor.rowcount == 0:
            raise EventStoreError(f"event 0x{_hash32(event_hash).hex()} is not in {self.path}")

    def _put(
        self, event: EpcisEvent, import_id: str | None, tx_hash: bytes | str | None,
        block: int | None,
    ) -> bool:
        tx = _hash32(tx_hash) if tx_hash is not None else None
        row = self._row(event.hash)
        if row is not None:
            stored = _stored(row)
            if tx is not None and stored.tx_hash not in (None, tx):
                raise EventStoreError(
                    f"{event.label} is already recorded by tx 0x{stored.tx_hash.hex()}, "
                    f"not 0x{tx.hex()}"
                )
            if tx is not None and stored.tx_hash is None:
                self._db.execute("UPDATE events SET tx_hash = ?, block = ? WHERE hash = ?",
                                 (tx, block, event.hash))
            return False
        seq = self._db.execute(
            "INSERT INTO events (hash, canonical, import_id, event_type, event_id, tx_hash, block, context)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (event.hash, event.canonical, import_id, event.type, event.event_id, tx, block,
             canonical_json(list(event.context)).decode()),
        ).lastrowid
        self._db.executemany(
            "INSERT OR IGNORE INTO item_events (item_id, seq, role) VALUES (?, ?, ?)",
            [(ident.item_id, seq, ident.role) for ident in event.identifiers()],
        )
        return True

    def _row(self, event_hash: bytes | str) -> tuple | None:
        return self._db.execute(
            f"SELECT {_COLUMNS} FROM events WHERE hash = ?", (_hash32(event_hash),)
        ).fetchone()


_COLUMNS = "hash, canonical, import_id, event_type, event_id, tx_hash, block, context, held"


def _stored(row: tuple) -> StoredEvent:
    digest, canonical, *rest, context, held = row
    if isinstance(canonical, str):  # a row edited by hand as TEXT: still its exact bytes
        canonical = canonical.encode("utf-8")
    return StoredEvent(digest, canonical, *rest, json.loads(context), held)


def _hash32(value: bytes | str) -> bytes:
    """A 32-byte hash from bytes or a 0x-prefixed hex string."""
    if isinstance(value, str):
        try:
            value = bytes.fromhex(value.removeprefix("0x"))
        except ValueError:
            raise EventStoreError(f"{value!r} is not a hex hash") from None
    value = bytes(value)
    if len(value) != 32:
        raise EventStoreError(f"a hash must be 32 bytes, not {len(value)}")
    return value
