"""Deploy the suite — EntityRegistry, then DataSharing and Provenance on top of it — idempotently.

`deploy_all` deploys what the chain's record lacks (or what changed since), records every
contract as soon as it is mined, and sends nothing when the chain already runs this build.
Both `brownie run scripts/deploy.py` and `pilotchain deploy` call it; so do the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from eth_account.signers.local import LocalAccount
from web3 import Web3

from pilotchain import artifacts, datasharing, deployments, endpoints
from pilotchain.accounts import AccountStore
from pilotchain.deployments import DeployedContract, Deployment
from pilotchain.registry import ConsortiumConfig, load_consortium
from pilotchain.tx import Sender

COUNCIL_FUNDS = 10 * 10**18  # wei each founding council account holds for gas
DEPLOYER_FUNDS = 5_000 * 10**18  # wei a dev node's deployer gets (it funds the pilot's entities)

# (contract, constructor arguments given the deployment so far and the council's admins)
PLAN: list[tuple[str, Callable[[Deployment, ConsortiumConfig, list[str]], list]]] = [
    ("EntityRegistry", lambda d, config, council: config.constructor_args(council)),
    ("DataSharing", lambda d, config, council: datasharing.constructor_args(d.contracts["EntityRegistry"].address)),
    ("Provenance", lambda d, config, council: [d.contracts["EntityRegistry"].address]),
]


@dataclass
class DeployResult:
    deployment: Deployment
    deployed: list[str] = field(default_factory=list)  # contracts deployed by this run
    kept: list[str] = field(default_factory=list)  # contracts already on chain, unchanged

    @property
    def summary(self) -> str:
        if not self.deployed:
            return f"nothing to deploy on chain {self.deployment.chain_id}: {', '.join(self.kept)} already deployed, no transaction sent"
        return f"deployed {', '.join(self.deployed)} on chain {self.deployment.chain_id}" + (
            f" (kept {', '.join(self.kept)})" if self.kept else ""
        )


def deploy_all(
    w3: Web3,
    signer: LocalAccount | str,
    *,
    council_admins: list[str],
    network: str,
    consortium: ConsortiumConfig | None = None,
    records_dir=None,
    log: Callable[[str], None] = print,
) -> DeployResult:
    """Deploy every contract of PLAN that this chain's record lacks or that changed.

    A contract whose recorded bytecode differs from the build, or whose code is gone, is
    deployed again, and so is every contract after it (they point at its address).
    """
    consortium = consortium or load_consortium()
    chain_id, genesis = deployments.chain_identity(w3)
    sender = Sender(w3, signer)
    deployment = deployments.load(chain_id, records_dir)
    if deployment is None or deployment.genesis_hash != genesis:
        deployment = Deployment(chain_id, genesis, network, sender.address)
    result = DeployResult(deployment)
    council = [Web3.to_checksum_address(a) for a in council_admins]

    for name, arguments in PLAN:
        artifact = artifacts.load(name)
        recorded = deployment.contracts.get(name)
        if not result.deployed and recorded and _is_current(w3, recorded, artifact):
            result.kept.append(name)
            log(f"{name}: already deployed at {recorded.address} (block {recorded.block})")
            continue
        args = arguments(deployment, consortium, council)
        factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        receipt = sender.transact(factory.constructor(*args))
        deployment.contracts[name] = DeployedContract(
            name=name,
            address=receipt["contractAddress"],
            tx_hash=receipt["transactionHash"].to_0x_hex(),
            block=receipt["blockNumber"],
            constructor_args=_plain(args),
            bytecode_hash=artifact.bytecode_hash,
        )
        deployment.deployer = sender.address
        deployments.save(deployment, records_dir)
        result.deployed.append(name)
        log(f"{name}: deployed at {receipt['contractAddress']} (block {receipt['blockNumber']}, gas {receipt['gasUsed']:,})")
    log(result.summary)
    return result


def _is_current(w3: Web3, recorded: DeployedContract, artifact: artifacts.Artifact) -> bool:
    return recorded.bytecode_hash == artifact.bytecode_hash and len(w3.eth.get_code(recorded.address)) > 0


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    return value


def deploy_network(network: str, w3: Web3, *, funder: str | None = None, **kwargs) -> DeployResult:
    """Deploy with the network's account store: `deployer` deploys and `council-N` (created if
    missing, funded by the deployer) found the council, so the same keys go on to govern.
    On a dev node, `funder` (an unlocked account) first funds the deployer."""
    consortium = load_consortium()
    store = AccountStore(endpoints.resolve(network).accounts_dir)
    if funder is not None:
        store.ensure(["deployer"])
        Sender(w3, funder).top_up([store.address("deployer")], minimum=DEPLOYER_FUNDS // 2, amount=DEPLOYER_FUNDS)
    signer = store.load("deployer")
    council = store.ensure([f"council-{i}" for i in range(1, len(consortium.founders) + 1)])
    Sender(w3, signer).top_up(council, minimum=COUNCIL_FUNDS // 2, amount=COUNCIL_FUNDS)
    return deploy_all(w3, signer, council_admins=council, network=network, consortium=consortium, **kwargs)


def deploy_with_brownie(network: str, w3: Web3, dev_accounts, **kwargs) -> DeployResult:
    """What `scripts/deploy.py` runs: on a dev node Brownie's first account funds the deployer."""
    return deploy_network(network, w3, funder=str(dev_accounts[0]) if len(dev_accounts) else None, **kwargs)
