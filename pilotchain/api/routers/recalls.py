"""Recalls (public) with their acknowledgement progress: how many items the recall reaches
(forward through packing and transformations) and how many of those acknowledged it."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query

from pilotchain.api.common import Db, Page, Paging, Row, dated, paginate, row
from pilotchain.api.routers.items import INPUTS, OUTPUTS
from pilotchain.indexer import schema as s

router = APIRouter(prefix="/recalls", tags=["recalls"])


class Recall(Row):
    item_id: str
    entity_id: int
    reason: str
    withdrawn: bool
    withdrawn_by: int | None
    withdraw_reason: str | None
    affected: int
    acknowledged: int


def _reach(db: sa.Connection, item_id: str) -> set[str]:
    """Every item derived from `item_id`: packs it went into and products made of it."""
    seen, frontier = set(), [item_id]
    inputs, outputs = INPUTS, OUTPUTS
    while frontier:
        packs = db.execute(sa.select(s.lineage.c.via_id).where(
            s.lineage.c.kind == "pack", s.lineage.c.item_id.in_(frontier))).scalars()
        products = db.execute(sa.select(outputs.c.item_id).join(inputs, inputs.c.via_id == outputs.c.via_id).where(
            inputs.c.kind == "input", outputs.c.kind == "output", inputs.c.item_id.in_(frontier))).scalars()
        frontier = [i for i in {*packs, *products} if i not in seen and i != item_id]
        seen.update(frontier)
    return seen


def recall_row(db: sa.Connection, r) -> dict:
    affected = _reach(db, r["item_id"])
    acknowledged = set(db.execute(sa.select(s.acknowledgements.c.item_id).where(
        s.acknowledgements.c.recalled_id == r["item_id"], s.acknowledgements.c.item_id.in_(affected))).scalars())
    return row(r, affected=len(affected), acknowledged=len(acknowledged))


@router.get("", response_model=Page[Recall], summary="Recalls with acknowledgement progress")
def list_recalls(db: Db, page: Paging,
                 withdrawn: Annotated[bool | None, Query(description="only withdrawn (true) or standing (false)")] = None):
    query = dated(s.recalls)
    if withdrawn is not None:
        query = query.where(s.recalls.c.withdrawn == withdrawn)
    return paginate(db, query, [s.recalls.c.block_number, s.recalls.c.log_index], page, lambda r: recall_row(db, r))
