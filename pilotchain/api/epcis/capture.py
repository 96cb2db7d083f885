"""Capture jobs: an accepted EPCISDocument is recorded on chain in the background, as the member
who sent it, through the same path as `pilotchain provenance import-epcis`
(`provenance.import_epcis`: the events into the event store, their hashes on chain in
`multicall` transactions sent by the member's `Session`).

GS1-Capture-Error-Behaviour, as far as a chain allows:
- `rollback` (the default): a dry run first asks the chain whether every event can be recorded
  now by this member; if one cannot (refused: another entity's company prefix, an item that
  exists; or waiting: an item no event has created yet), nothing is stored or sent and the job
  fails naming each event. Otherwise the events go out in one `multicall` transaction, which the
  chain applies whole or not at all (a revert rolls every event back).
- `proceed`: the events the dry run clears are recorded (in transactions of `batch_size`
  events); the others are named in the job's errors and are not stored, so no event of this
  capture waits in the store to be recorded later under another member's capture.
Jobs run one at a time (one worker thread), so the dry run and the transactions of a job see
no other capture of this server in between; their state is kept in the index database.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa

from pilotchain import provenance as prov
from pilotchain.api.epcis.errors import EpcisException
from pilotchain.api.epcis.projection import from_ms, metadata
from pilotchain.epcis import EpcisError
from pilotchain.errors import PilotchainError
from pilotchain.session import Session

log = logging.getLogger(__name__)

BEHAVIOURS = ("rollback", "proceed")

jobs = sa.Table(
    "epcis_capture_jobs", metadata,
    sa.Column("capture_id", sa.String(32), primary_key=True),
    sa.Column("account", sa.String(42), nullable=False, index=True),
    sa.Column("entity_id", sa.BigInteger, nullable=False),
    sa.Column("behaviour", sa.String(8), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False, index=True),  # ms since the epoch
    sa.Column("finished_at", sa.BigInteger),
    sa.Column("running", sa.Boolean, nullable=False),
    sa.Column("success", sa.Boolean, nullable=False),
    sa.Column("events", sa.Integer, nullable=False),
    sa.Column("recorded", sa.Integer, nullable=False, default=0),
    sa.Column("skipped", sa.Integer, nullable=False, default=0),
    sa.Column("errors", sa.JSON, nullable=False),
    sa.Column("transactions", sa.JSON, nullable=False),
)


class Member(Protocol):
    """The signed-in member, as the app's sign-in dependency gives it."""

    account: str
    entity_id: int | None


class CaptureSender(Protocol):
    """Records a validated EPCISDocument on chain as `member`; the result says what was recorded,
    refused and held (`provenance.ImportResult`). `preview` says the same of the chain and the
    event store as they are now, without storing or sending anything (the capture's dry run)."""

    def __call__(self, member: Member, document: dict, *, rollback: bool) -> prov.ImportResult: ...

    def preview(self, member: Member, document: dict) -> Preview: ...


@dataclasses.dataclass(frozen=True)
class Preview:
    """A capture's dry run: the library's result for the member, and the events of the document
    this repository has already recorded (a capture skips them)."""

    result: prov.ImportResult
    recorded: frozenset[bytes]


@dataclasses.dataclass(frozen=True)
class ImportSender:
    """The library's capture path: `provenance.import_epcis` with the member's own `Session`
    (`session_for(member)`, e.g. its keystore opened by the app) and the server's event store
    (the one the indexer reads documents from)."""

    session_for: Callable[[Member], Session]
    eventstore: Path
    batch_size: int = 20

    def preview(self, member: Member, document: dict) -> Preview:
        from pilotchain.epcis.store import EventStore

        result = prov.import_epcis(self.session_for(member), document, None, dry_run=True)
        with EventStore(self.eventstore) as store:
            recorded = frozenset(p.epcis_hash for p in result.plan
                                 if p.epcis_hash in store and store.stored(p.epcis_hash).recorded)
        return Preview(result, recorded)

    def __call__(self, member: Member, document: dict, *, rollback: bool) -> prov.ImportResult:
        from pilotchain.epcis.store import EventStore

        session = self.session_for(member)
        with EventStore(self.eventstore) as store:
            check = prov.import_epcis(session, document, store, dry_run=True)
            blocked = {h.label for h in check.held} | {r.label for r in check.refused}
            if (rollback and blocked) or len(blocked) == check.events:
                return check
            events = document["epcisBody"]["eventList"]
            kept = [e for e, planned in zip(events, check.plan) if planned.label not in blocked]
            clear = {**document, "epcisBody": {**document["epcisBody"], "eventList": kept}}
            batch = len(kept) if rollback else self.batch_size  # rollback: one transaction, all or nothing
            result = prov.import_epcis(session, clear, store, batch)
        return dataclasses.replace(result, events=check.events, refused=check.refused,
                                   held=check.held + result.held)


