"""The gateway's own record (SQLite in its state folder): spent nonces, deliveries, receipt batches.

A nonce is stored when its request is accepted, so a replay is refused even after a restart.
A delivery is committed before the last bytes of its response are sent; it then waits for a
receipt batch. A batch is committed (with its deliveries) before its transaction is signed,
and the transaction goes through a `pilotchain.journal.Journal` keyed by the batch id: after a
kill, an unfinished batch is resumed with the same deliveries and, if it was signed, the same
transaction, so each delivery gets exactly one receipt.

The database runs in WAL mode with `synchronous=NORMAL`: a commit survives the gateway's
process being killed at any point (it is in the operating system's hands); a power cut may lose
the last commits, as with any database tuned for throughput (set `synchronous=FULL` for that).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS nonces (
    requester TEXT NOT NULL, nonce TEXT NOT NULL, expiry INTEGER NOT NULL,
    PRIMARY KEY (requester, nonce)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT, state TEXT NOT NULL, created_at REAL NOT NULL, note TEXT);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL UNIQUE, asset_id INTEGER NOT NULL, grantee INTEGER NOT NULL,
    requester TEXT NOT NULL, purpose INTEGER NOT NULL, delivery_hash TEXT NOT NULL,
    first_byte INTEGER, last_byte INTEGER, bytes INTEGER NOT NULL, checked_block INTEGER NOT NULL,
    delivered_at REAL NOT NULL,
    batch INTEGER REFERENCES batches(id), tx TEXT, block INTEGER, unrecorded TEXT);
CREATE INDEX IF NOT EXISTS deliveries_waiting ON deliveries (batch) WHERE tx IS NULL AND unrecorded IS NULL;
CREATE INDEX IF NOT EXISTS deliveries_asset ON deliveries (asset_id);
"""


@dataclass(frozen=True)
class Delivery:
    seq: int
    request_id: bytes
    asset_id: int
    grantee: int
    requester: str
    purpose: int
    delivery_hash: bytes
    first_byte: int | None
    last_byte: int | None
    bytes: int
    checked_block: int
    delivered_at: float
    batch: int | None = None
    tx: str | None = None
    block: int | None = None
    unrecorded: str | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Delivery:
        values = dict(row)
        values["request_id"] = bytes.fromhex(values["request_id"])
        values["delivery_hash"] = bytes.fromhex(values["delivery_hash"])
        return cls(**values)

    def log_line(self) -> str:
        """The gateway's line for this delivery, as `data receipts` shows it."""
        moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.delivered_at))
        part = "whole file" if self.first_byte is None else f"bytes {self.first_byte}-{self.last_byte}"
        return (f"{moment} delivered asset {self.asset_id} ({part}, {self.bytes} bytes) to {self.requester} "
                f"(entity {self.grantee}) for purpose {self.purpose}, allowed at block {self.checked_block}, "
                f"request 0x{self.request_id.hex()}")


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, sql: str, params: tuple | list = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._db.execute(sql, params)

    def _rows(self, sql: str, params: tuple | list = ()) -> list[Delivery]:
        with self._lock:
            return [Delivery.from_row(row) for row in self._db.execute(sql, params).fetchall()]

    # ------------------------------------------------------------ nonces

    def claim_nonce(self, requester: str, nonce: int, expiry: int) -> bool:
        """Record a request's nonce; False if this requester already used it."""
        try:
            self._write("INSERT INTO nonces VALUES (?, ?, ?)", (requester, str(nonce), expiry))
            return True
        except sqlite3.IntegrityError:
            return False

    def forget_nonces(self, before: int) -> int:
        """Drop nonces of requests that expired before `before` (the gateway refuses those anyway)."""
        return self._write("DELETE FROM nonces WHERE expiry < ?", (before,)).rowcount

    # ------------------------------------------------------------ deliveries

    def record_delivery(self, *, request_id: bytes, asset_id: int, grantee: int, requester: str, purpose: int,
                        delivery_hash: bytes, first_byte: int | None, last_byte: int | None, size: int,
                        checked_block: int) -> Delivery:
        delivered_at = time.time()
        cursor = self._write(
            "INSERT INTO deliveries (request_id, asset_id, grantee, requester, purpose, delivery_hash, first_byte,"
            " last_byte, bytes, checked_block, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (request_id.hex(), asset_id, grantee, requester, purpose, delivery_hash.hex(), first_byte, last_byte,
             size, checked_block, delivered_at))
        return Delivery(cursor.lastrowid, request_id, asset_id, grantee, requester, purpose, delivery_hash,
                        first_byte, last_byte, size, checked_block, delivered_at)

    def deliveries(self, asset_id: int | None = None) -> list[Delivery]:
        if asset_id is None:
            return self._rows("SELECT * FROM deliveries ORDER BY seq")
        return self._rows("SELECT * FROM deliveries WHERE asset_id = ? ORDER BY seq", (asset_id,))

    def waiting(self, limit: int) -> list[Delivery]:
        """Deliveries in no batch yet, oldest first."""
        return self._rows("SELECT * FROM deliveries WHERE batch IS NULL AND tx IS NULL AND unrecorded IS NULL "
                          "ORDER BY seq LIMIT ?", (limit,))

    # ------------------------------------------------------------ batches

    def open_batch(self, deliveries: list[Delivery]) -> int:
        """A new batch holding `deliveries`, committed before anything is signed for it."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            batch = self._db.execute("INSERT INTO batches (state, created_at) VALUES ('sending', ?)",
                                     (time.time(),)).lastrowid
            self._db.executemany("UPDATE deliveries SET batch = ? WHERE seq = ?",
                                 [(batch, d.seq) for d in deliveries])
            self._db.execute("COMMIT")
            return batch

    def unfinished_batches(self) -> dict[int, list[Delivery]]:
        """Batches opened but not yet seen mined (a killed gateway's), with their deliveries."""
        with self._lock:
            ids = [row[0] for row in self._db.execute("SELECT id FROM batches WHERE state = 'sending' ORDER BY id")]
        return {batch: self._rows("SELECT * FROM deliveries WHERE batch = ? ORDER BY seq", (batch,)) for batch in ids}

    def batch_mined(self, batch: int, tx: str, block: int) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("UPDATE deliveries SET tx = ?, block = ? WHERE batch = ?", (tx, block, batch))
            self._db.execute("UPDATE batches SET state = 'mined' WHERE id = ?", (batch,))
            self._db.execute("COMMIT")

    def batch_failed(self, batch: int, reason: str, *, unrecordable: list[int] = ()) -> None:
        """Give up `batch` (nothing of it is on chain): `unrecordable` deliveries keep `reason` and
        get no receipt; the others wait for the next batch."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("UPDATE batches SET state = 'failed', note = ? WHERE id = ?", (reason, batch))
            self._db.executemany("UPDATE deliveries SET unrecorded = ? WHERE seq = ?",
                                 [(reason, seq) for seq in unrecordable])
            self._db.execute("UPDATE deliveries SET batch = NULL WHERE batch = ? AND unrecorded IS NULL", (batch,))
            self._db.execute("COMMIT")
