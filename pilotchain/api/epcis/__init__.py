"""The EPCIS 2.0 REST binding (GS1's OpenAPI, `epcis-openapi.yaml`) over the index and the chain.

    services = EpcisServices(engine=index_engine, member=signed_in_member,
                             capture=ImportSender(session_for=member_session, eventstore=store_path),
                             eventstore=store_path)
    mount(app, services)          # the binding under /epcis, with its problem bodies

Capture (`POST /epcis/capture`) validates the document with `pilotchain.epcis` and records it on
chain in a background job as the signed-in member (`capture`); queries (`/epcis/events`, the
top-level vocabularies, named queries) are answered from the index's EPCIS view (`projection`);
subscriptions push newly indexed events over a WebSocket. What the binding covers and what it
does not is in the README (section "EPCIS 2.0 REST binding").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa

from pilotchain.api.epcis.capture import CaptureSender, ImportSender, Member, Preview

__all__ = ["CaptureSender", "EpcisServices", "ImportSender", "Member", "Preview", "epcis_router", "mount"]

PREFIX = "/epcis"


@dataclass(frozen=True)
class EpcisServices:
    """What the binding needs from the app.

    - `engine`: the index database (SQLAlchemy engine of `pilotchain.indexer`); the binding adds
      its own `epcis_*` tables beside the index's.
    - `member`: a FastAPI dependency giving the signed-in member (`.account`, `.entity_id`;
      `entity_id` None or 0 for an account of no member entity). It must work on WebSocket
      routes too (take `HTTPConnection`, headers or query parameters; not `Request`).
    - `capture`: records a document on chain as a member, and previews it (`ImportSender` is the
      library's path).
    - `eventstore`: the event store the indexer reads documents from, for each event's context.
    - limits: events per capture (`GS1-EPCIS-Capture-Limit`), bytes per capture
      (`GS1-EPCIS-Capture-File-Size-Limit`); `poll_interval` seconds between a subscription's
      looks at the index; `public_queries` lets anyone query (default: members only).
    """

    engine: sa.Engine
    member: Callable[..., Any]
    capture: CaptureSender
    eventstore: Path | None = None
    capture_limit: int = 100
    capture_size_limit: int = 2 * 1024 * 1024
    poll_interval: float = 1.0
    public_queries: bool = False


def epcis_router(services: EpcisServices):
    """The binding's routes (a `fastapi.APIRouter`; mount it with `mount` or under `PREFIX`)."""
    from pilotchain.api.epcis.routes import build_router

    return build_router(services)


def mount(app, services: EpcisServices):
    """Include the binding (HTTP and WebSocket routes) under /epcis in `app` and make its errors
    problem bodies (`pilotchain.problems.install`, which is idempotent). Returns the router."""
    from pilotchain import problems

    router = epcis_router(services)
    app.include_router(router, prefix=PREFIX)
    problems.install(app)
    return router