def _event_problem(label: str, detail: str, waits: bool) -> dict[str, Any]:
    title = "Event waits for state not on chain" if waits else "Event refused by the chain"
    return EpcisException(409, "ValidationException", title, detail=detail, event=label).body()


class Captures:
    """Capture jobs on `engine`, run one at a time by `sender`."""

    def __init__(self, engine: sa.Engine, sender: CaptureSender):
        self.engine = engine
        self.sender = sender
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="epcis-capture")

    def submit(self, member: Member, document: dict, events: int, behaviour: str) -> str:
        capture_id = secrets.token_hex(8)
        with self.engine.begin() as conn:
            conn.execute(jobs.insert().values(
                capture_id=capture_id, account=member.account, entity_id=member.entity_id, behaviour=behaviour,
                created_at=int(time.time() * 1000), running=True, success=True, events=events, errors=[],
                transactions=[]))
        self._worker.submit(self._run, capture_id, member, document, behaviour)
        return capture_id

    def _run(self, capture_id: str, member: Member, document: dict, behaviour: str) -> None:
        outcome: dict[str, Any] = {"recorded": 0, "skipped": 0, "transactions": []}
        try:
            result = self.sender(member, document, rollback=behaviour == "rollback")
            errors = [_event_problem(r.label, str(r), False) for r in result.refused]
            errors += [_event_problem(h.label, str(h), True) for h in result.held]
            outcome = {"recorded": result.recorded, "skipped": result.skipped, "transactions": result.transactions}
        except EpcisError as exc:  # an eventID this repository holds for another event
            errors = [EpcisException(400, "ValidationException", "Invalid EPCIS document", detail=str(exc)).body()]
        except PilotchainError as exc:  # a transaction the chain refused
            errors = [EpcisException(500, "ImplementationException", "The capture failed", detail=str(exc)).body()]
        except Exception:
            log.exception("capture job %s failed", capture_id)
            errors = [EpcisException(500, "ImplementationException", "The capture failed",
                                     detail="the server failed; its log has the details").body()]
        with self.engine.begin() as conn:
            conn.execute(jobs.update().where(jobs.c.capture_id == capture_id).values(
                running=False, success=not errors, errors=errors, finished_at=int(time.time() * 1000), **outcome))

    def job(self, capture_id: str, account: str) -> dict[str, Any] | None:
        """The job `capture_id` of `account` (None for another account's)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.capture_id == capture_id, jobs.c.account == account)).first()
        return None if row is None else job_document(row)

    def list(self, account: str, *, after: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
        """The jobs of `account`, oldest first, after the job `after`; and the last one when more follow."""
        with self.engine.connect() as conn:
            query = sa.select(jobs).where(jobs.c.account == account)
            if after is not None:
                start = sa.select(jobs.c.created_at).where(jobs.c.capture_id == after).scalar_subquery()
                query = query.where(sa.tuple_(jobs.c.created_at, jobs.c.capture_id) > sa.tuple_(start, after))
            rows = conn.execute(query.order_by(jobs.c.created_at, jobs.c.capture_id).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        return [job_document(r) for r in rows], (rows[-1].capture_id if more else None)

    def close(self) -> None:
        self._worker.shutdown(wait=True)


def preview_document(preview: Preview) -> dict[str, Any]:
    """A capture's dry run as the console shows it: per event, the contract calls that would record
    it and the items they name; the events already recorded here (skipped), those the chain would
    refuse (never recordable by this member) and those that would wait for state not on chain
    yet, each with its reason."""
    result = preview.result
    blocked = {r.label for r in result.refused} | {h.label for h in result.held}
    return {
        "events": result.events,
        "recordable": sum(p.label not in blocked and p.epcis_hash not in preview.recorded for p in result.plan),
        "plan": [{"event": p.label, "eventHash": "0x" + p.epcis_hash.hex(), "recorded": p.epcis_hash in preview.recorded,
                  "calls": list(dict.fromkeys(fn for fn, _ in p.calls)), "epcs": list(dict.fromkeys(p.uris.values()))}
                 for p in result.plan],
        "refused": [{"event": r.label, "epc": r.item, "reason": r.reason} for r in result.refused],
        "held": [{"event": h.label, "reason": h.reason} for h in result.held],
    }


def job_document(row) -> dict[str, Any]:
    """A CaptureJob as the binding describes it, with what the chain recorded."""
    document = {"captureID": row.capture_id, "createdAt": from_ms(row.created_at)}
    if row.finished_at is not None:
        document["finishedAt"] = from_ms(row.finished_at)
    document.update(running=row.running, success=row.success, captureErrorBehaviour=row.behaviour,
                    errors=row.errors, events=row.events, recorded=row.recorded, skipped=row.skipped,
                    transactions=row.transactions)
    return document
