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

from pilotchain import datasharing, provenance, registry
from pilotchain.accounts import AccountStore
from pilotchain.endpoints import connect, open_session
from pilotchain.errors import (
    ChainError,
    ConfigError,
    ConnectionFailed,
    ContractError,
    PilotchainError,
    TransactionFailed,
    WrongChain,
)
from pilotchain.epcis.store import EventStore
from pilotchain.journal import Journal
from pilotchain.provenance import TamperError
from pilotchain.resolve import account_address, entity_id
from pilotchain.session import Session

__all__ = [
    "AccountStore",
    "ChainError",
    "ConfigError",
    "ConnectionFailed",
    "ContractError",
    "EventStore",
    "Journal",
    "PilotchainError",
    "Session",
    "TamperError",
    "TransactionFailed",
    "WrongChain",
    "__version__",
    "account_address",
    "connect",
    "datasharing",
    "entity_id",
    "open_session",
    "provenance",
    "registry",
]
