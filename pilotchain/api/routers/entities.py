"""The entity directory (public): members with kind, city, status, accounts and council seat."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query
from pydantic import Field

from pilotchain.api.common import Db, Page, Paging, Row, dated, enum_name, enum_value, paginate, row
from pilotchain.indexer import schema as s
from pilotchain.problems import Problem
from pilotchain.registry import AccountRole, EntityKind, EntityStatus

router = APIRouter(prefix="/entities", tags=["entities"])


class Entity(Row):
    entity_id: int
    code: str
    name: str
    kind: str | None
    city: str | None
    region: int | None
    status: str
    council: bool
    capabilities: int | None
    admin: str
    dossier_hash: str
    dossier_uri: str


def entity_row(r) -> dict:
    return row(r, kind=enum_name(EntityKind, r["kind"]), status=enum_name(EntityStatus, r["status"]))


@router.get("", response_model=Page[Entity], summary="Members, filtered by kind, city, status or name")
def list_entities(db: Db, page: Paging,
                  kind: Annotated[str | None, Query(description="hospital, bank, regulator, … or its number")] = None,
                  city: Annotated[str | None, Query(description="city name, any case")] = None,
                  status: Annotated[str | None, Query(description="active, suspended or revoked")] = None,
                  name: Annotated[str | None, Query(description="part of the name, any case")] = None):
    query = dated(s.entities)
    if kind is not None:
        query = query.where(s.entities.c.kind == enum_value(EntityKind, kind, "kind"))
    if status is not None:
        query = query.where(s.entities.c.status == enum_value(EntityStatus, status, "status"))
    if city is not None:
        query = query.where(sa.func.lower(s.entities.c.city) == city.lower())
    if name is not None:
        query = query.where(s.entities.c.name.ilike(f"%{name}%"))
    return paginate(db, query, [s.entities.c.entity_id], page, entity_row)


class Account(Row):
    account: str
    role: str
    active: bool


class StatusChange(Row):
    status: str


class SharedAsset(Row):
    asset_id: int
    schema_: int = Field(alias="schema")  # "schema" would shadow a pydantic attribute
    sensitivity: int
    retired: bool


class EntityDetail(Entity):
    accounts: list[Account]
    status_history: list[StatusChange]
    assets: list[SharedAsset]


@router.get("/{entity_id}", response_model=EntityDetail, summary="A member with its accounts, status history "
            "and the assets it shares (metadata only)")
def get_entity(entity_id: int, db: Db):
    found = db.execute(dated(s.entities).where(s.entities.c.entity_id == entity_id)).mappings().first()
    if found is None:
        raise Problem(404, "unknown-entity", "No such entity", detail=f"the index has no entity {entity_id}")
    accounts = db.execute(dated(s.accounts).where(s.accounts.c.entity_id == entity_id)
                          .order_by(s.accounts.c.block_number, s.accounts.c.log_index)).mappings()
    history = db.execute(dated(s.events).where(s.events.c.contract == "EntityRegistry",
                                               s.events.c.event.in_(("EntityAdmitted", "EntityStatusChanged")))
                         .order_by(s.events.c.block_number, s.events.c.log_index)).mappings()
    assets = db.execute(dated(s.assets, *(s.assets.c[c] for c in ("asset_id", "schema", "sensitivity", "retired",
                                                                  "block_number", "final")))
                        .where(s.assets.c.owner == entity_id).order_by(s.assets.c.asset_id)).mappings()
    return {
        **entity_row(found),
        "accounts": [row(a, role=enum_name(AccountRole, a["role"])) for a in accounts],
        "status_history": [
            {"status": "active" if h["event"] == "EntityAdmitted" else enum_name(EntityStatus, h["args"]["status"]),
             "block": h["block_number"], "time": row(h)["time"], "final": h["final"]}
            for h in history if h["args"]["entityId"] == entity_id],
        "assets": [row(a) for a in assets],
    }
