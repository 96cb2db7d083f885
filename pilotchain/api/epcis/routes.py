"""The binding's routes: capture, events, top-level resources, named queries, subscriptions and
discovery (OPTIONS and the GS1-* headers on every answer)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import re
import uuid
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Header, Request, WebSocket
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocketDisconnect

from pilotchain import provenance as prov
from pilotchain.api.epcis import EpcisServices
from pilotchain.api.epcis.capture import BEHAVIOURS, Captures, preview_document
from pilotchain.api.epcis.errors import EpcisException, forbidden, not_found
from pilotchain.api.epcis.projection import Projection, events, identifiers, metadata, to_ms
from pilotchain.api.epcis.query import (MAX_PER_PAGE, EventQuery, normal_value, normalise, parse_time,
                                        per_page, query_document, query_problem)
from pilotchain.api.epcis.schedule import FIELDS, Schedule, subscription_problem
from pilotchain.epcis import EPCIS_CONTEXT, EVENT_TYPES, EpcisError
from pilotchain.epcis.canonical import CanonicalJsonError, load_json
from pilotchain.problems import PROBLEM_JSON

EPCIS_VERSION = "2.0.0"
CBV_VERSION = "2.0.0"
GS1_HEADERS = {
    "GS1-EPCIS-Version": EPCIS_VERSION, "GS1-EPCIS-Min": EPCIS_VERSION, "GS1-EPCIS-Max": EPCIS_VERSION,
    "GS1-CBV-Version": CBV_VERSION, "GS1-CBV-Min": CBV_VERSION, "GS1-CBV-Max": CBV_VERSION,
    "GS1-EPC-Format": "Never_Translates",  # identifiers are returned as captured
    "GS1-Vendor-Version": "pilotchain",
}  # fmt: skip
TOP_LEVEL = ("events", "eventTypes", "epcs", "bizSteps", "bizLocations", "readPoints", "dispositions", "capture",
             "queries")
# top-level vocabulary resource -> (its query parameter, its column)
VOCABULARIES = {
    "bizSteps": ("EQ_bizStep", events.c.biz_step),
    "dispositions": ("EQ_disposition", events.c.disposition),
    "bizLocations": ("EQ_bizLocation", events.c.biz_location),
    "readPoints": ("EQ_readPoint", events.c.read_point),
}
_QUERY_NAME = re.compile(r"^[A-Za-z0-9._~-]{1,100}$")
_JSON_TYPES = ("application/json", "application/ld+json")

queries = sa.Table(
    "epcis_queries", metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("owner", sa.String(42), nullable=False),
    sa.Column("query", sa.JSON, nullable=False),  # normalised parameters (EventQuery.params)
    sa.Column("created_at", sa.BigInteger, nullable=False),
)


class _Gs1Route(APIRoute):
    """Every HTTP answer of the binding says which EPCIS and CBV versions it speaks."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def with_headers(request: Request) -> Response:
            response = await handler(request)
            for name, value in GS1_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return with_headers


def _version(text: str) -> tuple[int, ...]:
    if not re.fullmatch(r"\d+(\.\d+)*", text.strip()):
        raise EpcisException(400, "ValidationException", "Invalid version header", detail=f"{text!r} is not a version")
    return tuple(int(p) for p in text.strip().split("."))


def negotiate(connection: HTTPConnection) -> None:
    """GS1-EPCIS-Version / -Min / -Max and GS1-CBV-* sent by the client must admit 2.0.0."""
    for kind, ours in (("EPCIS", EPCIS_VERSION), ("CBV", CBV_VERSION)):
        have = _version(ours)
        asked = connection.headers.get(f"GS1-{kind}-Version")
        low = connection.headers.get(f"GS1-{kind}-Min")
        high = connection.headers.get(f"GS1-{kind}-Max")
        if (asked and _version(asked)[:1] != have[:1]) or (low and _version(low) > have) or (high and _version(high) < have):
            raise EpcisException(406, "NotAcceptableException", "Version not supported",
                                 detail=f"this repository speaks {kind} {ours} only")


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def _collection(members: list[str]) -> dict[str, Any]:
    return {"@context": EPCIS_CONTEXT, "type": "Collection", "member": members}


def _link_next(request: Request, token: str | None) -> dict[str, str]:
    if token is None:
        return {}
    return {"Link": f'<{request.url.include_query_params(nextPageToken=token)}>; rel="next"'}


