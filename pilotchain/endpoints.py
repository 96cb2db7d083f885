"""From a network name to a checked connection, accounts and a Session.

A network is a Brownie network id of this project (`pilot-poa`, `pilot-anvil`,
`pilot-ganache`; also `anvil`/`ganache` for short) or an http(s)/ws(s) URL. The node's chain id
must match the network's and the deployment record's genesis, so nothing is ever sent to the
wrong chain.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml
from web3 import Web3

from pilotchain import chain, connection, deployments
from pilotchain.accounts import AccountStore
from pilotchain.errors import ConfigError, WrongChain
from pilotchain.session import Session
from pilotchain.toolchain import BROWNIE_DATA, BROWNIE_NETWORKS, ROOT

ALIASES = {"anvil": "pilot-anvil", "ganache": "pilot-ganache", "poa": "pilot-poa"}


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    chain_id: int | None  # expected chain id, when the network defines one
    local_poa: bool  # the project's local geth network
    command: str | None = None  # the dev node Brownie launches for this network (anvil, ganache)

    @property
    def accounts_dir(self) -> Path:
        if os.environ.get("PILOTCHAIN_ACCOUNTS"):
            return Path(os.environ["PILOTCHAIN_ACCOUNTS"])
        if self.local_poa:
            return chain.network_dir() / "accounts"
        return ROOT / ".pilotchain" / "accounts" / (self.name if "://" not in self.name else "default")


def _brownie_networks() -> list[dict]:
    source = BROWNIE_DATA / "network-config.yaml"
    data = yaml.safe_load((source if source.exists() else BROWNIE_NETWORKS).read_text())
    return list(data.get("development", [])) + [n for c in data.get("live", []) for n in c["networks"]]


def resolve(network: str) -> Endpoint:
    if "://" in network:
        return Endpoint(network, network, None, False)
    name = ALIASES.get(network, network)
    for net in _brownie_networks():
        if net["id"] != name:
            continue
        if "cmd" in net:
            settings = net.get("cmd_settings") or {}
            url = f"{net['host']}:{settings.get('port', 8545)}"
            return Endpoint(name, url, settings.get("chain_id"), False, net["cmd"])
        return Endpoint(name, net["host"], int(net["chainid"]), name == "pilot-poa")
    raise ConfigError(f"unknown network {network!r}: use pilot-poa, pilot-anvil, pilot-ganache or a URL")


def connect(network: str) -> tuple[Web3, Endpoint]:
    endpoint = resolve(network)
    w3 = connection.connect(endpoint.url)
    if endpoint.chain_id is not None and w3.eth.chain_id != endpoint.chain_id:
        raise WrongChain(
            f"{endpoint.name} should be chain {endpoint.chain_id}, but the node at {endpoint.url} "
            f"is chain {w3.eth.chain_id}; refusing to send anything"
        )
    return w3, endpoint


def open_session(network: str, account: str | None = None, *, records_dir=None, index: str | None = None) -> Session:
    """A Session on the deployed contracts of `network`, signing as store account `account`
    (default: the store's `deployer`, or on a dev node its first unlocked account); its reads
    served from the index database at URL `index` where it covers the chain."""
    w3, endpoint = connect(network)
    deployment = deployments.for_chain(w3, records_dir)
    session = Session(w3, signer_for(w3, endpoint, account), deployment.addresses, start_blocks=deployment.start_blocks)
    if index is not None:
        from pilotchain.indexer.reads import IndexSource  # SQLAlchemy, only for sessions with an index

        session.index = IndexSource(index)
    return session


def signer_for(w3: Web3, endpoint: Endpoint, account: str | None):
    store = AccountStore(endpoint.accounts_dir)
    if account is not None or store.exists("deployer"):
        return store.load(account or "deployer")
    unlocked = w3.eth.accounts
    if not unlocked:
        raise ConfigError(f"no account given and no 'deployer' in {store.folder}; pass --account")
    return unlocked[0]
