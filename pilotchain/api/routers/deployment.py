"""The deployment as the browser needs it to talk to the chain itself (public)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from pilotchain import artifacts
from pilotchain.api.common import State

router = APIRouter(tags=["deployment"])


class Contract(BaseModel):
    address: str
    abi: list[dict[str, Any]]


class Deployment(BaseModel):
    chainId: int  # noqa: N815  (the hardhat-deploy export's field names)
    contracts: dict[str, Contract]
    rpc: str


@router.get("/deployment", response_model=Deployment,
            summary="The hardhat-deploy export {chainId, contracts: {Name: {address, abi}}} plus the JSON-RPC URL")
def deployment(api: State):
    return {"chainId": api.deployment.chain_id, "rpc": api.settings.rpc_url,
            "contracts": {name: {"address": c.address, "abi": artifacts.load(name).abi}
                          for name, c in api.deployment.contracts.items()}}
