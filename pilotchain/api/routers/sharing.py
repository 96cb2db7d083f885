"""Data sharing (signed in): assets, access requests, grants and access receipts.

A row is visible to its parties — the asset's owner and, for requests, grants and receipts,
the requesting or receiving entity (for an asset, every entity holding a grant on it) — and
to regulator entities. Lists hold only the rows the member may see; asking for one row of
others gets 403.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query
from pydantic import Field

from pilotchain.api.auth import Member, SignedIn
from pilotchain.api.common import Db, Page, Paging, Row, dated, enum_value, paginate, row
from pilotchain.datasharing import Purpose
from pilotchain.indexer import schema as s
from pilotchain.problems import Problem

router = APIRouter(tags=["data sharing"])

MAX_PURPOSES = 64  # purpose codes are bits of a uint64 (the council adds codes past the built-in ones)


def _forbidden(what: str, member: Member) -> Problem:
    return Problem(403, "not-a-party", "Only the parties and regulators see this",
                   detail=f"entity {member.entity_id} is no party to {what}")


class Asset(Row):
    asset_id: int
    owner: int
    schema_: int = Field(alias="schema")  # "schema" would shadow a pydantic attribute
    content_hash: str
    sensitivity: int
    locator: str
    retired: bool


def _asset_parties(member: Member):
    """Assets the member owns or holds a grant on (no condition for a regulator)."""
    if member.regulator:
        return sa.true()
    granted = sa.select(s.grants.c.asset_id).where(s.grants.c.grantee == member.entity_id)
    return sa.or_(s.assets.c.owner == member.entity_id, s.assets.c.asset_id.in_(granted))


@router.get("/assets", response_model=Page[Asset], summary="Assets the member owns or was granted")
def list_assets(db: Db, page: Paging, member: SignedIn,
                owner: Annotated[int | None, Query(description="entity id")] = None):
    query = dated(s.assets).where(_asset_parties(member))
    if owner is not None:
        query = query.where(s.assets.c.owner == owner)
    return paginate(db, query, [s.assets.c.asset_id], page)


@router.get("/assets/{asset_id}", response_model=Asset, summary="One asset (parties and regulators)")
def get_asset(asset_id: int, db: Db, member: SignedIn):
    found = db.execute(dated(s.assets).where(s.assets.c.asset_id == asset_id)).mappings().first()
    if found is None:
        raise Problem(404, "unknown-asset", "No such asset", detail=f"the index has no asset {asset_id}")
    if db.execute(sa.select(s.assets.c.asset_id).where(s.assets.c.asset_id == asset_id, _asset_parties(member))).first() is None:
        raise _forbidden(f"asset {asset_id}", member)
    return row(found)


class Request(Row):
    request_id: int
    asset_id: int
    owner: int
    requester: int
    purpose: int
    duration: int
    justification_hash: str
    status: str
    term: int | None
    reason: int | None


def _parties(table: sa.Table, other: str, member: Member):
    if member.regulator:
        return sa.true()
    return sa.or_(table.c.owner == member.entity_id, table.c[other] == member.entity_id)


@router.get("/requests", response_model=Page[Request], summary="Access requests the member made or received")
def list_requests(db: Db, page: Paging, member: SignedIn, asset: Annotated[int | None, Query()] = None,
                  status: Annotated[str | None, Query(description="open, approved, rejected or withdrawn")] = None):
    query = dated(s.requests).where(_parties(s.requests, "requester", member))
    if asset is not None:
        query = query.where(s.requests.c.asset_id == asset)
    if status is not None:
        query = query.where(s.requests.c.status == status)
    return paginate(db, query, [s.requests.c.request_id], page)


@router.get("/requests/{request_id}", response_model=Request, summary="One access request (parties and regulators)")
def get_request(request_id: int, db: Db, member: SignedIn):
    found = db.execute(dated(s.requests).where(s.requests.c.request_id == request_id)).mappings().first()
    if found is None:
        raise Problem(404, "unknown-request", "No such request", detail=f"the index has no request {request_id}")
    if not member.regulator and member.entity_id not in (found["owner"], found["requester"]):
        raise _forbidden(f"request {request_id}", member)
    return row(found)


class Grant(Row):
    asset_id: int
    grantee: int
    owner: int
    purposes: int
    valid_from: int
    valid_until: int
    hold_until: int
    revoked: bool
    revoke_reason: int | None


@router.get("/grants", response_model=Page[Grant], summary="Grants the member gave or holds")
def list_grants(db: Db, page: Paging, member: SignedIn,
                asset: Annotated[int | None, Query(description="asset id")] = None,
                grantee: Annotated[int | None, Query(description="entity id")] = None,
                purpose: Annotated[str | None, Query(description="a purpose name or code the grant covers")] = None,
                valid_at: Annotated[int | None, Query(description="unix time the grant is valid at (not revoked)")] = None):
    g = s.grants.c
    query = dated(s.grants).where(_parties(s.grants, "grantee", member))
    if asset is not None:
        query = query.where(g.asset_id == asset)
    if grantee is not None:
        query = query.where(g.grantee == grantee)
    if purpose is not None:
        code = int(purpose) if purpose.isdigit() and int(purpose) < MAX_PURPOSES else enum_value(Purpose, purpose, "purpose")
        bit = 1 << code
        query = query.where(g.purposes.op("&")(bit) != 0)
    if valid_at is not None:
        query = query.where(g.valid_from <= valid_at, g.valid_until > valid_at, g.revoked.is_(False))
    return paginate(db, query, [g.asset_id, g.grantee], page)


class Receipt(Row):
    asset_id: int
    owner: int
    grantee: int
    purpose: int
    delivery_hash: str
    gateway_request_id: str


@router.get("/receipts", response_model=Page[Receipt], summary="Access receipts of deliveries to or from the member")
def list_receipts(db: Db, page: Paging, member: SignedIn, asset: Annotated[int | None, Query()] = None):
    query = dated(s.receipts).where(_parties(s.receipts, "grantee", member))
    if asset is not None:
        query = query.where(s.receipts.c.asset_id == asset)
    return paginate(db, query, [s.receipts.c.block_number, s.receipts.c.log_index], page)
