"""The index of a deployment: every event of EntityRegistry, DataSharing and Provenance in
relational tables (SQLite or PostgreSQL), reorg-safe and resumable.

    from pilotchain import indexer
    indexer.run("pilot-poa")                       # catch up once; returns the index status
    with indexer.Indexer(w3, deployment, "sqlite:///index.sqlite", confirmations=2) as ix:
        ix.sync()

The indexer is imported on first use: the library's reader (`pilotchain.indexer.reads`)
loads without SQLAlchemy's migrations behind `core`.
"""

import importlib
from typing import Any

__all__ = ["DEFAULT_CONFIRMATIONS", "Indexer", "IndexerError", "SyncResult", "run"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        value = getattr(importlib.import_module("pilotchain.indexer.core"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pilotchain.indexer' has no attribute {name!r}")
