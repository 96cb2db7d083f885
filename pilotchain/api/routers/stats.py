"""Dashboard figures (public), computed from the index on request."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter

from pilotchain.api.common import Db, State, enum_name
from pilotchain.api.routers.status import recent_headers, sealers
from pilotchain.indexer import schema as s
from pilotchain.registry import EntityKind, EntityStatus

router = APIRouter(prefix="/stats", tags=["stats"])

DAY = 86_400


@router.get("/members", summary="Members by kind, status and city")
def members(db: Db) -> dict[str, Any]:
    rows = db.execute(sa.select(s.entities.c.kind, s.entities.c.status, s.entities.c.city)).all()
    return {"total": len(rows),
            "by_kind": dict(Counter(enum_name(EntityKind, r.kind) or "unknown" for r in rows).most_common()),
            "by_status": dict(Counter(enum_name(EntityStatus, r.status) for r in rows).most_common()),
            "by_city": dict(Counter(r.city or "unknown" for r in rows).most_common())}


def _per_day(db: Db, contract: str) -> list[dict[str, Any]]:
    """Events of `contract` per UTC day of their block, by event name."""
    day = (s.blocks.c.timestamp // DAY).label("day")
    rows = db.execute(sa.select(day, s.events.c.event, sa.func.count().label("n"))
                      .join(s.blocks, s.blocks.c.number == s.events.c.block_number)
                      .where(s.events.c.contract == contract, s.blocks.c.timestamp.is_not(None))
                      .group_by(day, s.events.c.event).order_by(day)).all()
    days: dict[int, dict[str, Any]] = {}
    for r in rows:
        entry = days.setdefault(int(r.day), {"day": _date(int(r.day)), "total": 0, "by_event": {}})
        entry["total"] += r.n
        entry["by_event"][r.event] = r.n
    return list(days.values())


def _date(day: int) -> str:
    return datetime.fromtimestamp(day * DAY, timezone.utc).strftime("%Y-%m-%d")


@router.get("/events-per-day", summary="Provenance events per day")
def events_per_day(db: Db) -> list[dict[str, Any]]:
    return _per_day(db, "Provenance")


@router.get("/sharing-per-day", summary="Data-sharing events (requests, grants, access receipts) per day")
def sharing_per_day(db: Db) -> list[dict[str, Any]]:
    return _per_day(db, "DataSharing")


@router.get("/recalls", summary="Recalls standing and withdrawn, acknowledgements held and released")
def recalls(db: Db) -> dict[str, Any]:
    recall = db.execute(sa.select(s.recalls.c.withdrawn, sa.func.count()).group_by(s.recalls.c.withdrawn)).all()
    ack = db.execute(sa.select(s.acknowledgements.c.released, sa.func.count())
                     .group_by(s.acknowledgements.c.released)).all()
    recall_counts, ack_counts = {bool(w): n for w, n in recall}, {bool(r): n for r, n in ack}
    return {"standing": recall_counts.get(False, 0), "withdrawn": recall_counts.get(True, 0),
            "acknowledgements": ack_counts.get(False, 0), "released": ack_counts.get(True, 0)}


@router.get("/validators", summary="Blocks sealed by each validator among the recent blocks")
def validators(api: State) -> dict[str, Any]:
    headers = recent_headers(api.w3, api.w3.eth.block_number)
    consensus, signers, sealed = sealers(api.w3, headers)
    return {"consensus": consensus, "blocks": len(headers),
            "sealed": {a: sealed.get(a, 0) for a in sorted({*signers, *sealed})}}
