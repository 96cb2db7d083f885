"""`pilotchain serve` as a library call: uvicorn on the API, with the indexer following the
chain in a background thread so the API stays within a block of the head."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Callable

import uvicorn

from pilotchain import deployments, endpoints
from pilotchain.accounts import AccountStore
from pilotchain.api.auth import Member
from pilotchain.api.app import RPC_PATH, WEB_DIR, Settings, create_app
from pilotchain.indexer import DEFAULT_CONFIRMATIONS, Indexer
from pilotchain.errors import PilotchainError
from pilotchain.indexer.core import default_db_url
from pilotchain.problems import Problem
from pilotchain.session import Session

FOLLOW_INTERVAL = 0.25  # seconds between the background indexer's polls


def serve(network: str, *, db: str | None = None, host: str = "127.0.0.1", port: int = 8600, index: bool = True,
          confirmations: int = DEFAULT_CONFIRMATIONS, rpc_url: str | None = None, web_dir: Path | None = WEB_DIR,
          eventstore: str | Path | None = None, log: Callable[[str], None] = print) -> dict:
    """Serve until interrupted (Ctrl-C or SIGTERM); returns what was served."""
    w3, endpoint = endpoints.connect(network)
    deployment = deployments.for_chain(w3)
    db_url = db or default_db_url(deployment.chain_id)
    stop = threading.Event()
    follower = None
    if index:
        indexer = Indexer(w3, deployment, db_url, confirmations=confirmations, eventstore=eventstore)
        log(f"indexing into {indexer.engine.url.render_as_string(hide_password=True)} "
            f"(catching up from block {indexer.cursor() + 1})")
        follower = threading.Thread(target=_follow, args=(indexer, stop, log), name="indexer", daemon=True)
        follower.start()
    app = create_app(Settings(db_url=db_url, w3=w3, deployment=deployment, rpc_url=rpc_url or RPC_PATH,
                              confirmations=confirmations, web_dir=web_dir,
                              eventstore=Path(eventstore) if eventstore else None,
                              session_for=member_sessions(network, endpoint)))
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    log(f"serving http://{host}:{port}/ (API /api/v1, docs /api/v1/docs) for chain {deployment.chain_id}; "
        "Ctrl-C stops")
    main = threading.current_thread() is threading.main_thread()
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)} if main else {}
    try:
        server.run()
    except _Stop:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop.set()
        if follower is not None:
            follower.join(timeout=30)
            indexer.close()
    return {"served": f"http://{host}:{port}/", "chain_id": deployment.chain_id, "db": db_url, "indexed": index}


def member_sessions(network: str, endpoint: endpoints.Endpoint) -> Callable[[Member], Session]:
    """Sessions that sign as a signed-in member (EPCIS capture), with the member account's
    keystore from this network's account store: a member's server holds its own accounts' keys
    (with their password files: a server does not prompt). Other accounts are refused (403)."""
    store = AccountStore(endpoint.accounts_dir)
    opened: dict[str, Session] = {}
    lock = threading.Lock()

    def session_for(member: Member) -> Session:
        with lock:
            if member.account not in opened:
                stored = next((a for a in store.list() if a.address == member.account and a.password_file), None)
                if stored is None:
                    raise Problem(403, "no-member-key", "This server holds no key of the account",
                                  detail=f"{member.account} has no keystore with a password file in {store.folder}")
                opened[member.account] = endpoints.open_session(network, stored.name)
            return opened[member.account]

    return session_for


class _Stop(Exception):
    """SIGINT or SIGTERM, which uvicorn raises again once it has shut down gracefully (with the
    default handlers that would end the process before the indexer thread is stopped)."""


def _raise_stop(*_args) -> None:
    raise _Stop


def _follow(indexer: Indexer, stop: threading.Event, log: Callable[[str], None]) -> None:
    """The background indexer; if it fails, the API keeps serving and its lag shows it."""
    try:
        indexer.follow(interval=FOLLOW_INTERVAL, stop=stop)
    except PilotchainError as exc:
        log(f"the indexer stopped: {exc}; the API serves the index as it is (GET /api/v1/status/index)")
