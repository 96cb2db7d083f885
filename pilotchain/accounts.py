"""The account store: encrypted keystores in one folder, one per named account.

    <folder>/<name>.json        Web3 Secret Storage keystore (scrypt, see pilotchain.keystore)
    <folder>/<name>.password    only for accounts of a local dev network: a generated password,
                                mode 0600, in a git-ignored folder

Accounts of a real network have no password file: the password comes from
$PILOTCHAIN_PASSWORD or a prompt, and is never written anywhere. The local PoA network keeps
its operator accounts (deployer, operator-N) in such a folder; the pilot adds its entities'.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount
from web3 import Web3

from pilotchain import keystore
from pilotchain.errors import ConfigError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class StoredAccount:
    name: str
    address: str
    password_file: bool


class AccountStore:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._cache: dict[str, LocalAccount] = {}

    def _paths(self, name: str) -> tuple[Path, Path]:
        if not _NAME.match(name):
            raise ConfigError(f"invalid account name {name!r}: use letters, digits, '.', '_' or '-'")
        return self.folder / f"{name}.json", self.folder / f"{name}.password"

    def exists(self, name: str) -> bool:
        return self._paths(name)[0].exists()

    def check_available(self, name: str) -> None:
        """Raise unless `name` is a valid name that no account has yet."""
        if self._paths(name)[0].exists():
            raise ConfigError(f"account {name!r} already exists in {self.folder}")

    def create(self, name: str, password: str | None = None) -> str:
        """A new key under `name`; without a password, one is generated and kept beside it."""
        self.check_available(name)
        path, password_path = self._paths(name)
        if password is None:
            password = keystore.generate_password()
            keystore.write_secret(password_path, password)
        return keystore.create_keystore(path, password)

    def ensure(self, names: list[str]) -> list[str]:
        """The addresses of `names`, creating (with generated passwords) those that are missing."""
        return [self.address(n) if self.exists(n) else self.create(n) for n in names]

    def import_key(self, name: str, private_key: str, password: str) -> str:
        self.check_available(name)
        try:
            return keystore.save_key(self._paths(name)[0], private_key, password)
        except (ValueError, TypeError):
            raise ConfigError("not a valid private key (expected 32 bytes as hex)") from None

    def address(self, name: str) -> str:
        path, _ = self._paths(name)
        try:
            return Web3.to_checksum_address(json.loads(path.read_text())["address"])
        except FileNotFoundError:
            raise ConfigError(f"no account {name!r} in {self.folder} (see `pilotchain accounts list`)") from None

    def load(self, name: str, password: str | None = None) -> LocalAccount:
        """Decrypt `name` with `password`, its password file, or $PILOTCHAIN_PASSWORD / a prompt."""
        if name in self._cache:
            return self._cache[name]
        path, password_path = self._paths(name)
        if not path.exists():
            raise ConfigError(f"no account {name!r} in {self.folder} (see `pilotchain accounts list`)")
        if password is None:
            password = (
                password_path.read_text() if password_path.exists() else keystore.password_from_env_or_prompt()
            )
        account = keystore.load_keystore(path, password)
        self._cache[name] = account
        return account

    def list(self) -> list[StoredAccount]:
        found = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                address = Web3.to_checksum_address(json.loads(path.read_text())["address"])
            except (ValueError, KeyError):
                continue
            found.append(StoredAccount(path.stem, address, path.with_suffix(".password").exists()))
        return found
