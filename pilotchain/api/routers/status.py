"""Chain and index status (public): the node's head, the validators and their share of recent
blocks (Clique signers recovered from each header's seal), and how far the index is behind."""

from __future__ import annotations

from collections import Counter
import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel
from web3 import Web3
from web3.exceptions import Web3Exception

from pilotchain.api.common import Db, State, iso
from pilotchain.chain.clique import SEAL_LENGTH, block_signer, raw_blocks
from pilotchain.chain.nodes import clique_signers
from pilotchain.indexer import schema as s
from pilotchain.indexer.core import read_meta

router = APIRouter(prefix="/status", tags=["status"])

RECENT_BLOCKS = 64


class Validator(BaseModel):
    address: str
    sealed: int
    share: float


class ChainStatus(BaseModel):
    chain_id: int
    head: int
    head_time: str | None
    consensus: str
    validators: list[Validator]
    recent_blocks: int
    block_time_avg: float | None
    block_time_max: int | None


def recent_headers(w3: Web3, head: int, count: int = RECENT_BLOCKS) -> list[dict]:
    """The raw headers (hex fields) of the last `count` blocks, in one JSON-RPC batch."""
    numbers = list(range(max(head - count + 1, 1), head + 1))  # the genesis block has no seal
    return [block for block in raw_blocks(w3, numbers) if block]


def sealers(w3: Web3, headers: list[dict]) -> tuple[str, list[str], Counter]:
    """Consensus name, the current signer set and who sealed each of `headers`: Clique seals are
    recovered from extraData; other chains (anvil) name the block's miner."""
    clique = all(len(h["extraData"]) >= 2 + 2 * (32 + SEAL_LENGTH) for h in headers) and bool(headers)
    if clique:
        try:
            signers = clique_signers(w3)
        except (Web3Exception, ValueError):
            signers = []
        return "clique", signers, Counter(block_signer(h) for h in headers)
    return "other", [], Counter(Web3.to_checksum_address(h["miner"]) for h in headers)


@router.get("/chain", response_model=ChainStatus, summary="The node's head, validators and recent sealing")
def chain_status(api: State):
    head = api.w3.eth.block_number
    headers = recent_headers(api.w3, head)
    consensus, signers, sealed = sealers(api.w3, headers)
    times = [int(h["timestamp"], 16) for h in headers]
    gaps = [b - a for a, b in zip(times, times[1:])]
    total = sum(sealed.values()) or 1
    validators = [{"address": a, "sealed": sealed.get(a, 0), "share": round(sealed.get(a, 0) / total, 4)}
                  for a in sorted({*signers, *sealed})]
    return {"chain_id": api.deployment.chain_id, "head": head, "head_time": iso(times[-1]) if times else None,
            "consensus": consensus, "validators": validators, "recent_blocks": len(headers),
            "block_time_avg": round(sum(gaps) / len(gaps), 3) if gaps else None,
            "block_time_max": max(gaps) if gaps else None}


class IndexStatus(BaseModel):
    head: int
    indexed_to: int
    lag: int
    final_height: int
    confirmations: int
    events: int


@router.get("/index", response_model=IndexStatus, summary="How far the index is behind the node")
def index_status(api: State, db: Db):
    head = api.w3.eth.block_number
    before_first = api.deployment.first_block - 1
    indexed = read_meta(db, "cursor", before_first)
    return {"head": head, "indexed_to": indexed, "lag": max(head - indexed, 0),
            "final_height": read_meta(db, "final_height", before_first), "confirmations": api.settings.confirmations,
            "events": db.execute(sa.select(sa.func.count()).select_from(s.events)).scalar_one()}
