"""`pilotchain accounts …`: the encrypted keystores of a network's account store."""

from __future__ import annotations

import getpass
import os

from pilotchain.accounts import AccountStore
from pilotchain.cli import arg, command
from pilotchain.endpoints import resolve
from pilotchain.errors import ConfigError
from pilotchain.keystore import password_from_env_or_prompt

NAME = arg("name", help="account name in the store")


def _store(network: str) -> AccountStore:
    return AccountStore(resolve(network).accounts_dir)


@command("accounts list", "accounts in the network's store", shared=("network", "json"))
def list_accounts(args):
    store = _store(args.network)
    return [{"name": a.name, "address": a.address, "password": "generated file" if a.password_file else "env/prompt"}
            for a in store.list()]


@command("accounts create", "a new key, encrypted with $PILOTCHAIN_PASSWORD or a prompted password",
         NAME, shared=("network", "json"))
def create(args):
    store = _store(args.network)
    store.check_available(args.name)
    address = store.create(args.name, password_from_env_or_prompt())
    return {"name": args.name, "address": address, "keystore": str(store.folder / f"{args.name}.json")}


@command("accounts import", "import a private key ($PILOTCHAIN_IMPORT_KEY or prompt) as an encrypted keystore",
         NAME, shared=("network", "json"))
def import_key(args):
    store = _store(args.network)
    store.check_available(args.name)
    key = os.environ.get("PILOTCHAIN_IMPORT_KEY")
    if key is None:
        if not os.isatty(0):
            raise ConfigError("no key: set PILOTCHAIN_IMPORT_KEY or run from a terminal")
        key = getpass.getpass("private key (hex): ")
    address = store.import_key(args.name, key, password_from_env_or_prompt())
    return {"name": args.name, "address": address}
