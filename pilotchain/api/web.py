"""The built web console (`web/dist`) at `/`, with SPA routing: a path that is no file of the
build (e.g. `/verify/urn:epc:id:sgtin:…`) is answered with `index.html`, which routes in the
browser. Paths under the API prefixes stay 404 problems."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from pilotchain.problems import Problem

API_PREFIXES = ("api/", "epcis/")


def console_router(web_dir: Path | None) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    root = web_dir.resolve() if web_dir else None

    @router.get("/{path:path}")
    def console(path: str):
        if path.startswith(API_PREFIXES) or path in ("api", "epcis"):
            raise Problem(404, "not-found", "Not Found", detail=f"no resource at /{path}")
        if root is None or not (root / "index.html").is_file():
            raise Problem(404, "console-not-built", "The web console is not built",
                          detail=f"build it into {web_dir or 'web/dist'} (cd web && npm run build); "
                                 "the API is at /api/v1 (docs at /api/v1/docs)")
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            return FileResponse(candidate)
        return FileResponse(root / "index.html", media_type="text/html")

    return router
