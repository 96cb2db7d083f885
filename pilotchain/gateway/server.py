"""The data gateway's HTTP server: an owner's files, to whom the chain allows, with a receipt each.

    GET /                 who this gateway is: its account, chain and entity (no data)
    GET /files/{name}     the file of the asset named in the signed request header; `Range` works

A request for a file carries a `Pilotchain-Request` header: an EIP-712 request signed by the
requester (`pilotchain.gateway.signing`). In order, the gateway refuses with an RFC 9457 problem
body whose `type` names the reason:

1. a missing or malformed header, a request signed for another gateway or chain, a signature
   that is not the requester's, an expired request (or one valid too far ahead);
2. an asset this gateway does not serve, or whose locator names another file;
3. a nonce this requester already used (replays; the record survives a restart);
4. `canAccess(asset, requester, purpose)` false on the chain now, asked at every request with no
   cache; the refusal then names its cause, read from the chain (no grant, expired, revoked,
   purpose not granted, requester or owner suspended, asset retired);
5. a file whose SHA-256 differs from the asset's content hash on chain (changed on disk).

A delivery is committed to the gateway's record before the last bytes of its response are sent
and recorded on chain later, in a batch (`pilotchain.gateway.receipts`). Every response carries
the content hash registered on chain, the request id and a `Server-Timing` entry `chain` with
the time the chain check took.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from pathlib import Path
from urllib.parse import unquote, urlparse, urlsplit

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import Response, StreamingResponse
from web3 import Web3

from pilotchain import datasharing as ds
from pilotchain.errors import ConfigError, ContractError, PilotchainError
from pilotchain.gateway import files
from pilotchain.gateway.abi import AbiFunction
from pilotchain.gateway.receipts import Batcher
from pilotchain.gateway.signing import HEADER, BadRequest, SignedRequest
from pilotchain.gateway.store import Store
from pilotchain.problems import Problem, install
from pilotchain.registry import EntityStatus, entity_id_of
from pilotchain.session import Session

log = logging.getLogger("pilotchain.gateway")

CONTENT_HASH = "Pilotchain-Content-Hash"
REQUEST_ID = "Pilotchain-Request-Id"
DELIVERY_HASH = "Pilotchain-Delivery-Hash"


@dataclass(frozen=True)
class Limits:
    rate: float = 50.0  # requests per second per client address (sustained)
    burst: int = 100  # requests a client may send at once
    max_lifetime: int = 300  # seconds a signed request may stay valid
    body: int = 0  # bytes of request body accepted (requests are GETs)
    headers: int = 8192  # bytes of request headers accepted (a signed request takes about 500)


@dataclass(frozen=True)
class ServedAsset:
    asset_id: int
    owner: int
    content_hash: bytes
    file_name: str  # last path segment of the asset's locator


class RateLimiter:
    """A token bucket per client address."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 if the client may go on, else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(client, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                return (1 - tokens) / self.rate
            self._buckets[client] = (tokens - 1, now)
            return 0.0


class NodeLink:
    """JSON-RPC batches to the node over one keep-alive connection per thread (http.client).

    The chain check is asked at every request; through web3's provider (requests: environment
    proxy lookups, adapters, hooks) it cost about three times the CPU of everything else the
    gateway does per request.
    """

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise ConfigError(f"the gateway asks the chain over HTTP(S); {url} is not an http(s) URL")
        self._connect = partial(HTTPSConnection if parts.scheme == "https" else HTTPConnection,
                                parts.hostname, parts.port, timeout=10)
        self._path = parts.path or "/"
        self._local = threading.local()

    def _open(self) -> HTTPConnection:
        """A new connection, with Nagle's algorithm off: http.client writes the headers and the
        body separately, and the body would otherwise wait for the node's delayed ACK."""
        connection = self._connect()
        connection.connect()
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._local.connection = connection
        return connection

    def batch(self, calls: list[tuple[str, list]]) -> list[dict]:
        """The answers to `calls` (method, params), in order; OSError if the node cannot be reached."""
        body = json.dumps([{"jsonrpc": "2.0", "id": n, "method": m, "params": p} for n, (m, p) in enumerate(calls)])
        for attempt in (1, 2):  # a kept-alive connection the node has closed meanwhile is opened again, once
            connection = getattr(self._local, "connection", None) or self._open()
            try:
                connection.request("POST", self._path, body, {"Content-Type": "application/json"})
                answer = connection.getresponse().read()
                break
            except (HTTPException, OSError):
                connection.close()
                self._local.connection = None
                if attempt == 2:
                    raise
        answers = json.loads(answer)
        if not isinstance(answers, list):
            raise OSError(f"the node answered {answers!r}")
        return sorted(answers, key=lambda a: a.get("id", -1))


