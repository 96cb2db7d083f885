"""Deployment records: which contracts live where on one chain, and how they got there.

One JSON file per chain (`<chain id>.json`) under `.pilotchain/deployments/` (or
$PILOTCHAIN_DEPLOYMENTS). A record names the chain by id *and* genesis hash, so a fresh local
chain that reuses an id is never mistaken for the old one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from web3 import Web3
from web3.exceptions import TransactionNotFound

from pilotchain.errors import ConfigError, WrongChain
from pilotchain.toolchain import ROOT

DEFAULT_DIR = ROOT / ".pilotchain" / "deployments"


def records_dir(path: str | Path | None = None) -> Path:
    return Path(path or os.environ.get("PILOTCHAIN_DEPLOYMENTS") or DEFAULT_DIR)


@dataclass
class DeployedContract:
    name: str
    address: str
    tx_hash: str
    block: int | None  # None in records written before blocks were kept: `for_chain` looks it up
    constructor_args: list
    bytecode_hash: str


@dataclass
class Deployment:
    chain_id: int
    genesis_hash: str
    network: str
    deployer: str
    contracts: dict[str, DeployedContract] = field(default_factory=dict)

    @property
    def addresses(self) -> dict[str, str]:
        return {name: c.address for name, c in self.contracts.items()}

    @property
    def first_block(self) -> int:
        return min((c.block or 0 for c in self.contracts.values()), default=0)

    @property
    def start_blocks(self) -> dict[str, int]:
        """Each contract's deployment block: where scans of its logs start."""
        return {name: c.block or 0 for name, c in self.contracts.items()}

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Deployment:
        contracts = {name: DeployedContract(**{"block": None, **c}) for name, c in data.get("contracts", {}).items()}
        return cls(data["chain_id"], data["genesis_hash"], data["network"], data["deployer"], contracts)


def chain_identity(w3: Web3) -> tuple[int, str]:
    """The chain id and genesis block hash of the chain `w3` is connected to (the earliest block:
    block 0, or the first block of a dev chain started at a later number)."""
    return w3.eth.chain_id, w3.eth.get_block("earliest")["hash"].to_0x_hex()


def record_path(chain_id: int, directory: str | Path | None = None) -> Path:
    return records_dir(directory) / f"{chain_id}.json"


def load(chain_id: int, directory: str | Path | None = None) -> Deployment | None:
    path = record_path(chain_id, directory)
    if not path.exists():
        return None
    try:
        return Deployment.from_json(json.loads(path.read_text()))
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"deployment record {path} is unreadable ({exc}); delete it to deploy afresh") from None


def save(deployment: Deployment, directory: str | Path | None = None) -> Path:
    path = record_path(deployment.chain_id, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(deployment.to_json(), indent=2) + "\n")
    tmp.replace(path)
    return path


def for_chain(w3: Web3, directory: str | Path | None = None) -> Deployment:
    """The record of the chain `w3` is connected to; refuses a record of another chain."""
    chain_id, genesis = chain_identity(w3)
    deployment = load(chain_id, directory)
    if deployment is None:
        raise ConfigError(
            f"nothing is deployed on chain {chain_id} (no {record_path(chain_id, directory)}); "
            "run `brownie run scripts/deploy.py --network <network>` or `pilotchain deploy`"
        )
    if deployment.genesis_hash != genesis:
        raise WrongChain(
            f"the deployment record for chain id {chain_id} belongs to another chain "
            f"(genesis {deployment.genesis_hash[:12]}…, this node's is {genesis[:12]}…); "
            "redeploy to this chain or connect to the right node"
        )
    _find_blocks(w3, deployment)
    return deployment


def _find_blocks(w3: Web3, deployment: Deployment) -> None:
    """Fill in the deployment block of contracts recorded without one (older records), from
    their deployment transaction's receipt; 0 (scan from genesis) when the node has none."""
    for contract in deployment.contracts.values():
        if contract.block is None:
            try:
                contract.block = w3.eth.get_transaction_receipt(contract.tx_hash)["blockNumber"]
            except (TransactionNotFound, ValueError):
                contract.block = 0


def hardhat_export(deployment: Deployment) -> dict:
    """The hardhat-deploy "export" shape that wagmi, ethers and other tooling read as is:
    `{"name", "chainId", "contracts": {name: {"address", "abi"}}}` (hardhat-deploy writes the chain
    id as a decimal string)."""
    from pilotchain import artifacts

    return {
        "name": deployment.network,
        "chainId": str(deployment.chain_id),
        "contracts": {name: {"address": c.address, "abi": artifacts.load(name).abi} for name, c in deployment.contracts.items()},
    }


def export_frontend(deployment: Deployment, out_dir: str | Path) -> tuple[Path, Path]:
    """Two JSON files per chain that ethers, viem or web3.js load as is: `<chain id>.json`,
    `{"chainId", "network", "genesisHash", "contracts": {name: {"address", "abi", "blockNumber"}}}`,
    and `<chain id>.hardhat-deploy.json` in the hardhat-deploy export shape (`hardhat_export`)."""
    from pilotchain import artifacts

    document = {
        "chainId": deployment.chain_id,
        "network": deployment.network,
        "genesisHash": deployment.genesis_hash,
        "contracts": {
            name: {"address": c.address, "blockNumber": c.block, "abi": artifacts.load(name).abi}
            for name, c in deployment.contracts.items()
        },
    }
    path = Path(out_dir) / f"{deployment.chain_id}.json"
    hardhat = path.with_name(f"{deployment.chain_id}.hardhat-deploy.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")
    hardhat.write_text(json.dumps(hardhat_export(deployment), indent=2) + "\n")
    return path, hardhat
