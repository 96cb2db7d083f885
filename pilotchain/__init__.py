"""pilotchain: the application layer of a consortium ledger.

Contracts for consortium membership (EntityRegistry), data-sharing permissions (DataSharing)
and supply-chain provenance (Provenance), and the Python library and CLI that operators use to
run them on a private proof-of-authority chain.
"""

from pilotchain.errors import PilotchainError

__all__ = ["PilotchainError"]
__version__ = "0.1.0"
