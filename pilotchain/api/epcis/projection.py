"""The EPCIS view of the index: one row per EPCIS event recorded on chain, with the fields the
query language filters on in indexed columns, and every EPC / EPC class it names by role.

The indexer (`pilotchain.indexer`) writes one `provenance_events` row per contract event, with
the EPCIS event JSON from the off-chain store beside the hash; one EPCIS event can give several
rows (an error declaration per item, a transaction per business transaction). `Projection.refresh`
folds those rows into `epcis_events` (keyed by the event's hash, first row wins) and
`epcis_identifiers`, in one transaction, following the index through reorgs: rows the index has
not declared final are checked again on every refresh, and an event whose originating row was
rolled back leaves the view with it. Events recorded without an EPCIS document (a bare
`provenance commission`) are not EPCIS events and stay out.

`recordTime` is when this view first saw the event on chain (the repository recording it):
monotone, which is what GE_recordTime and subscriptions need. The tables live beside the index
in its database (created here, `epcis_` prefix; the index's Alembic migrations do not own them).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pilotchain.epcis import EpcisError, is_standard_context, parse_event
from pilotchain.epcis.identifiers import canonical
from pilotchain.indexer import schema as index

metadata = sa.MetaData(naming_convention={"ix": "ix_%(table_name)s_%(column_0_N_name)s"})

events = sa.Table(
    "epcis_events", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),  # the order the view saw them
    sa.Column("epcis_hash", index.Hex32, nullable=False, unique=True),
    sa.Column("event_type", sa.String(32), nullable=False),
    sa.Column("event_id", sa.Text, index=True),
    sa.Column("action", sa.String(8)),
    sa.Column("event_time", sa.BigInteger, nullable=False, index=True),  # ms since the epoch
    sa.Column("record_time", sa.BigInteger, nullable=False, index=True),  # ms since the epoch
    sa.Column("biz_step", sa.Text),  # CBV bare word, or the custom URI
    sa.Column("disposition", sa.Text),
    sa.Column("read_point", sa.Text),
    sa.Column("biz_location", sa.Text),
    sa.Column("entity_id", sa.BigInteger, nullable=False),  # the member that recorded it
    sa.Column("block_number", sa.BigInteger, nullable=False, index=True),
    sa.Column("block_hash", index.Hex32, nullable=False),
    sa.Column("log_index", sa.Integer, nullable=False),
    sa.Column("event", sa.JSON, nullable=False),  # the event JSON as captured
    sa.Column("context", sa.JSON, nullable=False),  # its document's non-standard @context entries
    *(sa.Index(None, column, "seq") for column in
      ("event_type", "action", "biz_step", "disposition", "read_point", "biz_location")),
)

identifiers = sa.Table(
    "epcis_identifiers", metadata,
    sa.Column("seq", sa.Integer, nullable=False, index=True),
    sa.Column("role", sa.String(16), nullable=False),  # epc, parent, child, input, output, quantity
    sa.Column("is_class", sa.Boolean, nullable=False),
    sa.Column("uri", sa.Text, nullable=False),  # as the event names it
    sa.Column("canonical", sa.Text, nullable=False),  # pilotchain.epcis.identifiers.canonical
    sa.Index(None, "canonical", "role", "seq"),
    sa.Index(None, "uri", "role", "seq"),
)

state = sa.Table(
    "epcis_state", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
)

SCANNED = "scanned_above"  # rows at or below this block were final when last folded in
_ANALYZED = "analyzed_rows"  # the view's size when its statistics were taken
_NEVER = object()


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> str:
    """An EPCIS date-time (UTC, milliseconds) for a stored instant."""
    return datetime.fromtimestamp(ms / 1000, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Refreshed:
    added: int
    removed: int


class Projection:
    """The `epcis_*` tables on the index database `engine`; `eventstore` (optional) gives each
    event's document context, so extension fields keep their meaning in query results."""

    def __init__(self, engine: sa.Engine, eventstore: str | Path | None = None, *, clock=time.time):
        self.engine = engine
        self.eventstore = Path(eventstore) if eventstore else None
        self.clock = clock
        self._lock = threading.Lock()
        self._seen_cursor: Any = _NEVER
        metadata.create_all(engine)

    def refresh(self) -> Refreshed:
        """Fold the index's new provenance rows in and drop those it rolled back (one transaction);
        nothing to do (two reads) while the index's cursor and the hash of its block are as they were."""
        with self.engine.connect() as conn:
            number = conn.execute(sa.select(index.meta.c.value).where(index.meta.c.key == "cursor")).scalar()
            tip = conn.execute(sa.select(index.blocks.c.hash).where(index.blocks.c.number == number)).scalar()
        cursor = (number, tip)
        if cursor == self._seen_cursor:
            return Refreshed(0, 0)
        with self._lock, self.engine.begin() as conn:
            scanned = conn.execute(sa.select(state.c.value).where(state.c.key == SCANNED)).scalar()
            scanned = -1 if scanned is None else int(scanned)
            removed = self._drop_rolled_back(conn, scanned)
            added = self._add_new(conn, scanned)
            final = conn.execute(sa.select(index.meta.c.value).where(index.meta.c.key == "final_height")).scalar()
            if final is not None and int(final) != scanned:
                conn.execute(state.delete().where(state.c.key == SCANNED))
                conn.execute(state.insert().values(key=SCANNED, value=int(final)))
        self._seen_cursor = cursor
        if added:
            self.keep_statistics()
        return Refreshed(added, removed)

    def keep_statistics(self) -> None:
        """The planners choose the view's indexes from table statistics (ANALYZE, in SQLite and
        PostgreSQL alike): without them SQLite walks the event-type index where an EPC lookup
        would find a handful of rows, and PostgreSQL after a bulk catch-up has none until its
        autovacuum runs. They are taken again whenever the view has doubled since."""
        with self.engine.begin() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
            last = conn.execute(sa.select(state.c.value).where(state.c.key == _ANALYZED)).scalar() or 0
            if total < 1000 or total < 2 * int(last):
                return
            conn.exec_driver_sql("ANALYZE epcis_events")
            conn.exec_driver_sql("ANALYZE epcis_identifiers")
            conn.execute(state.delete().where(state.c.key == _ANALYZED))
            conn.execute(state.insert().values(key=_ANALYZED, value=total))

    def latest_seq(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.coalesce(sa.func.max(events.c.seq), 0))).scalar_one()

    def _drop_rolled_back(self, conn: sa.Connection, scanned: int) -> int:
        pe = index.provenance_events
        origin = sa.select(1).where(pe.c.block_hash == events.c.block_hash, pe.c.log_index == events.c.log_index)
        gone = [r.seq for r in conn.execute(sa.select(events.c.seq).where(events.c.block_number > scanned,
                                                                           ~sa.exists(origin)))]
        if gone:
            conn.execute(identifiers.delete().where(identifiers.c.seq.in_(gone)))
            conn.execute(events.delete().where(events.c.seq.in_(gone)))
        return len(gone)

    def _add_new(self, conn: sa.Connection, scanned: int) -> int:
        pe = index.provenance_events
        rows = conn.execute(
            sa.select(pe.c.epcis_hash, pe.c.entity_id, pe.c.block_number, pe.c.block_hash, pe.c.log_index, pe.c.document)
            .where(pe.c.block_number > scanned, ~sa.exists(sa.select(1).where(events.c.epcis_hash == pe.c.epcis_hash)))
            .order_by(pe.c.block_number, pe.c.log_index))
        fresh: dict[str, Any] = {}
        for row in rows:
            if row.document is not None and row.epcis_hash not in fresh:
                fresh[row.epcis_hash] = row
        if not fresh:
            return 0
        contexts = self._contexts(list(fresh))
        now = int(self.clock() * 1000)
        for epcis_hash, row in fresh.items():
            self._insert(conn, row, contexts.get(epcis_hash, []), now)
        return len(fresh)

    def _insert(self, conn: sa.Connection, row, context: list, record_time: int) -> None:
        try:
            event = parse_event(row.document, 0, tuple(context))
        except EpcisError:
            return  # the chain holds its hash, but the stored JSON is not an EPCIS event: not queryable
        seq = conn.execute(events.insert().values(
            epcis_hash=row.epcis_hash, event_type=event.type, event_id=event.event_id, action=event.action,
            event_time=to_ms(event.event_time), record_time=record_time,
            biz_step=event.biz_step.name if event.biz_step else None,
            disposition=event.disposition.name if event.disposition else None,
            read_point=event.read_point, biz_location=event.biz_location, entity_id=row.entity_id,
            block_number=row.block_number, block_hash=row.block_hash, log_index=row.log_index,
            event=row.document, context=[c for c in context if not is_standard_context(c)],
        )).inserted_primary_key[0]
        named = [{"seq": seq, "role": i.role, "is_class": i.is_class, "uri": i.uri, "canonical": canonical(i.uri)}
                 for i in event.identifiers() if i.role != "sensor"]
        if named:
            conn.execute(identifiers.insert(), named)

    def _contexts(self, hashes: list[str]) -> dict[str, list]:
        """The `@context` each event's document had, from the event store (when there is one)."""
        if self.eventstore is None or not self.eventstore.exists():
            return {}
        from pilotchain.epcis.store import EventStore

        with EventStore(self.eventstore) as store:
            return {h: store.stored(h).context for h in hashes if h in store}
