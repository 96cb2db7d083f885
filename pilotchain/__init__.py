"""pilotchain: the application layer of a consortium ledger.

Contracts for consortium membership (EntityRegistry), data-sharing permissions (DataSharing)
and supply-chain provenance (Provenance), and the Python library and CLI that operators use to
run them on a private proof-of-authority chain.

The library every CLI command is built on (see README, "Use the library", and
examples/use_the_library.py):

    import pilotchain
    session = pilotchain.open_session("pilot-poa", "council-1")   # network + stored account
    pilotchain.registry.members(session, kind=pilotchain.registry.EntityKind.Hospital)
    pilotchain.datasharing.can_access(session, 1, "0x…", pilotchain.datasharing.Purpose.Research)
    pilotchain.provenance.verify(session, "urn:epc:id:sgtin:6901234.066666.LGWEF4A51MB000001")

Every failure is a `PilotchainError`; a contract's custom error is a `ContractError` with its
name and arguments.
"""

__version__ = "0.1.0"

import importlib
from typing import Any

# The public API, imported on first use: `import pilotchain.toolchain` (run by make before the
# packages are in place) and `pilotchain --version` do not load web3.
_EXPORTS = {
    "AccountStore": "pilotchain.accounts",
    "ChainError": "pilotchain.errors",
    "ConfigError": "pilotchain.errors",
    "ConnectionFailed": "pilotchain.errors",
    "ContractError": "pilotchain.errors",
    "EventStore": "pilotchain.epcis.store",
    "Journal": "pilotchain.journal",
    "PilotchainError": "pilotchain.errors",
    "Session": "pilotchain.session",
    "TamperError": "pilotchain.provenance",
    "TransactionFailed": "pilotchain.errors",
    "WrongChain": "pilotchain.errors",
    "account_address": "pilotchain.resolve",
    "connect": "pilotchain.endpoints",
    "entity_id": "pilotchain.resolve",
    "open_session": "pilotchain.endpoints",
}
_SUBMODULES = ("datasharing", "provenance", "registry")

__all__ = sorted([*_EXPORTS, *_SUBMODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"pilotchain.{name}")
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pilotchain' has no attribute {name!r}")
