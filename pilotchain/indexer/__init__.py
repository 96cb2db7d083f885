"""The index of a deployment: every event of EntityRegistry, DataSharing and Provenance in
relational tables (SQLite or PostgreSQL), reorg-safe and resumable.

    from pilotchain import indexer
    indexer.run("pilot-poa")                       # catch up once; returns the index status
    with indexer.Indexer(w3, deployment, "sqlite:///index.sqlite", confirmations=2) as ix:
        ix.sync()
"""

from pilotchain.indexer.core import DEFAULT_CONFIRMATIONS, Indexer, IndexerError, SyncResult, run

__all__ = ["DEFAULT_CONFIRMATIONS", "Indexer", "IndexerError", "SyncResult", "run"]