def build_router(services: EpcisServices) -> APIRouter:
    projection = Projection(services.engine, services.eventstore)
    captures = Captures(services.engine, services.capture)
    metadata.create_all(services.engine)
    member = Depends(services.member)
    readers = [] if services.public_queries else [member]
    router = APIRouter(route_class=_Gs1Route, dependencies=[Depends(negotiate)], tags=["EPCIS 2.0"])
    router.projection, router.captures = projection, captures  # for the app's shutdown and for tests

    def answer(request: Request, query: EventQuery, params: dict[str, list[str]], **document: Any) -> JSONResponse:
        """A page of `query` as an EPCISQueryDocument, with the Link to the next page."""
        after, limit = query.after(_one(params.get("nextPageToken"))), per_page(params.get("perPage"))
        projection.refresh()
        with services.engine.connect() as conn:
            page = query.page(conn, after=after, limit=limit)
        next_token = query.token(page.last) if page.more else None
        return _json(query_document(page.events, **document), headers=_link_next(request, next_token))

    def request_params(request: Request, *, only_paging: bool = False) -> dict[str, list[str]]:
        params = normalise(request.query_params.multi_items())
        if only_paging:
            extra = sorted(set(params) - {"perPage", "nextPageToken"})
            if extra:
                raise query_problem(f"{', '.join(extra)}: this resource takes only perPage and nextPageToken")
        return params

    # ------------------------------------------------------------------ top level and discovery

    @router.get("/", summary="The top-level resources of this repository")
    def top_level():
        return _json(_collection(list(TOP_LEVEL)))

    # ------------------------------------------------------------------ capture

    async def capturable(request: Request, who) -> dict:
        """The request's EPCISDocument, checked as capture checks it before a job starts: a member
        sends it, as JSON within the size and event limits, valid by the library (GS1's schema,
        identifiers, what the chain can record)."""
        if not who.entity_id:
            raise forbidden(f"{who.account} is not an account of a member entity: only members capture")
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in _JSON_TYPES:
            raise EpcisException(415, "UnsupportedMediaTypeException", "Unsupported media type",
                                 detail=f"capture takes {' or '.join(_JSON_TYPES)}, not {media or 'no content type'}")
        document = _as_document(await _limited_body(request, services.capture_size_limit))
        count = len(document["epcisBody"]["eventList"])
        if count > services.capture_limit:
            raise EpcisException(413, "CaptureLimitExceededException", "Capture payload too large",
                                 detail=f"{count} events; this repository captures at most {services.capture_limit} per call",
                                 headers={"GS1-EPCIS-Capture-Limit": str(services.capture_limit)})
        try:  # the library's validation: GS1's schema, identifiers, and what the chain can record
            await run_in_threadpool(prov.import_epcis, None, document, None, dry_run=True)
        except EpcisError as exc:
            raise EpcisException(400, "ValidationException", "Invalid EPCIS document", detail=str(exc)) from None
        return document

    @router.post("/capture", status_code=202, summary="Capture an EPCISDocument (asynchronously)")
    async def capture(request: Request, who=member,
                      behaviour: str = Header("rollback", alias="GS1-Capture-Error-Behaviour")):
        if behaviour not in BEHAVIOURS:
            raise EpcisException(400, "ValidationException", "Invalid GS1-Capture-Error-Behaviour",
                                 detail=f"{behaviour!r} is not one of {', '.join(BEHAVIOURS)}")
        document = await capturable(request, who)
        capture_id = captures.submit(who, document, len(document["epcisBody"]["eventList"]), behaviour)
        location = str(request.url_for("epcis_capture_job", captureID=capture_id))
        return Response(status_code=202, headers={"Location": location})

    @router.post("/capture/preview", summary="Dry run of a capture (pilotchain's extension): what would be "
                 "recorded, refused or left waiting, with nothing stored or sent")
    async def capture_preview(request: Request, who=member):
        document = await capturable(request, who)
        return _json(preview_document(await run_in_threadpool(services.capture.preview, who, document)))

    @router.get("/capture/{captureID}", name="epcis_capture_job", summary="A capture job's state and errors")
    def capture_job(captureID: str, who=member):
        job = captures.job(captureID, who.account)
        if job is None:
            raise not_found(f"no capture job {captureID} of {who.account}")
        return _json(job)

    @router.get("/capture", summary="The signed-in member's capture jobs")
    def capture_jobs(request: Request, who=member):
        params = request_params(request, only_paging=True)
        token = _one(params.get("nextPageToken"))
        found, last = captures.list(who.account, after=_token_text(token), limit=per_page(params.get("perPage")))
        return _json(found, headers=_link_next(request, None if last is None else _text_token(last)))

    # ------------------------------------------------------------------ events

    @router.get("/events", dependencies=readers, summary="Events matching the query parameters")
    def all_events(request: Request):
        params = request_params(request)
        return answer(request, EventQuery.parse(params), params)

    @router.get("/events/{eventID:path}", dependencies=readers, summary="The event with this eventID")
    def one_event(request: Request, eventID: str):
        found = answer(request, EventQuery.parse({"EQ_eventID": [eventID]}), {})
        if not _events_of(found):
            raise not_found(f"no event with eventID {eventID}")
        return found

    @router.get("/eventTypes", dependencies=readers, summary="The event types")
    def event_types():
        return _json(_collection(list(EVENT_TYPES)))

    @router.get("/eventTypes/{eventType}", dependencies=readers, summary="The sub-resources of an event type")
    def event_type(eventType: str):
        if eventType not in EVENT_TYPES:
            raise not_found(f"{eventType} is not an event type of this repository")
        return _json(_collection(["events"]))

    @router.get("/eventTypes/{eventType}/events", dependencies=readers, summary="Events of one type")
    def events_of_type(request: Request, eventType: str):
        event_type(eventType)
        params = request_params(request)
        return answer(request, EventQuery.parse(params).within("eventType", eventType), params)

    @router.get("/epcs", dependencies=readers, summary="The EPCs and EPC classes events name")
    def epcs(request: Request):
        params = request_params(request, only_paging=True)
        after = _token_text(_one(params.get("nextPageToken")))
        limit = per_page(params.get("perPage"))
        projection.refresh()
        with services.engine.connect() as conn:
            query = sa.select(identifiers.c.uri).distinct().order_by(identifiers.c.uri).limit(limit + 1)
            found = conn.execute(query.where(identifiers.c.uri > after) if after else query).scalars().all()
        more = len(found) > limit
        return _json(_collection(found[:limit]), headers=_link_next(request, _text_token(found[limit - 1]) if more else None))

    @router.get("/epcs/{epc:path}/events", dependencies=readers, summary="Events naming an EPC in any role")
    def events_of_epc(request: Request, epc: str):
        params = request_params(request)
        return answer(request, EventQuery.parse(params).within("MATCH_anyEPC", epc), params)

    @router.get("/epcs/{epc:path}", dependencies=readers, summary="The sub-resources of an EPC")
    def epc_resource(epc: str):
        return _json(_collection(["events"]))

    for resource, (parameter, column) in VOCABULARIES.items():
        _vocabulary_routes(router, services, projection, readers, answer, request_params, resource, parameter, column)

    # ------------------------------------------------------------------ named queries

    def stored_query(name: str) -> tuple[str, EventQuery]:
        with services.engine.connect() as conn:
            row = conn.execute(sa.select(queries).where(queries.c.name == name)).first()
        if row is None:
            raise EpcisException(404, "NoSuchNameException", "No such query", detail=f"no query named {name!r}")
        return row.owner, EventQuery.parse(row.query)

    @router.post("/queries", status_code=201, summary="Create a named query")
    async def create_query(request: Request, who=member):
        try:
            body = load_json(await _limited_body(request, 64 * 1024))
        except CanonicalJsonError as exc:
            raise EpcisException(400, "QueryValidationException", "Invalid query", detail=str(exc)) from None
        if not isinstance(body, dict) or not isinstance(body.get("query"), dict) or not isinstance(body.get("name"), str):
            raise EpcisException(400, "QueryValidationException", "Invalid query",
                                 detail='the body is {"name": "…", "query": {parameter: value(s)}}')
        name = body["name"]
        if not _QUERY_NAME.match(name):
            raise EpcisException(400, "QueryValidationException", "Invalid query",
                                 detail=f"query name {name!r}: 1 to 100 of A-Z a-z 0-9 . _ ~ -")
        query = EventQuery.parse(normalise(body["query"].items()))
        try:
            with services.engine.begin() as conn:
                conn.execute(queries.insert().values(name=name, owner=who.account, query=query.params,
                                                     created_at=to_ms(datetime.now(timezone.utc))))
        except sa.exc.IntegrityError:
            raise EpcisException(409, "ResourceAlreadyExistsException", "Query exists",
                                 detail=f"a query named {name!r} exists") from None
        return Response(status_code=201, headers={"Location": str(request.url_for("epcis_query", name=name))})

    @router.get("/queries", dependencies=readers, summary="The named queries")
    def list_queries():
        with services.engine.connect() as conn:
            rows = conn.execute(sa.select(queries.c.name, queries.c.query).order_by(queries.c.name)).all()
        return _json([{"name": r.name, "query": r.query} for r in rows])

    @router.get("/queries/{name}", name="epcis_query", dependencies=readers, summary="A named query's definition")
    def get_query(name: str):
        _, query = stored_query(name)
        return _json({"name": name, "query": query.params})

    @router.delete("/queries/{name}", status_code=204, summary="Delete a named query (its creator only)")
    def delete_query(name: str, who=member):
        owner, _ = stored_query(name)
        if owner != who.account:
            raise forbidden(f"query {name!r} belongs to {owner}")
        with services.engine.begin() as conn:
            conn.execute(queries.delete().where(queries.c.name == name))
        return Response(status_code=204)

    @router.get("/queries/{name}/events", dependencies=readers, summary="The results of a named query")
    def query_events(request: Request, name: str):
        _, query = stored_query(name)
        return answer(request, query, request_params(request, only_paging=True), query_name=name)

    # ------------------------------------------------------------------ subscriptions (WebSocket)

    async def subscribe(websocket: WebSocket, name: str) -> None:
        try:
            _, query = await run_in_threadpool(stored_query, name)
            plan = Subscription.parse(websocket.query_params)
        except EpcisException as problem:
            await _deny(websocket, problem)
            return
        await websocket.accept()
        await plan.run(websocket, services, projection, query, name)

    for path, route_name in (("/queries/{name}/events", "epcis_query_stream"),
                             ("/queries/{name}/subscriptions", "epcis_query_subscription")):
        router.add_api_websocket_route(path, subscribe, name=route_name, dependencies=readers)

    _discovery(router, services)
    return router


