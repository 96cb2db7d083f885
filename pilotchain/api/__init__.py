"""`pilotchain serve`: the HTTP API over the index (FastAPI). See `pilotchain.api.app`."""

from pilotchain.api.app import Settings, create_app

__all__ = ["Settings", "create_app"]
