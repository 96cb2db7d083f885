"""Sessions for signed-in members: SIWE nonces (single use, short-lived) and HMAC-signed
bearer tokens naming the account, its entity and the entity's kind.

The chain decides at sign-in: the account must be an active account (a role) of an active
entity. Every request with a token checks again, against the index, that the entity is still
active, so a suspension takes effect within one indexed block rather than at token expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request
from starlette.requests import HTTPConnection
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pilotchain.api import siwe
from pilotchain.indexer import schema as s
from pilotchain.problems import Problem
from pilotchain.registry import AccountRole, EntityKind, EntityStatus
from pilotchain.session import Session


@dataclass(frozen=True)
class Member:
    """Who is signed in."""

    account: str
    entity_id: int
    kind: int
    expires: float

    @property
    def regulator(self) -> bool:
        return self.kind == EntityKind.Regulator


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def unauthorized(detail: str) -> Problem:
    return Problem(401, "sign-in-required", "Sign in first", detail=detail,
                   headers={"WWW-Authenticate": 'Bearer realm="pilotchain"'})


class Authenticator:
    """Issues nonces and tokens; one per server process (tokens die with its secret)."""

    def __init__(self, secret: bytes, *, session_ttl: float, nonce_ttl: float, clock=time.time):
        self._secret, self.session_ttl, self.nonce_ttl, self.clock = secret, session_ttl, nonce_ttl, clock
        self._nonces: dict[str, float] = {}  # nonce -> expiry
        self._lock = threading.Lock()

    def nonce(self) -> str:
        now = self.clock()
        value = secrets.token_hex(16)
        with self._lock:
            self._nonces = {n: t for n, t in self._nonces.items() if t > now}
            self._nonces[value] = now + self.nonce_ttl
        return value

    def _consume(self, nonce: str) -> None:
        with self._lock:
            expiry = self._nonces.pop(nonce, None)
        if expiry is None:
            raise siwe.refused("the nonce was not issued by this server or was used already; get a new one")
        if expiry <= self.clock():
            raise siwe.refused("the nonce has expired; get a new one")

    def sign_in(self, chain: Session, text: str, signature: str, *, domains: set[str], chain_id: int) -> Member:
        """Check the SIWE message, use up its nonce, ask the chain whether its account may sign
        in, and return the member."""
        message = siwe.parse(text)
        now = self.clock()
        siwe.verify(message, signature, domains=domains, chain_id=chain_id, now=now)
        self._consume(message.nonce)
        registry = chain.contract("EntityRegistry")
        entity_id, role = chain.call(registry.functions.entityOf(message.address))
        if entity_id == 0 or role == AccountRole.None_:
            raise Problem(403, "not-a-member", "The account is not a member's account",
                          detail=f"{message.address} is no account of any entity")
        entity = chain.call(registry.functions.entity(entity_id))
        kind, status = entity[0], entity[1]
        if status != EntityStatus.Active:
            raise Problem(403, "entity-not-active", "The member is not active",
                          detail=f"entity {entity_id} is {EntityStatus(status).name.lower()}", entity_id=entity_id)
        expires = now + self.session_ttl
        if message.expiration_time is not None:
            expires = min(expires, message.expiration_time)
        return Member(message.address, entity_id, kind, expires)

    def token(self, member: Member) -> str:
        payload = _b64(json.dumps({"a": member.account, "e": member.entity_id, "k": member.kind,
                                   "x": member.expires}).encode())
        return f"{payload}.{_b64(self._mac(payload))}"

    def member(self, token: str) -> Member:
        payload, _, mac = token.partition(".")
        try:
            valid = hmac.compare_digest(_unb64(mac), self._mac(payload))
            data = json.loads(_unb64(payload)) if valid else None
        except (ValueError, UnicodeDecodeError):
            data = None
        if not data:
            raise unauthorized("the token is not one this server issued; sign in again")
        if data["x"] <= self.clock():
            raise unauthorized("the session has expired; sign in again")
        return Member(data["a"], data["e"], data["k"], data["x"])

    def _mac(self, payload: str) -> bytes:
        return hmac.new(self._secret, payload.encode(), hashlib.sha256).digest()


_bearer = HTTPBearer(auto_error=False, description="a token from POST /api/v1/auth/siwe")


def signed_in(request: Request,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Member:
    """The signed-in member (401 without a valid token; 403 once its entity is no longer active)."""
    return _member(request, credentials.credentials if credentials else None)


def connection_member(connection: HTTPConnection) -> Member:
    """`signed_in` for HTTP and WebSocket routes alike (the EPCIS binding's subscriptions): the
    bearer token from the Authorization header, or from `access_token` in the query string,
    where a browser's WebSocket cannot set headers."""
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    return _member(connection, token if scheme.lower() == "bearer" and token else
                   connection.query_params.get("access_token"))


def _member(connection: HTTPConnection, token: str | None) -> Member:
    if not token:
        raise unauthorized("this resource needs `Authorization: Bearer <token>` from POST /api/v1/auth/siwe")
    api = connection.app.state.api
    member = api.auth.member(token)
    with api.engine.connect() as conn:
        status = conn.execute(sa.select(s.entities.c.status).where(s.entities.c.entity_id == member.entity_id)).scalar()
    if status is not None and status != EntityStatus.Active:
        raise Problem(403, "entity-not-active", "The member is not active",
                      detail=f"entity {member.entity_id} is {EntityStatus(status).name.lower()}",
                      entity_id=member.entity_id)
    return member


SignedIn = Annotated[Member, Depends(signed_in)]