# ---------------------------------------------------------------------- helpers


def _one(values: list[str] | None) -> str | None:
    if not values:
        return None
    if len(values) > 1:
        raise query_problem("nextPageToken takes one value")
    return values[0]


def _text_token(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def _token_text(token: str | None) -> str | None:
    if token is None:
        return None
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise query_problem(f"nextPageToken {token!r} is not a token this repository issued") from None


def _events_of(response: JSONResponse) -> list:
    return json.loads(response.body)["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


async def _limited_body(request: Request, limit: int) -> bytes:
    """The request body, refused past `limit` bytes before more is read."""
    too_large = EpcisException(413, "CaptureLimitExceededException", "Capture payload too large",
                               detail=f"this repository takes at most {limit} bytes per request",
                               headers={"GS1-EPCIS-Capture-File-Size-Limit": str(limit)})
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


def _as_document(body: bytes) -> dict[str, Any]:
    """The capture body as an EPCISDocument (an EPCISQueryDocument's events are captured as one)."""
    invalid = lambda detail: EpcisException(400, "ValidationException", "Invalid EPCIS document", detail=detail)  # noqa: E731
    try:
        document = load_json(body)
    except CanonicalJsonError as exc:
        raise invalid(str(exc)) from None
    if not isinstance(document, dict):
        raise invalid("the body must be a JSON object (an EPCISDocument)")
    if document.get("type") == "EPCISQueryDocument":
        results = document.get("epcisBody", {}).get("queryResults", {}).get("resultsBody", {})
        document = {k: v for k, v in document.items() if k != "epcisBody"}
        document.update(type="EPCISDocument", epcisBody={"eventList": results.get("eventList", [])})
    if not isinstance(document.get("epcisBody"), dict) or not isinstance(document["epcisBody"].get("eventList"), list):
        raise invalid("epcisBody.eventList: required (a list of events)")
    return document


def _vocabulary_routes(router, services, projection, readers, answer, request_params, resource, parameter, column):
    """GET /{resource}, /{resource}/{value} and /{resource}/{value}/events for one vocabulary."""

    def values():
        projection.refresh()
        with services.engine.connect() as conn:
            return conn.execute(sa.select(column).where(column.is_not(None)).distinct().order_by(column)).scalars().all()

    def listing():
        return _json(_collection(values()))

    def instance(value: str):
        if normal_value(parameter, value) not in values():
            raise not_found(f"no event has {parameter[3:]} {value}")
        return _json(_collection(["events"]))

    def of_value(request: Request, value: str):
        params = request_params(request)
        return answer(request, EventQuery.parse(params).within(parameter, value), params)

    router.add_api_route(f"/{resource}", listing, methods=["GET"], dependencies=readers, summary=f"The {resource} in use")
    router.add_api_route(f"/{resource}/{{value:path}}/events", of_value, methods=["GET"], dependencies=readers,
                         summary=f"Events of one of the {resource}")
    router.add_api_route(f"/{resource}/{{value:path}}", instance, methods=["GET"], dependencies=readers,
                         summary=f"The sub-resources of one of the {resource}")


def _discovery(router: APIRouter, services: EpcisServices) -> None:
    """OPTIONS on every path: the methods it allows and the GS1 headers (and on /capture its limits)."""
    allowed: dict[str, set[str]] = defaultdict(set)
    for route in router.routes:
        if isinstance(route, APIRoute):
            allowed[route.path] |= route.methods
    capture_headers = {
        "GS1-EPCIS-Capture-Limit": str(services.capture_limit),
        "GS1-EPCIS-Capture-File-Size-Limit": str(services.capture_size_limit),
        "GS1-Capture-Error-Behaviour": "all",  # rollback and proceed
    }
    for path, methods in allowed.items():
        headers = {"Allow": ", ".join(["OPTIONS", *sorted(methods - {"HEAD"})])}
        if path == "/capture":
            headers.update(capture_headers)

        def options(headers: dict[str, str] = headers) -> Response:
            return Response(status_code=204, headers=headers)

        router.add_api_route(path, options, methods=["OPTIONS"], include_in_schema=False)


async def _deny(websocket: WebSocket, problem: EpcisException) -> None:
    """Refuse a subscription handshake with the problem body (WebSocket denial response), or
    where the server cannot send one, close with a policy-violation code and the detail."""
    body = JSONResponse(problem.body(websocket.url.path), status_code=problem.status, media_type=PROBLEM_JSON)
    try:
        await websocket.send_denial_response(body)
    except RuntimeError:
        await websocket.close(code=1008, reason=(problem.detail or problem.title)[:120])


class Subscription:
    """How a WebSocket subscription reports: on every newly indexed matching event (`stream=true`)
    or at the times of a `schedule`, from `initialRecordTime` (default: from now)."""

    def __init__(self, schedule: Schedule | None, report_if_empty: bool, initial_record_time: int | None):
        self.schedule, self.report_if_empty, self.initial_record_time = schedule, report_if_empty, initial_record_time

    @classmethod
    def parse(cls, params) -> Subscription:
        given = {k: params[k] for k in FIELDS if k in params}
        stream = params.get("stream", "false").lower()
        if stream not in ("true", "false"):
            raise subscription_problem(f"stream={stream!r} is not true or false")
        if (stream == "true") == bool(given):
            raise subscription_problem("a subscription needs stream=true or a schedule (second, minute, hour, "
                                       "dayOfMonth, month, dayOfWeek), not both")
        initial = None
        if "initialRecordTime" in params:
            try:
                initial = parse_time("initialRecordTime", params["initialRecordTime"])
            except EpcisException as problem:
                raise subscription_problem(f"initialRecordTime: {problem.detail}") from None
        return cls(Schedule.parse(given) if given else None, params.get("reportIfEmpty", "false").lower() == "true",
                   initial)

    async def run(self, websocket: WebSocket, services: EpcisServices, projection: Projection, query: EventQuery,
                  name: str) -> None:
        subscription_id = str(uuid.uuid4())
        if self.initial_record_time is None:
            await run_in_threadpool(projection.refresh)
            last = await run_in_threadpool(projection.latest_seq)
        else:
            query = EventQuery(query.params, query.conditions + (events.c.record_time >= self.initial_record_time,))
            last = 0
        try:
            while True:
                if self.schedule is not None and not await _wait(websocket, self._delay()):
                    return
                found, last = await run_in_threadpool(_new_events, services, projection, query, last)
                if found or (self.schedule is not None and self.report_if_empty):
                    await websocket.send_json(query_document(found, query_name=name, subscription_id=subscription_id))
                if self.schedule is None and not await _wait(websocket, services.poll_interval):
                    return
        except WebSocketDisconnect:
            return

    def _delay(self) -> float:
        now = datetime.now(timezone.utc)
        return (self.schedule.next_after(now) - now).total_seconds()


def _new_events(services: EpcisServices, projection: Projection, query: EventQuery, last: int) -> tuple[list, int]:
    """Every event of `query` indexed after sequence `last`, and the new last sequence."""
    projection.refresh()
    found: list[dict] = []
    with services.engine.connect() as conn:
        while True:
            page = query.page(conn, after=last, limit=MAX_PER_PAGE)
            found, last = found + page.events, page.last
            if not page.more:
                return found, last


async def _wait(websocket: WebSocket, seconds: float) -> bool:
    """Wait `seconds` for the client; False once it has gone."""
    try:
        message = await asyncio.wait_for(websocket.receive(), timeout=seconds)
    except asyncio.TimeoutError:
        return True
    return message["type"] != "websocket.disconnect"
