"""The built web console (`web/dist`) at `/`, with SPA routing: a path that is no file of the
build (e.g. `/verify/urn:epc:id:sgtin:…`) is answered with `index.html`, which routes in the
browser. Paths under the API prefixes stay 404 problems.

The build writes `<file>.gz` beside its text files (web/scripts/gzip-dist.mjs); a browser that
accepts gzip is sent those bytes, so a phone that scans a QR code downloads the compressed page.
Vite names every file under `assets/` after its content, so those are cached for good; any other
file (`index.html`, which names the current assets) is revalidated on every load. The API's
answers are gzipped as they are sent (`ApiGZip`)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from pilotchain.problems import Problem

API_PREFIXES = ("api/", "epcis/")
HASHED_DIR = "assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def console_router(web_dir: Path | None) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    root = web_dir.resolve() if web_dir else None

    @router.get("/{path:path}")
    def console(path: str, request: Request):
        if path.startswith(API_PREFIXES) or path in ("api", "epcis"):
            raise Problem(404, "not-found", "Not Found", detail=f"no resource at /{path}")
        if root is None or not (root / "index.html").is_file():
            raise Problem(404, "console-not-built", "The web console is not built",
                          detail=f"build it into {web_dir or 'web/dist'} (cd web && npm run build); "
                                 "the API is at /api/v1 (docs at /api/v1/docs)")
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            return _file(candidate, request, IMMUTABLE if path.startswith(HASHED_DIR) else REVALIDATE)
        return _file(root / "index.html", request, REVALIDATE)

    return router


class ApiGZip:
    """Starlette's GZipMiddleware on the answers under the API prefixes: those of 500 B and more go
    gzipped to clients that accept it (the deployment's ABIs, 85 kB of JSON, are fetched by the
    verification page on a phone); decoded, they are the same JSON and problem bodies. Harmless
    against BREACH: no secret rides on an ambient credential (sign-in is a bearer token the page
    sets, no cookie), so a cross-site page cannot make the answers it would compare. The console's
    files are left to `console_router`, which sends the build's gzip of them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app)
        self.prefixes = tuple(f"/{prefix}" for prefix in API_PREFIXES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        api = scope["type"] == "http" and scope["path"].startswith(self.prefixes)
        await (self.gzip if api else self.app)(scope, receive, send)


def _file(path: Path, request: Request, cache_control: str) -> FileResponse:
    """`path`, or the build's gzip of it to a client that accepts gzip."""
    headers = {"Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    packed = path.with_name(f"{path.name}.gz")
    if _accepts_gzip(request.headers.get("accept-encoding", "")) and packed.is_file():
        return FileResponse(packed, media_type=media_type, headers={**headers, "Content-Encoding": "gzip"})
    return FileResponse(path, media_type=media_type, headers=headers)


def _accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header admits gzip: named, or covered by `*`, with a weight
    above 0 (RFC 9110 §12.5.3: `gzip;q=0` refuses it)."""
    weights = {}
    for coding in accept_encoding.split(","):
        name, *params = (part.strip() for part in coding.split(";"))
        weight = next((param[2:] for param in params if param.lower().startswith("q=")), "1")
        try:
            weights[name.lower()] = float(weight)
        except ValueError:
            weights[name.lower()] = 0.0
    return weights.get("gzip", weights.get("*", 0.0)) > 0
