"""Items (public): the list, one item, its history, its trace through packing and
transformations, and its verification against the chain."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from pilotchain import artifacts, provenance
from pilotchain.api.common import Db, Page, Paging, Row, State, dated, decode_cursor, encode_cursor, paginate, row
from pilotchain.epcis.codes import known_prefixes
from pilotchain.errors import PilotchainError
from pilotchain.indexer import schema as s
from pilotchain.problems import Problem

router = APIRouter(prefix="/items", tags=["items"])

ItemKey = Annotated[str, Path(description="EPC URN, GS1 Digital Link or 0x item id", examples=[
    "urn:epc:id:sgtin:6901234.055555.PACK-3"])]
MAX_DEPTH = 10


def _shared(alias: sa.Alias) -> sa.Alias:
    """`alias` with its column collection built before request threads share it: SQLAlchemy
    2.1.9 builds an alias's `.c` on first use, and threads building it at once can see it
    half-built ("Can't determine which FROM clause to join from"; the item page asks for both
    traces at once)."""
    alias.c.keys()
    return alias


INPUTS, OUTPUTS = _shared(s.lineage.alias("inputs")), _shared(s.lineage.alias("outputs"))  # a transformation's two sides


def transformation_edges(frontier: list[str], forward: bool) -> sa.Select:
    """(source, target, via_id) of the transformations out of (`forward`) or into the frontier."""
    inputs, outputs = INPUTS, OUTPUTS
    transformed = inputs.c.item_id if forward else outputs.c.item_id
    return (sa.select(inputs.c.item_id.label("source"), outputs.c.item_id.label("target"), inputs.c.via_id)
            .select_from(inputs).join(outputs, outputs.c.via_id == inputs.c.via_id)
            .where(inputs.c.kind == "input", outputs.c.kind == "output", transformed.in_(frontier)))


class Item(Row):
    item_id: str
    lot: bool
    amount: int
    unit: str
    commissioned_by: int
    owner: int
    custodian: int
    status: str
    parent_id: str | None


def resolve(db: sa.Connection, key: str) -> str:
    """The 0x item id for an EPC URN, a Digital Link (company prefixes as registered on chain,
    from the index) or a 0x id."""
    try:
        if key.startswith(("http://", "https://")):
            registered = db.execute(sa.select(s.prefixes.c.prefix).where(s.prefixes.c.active)).scalars().all()
            with known_prefixes(registered):
                return "0x" + provenance.as_item_id(key).hex()
        return "0x" + provenance.as_item_id(key.lower() if key.startswith("0x") else key).hex()
    except (PilotchainError, ValueError) as exc:
        raise Problem(400, "bad-item-id", "Not an item identifier", detail=str(exc)) from None


def _item(db: sa.Connection, key: str) -> dict:
    item_id = resolve(db, key)
    found = db.execute(dated(s.items).where(s.items.c.item_id == item_id)).mappings().first()
    if found is None:
        raise Problem(404, "unknown-item", "No such item", detail=f"the index has no item {key} ({item_id})",
                      item_id=item_id)
    return found


@router.get("", response_model=Page[Item], summary="Items, filtered by status, owner or custodian")
def list_items(db: Db, page: Paging,
               status: Annotated[Literal["active", "recalled", "decommissioned"] | None, Query()] = None,
               owner: Annotated[int | None, Query(description="entity id")] = None,
               custodian: Annotated[int | None, Query(description="entity id")] = None):
    query = dated(s.items)
    for column, value in (("status", status), ("owner", owner), ("custodian", custodian)):
        if value is not None:
            query = query.where(s.items.c[column] == value)
    return paginate(db, query, [s.items.c.item_id], page)


@router.get("/{epc:path}/history", response_model=Page[Row], summary="Everything recorded about an item, in order")
def item_history(epc: ItemKey, db: Db, page: Paging):
    """Provenance events (with their EPCIS documents), custody and ownership changes,
    certificates, recalls and acknowledgements, merged in chain order."""
    item_id = _item(db, epc)["item_id"]
    after = decode_cursor(page.cursor, 2) if page.cursor else None
    found: list[tuple[tuple[int, int], str, Any]] = []
    for kind, table in _HISTORY:
        query = dated(table).where(table.c.item_id == item_id)
        if after:
            query = query.where(sa.tuple_(table.c.block_number, table.c.log_index) > sa.tuple_(*after))
        query = query.order_by(table.c.block_number, table.c.log_index).limit(page.limit + 1)
        found += [((r["block_number"], r["log_index"]), kind, r) for r in db.execute(query).mappings()]
    found.sort(key=lambda f: f[0])
    more = len(found) > page.limit
    found = found[: page.limit]
    # rows of five shapes (`kind`), JSON-ready already: answered as they are rather than through
    # the response model, whose validation of up to 500 rows with their EPCIS documents would
    # cost more than the queries
    return JSONResponse({"items": [row(r, kind=kind, log_index=key[1]) for key, kind, r in found],
                         "next": encode_cursor(list(found[-1][0])) if more else None})


_HISTORY = (("event", s.provenance_events), ("custody", s.custody), ("certificate", s.certificates),
            ("recall", s.recalls), ("acknowledgement", s.acknowledgements))


class Edge(BaseModel):
    source: str
    target: str
    kind: Literal["pack", "transformation"]
    via: str
    depth: int


class Trace(BaseModel):
    root: str
    direction: Literal["backward", "forward"]
    depth: int
    edges: list[Edge]
    items: list[Item]


@router.get("/{epc:path}/trace", response_model=Trace, summary="What an item was made from, or what was made of it")
def item_trace(epc: ItemKey, db: Db,
               direction: Annotated[Literal["backward", "forward"], Query(
                   description="backward: contents and inputs; forward: packs and products (a recall's reach)")] = "backward",
               depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 3):
    """Breadth first through packing (child → parent) and transformations (input → output),
    each item once, up to `depth` steps."""
    root = _item(db, epc)["item_id"]
    seen, frontier, edges = {root}, [root], []
    lineage = s.lineage.c
    for level in range(1, depth + 1):
        if not frontier:
            break
        found: list[dict[str, Any]] = []
        forward = direction == "forward"
        # forward: what the frontier went into; backward: what it was made of
        packed = lineage.item_id if forward else lineage.via_id
        for r in db.execute(sa.select(lineage.item_id, lineage.via_id).where(
                lineage.kind == "pack", packed.in_(frontier))):
            found.append({"source": r.item_id, "target": r.via_id, "kind": "pack", "via": r.via_id})
        for r in db.execute(transformation_edges(frontier, forward)):
            found.append({"source": r.source, "target": r.target, "kind": "transformation", "via": r.via_id})
        following = []
        for edge in {(e["source"], e["target"], e["via"]): e for e in found}.values():
            edges.append({**edge, "depth": level})
            reached = edge["target"] if direction == "forward" else edge["source"]
            if reached not in seen:
                seen.add(reached)
                following.append(reached)
        frontier = following
    reached = [e["target"] if direction == "forward" else e["source"] for e in edges]
    rows = {r["item_id"]: row(r) for r in db.execute(dated(s.items).where(s.items.c.item_id.in_(reached))).mappings()}
    return {"root": root, "direction": direction, "depth": depth, "edges": edges,
            "items": [rows[i] for i in dict.fromkeys(reached) if i in rows]}


class Verification(BaseModel):
    known: bool
    status: str
    owner: int
    custodian: int
    event_count: int
    head: str


class VerifyResult(BaseModel):
    item_id: str
    chain: Verification
    index: Verification
    match: bool


def _abi_value(param: dict, value: Any) -> Any:
    """An indexed (JSON) argument back as the ABI value the hash chain encodes."""
    kind = param["type"]
    if kind == "tuple":
        return tuple(_abi_value(c, value[c["name"]]) for c in param["components"])
    if kind.startswith("bytes") and isinstance(value, str):
        return bytes.fromhex(value[2:])
    return value


def _index_head(db: sa.Connection, item_id: str) -> tuple[int, bytes]:
    """The item's chained events as the index holds them, folded like the contract folds them."""
    abis = {e["name"]: e for e in artifacts.load(provenance.CONTRACT).abi
            if e.get("type") == "event" and e["name"] in provenance.CHAINED_EVENTS}
    events = db.execute(sa.select(s.events.c.event, s.events.c.args).where(
        s.events.c.contract == provenance.CONTRACT, s.events.c.event.in_(list(abis)),
        s.events.c.args["itemId"].as_string() == item_id).order_by(s.events.c.block_number, s.events.c.log_index)).all()
    hashes = [provenance.event_hash(abis[e.event], {p["name"]: _abi_value(p, e.args[p["name"]])
                                                    for p in abis[e.event]["inputs"]}) for e in events]
    return len(hashes), provenance.chain_head(hashes)


