"""The exceptions of pilotchain: one root, clear subclasses.

Every failure an operator can cause or meet is a `PilotchainError`; the CLI prints its message
as one line and exits non-zero. On-chain custom errors are decoded into `ContractError`, which
carries the error's name and arguments.
"""

from __future__ import annotations

from typing import Any


class PilotchainError(Exception):
    """Root of every error pilotchain raises on purpose."""


class ConfigError(PilotchainError):
    """A missing or inconsistent file, setting or argument."""


class ChainError(PilotchainError):
    """The local PoA network or a node could not be managed as asked."""


class ChainStalled(ChainError):
    """The network's head stopped moving and recovering it did not help."""


class ConnectionFailed(PilotchainError):
    """No answer from the node, or the node is not the chain we expected."""


class WrongChain(ConnectionFailed):
    """The node's chain id differs from the deployment record's."""


class TransactionFailed(PilotchainError):
    """A transaction was not mined, was dropped, or reverted without a known error."""


class ContractError(TransactionFailed):
    """A contract rejected a call with a custom error, decoded from its ABI."""

    def __init__(self, name: str, args: dict[str, Any], contract: str | None = None):
        self.name = name
        self.args_by_name = args
        self.contract = contract
        shown = ", ".join(f"{k}={_short(v)}" for k, v in args.items())
        where = f"{contract} rejected the call: " if contract else ""
        super().__init__(f"{where}{name}({shown})")


def _short(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    return str(value)


# What to do about the failures a newcomer meets most, appended to the CLI's one line.
_HINTS = (
    *((needle, "the account has too little ETH to pay for gas: send it some (on a dev network from the "
       "deployer), or pick a funded one with --account")
      for needle in ("insufficient funds", "exceeds allowance: 0")),  # geth; anvil
    ("nonce too low", "another transaction of this account was mined meanwhile: run the command again"),
    ("NotMember(", "the account belongs to no active member entity: pass --account with one that does "
     "(`pilotchain entity show ENTITY` lists an entity's accounts), or have your entity's admin add it "
     "with `pilotchain entity account add`"),
    ("NotAdmin(", "this needs an admin account of the entity: pass --account with one"),
)


def hint(exc: Exception) -> str:
    """`; what to do` for a well-known failure, else ""."""
    text = str(exc)
    for needle, advice in _HINTS:
        if needle in text:
            return f"; {advice}"
    return ""