def _refused(status: int, slug: str, title: str, detail: str, **extensions) -> Problem:
    return Problem(status, slug, title, detail=detail, **extensions)


class Gateway:
    """What the HTTP handlers use: the chain, the owner's files, the record and the batcher."""

    def __init__(self, session: Session, asset_dir: str | Path, state_dir: str | Path, *,
                 limits: Limits = Limits(), batch_interval: float = 2.0, batch_size: int = 100):
        self.session = session
        self.w3: Web3 = session.w3
        self.account = session.account
        self.chain_id = session.sender.chain_id
        self.asset_dir = Path(asset_dir).resolve()
        self.owner = entity_id_of(session, self.account)
        if self.owner == 0:
            raise PilotchainError(f"{self.account} belongs to no entity: the gateway runs as an account "
                                  "(an operator) of the entity that owns the assets")
        self.limits = limits
        self.rates = RateLimiter(limits.rate, limits.burst)
        self.hashes = files.HashCache()
        state = Path(state_dir)
        self.store = Store(state / "gateway.sqlite")
        self.batcher = Batcher(session, self.store, state / "receipts.journal",
                               interval=batch_interval, size=batch_size)
        self._assets: dict[int, ServedAsset] = {}
        self._sharing = session.contract(ds.CONTRACT)
        self._registry = session.contract("EntityRegistry")
        self._node = NodeLink(self.w3.provider.endpoint_uri)
        self._can_access = AbiFunction(self._sharing, "canAccess")
        self._entity_of = AbiFunction(self._registry, "entityOf")

    def info(self) -> dict:
        return {"gateway": self.account, "chain_id": self.chain_id, "entity": self.owner,
                "data_sharing": self._sharing.address, "request_header": HEADER}

    # ------------------------------------------------------------ checks

    def verify(self, header: str | None) -> SignedRequest:
        if header is None:
            raise _refused(401, "missing-request", "No signed request",
                           f"send the request signed by the requester in the {HEADER} header")
        try:
            signed = SignedRequest.from_header(header)
        except BadRequest as exc:
            raise _refused(400, "malformed-request", "The signed request is malformed", str(exc)) from None
        if (signed.chain_id, signed.gateway) != (self.chain_id, self.account):
            raise _refused(401, "wrong-gateway", "The request was signed for another gateway",
                           f"signed for gateway {signed.gateway} on chain {signed.chain_id}; this is "
                           f"{self.account} on chain {self.chain_id}")
        if signed.signer() != signed.requester:
            raise _refused(401, "bad-signature", "The signature is not the requester's",
                           f"the signature does not recover to {signed.requester}")
        now = int(time.time())
        if signed.expiry < now:
            raise _refused(401, "request-expired", "The signed request expired",
                           f"it expired at {signed.expiry}, {now - signed.expiry} s ago", expiry=signed.expiry)
        if signed.expiry > now + self.limits.max_lifetime:
            raise _refused(400, "expiry-too-far", "The signed request is valid for too long",
                           f"expiry {signed.expiry} is more than {self.limits.max_lifetime} s ahead")
        return signed

    def served_asset(self, asset_id: int, file_name: str) -> ServedAsset:
        """The asset if this gateway serves it and its locator names `file_name` (the locator
        is read again when it does not: the owner may have moved it)."""
        known = self._assets.get(asset_id)
        if known is None or known.file_name != file_name:
            known = self._read_asset(asset_id)
            self._assets[asset_id] = known
        if known.owner != self.owner:
            raise _refused(404, "asset-not-served-here", "This gateway does not serve the asset",
                           f"asset {asset_id} belongs to entity {known.owner}; this gateway serves entity {self.owner}")
        if known.file_name != file_name:
            raise _refused(404, "not-this-asset", "The file is not the asset's",
                           f"asset {asset_id}'s locator names {known.file_name!r}, not {file_name!r}")
        return known

    def _read_asset(self, asset_id: int) -> ServedAsset:
        try:
            asset = ds.get_asset(self.session, asset_id)
        except ContractError:
            raise _refused(404, "unknown-asset", "No such asset", f"no asset {asset_id} on chain {self.chain_id}") from None
        name = unquote(urlparse(ds.asset_locator(self.session, asset_id)).path.rstrip("/").rsplit("/", 1)[-1])
        return ServedAsset(asset_id, asset.owner, asset.content_hash, name)

    def claim(self, signed: SignedRequest) -> None:
        if not self.store.claim_nonce(signed.requester, signed.nonce, signed.expiry):
            raise _refused(409, "replayed-request", "The request was already used",
                           f"{signed.requester} already sent nonce {signed.nonce}; sign a new request")

    def check_chain(self, signed: SignedRequest) -> tuple[int, int]:
        """Ask the chain now whether the requester may have the asset for the purpose; one
        JSON-RPC batch: the block number, `canAccess` and the requester's entity. Returns
        (block, grantee entity); a refusal names its cause."""
        try:
            answers = self._node.batch([
                ("eth_blockNumber", []),
                ("eth_call", self._can_access.params(signed.asset_id, signed.requester, signed.purpose)),
                ("eth_call", self._entity_of.params(signed.requester)),
            ])
        except (OSError, ValueError) as exc:
            raise _refused(503, "chain-unavailable", "The chain could not be asked",
                           f"no answer from the node: {exc}") from None
        if any("result" not in a for a in answers):
            raise _refused(503, "chain-unavailable", "The chain could not be asked",
                           f"the node answered {answers!r}")
        block = int(answers[0]["result"], 16)
        (allowed,) = self._can_access.result(answers[1]["result"])
        grantee, _role = self._entity_of.result(answers[2]["result"])
        if not allowed:
            raise self._why_refused(signed, grantee)
        return block, grantee

    def _why_refused(self, signed: SignedRequest, grantee: int) -> Problem:
        """The cause of a refusal, read from the chain (only when refusing: never on the way of a delivery)."""
        s, asset_id, purpose = self.session, signed.asset_id, signed.purpose
        context = {"asset": asset_id, "requester": signed.requester, "purpose": purpose}
        if ds.get_asset(s, asset_id).retired:
            return _refused(403, "asset-retired", "The asset is retired", f"asset {asset_id} was retired", **context)
        if (status := self._status(self.owner)) != EntityStatus.Active:
            return _refused(403, "owner-suspended", "The asset's owner is not active",
                            f"entity {self.owner}, the owner, is {status.name.lower()}", **context)
        if grantee == 0:
            return _refused(403, "not-a-member", "The requester belongs to no entity",
                            f"{signed.requester} is no account of any member entity", **context)
        if (status := self._status(grantee)) != EntityStatus.Active:
            return _refused(403, "requester-suspended", "The requester's entity is not active",
                            f"entity {grantee} is {status.name.lower()}", **context)
        grant = ds.get_grant(s, asset_id, grantee)
        now = self.w3.eth.get_block("latest")["timestamp"]
        if grant.valid_until == 0:
            return _refused(403, "no-grant", "No grant", f"entity {grantee} holds no grant on asset {asset_id}", **context)
        if grant.revoked:
            return _refused(403, "grant-revoked", "The grant was revoked",
                            f"entity {grantee}'s grant on asset {asset_id} was revoked", **context)
        if now < grant.valid_from:
            return _refused(403, "grant-not-yet-valid", "The grant is not valid yet",
                            f"entity {grantee}'s grant starts at {grant.valid_from}", **context)
        if now >= grant.valid_until:
            return _refused(403, "grant-expired", "The grant expired",
                            f"entity {grantee}'s grant on asset {asset_id} ended at {grant.valid_until}", **context)
        if purpose not in grant.purposes:
            return _refused(403, "purpose-not-granted", "The grant does not cover the purpose",
                            f"entity {grantee}'s grant covers purposes {grant.purposes}, not {purpose}", **context)
        return _refused(403, "access-refused", "The chain refuses access",
                        f"canAccess({asset_id}, {signed.requester}, {purpose}) is false", **context)

    def _status(self, entity_id: int) -> EntityStatus:
        return EntityStatus(self.session.call(self._registry.functions.entity(entity_id))[1])

    # ------------------------------------------------------------ delivery

    def open_file(self, asset: ServedAsset) -> tuple[int, tuple[int, ...]]:
        """An open descriptor on the asset's file, checked against the content hash on chain."""
        try:
            fd = os.open(self.asset_dir / asset.file_name, os.O_RDONLY)
        except FileNotFoundError:
            raise _refused(404, "file-missing", "The asset's file is missing",
                           f"this gateway has no file {asset.file_name!r} for asset {asset.asset_id}") from None
        digest = self.hashes.digest(fd)
        if digest != asset.content_hash:
            os.close(fd)
            raise _refused(409, "content-changed", "The file no longer matches the asset",
                           f"the file's SHA-256 is 0x{digest.hex()}, the asset's content hash on chain "
                           f"0x{asset.content_hash.hex()}: the owner must register the new content",
                           asset=asset.asset_id)
        return fd, files.stamp(os.fstat(fd))

    def deliver(self, signed: SignedRequest, asset: ServedAsset, grantee: int, block: int,
                byte_range: files.ByteRange | None, size: int) -> None:
        delivery = self.store.record_delivery(
            request_id=signed.request_id, asset_id=asset.asset_id, grantee=grantee, requester=signed.requester,
            purpose=signed.purpose, delivery_hash=files.delivery_hash(asset.content_hash, byte_range),
            first_byte=None if byte_range is None else byte_range.first,
            last_byte=None if byte_range is None else byte_range.last,
            size=size if byte_range is None else byte_range.length, checked_block=block)
        log.info("%s", delivery.log_line())
        self.batcher.delivered()


