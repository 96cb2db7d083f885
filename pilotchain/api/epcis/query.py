"""EPCIS query language (SimpleEventQuery) over the view of `projection`: parameters in, SQL
conditions and EPCISQueryDocument pages out.

Parameters arrive as the REST binding writes them (`EQ_bizStep=shipping|receiving`, or the
parameter repeated) or as the JSON of a named query (`{"EQ_bizStep": ["shipping"]}`); both
become one normalised form (`EventQuery.params`), which names the query for its page tokens
and is what a named query stores. A parameter this repository does not answer, or a value that
does not fit its parameter, raises `QueryParameterException` as the binding requires; nothing
is silently ignored.

Pages are ordered by the view's sequence (the order events were recorded), so a walk with
`nextPageToken` sees every event once even while new ones arrive. A token names the query it
belongs to and the last event it returned; it does not expire.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from pilotchain.api.epcis.errors import EpcisException
from pilotchain.api.epcis.projection import events, from_ms, identifiers, to_ms
from pilotchain.epcis import EPCIS_CONTEXT, EVENT_TYPES
from pilotchain.epcis.codes import VocabularyError, biz_step, disposition, is_uri
from pilotchain.epcis.identifiers import canonical

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 1000  # the repository's upper limit (the binding lets a server cap perPage)
PAGING = ("perPage", "nextPageToken")

# MATCH_* parameter -> (roles of `identifiers`, whether it names EPC classes)
_MATCH = {
    "MATCH_epc": (("epc", "child"), False),
    "MATCH_parentID": (("parent",), False),
    "MATCH_inputEPC": (("input",), False),
    "MATCH_outputEPC": (("output",), False),
    "MATCH_anyEPC": (("epc", "child", "input", "output", "parent"), False),
    "MATCH_epcClass": (("quantity", "child"), True),
    "MATCH_inputEPCClass": (("input",), True),
    "MATCH_outputEPCClass": (("output",), True),
    "MATCH_anyEPCClass": (("quantity", "child", "input", "output"), True),
}
_TIMES = {
    "GE_eventTime": (events.c.event_time, "ge"),
    "LT_eventTime": (events.c.event_time, "lt"),
    "GE_recordTime": (events.c.record_time, "ge"),
    "LT_recordTime": (events.c.record_time, "lt"),
}
_EQUALS = {
    "eventType": events.c.event_type,
    "EQ_action": events.c.action,
    "EQ_bizStep": events.c.biz_step,
    "EQ_disposition": events.c.disposition,
    "EQ_readPoint": events.c.read_point,
    "EQ_bizLocation": events.c.biz_location,
    "EQ_eventID": events.c.event_id,
}
SUPPORTED = (*_EQUALS, *_TIMES, *_MATCH)


def query_problem(detail: str) -> EpcisException:
    return EpcisException(400, "QueryParameterException", "Invalid query parameter", detail=detail)


def _one_value(name: str, values: list[str]) -> str:
    if len(values) != 1:
        raise query_problem(f"{name} takes one value, got {len(values)}")
    return values[0]


def parse_time(name: str, text: str) -> int:
    """An EPCIS date-time parameter as ms since the epoch (QueryParameterException if it is not one)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise query_problem(f"{name}={text!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise query_problem(f"{name}={text!r} has no time zone offset (EPCIS times need one, e.g. Z)")
    return to_ms(moment)


def normal_value(name: str, value: str) -> str:
    """One value of an equality parameter in the form the view stores (QueryParameterException
    for a value that does not fit the parameter)."""
    if name == "eventType" and value not in EVENT_TYPES and not is_uri(value):
        raise query_problem(f"eventType {value!r} is not an EPCIS event type ({', '.join(EVENT_TYPES)}) "
                            "or an extension event type URI")
    if name == "EQ_action" and value not in ("ADD", "OBSERVE", "DELETE"):
        raise query_problem(f"EQ_action {value!r} is not one of ADD, OBSERVE, DELETE")
    if name in ("EQ_bizStep", "EQ_disposition"):
        try:
            return (biz_step if name == "EQ_bizStep" else disposition)(value).name
        except VocabularyError as exc:
            raise query_problem(f"{name}: {exc}") from None
    if name in ("EQ_readPoint", "EQ_bizLocation") and not is_uri(value):
        raise query_problem(f"{name} {value!r} is not a URI")
    return value


def _identifier_match(name: str, value: str):
    """The condition on `identifiers` for one MATCH_* value: the identifier itself (any spelling
    of it: EPC URN or GS1 Digital Link), or an EPC pattern (`urn:epc:idpat:sgtin:0614141.107346.*`)."""
    if not is_uri(value):
        raise query_problem(f"{name} {value!r} is not a URI")
    if not value.startswith("urn:epc:idpat:"):
        return identifiers.c.canonical == canonical(value)
    scheme, _, body = value[len("urn:epc:idpat:"):].partition(":")
    parts = body.split(".")
    if not scheme or "*" not in parts or any(p != "*" for p in parts[parts.index("*"):]):
        raise query_problem(f"{name} {value!r} is not an EPC pattern (urn:epc:idpat:SCHEME:…, '*' in trailing fields)")
    fixed = parts[:parts.index("*")]
    if len(fixed) == len(parts) - 1:  # only the serial is open: every spelling of those objects
        sample = canonical(f"urn:epc:id:{scheme}:" + ".".join([*fixed, "X"]))
        if sample.endswith("X") and not sample.startswith("urn:"):
            return identifiers.c.canonical.startswith(sample[:-1], autoescape=True)
    return identifiers.c.uri.startswith(f"urn:epc:id:{scheme}:" + "".join(f"{p}." for p in fixed), autoescape=True)


def normalise(params: Iterable[tuple[str, Any]]) -> dict[str, list[str]]:
    """(name, value) pairs as the binding sends them → {name: [values]}: pipe-delimited lists are
    split, repeated names joined; JSON lists and scalars (a named query's body) are accepted."""
    found: dict[str, list[str]] = {}
    for name, value in params:
        values = value if isinstance(value, list) else [value]
        for v in values:
            if not isinstance(v, (str, int, float)) or isinstance(v, bool):
                raise query_problem(f"{name}: {json.dumps(v)} is not a parameter value")
            found.setdefault(name, []).extend(str(v).split("|") if isinstance(v, str) else [str(v)])
    return found


@dataclass(frozen=True)
class EventQuery:
    """A validated SimpleEventQuery: its parameters (normalised) and their SQL conditions."""

    params: dict[str, list[str]]
    conditions: tuple

    @classmethod
    def parse(cls, params: Mapping[str, list[str]]) -> EventQuery:
        conditions = []
        for name, values in sorted(params.items()):
            if name in PAGING:
                continue
            if not values or any(v == "" for v in values):
                raise query_problem(f"{name} has an empty value")
            if name in _EQUALS:
                conditions.append(_EQUALS[name].in_(sorted({normal_value(name, v) for v in values})))
            elif name in _TIMES:
                column, op = _TIMES[name]
                conditions.append(getattr(column, f"__{op}__")(parse_time(name, _one_value(name, values))))
            elif name in _MATCH:
                roles, is_class = _MATCH[name]
                matches = sa.select(identifiers.c.seq).where(
                    sa.or_(*(_identifier_match(name, v) for v in values)),
                    identifiers.c.role.in_(roles), identifiers.c.is_class == is_class)
                conditions.append(events.c.seq.in_(matches))
            else:
                raise query_problem(f"{name} is not a query parameter this repository answers "
                                    f"(it answers {', '.join(SUPPORTED)}, with perPage and nextPageToken)")
        return cls({k: list(v) for k, v in sorted(params.items()) if k not in PAGING}, tuple(conditions))

    def within(self, name: str, value: str) -> EventQuery:
        """This query restricted to the events of one resource (`/bizSteps/{x}/events` is
        `EQ_bizStep=x` and the request's own parameters)."""
        resource = EventQuery.parse({name: [value]})
        return EventQuery({**self.params, f"resource:{name}": [value]}, self.conditions + resource.conditions)

    @property
    def digest(self) -> str:
        text = json.dumps(self.params, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    # ------------------------------------------------------------------ pages

    def token(self, after: int) -> str:
        raw = json.dumps({"after": after, "query": self.digest}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def after(self, token: str | None) -> int:
        """The sequence a page token resumes after (0 without a token)."""
        if token is None:
            return 0
        try:
            decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            after, digest = int(decoded["after"]), decoded["query"]
        except (ValueError, KeyError, TypeError):
            raise query_problem(f"nextPageToken {token!r} is not a token this repository issued") from None
        if digest != self.digest:
            raise query_problem("nextPageToken belongs to another query: repeat the query's parameters with it")
        return after

    def page(self, conn: sa.Connection, *, after: int = 0, limit: int = DEFAULT_PER_PAGE) -> Page:
        """Up to `limit` events after sequence `after`."""
        rows = conn.execute(sa.select(events.c.seq, events.c.event, events.c.context, events.c.record_time)
                            .where(*self.conditions, events.c.seq > after)
                            .order_by(events.c.seq).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        return Page([result_event(r) for r in rows], rows[-1].seq if rows else after, more)


@dataclass(frozen=True)
class Page:
    events: list[dict[str, Any]]
    last: int  # the sequence of its last event (the one it started after when it is empty)
    more: bool  # whether events follow


def per_page(values: list[str] | None) -> int:
    if not values:
        return DEFAULT_PER_PAGE
    text = _one_value("perPage", values)
    if not text.isdigit() or int(text) < 1:
        raise query_problem(f"perPage={text!r} is not a positive integer")
    return min(int(text), MAX_PER_PAGE)


def result_event(row) -> dict[str, Any]:
    """An event of a query result: as captured, with the repository's recordTime, and its
    document's extension context when it had one."""
    event = {**row.event, "recordTime": from_ms(row.record_time)}
    return {"@context": row.context, **event} if row.context else event


def query_document(event_list: list[dict], *, query_name: str = "SimpleEventQuery",
                   subscription_id: str | None = None) -> dict[str, Any]:
    """An EPCISQueryDocument (JSON-LD) holding `event_list`."""
    results: dict[str, Any] = {"queryName": query_name}
    if subscription_id:
        results["subscriptionID"] = subscription_id
    results["resultsBody"] = {"eventList": event_list}
    created = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"@context": [EPCIS_CONTEXT], "type": "EPCISQueryDocument", "schemaVersion": "2.0",
            "creationDate": created, "epcisBody": {"queryResults": results}}
