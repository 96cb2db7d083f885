"""RFC 9457 problem details: the one error format of pilotchain's HTTP servers.

Both the API (`pilotchain serve`) and the data gateway (`pilotchain gateway serve`) answer bad
input and refusals with `application/problem+json`, never with a stack trace. A handler raises
`Problem`; `install(app)` turns it, FastAPI's validation errors, unknown routes and any
unexpected exception into a problem body.

    raise Problem(403, "grant-expired", "The grant expired", detail=f"grant {gid} ended at {t}",
                  grant=gid)

`type` is a URI naming the kind of problem (`urn:pilotchain:problem:<slug>`), stable for
clients to branch on; `title` is the same for every occurrence of that type; `detail` says what
happened this time; extra keyword arguments become extension members of the body.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:pilotchain:problem:"

log = logging.getLogger(__name__)


class Problem(Exception):
    """An HTTP error answered with an RFC 9457 body."""

    def __init__(self, status: int, slug: str, title: str, *, detail: str | None = None,
                 headers: dict[str, str] | None = None, **extensions: Any):
        super().__init__(detail or title)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions

    @property
    def type(self) -> str:
        return TYPE_PREFIX + self.slug

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        body.update(self.extensions)
        return body


def install(app) -> None:
    """Make every error `app` (a FastAPI/Starlette application) answers a problem body."""
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException as StarletteHTTPException

    def respond(request, problem: Problem) -> JSONResponse:
        return JSONResponse(problem.body(str(request.url.path)), status_code=problem.status,
                            media_type=PROBLEM_JSON, headers=problem.headers)

    @app.exception_handler(Problem)
    async def _problem(request, exc: Problem):
        return respond(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request, exc: RequestValidationError):
        errors = [{"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
                  for e in exc.errors()]
        first = errors[0] if errors else {"location": "request", "message": "invalid"}
        return respond(request, Problem(
            422, "invalid-request", "The request is not valid",
            detail=f"{first['location']}: {first['message']}", errors=errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request, exc: StarletteHTTPException):
        phrase = HTTPStatus(exc.status_code).phrase
        slug = phrase.lower().replace(" ", "-").replace("'", "")
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
        return respond(request, Problem(exc.status_code, slug, phrase, detail=detail,
                                        headers=dict(exc.headers or {})))

    @app.exception_handler(Exception)
    async def _unexpected(request, exc: Exception):
        log.exception("unexpected error answering %s %s", request.method, request.url.path)
        return respond(request, Problem(500, "internal-error", "Internal error",
                                        detail="the server failed; its log has the details"))
