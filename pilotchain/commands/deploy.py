"""`pilotchain deploy` and `pilotchain export-abi`."""

from __future__ import annotations

from pathlib import Path

from pilotchain import deployments, endpoints
from pilotchain.cli import arg, command
from pilotchain.deploy import deploy_network


@command("deploy", "deploy the suite (idempotent: sends nothing when already deployed)",
         arg("--quiet", action="store_true", help="no progress lines"), shared=("network", "json"))
def deploy(args):
    w3, endpoint = endpoints.connect(args.network)
    funder = w3.eth.accounts[0] if endpoint.command and w3.eth.accounts else None
    log = (lambda _m: None) if args.quiet or args.json else print
    result = deploy_network(endpoint.name, w3, funder=funder, log=log)
    return {"chain_id": result.deployment.chain_id, "deployed": result.deployed, "kept": result.kept,
            "addresses": result.deployment.addresses}


@command("export-abi", "write addresses + ABIs + chain id for dApp frontends (also in hardhat-deploy's export shape)",
         arg("--out", type=Path, default=Path("frontend"), help="folder (default: ./frontend)"),
         shared=("network", "json"))
def export_abi(args):
    w3, _ = endpoints.connect(args.network)
    path, hardhat = deployments.export_frontend(deployments.for_chain(w3), args.out)
    return {"written": str(path), "hardhat_deploy": str(hardhat)}
