"""Request-size and per-client rate limits, as plain ASGI middleware.

Shared by every endpoint of `pilotchain serve` (the EPCIS capture endpoint included): one client
cannot exhaust the node with huge bodies or a flood of requests. Refusals are RFC 9457 problem
bodies like every other error of the server.

    app.add_middleware(BodySizeLimit, max_bytes=1 << 20)
    app.add_middleware(RateLimit, rate=50, burst=200)
"""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Any, Awaitable, Callable

from pilotchain.problems import PROBLEM_JSON, Problem

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


async def _answer(scope: Scope, send: Send, problem: Problem) -> None:
    body = json.dumps(problem.body(scope.get("path"))).encode()
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in problem.headers.items()]
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuses a request body over `max_bytes` with 413: at once when Content-Length says so,
    otherwise as soon as the streamed body passes the limit (before the handler reads it all)."""

    def __init__(self, app, max_bytes: int = 1 << 20):
        self.app, self.max_bytes = app, max_bytes

    def _problem(self) -> Problem:
        return Problem(413, "request-too-large", "The request body is too large",
                       detail=f"the limit is {self.max_bytes} bytes", max_bytes=self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await _answer(scope, send, self._problem())
        seen = 0
        started = False

        async def limited_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await _answer(scope, send, self._problem())


class RateLimit:
    """A token bucket per client address: `burst` requests at once, refilled at `rate` per
    second; a request finding the bucket empty gets 429 with Retry-After."""

    def __init__(self, app, rate: float = 50.0, burst: int = 200, clock: Callable[[], float] = time.monotonic):
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.app, self.rate, self.burst, self.clock = app, rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when)
        self._lock = threading.Lock()

    def _take(self, client: str) -> float:
        """0 when the request may pass, else the seconds until a token is back."""
        now = self.clock()
        with self._lock:
            tokens, when = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - when) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > 10_000:  # forget clients whose bucket is full again
                horizon = now - self.burst / self.rate
                self._buckets = {c: b for c, b in self._buckets.items() if b[1] > horizon}
            return (1 - tokens) / self.rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self._take(client)
        if wait:
            retry = max(1, math.ceil(wait))
            return await _answer(scope, send, Problem(
                429, "rate-limited", "Too many requests",
                detail=f"at most {self.rate:g} requests per second (bursts of {self.burst}) per client",
                headers={"Retry-After": str(retry)}))
        await self.app(scope, receive, send)
