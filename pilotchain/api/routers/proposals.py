"""Council proposals (public) with their tallies and votes.

The registry has no rejection: a proposal is open until it is executed, cancelled by its
proposer, or its deadline passes (`expired`). The electorate is snapshotted on chain at creation
and not in any event, so a proposal's tally asks the chain for it.
"""

from __future__ import annotations

import time
from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query
from pydantic import BaseModel

from pilotchain.api.common import Db, Page, Paging, Row, State, dated, enum_name, iso, paginate, row
from pilotchain.indexer import schema as s
from pilotchain.problems import Problem
from pilotchain.registry import ActionKind, Vote

router = APIRouter(prefix="/proposals", tags=["proposals"])

ProposalState = Literal["open", "executed", "cancelled", "expired"]


class Proposal(Row):
    proposal_id: int
    proposer: int
    kind: str
    state: ProposalState
    deadline: str
    yes: int
    no: int
    abstain: int
    payload_hash: str
    payload_uri: str
    executed_at: str | None  # when its ProposalExecuted block was sealed; null unless executed


def _state(r, now: float) -> str:
    if r["status"] == "open" and r["expires_at"] <= now:
        return "expired"
    return r["status"]


def proposal_row(r, now: float) -> dict:
    out = row(r, kind=enum_name(ActionKind, r["kind"]), state=_state(r, now), deadline=iso(r["expires_at"]),
              executed_at=iso(r["executed_at"]))
    for hidden in ("status", "expires_at"):
        out.pop(hidden)
    return out


@router.get("", response_model=Page[Proposal], summary="Proposals, newest last, filtered by state")
def list_proposals(db: Db, page: Paging, state: Annotated[ProposalState | None, Query()] = None):
    now = time.time()
    query = dated(s.proposals)
    p = s.proposals.c
    if state == "open":
        query = query.where(p.status == "open", p.expires_at > now)
    elif state == "expired":
        query = query.where(p.status == "open", p.expires_at <= now)
    elif state is not None:
        query = query.where(p.status == state)
    return paginate(db, query, [p.proposal_id], page, lambda r: proposal_row(r, now))


class Tally(BaseModel):
    yes: int
    no: int
    abstain: int
    electorate: int
    threshold: int
    quorum: int
    deadline: str
    passed: bool


class Ballot(Row):
    entity_id: int
    vote: str


class ProposalDetail(Proposal):
    tally: Tally
    votes: list[Ballot]


@router.get("/{proposal_id}", response_model=ProposalDetail, summary="A proposal with its tally and votes")
def get_proposal(proposal_id: int, db: Db, api: State):
    found = db.execute(dated(s.proposals).where(s.proposals.c.proposal_id == proposal_id)).mappings().first()
    if found is None:
        raise Problem(404, "unknown-proposal", "No such proposal", detail=f"the index has no proposal {proposal_id}")
    registry = api.chain.contract("EntityRegistry")
    view = api.chain.call(registry.functions.proposal(proposal_id))
    electorate, passed = view[1][2], view[2]
    rule = db.execute(sa.select(s.voting_rules).where(s.voting_rules.c.kind == found["kind"])).mappings().first()
    threshold_bps, quorum_bps = (rule["threshold_bps"], rule["quorum_bps"]) if rule else (0, 0)
    votes = db.execute(dated(s.votes).where(s.votes.c.proposal_id == proposal_id)
                       .order_by(s.votes.c.block_number, s.votes.c.log_index)).mappings()
    return {
        **proposal_row(found, time.time()),
        "tally": {"yes": found["yes"], "no": found["no"], "abstain": found["abstain"], "electorate": electorate,
                  "threshold": -(-threshold_bps * electorate // 10_000), "quorum": -(-quorum_bps * electorate // 10_000),
                  "deadline": iso(found["expires_at"]), "passed": passed},
        "votes": [row(v, vote=enum_name(Vote, v["vote"])) for v in votes],
    }
