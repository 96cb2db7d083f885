"""One resolver for "who": wherever an entity or an account is meant, accept an entity id, a
registration code, an account name of the account store or an address.

    entity_id(session, "110")                    -> 110
    entity_id(session, "91440101MA00000110")     -> the entity with that registration code
    entity_id(session, "council-1", store)       -> the entity of that stored account
    account_address(session, "0xAbC…", store)    -> the checksummed address
    account_address(session, "7", store)         -> entity 7's first admin account

Anything else is a `ConfigError` in one line that says what was expected.
"""

from __future__ import annotations

import re
import time
from datetime import datetime

from web3 import Web3

from pilotchain.accounts import AccountStore
from pilotchain.errors import ConfigError, ContractError
from pilotchain.session import Session

_HEX_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
EXPECTED = "an entity id, a registration code, an account name of the store or a 0x address"


def address(text: str) -> str:
    """A 0x address with 40 hex digits (checksum checked when mixed case), checksummed."""
    if not _HEX_ADDRESS.match(text):
        raise ConfigError(f"{text!r} is not an address (0x followed by 40 hex digits)")
    if text[2:] != text[2:].lower() and text[2:] != text[2:].upper() and not Web3.is_checksum_address(text):
        raise ConfigError(f"{text} has a wrong checksum (a typo?); retype it or give it in lower case")
    return Web3.to_checksum_address(text)


def entity_id(session: Session, text: str | int, store: AccountStore | None = None) -> int:
    """The id of the entity `text` names (see the module docstring); it must exist."""
    from pilotchain import registry

    text = str(text).strip()
    contract = session.contract("EntityRegistry")
    if text.isdigit():
        found = int(text)
        try:
            if not 0 < found < 2**32:
                raise ValueError
            session.call(contract.functions.entity(found))
        except (ContractError, ValueError):
            raise ConfigError(f"no entity {found} on this chain (see `pilotchain entity list`)") from None
        return found
    if text.startswith("0x"):
        account = address(text)
    elif store is not None and _stored(store, text):
        account = store.address(text)
    else:
        try:
            code = registry.registration_code(text)
        except (ConfigError, ValueError):
            raise ConfigError(f"{text!r} is not {EXPECTED}") from None
        found = session.call(contract.functions.entityIdByCode(code))
        if not found:
            raise ConfigError(f"{text!r} is not {EXPECTED}: no entity has that registration code")
        return int(found)
    found = registry.entity_id_of(session, account)
    if not found:
        raise ConfigError(f"account {account} ({text}) belongs to no member entity")
    return int(found)


def account_address(session: Session | None, text: str, store: AccountStore | None = None) -> str:
    """The address `text` names: an address, a stored account, or an entity (its first admin)."""
    text = text.strip()
    if text.startswith("0x"):
        return address(text)
    if store is not None and _stored(store, text):
        return store.address(text)
    if session is None:
        raise ConfigError(f"{text!r} is not an address (0x followed by 40 hex digits) or an account name")
    from pilotchain import registry

    admins = [a["account"] for a in registry.accounts_of(session, entity_id(session, text, store)) if a["role"] == "Admin"]
    if not admins:
        raise ConfigError(f"entity {text} has no admin account")
    return admins[0]


def account_store(network: str) -> AccountStore:
    """The account store of a network (where its named accounts live)."""
    from pilotchain.endpoints import resolve

    return AccountStore(resolve(network).accounts_dir)


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def moment(text: str, now: int | None = None) -> int:
    """A point in time as unix seconds, from a duration after now (`90d`, `12h`, `2w`), an ISO
    8601 date or date-time (in the local zone unless it names one), or unix seconds."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if match := _DURATION.match(text):
        start = int(time.time()) if now is None else now
        return start + round(float(match[1]) * _UNIT_SECONDS[match[2]])
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except ValueError:
        raise ConfigError(f"{text!r} is not a time: give a date (2027-03-01), a date-time "
                          "(2027-03-01T12:00+08:00), a duration from now (90d, 12h, 2w) or unix seconds") from None


def _stored(store: AccountStore, name: str) -> bool:
    try:
        return store.exists(name)
    except ConfigError:  # not even a valid account name
        return False
