"""Encrypted JSON keystores (Web3 Secret Storage v3), the only form in which pilotchain keeps keys.

Keys are encrypted with scrypt at geth's "light" cost (n = 2**12, r = 8, p = 1): decrypting
takes a few milliseconds, so tests and scripts load accounts quickly, while a stolen file still
needs the password. Geth, Brownie's `accounts.load` and eth-account all read these files.
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
import sys
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from pilotchain.errors import ConfigError

SCRYPT_N = 2**12


def generate_password() -> str:
    """A random password of 32 URL-safe characters (192 bits)."""
    return secrets.token_urlsafe(24)


def write_secret(path: str | Path, text: str) -> None:
    """Write `text` to a new file readable by its owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)


def create_keystore(path: str | Path, password: str) -> str:
    """Generate a new key, store it encrypted at `path` and return its checksummed address."""
    return save_key(path, Account.create().key, password)


def save_key(path: str | Path, private_key: bytes | str, password: str) -> str:
    """Store `private_key` encrypted at `path` and return its checksummed address."""
    account = Account.from_key(private_key)
    encrypted = Account.encrypt(account.key, password, kdf="scrypt", iterations=SCRYPT_N)
    # eth-keyfile writes the 16-byte AES IV as an integer, dropping leading zero bytes (1 key
    # in 256); geth then panics with "bad IV length". Zero-padding keeps the same IV.
    params = encrypted["crypto"]["cipherparams"]
    params["iv"] = params["iv"].zfill(32)
    write_secret(path, json.dumps(encrypted))
    return account.address


def load_keystore(path: str | Path, password: str) -> LocalAccount:
    """Decrypt the keystore at `path`; a missing file or a wrong password is a `ConfigError`."""
    path = Path(path)
    try:
        encrypted = json.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"no keystore at {path}") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path} is not a readable keystore: {exc}") from None
    try:
        key = Account.decrypt(encrypted, password)
    except ValueError:
        raise ConfigError(f"wrong password for keystore {path}") from None
    return Account.from_key(key)


def password_from_env_or_prompt(var: str = "PILOTCHAIN_PASSWORD") -> str:
    """The password in environment variable `var`, else asked on the terminal."""
    password = os.environ.get(var)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise ConfigError(f"no password: set {var} or run from a terminal")
    return getpass.getpass("keystore password: ")