@router.get("/{epc:path}/verify", response_model=VerifyResult, summary="An item as the chain holds it, beside the index")
def item_verify(epc: ItemKey, db: Db, api: State):
    """The contract's `verify(itemId)` read from the node now, and the same facts from the
    index, with the index's hash chain of the item's events folded again: `match` is true when
    the index holds exactly the events the chain's head commits to."""
    item_id = resolve(db, epc)
    on_chain = provenance.verify(api.chain, item_id)
    chain = {"known": on_chain.known, "status": on_chain.status.name.lower(), "owner": on_chain.owner,
             "custodian": on_chain.custodian, "event_count": on_chain.event_count, "head": "0x" + on_chain.head.hex()}
    found = db.execute(sa.select(s.items).where(s.items.c.item_id == item_id)).mappings().first()
    count, head = _index_head(db, item_id)
    index = {"known": found is not None, "status": found["status"] if found else "unknown",
             "owner": found["owner"] if found else 0, "custodian": found["custodian"] if found else 0,
             "event_count": count, "head": "0x" + head.hex()}
    if not chain["known"] and not index["known"]:
        raise Problem(404, "unknown-item", "No such item", detail=f"neither the chain nor the index knows {epc}",
                      item_id=item_id)
    match = all(chain[k] == index[k] for k in ("known", "owner", "custodian", "event_count", "head"))
    return {"item_id": item_id, "chain": chain, "index": index, "match": match}


@router.get("/{epc:path}", response_model=Item, summary="One item (EPC URN, GS1 Digital Link or 0x id)")
def get_item(epc: ItemKey, db: Db):
    return row(_item(db, epc))
