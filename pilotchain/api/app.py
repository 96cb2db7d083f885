"""The FastAPI application of `pilotchain serve`: the JSON API under /api/v1 over the index,
the EPCIS 2.0 REST binding under /epcis, and the web console at /.

    app = create_app(Settings(db_url="sqlite:///…", w3=w3, deployment=deployment, rpc_url=url))

Handlers read the index (never write it) and ask the chain only for what must not be taken
from the index on trust: item verification, proposal electorates, sign-in membership, status.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from fastapi import APIRouter, FastAPI
from web3 import Web3

from pilotchain import problems, toolchain
from pilotchain.api import epcis
from pilotchain.api.auth import Authenticator, Member, connection_member
from pilotchain.api.common import ApiState
from pilotchain.api.limits import BodySizeLimit, RateLimit
from pilotchain.api.routers import auth, deployment, entities, items, proposals, recalls, rpc, sharing, stats, status
from pilotchain.api.web import ApiGZip, console_router
from pilotchain.deployments import Deployment
from pilotchain.indexer import DEFAULT_CONFIRMATIONS
from pilotchain.epcis.store import DEFAULT_PATH as DEFAULT_EVENTSTORE
from pilotchain.epcis.store import PATH_ENV as EVENTSTORE_ENV
from pilotchain.indexer.store import connect_db
from pilotchain.problems import Problem
from pilotchain.session import Session

API_PREFIX = "/api/v1"
RPC_PATH = f"{API_PREFIX}/rpc"
EPCIS_PREFIX = "/epcis"
WEB_DIR = toolchain.ROOT / "web" / "dist"
READER = "0x0000000000000000000000000000000000000000"  # the "from" of read-only calls


@dataclass
class Settings:
    db_url: str
    w3: Web3
    deployment: Deployment
    rpc_url: str = RPC_PATH  # the JSON-RPC URL the browser uses (`GET /api/v1/deployment`);
    # by default this server's pass-through to its node (routers/rpc.py)
    confirmations: int = DEFAULT_CONFIRMATIONS
    web_dir: Path | None = WEB_DIR
    siwe_domains: tuple[str, ...] = ()  # empty: the Host the request was sent to
    session_ttl: float = 3600.0
    nonce_ttl: float = 600.0
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    eventstore: Path | None = None  # the EPCIS documents beside the on-chain hashes (default store)
    # the Session that signs as a signed-in member (EPCIS capture); None: this server sends nothing
    session_for: Callable[[Member], Session] | None = None
    max_body_bytes: int = 1 << 20
    rate_per_second: float = 50.0
    rate_burst: int = 200


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="pilotchain", summary="The consortium's shared record: entities, proposals, data sharing, "
                  "provenance", openapi_url=f"{API_PREFIX}/openapi.json", docs_url=f"{API_PREFIX}/docs", redoc_url=None)
    app.state.api = ApiState(
        settings=settings, engine=connect_db(settings.db_url), w3=settings.w3, deployment=settings.deployment,
        chain=Session(settings.w3, READER, settings.deployment.addresses),
        auth=Authenticator(settings.secret, session_ttl=settings.session_ttl, nonce_ttl=settings.nonce_ttl))
    problems.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RateLimit, rate=settings.rate_per_second, burst=settings.rate_burst)
    app.add_middleware(ApiGZip)

    api = APIRouter(prefix=API_PREFIX)
    for module in (entities, proposals, items, recalls, status, stats, deployment, rpc, auth, sharing):
        api.include_router(module.router)
    app.include_router(api)
    mount_epcis(app, settings)
    app.include_router(console_router(settings.web_dir))  # last: its catch-all answers the rest
    app.router.on_shutdown.append(app.state.api.engine.dispose)
    return app


def mount_epcis(app: FastAPI, settings: Settings) -> None:
    """The EPCIS 2.0 REST binding (`pilotchain.api.epcis`, built beside this app) under /epcis:
    on the index's engine, with this app's sign-in (a bearer token, also on its WebSocket
    routes), capturing as the signed-in member with the member's own keys (`session_for`).
    """
    eventstore = Path(os.environ.get(EVENTSTORE_ENV) or DEFAULT_EVENTSTORE)
    epcis.mount(app, epcis.EpcisServices(
        engine=app.state.api.engine, member=connection_member, eventstore=settings.eventstore or eventstore,
        capture=epcis.ImportSender(session_for=settings.session_for or _no_member_keys,
                                   eventstore=settings.eventstore or eventstore)))


def _no_member_keys(member: Member) -> Session:
    raise Problem(503, "no-member-keys", "This server records nothing on chain",
                  detail="it was started without member keys to sign with (`session_for`)")