def create_app(gateway: Gateway) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app):
        gateway.batcher.start()
        yield
        gateway.batcher.stop()
        gateway.store.close()

    app = FastAPI(title="pilotchain data gateway", lifespan=lifespan)
    install(app)

    async def limited(request: Request) -> None:  # async: no thread hop for a few comparisons
        if sum(len(name) + len(value) for name, value in request.headers.raw) > gateway.limits.headers:
            raise _refused(431, "headers-too-large", "The request's headers are too large",
                           f"this gateway takes at most {gateway.limits.headers} bytes of headers")
        if int(request.headers.get("content-length") or 0) > gateway.limits.body:
            raise _refused(413, "request-too-large", "The request is too large",
                           f"this gateway takes no request body over {gateway.limits.body} bytes")
        wait = gateway.rates.take(request.client.host if request.client else "")
        if wait:
            raise Problem(429, "rate-limited", "Too many requests", detail=f"try again in {wait:.2f} s",
                          headers={"Retry-After": str(max(1, round(wait)))})

    @app.get("/")
    def about() -> dict:
        return gateway.info()

    @app.get("/files/{name}", dependencies=[Depends(limited)])
    def fetch(name: str, request: Request, signed_header: str | None = Header(None, alias=HEADER)):
        signed = gateway.verify(signed_header)
        asset = gateway.served_asset(signed.asset_id, name)
        gateway.claim(signed)
        started = time.perf_counter()
        block, grantee = gateway.check_chain(signed)
        chain_ms = (time.perf_counter() - started) * 1000
        fd, checked = gateway.open_file(asset)
        size = checked[2]
        try:
            byte_range = files.parse_range(request.headers.get("range"), size)
        except files.RangeNotSatisfiable as exc:
            os.close(fd)
            raise Problem(416, "range-not-satisfiable", "The range is not satisfiable", detail=str(exc),
                          headers={"Content-Range": f"bytes */{size}"}) from None
        first, length = (0, size) if byte_range is None else (byte_range.first, byte_range.length)
        headers = {
            CONTENT_HASH: "0x" + asset.content_hash.hex(),
            REQUEST_ID: "0x" + signed.request_id.hex(),
            DELIVERY_HASH: "0x" + files.delivery_hash(asset.content_hash, byte_range).hex(),
            "Accept-Ranges": "bytes",
            "Content-Length": str(length),
            "Server-Timing": f"chain;dur={chain_ms:.3f}",
        }
        if byte_range is not None:
            headers["Content-Range"] = byte_range.content_range(size)
        status = 200 if byte_range is None else 206

        def record() -> None:
            if files.stamp(os.fstat(fd)) != checked:  # a streamed response is cut off, not recorded
                raise _refused(409, "content-changed", "The file no longer matches the asset",
                               f"{asset.file_name} changed while being sent", asset=asset.asset_id)
            gateway.deliver(signed, asset, grantee, block, byte_range, size)

        if length <= files.CHUNK:  # small: read, record, answer
            try:
                content = os.pread(fd, length, first)
                record()
            finally:
                os.close(fd)
            return Response(content, status_code=status, headers=headers, media_type="application/octet-stream")

        def stream():
            offset, remaining = first, length
            try:
                while remaining:
                    chunk = os.pread(fd, min(files.CHUNK, remaining), offset)
                    if not chunk:
                        raise _refused(409, "content-changed", "The file no longer matches the asset",
                                       f"{asset.file_name} shrank while being sent", asset=asset.asset_id)
                    offset, remaining = offset + len(chunk), remaining - len(chunk)
                    if not remaining:
                        record()  # before the last bytes leave
                    yield chunk
            finally:
                os.close(fd)

        return StreamingResponse(stream(), status_code=status, headers=headers, media_type="application/octet-stream")

    return app


@dataclass(frozen=True)
class Tls:
    certfile: str
    keyfile: str


def serve(gateway: Gateway, *, host: str = "127.0.0.1", port: int = 8600, tls: Tls | None = None,
          concurrency: int = 64) -> None:
    """Run the gateway until interrupted (SIGINT/SIGTERM: waiting receipts are sent first)."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    uvicorn.run(create_app(gateway), host=host, port=port, log_level="warning", access_log=False,
                limit_concurrency=concurrency, timeout_graceful_shutdown=10,
                http="httptools",
                ssl_certfile=tls.certfile if tls else None, ssl_keyfile=tls.keyfile if tls else None)
