"""What the routers share: the server state, the index connection, cursor pagination, and the
conventions of the contract (rows with block, ISO 8601 UTC time and finality; snake_case)."""

from __future__ import annotations

import base64
import functools
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, Any, Generic, Iterator, TypeVar

import sqlalchemy as sa
from fastapi import Depends, Query, Request
from pydantic import BaseModel, ConfigDict
from web3 import Web3

from pilotchain.deployments import Deployment
from pilotchain.indexer import schema as s
from pilotchain.problems import Problem
from pilotchain.session import Session

MAX_LIMIT = 500
DEFAULT_LIMIT = 50


@dataclass
class ApiState:
    """Everything a request handler needs, built once by `create_app`."""

    settings: Any  # pilotchain.api.app.Settings
    engine: sa.Engine
    w3: Web3
    deployment: Deployment
    chain: Session  # read-only calls to the deployment (no transaction is ever sent)
    auth: Any  # pilotchain.api.auth.Authenticator


def state(request: Request) -> ApiState:
    return request.app.state.api


State = Annotated[ApiState, Depends(state)]


def _connection(request: Request) -> Iterator[sa.Connection]:
    with state(request).engine.connect() as conn:
        yield conn


Db = Annotated[sa.Connection, Depends(_connection)]


# ------------------------------------------------------------------ rows


class Row(BaseModel):
    """Where a row came from: the block of the event that created it, that block's time, and
    whether it is past the confirmation depth."""

    model_config = ConfigDict(extra="allow")
    block: int
    time: str | None
    final: bool


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: str | None


@functools.lru_cache(maxsize=4096)  # rows of one block share its time
def iso(timestamp: int | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def dated(table: sa.Table, *columns: Any) -> sa.Select:
    """SELECT the table's columns (or `columns`) with the timestamp of the row's block."""
    return (sa.select(*(columns or table.c), s.blocks.c.timestamp.label("block_time"))
            .outerjoin(s.blocks, s.blocks.c.number == table.c.block_number))


_ORIGIN = frozenset(("block_hash", "log_index", "last_block", "block_number", "block_time", "final"))


def row(mapping: Any, **extra: Any) -> dict[str, Any]:
    """A table row as the API shows it: its own columns, then block, time and final."""
    out = {k: v for k, v in mapping.items() if k not in _ORIGIN}
    out.update(extra)
    out.update(block=mapping["block_number"], time=iso(mapping.get("block_time")), final=bool(mapping["final"]))
    return out


# ------------------------------------------------------------------ pagination


@dataclass(frozen=True)
class PageRequest:
    limit: int
    cursor: str | None


def page_request(limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page")] = DEFAULT_LIMIT,
                 cursor: Annotated[str | None, Query(description="`next` of the previous page")] = None) -> PageRequest:
    return PageRequest(limit, cursor)


Paging = Annotated[PageRequest, Depends(page_request)]


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != width:
        raise Problem(400, "bad-cursor", "The cursor is not valid",
                      detail="pass the `next` value of a previous page unchanged")
    return values


def paginate(conn: sa.Connection, query: sa.Select, keys: list[sa.ColumnElement], page: PageRequest,
             shape=row) -> dict[str, Any]:
    """One page of `query` in the order of `keys` (unique together), resuming after the cursor;
    `next` is null on the last page. Rows inserted behind a cursor are not seen by that walk."""
    if page.cursor is not None:
        query = query.where(sa.tuple_(*keys) > sa.tuple_(*decode_cursor(page.cursor, len(keys))))
    rows = conn.execute(query.order_by(*keys).limit(page.limit + 1)).mappings().all()
    names = [k.key for k in keys]
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return {"items": [shape(r) for r in rows],
            "next": encode_cursor([rows[-1][n] for n in names]) if more else None}


# ------------------------------------------------------------------ enums


def enum_value(enum_type, value: str, parameter: str) -> int:
    """An enum query parameter by name (case and separators ignored) or number."""
    wanted = value.replace("-", "").replace("_", "").lower()
    for member in enum_type:
        if member.name.rstrip("_").lower() == wanted or str(member.value) == value:
            return member.value
    names = ", ".join(m.name.rstrip("_").lower() for m in enum_type if m.value)
    raise Problem(400, "bad-parameter", "A query parameter has a value the API does not know",
                  detail=f"{parameter}={value!r}: use one of {names}", parameter=parameter)


def enum_name(enum_type, value: int | None) -> str | None:
    if value is None:
        return None
    try:
        return enum_type(value).name.rstrip("_").lower()
    except ValueError:
        return str(value)
