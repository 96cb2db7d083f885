"""EPCIS 2.0 JSON documents: parse and validate, identify, export and compare.

A document is checked as GS1 defines it (`validation`: GS1's JSON Schema in `standard/`, the
standard and the simple JSON-LD context, identifier grammar); malformed input raises
`EpcisError`, whose message names the event (index, type, eventID) and the field. Every event is
identified by its GS1 Event Hash ID (`hashid`, CBV 2.0): the Provenance contract and the event
store (`pilotchain.epcis.store`) know it by the SHA-256 digest that ID carries (`event.hash`), so
events equal in meaning are one event whatever their surface form. Identifiers have one
canonical form (`identifiers`), so an EPC URN and a GS1 Digital Link of one object are one item.

    doc = parse_document(Path("shipment.jsonld"))
    for event in doc.events:
        event.hash_id, event.hash, [i.item_id for i in event.identifiers()]
    export_document(doc.events, header=doc.header, context=doc.context)
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


from pilotchain.epcis.hashid import event_digest, event_hash_id
from pilotchain.epcis.identifiers import canonical as canonical_identifier
from pilotchain.epcis.validation import SIMPLE_CONTEXT, document_problems, validate_document
from pilotchain.epcis.canonical import CanonicalJsonError, canonical_json, load_json
from pilotchain.epcis.codes import CbvCode, item_id, location_id
from pilotchain.epcis.fields import (
    BizTransaction,
    EpcisError,
    ErrorDeclaration,
    FieldReader,
    PartyOrPlace,
    Quantity,
)

__all__ = [
    "EPCIS_CONTEXT", "EVENT_TYPES", "BizTransaction", "CbvCode", "EpcisDocument", "EpcisError",
    "EpcisEvent", "ErrorDeclaration", "Identifier", "PartyOrPlace", "Quantity", "canonical_identifier",
    "canonical_json", "diff_documents", "document_problems", "equivalent", "event_digest",
    "event_hash", "event_hash_id", "is_standard_context", "export_document", "item_id", "location_id", "parse_document", "parse_event",
    "validate_document",
]  # fmt: skip

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
_EPCIS_CONTEXTS = {
    EPCIS_CONTEXT,
    SIMPLE_CONTEXT,
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
    "https://ref.gs1.org/standards/epcis/2.0.1/epcis-context.jsonld",
    "https://gs1.github.io/EPCIS/epcis-context.jsonld",
}
_ACTIONS = ("ADD", "OBSERVE", "DELETE")


def is_standard_context(entry: Any) -> bool:
    """True for the URL of GS1's standard EPCIS 2.0 JSON-LD context (any published version)."""
    return isinstance(entry, str) and entry in _EPCIS_CONTEXTS and entry != SIMPLE_CONTEXT
_COMMON_FIELDS = {
    "type", "eventID", "eventTime", "eventTimeZoneOffset", "recordTime", "certificationInfo",
    "errorDeclaration", "readPoint", "bizLocation", "bizStep", "disposition",
    "persistentDisposition", "bizTransactionList", "sourceList", "destinationList",
    "sensorElementList", "@context",
}  # fmt: skip
_TYPE_FIELDS = {
    "ObjectEvent": {"action", "epcList", "quantityList", "ilmd"},
    "AggregationEvent": {"action", "parentID", "childEPCs", "childQuantityList"},
    "TransactionEvent": {"action", "parentID", "epcList", "quantityList"},
    "TransformationEvent": {"inputEPCList", "inputQuantityList", "outputEPCList",
                            "outputQuantityList", "transformationID", "ilmd"},
    "AssociationEvent": {"action", "parentID", "childEPCs", "childQuantityList"},
}  # fmt: skip
EVENT_TYPES = tuple(_TYPE_FIELDS)
_DOCUMENT_FIELDS = {"@context", "type", "schemaVersion", "creationDate", "epcisBody"}
# Document metadata an export gives back as captured.
METADATA_FIELDS = ("id", "sender", "receiver", "instanceIdentifier", "epcisHeader")


@dataclass(frozen=True)
class Identifier:
    """An EPC or EPC class an event touches, with its role in the event.

    Roles: epc, parent, child, input, output, quantity (a quantityList class) and sensor
    (a sensor device). `is_class` is true for quantity elements (a class or pattern, not one item).
    """

    uri: str
    role: str
    is_class: bool = False

    @property
    def item_id(self) -> bytes:
        return item_id(self.uri)


@dataclass(frozen=True)
class EpcisEvent:
    """One validated EPCIS event, normalized. `raw` is the JSON as given, `context` the
    `@context` of its document, `hash_id` its GS1 Event Hash ID and `hash` the bytes32 it is known
    by (`hashid.event_digest`: the digest of the Event Hash ID; for an error declaration the
    digest of that ID and the declaration)."""

    index: int
    type: str
    action: str | None
    event_id: str | None
    event_time: datetime
    event_time_zone_offset: str
    biz_step: CbvCode | None
    disposition: CbvCode | None
    read_point: str | None
    biz_location: str | None
    epcs: tuple[str, ...]
    parent_id: str | None
    child_epcs: tuple[str, ...]
    input_epcs: tuple[str, ...]
    output_epcs: tuple[str, ...]
    quantities: tuple[Quantity, ...]
    child_quantities: tuple[Quantity, ...]
    input_quantities: tuple[Quantity, ...]
    output_quantities: tuple[Quantity, ...]
    transformation_id: str | None
    biz_transactions: tuple[BizTransaction, ...]
    sources: tuple[PartyOrPlace, ...]
    destinations: tuple[PartyOrPlace, ...]
    sensor_devices: tuple[str, ...]
    error_declaration: ErrorDeclaration | None
    certifications: tuple[str, ...]
    raw: dict[str, Any] = field(compare=False, repr=False)
    canonical: bytes = field(repr=False)
    hash: bytes = field(repr=False)
    hash_id: str = field(repr=False)
    context: tuple[Any, ...] = field(default=(), compare=False, repr=False)

    @property
    def label(self) -> str:
        """How messages name this event: `eventList[3] (ObjectEvent, eventID urn:uuid:…)`."""
        return _label(self.index, self.type, self.event_id)

    @property
    def read_point_id(self) -> bytes | None:
        return location_id(self.read_point) if self.read_point else None

    @property
    def biz_location_id(self) -> bytes | None:
        return location_id(self.biz_location) if self.biz_location else None

    def identifiers(self) -> tuple[Identifier, ...]:
        """Every EPC and EPC class the event touches, once per role, in a stable order."""
        found = [Identifier(self.parent_id, "parent")] if self.parent_id else []
        for role, epcs, quantities in (
            ("epc", self.epcs, ()),
            ("child", self.child_epcs, self.child_quantities),
            ("input", self.input_epcs, self.input_quantities),
            ("output", self.output_epcs, self.output_quantities),
            ("quantity", (), self.quantities),
        ):
            found += [Identifier(epc, role) for epc in epcs]
            found += [Identifier(q.epc_class, role, is_class=True) for q in quantities]
        found += [Identifier(device, "sensor") for device in self.sensor_devices]
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class EpcisDocument:
    """A parsed `EPCISDocument`. `header` holds its other top-level fields (id, sender,
    epcisHeader…); `context` the `@context` entries as given."""

    context: tuple[Any, ...]
    schema_version: str
    creation_date: datetime
    header: dict[str, Any] = field(compare=False)
    events: tuple[EpcisEvent, ...]
    raw: dict[str, Any] = field(compare=False, repr=False)

    def export(self) -> dict[str, Any]:
        """This document back as EPCIS 2.0 JSON (same context, header, creationDate, events)."""
        return export_document(self.events, header=self.header, context=self.context,
                               creation_date=self.raw["creationDate"])


def parse_document(source: dict[str, Any] | str | Path) -> EpcisDocument:
    """Parse and validate an EPCIS 2.0 `EPCISDocument` from a dict, JSON text or a file path:
    first against GS1's JSON Schema and identifier grammar (`validate_document`; the standard or
    the simple context), then the project's own reading of each field."""
    doc = _load(source)
    reader = FieldReader(doc, "document")
    context = doc.get("@context")
    entries = context if isinstance(context, list) else [context]
    if not any(isinstance(entry, str) and entry in _EPCIS_CONTEXTS for entry in entries):
        reader.fail("@context", f"must include the EPCIS 2.0 context {EPCIS_CONTEXT} (or GS1's simple context)")
    kind = reader.string("type", required=True)
    if kind != "EPCISDocument":
        reader.fail("type", f"{kind!r} is not supported (only EPCISDocument)")
    validate_document(doc)
    version = reader.string("schemaVersion", required=True)
    if version.split(".")[0] != "2":
        reader.fail("schemaVersion", f"{version!r} is not supported (only EPCIS 2.x)")
    created = reader.date_time("creationDate", required=True)
    body = reader.nested("epcisBody", reader.value("epcisBody", required=True))
    body.value("eventList", required=True)
    events = tuple(parse_event(raw, index, tuple(entries)) for index, raw in enumerate(body.items("eventList")))
    seen: dict[str, EpcisEvent] = {}
    for event in events:
        first = seen.setdefault(event.event_id, event) if event.event_id is not None else event
        if first.hash_id != event.hash_id:
            raise EpcisError(event.label, "eventID",
                             f"eventList[{first.index}] has the same eventID but is a different event")
    header = {k: v for k, v in doc.items() if k not in _DOCUMENT_FIELDS}
    return EpcisDocument(tuple(entries), version, created, header, events, doc)


def parse_event(raw: Any, index: int = 0, context: tuple[Any, ...] = ()) -> EpcisEvent:
    """Read and normalize one event object of a document validated by `validate_document`
    (`index` is its position, for messages; `context` the document's `@context`)."""
    if not isinstance(raw, dict):
        raise EpcisError(f"eventList[{index}]", "", "an event must be a JSON object")
    event_id = raw.get("eventID") if isinstance(raw.get("eventID"), str) else None
    kind = raw.get("type")
    where = _label(index, kind if isinstance(kind, str) else None, event_id)
    r = FieldReader(raw, where)
    if kind not in _TYPE_FIELDS:
        r.fail("type", f"{kind!r} is not an EPCIS event type ({', '.join(EVENT_TYPES)})")
    allowed = _COMMON_FIELDS | _TYPE_FIELDS[kind]
    for key in raw:
        if key not in allowed and ":" not in key:
            r.fail(key, f"not a field of {kind} (extension fields need a prefix, e.g. ex:{key})")
    action = None
    if "action" in _TYPE_FIELDS[kind]:
        action = r.string("action", required=True)
        if action not in _ACTIONS:
            r.fail("action", f"{action!r} is not one of {', '.join(_ACTIONS)}")
    if r.value("ilmd") is not None:
        r.nested("ilmd", raw["ilmd"])
    r.persistent_disposition("persistentDisposition")
    try:
        canonical = canonical_json(raw)
    except CanonicalJsonError as exc:
        raise EpcisError(where, "", str(exc)) from exc
    event = EpcisEvent(
        index=index, type=kind, action=action,
        event_id=r.string("eventID", uri=True),
        event_time=r.date_time("eventTime", required=True),
        event_time_zone_offset=r.time_zone_offset("eventTimeZoneOffset"),
        biz_step=r.cbv("bizStep"), disposition=r.cbv("disposition"),
        read_point=r.location("readPoint"), biz_location=r.location("bizLocation"),
        epcs=r.uris("epcList"), parent_id=r.string("parentID", uri=True),
        child_epcs=r.uris("childEPCs"), input_epcs=r.uris("inputEPCList"),
        output_epcs=r.uris("outputEPCList"),
        quantities=r.quantities("quantityList"),
        child_quantities=r.quantities("childQuantityList"),
        input_quantities=r.quantities("inputQuantityList"),
        output_quantities=r.quantities("outputQuantityList"),
        transformation_id=r.string("transformationID", uri=True),
        biz_transactions=r.biz_transactions("bizTransactionList"),
        sources=r.parties("sourceList", "source"),
        destinations=r.parties("destinationList", "destination"),
        sensor_devices=r.sensor_devices("sensorElementList"),
        error_declaration=r.error_declaration("errorDeclaration"),
        certifications=r.strings_or_string("certificationInfo"),
        raw=raw, canonical=canonical, hash=event_digest(raw, list(context)),
        hash_id=event_hash_id(raw, list(context)), context=tuple(context),
    )  # fmt: skip
    _check_type_rules(event, r)
    return event


def event_hash(event: EpcisEvent | Mapping[str, Any], context: Any = None) -> bytes:
    """The bytes32 the chain records for an event (`hashid.event_digest`) of a document with
    `context`."""
    if isinstance(event, EpcisEvent):
        return event.hash
    return event_digest(dict(event), context)


def export_document(
    events: Iterable[EpcisEvent | Mapping[str, Any]],
    header: Mapping[str, Any] | None = None,
    *,
    context: Iterable[Any] = (),
    creation_date: datetime | str | None = None,
) -> dict[str, Any]:
    """An EPCIS 2.0 `EPCISDocument` holding `events` (parsed events or their JSON).

    `header` adds top-level fields (id, sender, epcisHeader…). `context` gives the `@context`:
    kept as given when it names an EPCIS context (standard or simple); extension entries alone go
    after the context parsed events share (their document's), or the standard EPCIS context.
    A parsed event whose document context the result's does not carry unchanged keeps it as its
    own (an event-level `@context`), so its prefixes mean what they meant when it was captured.
    `creation_date` defaults to now. The result is validated: an invalid event raises `EpcisError`.
    """
    header = dict(header or {})
    reserved = sorted(set(header) & (_DOCUMENT_FIELDS - {"@context"}))
    if reserved:
        raise EpcisError("export", f"header.{reserved[0]}", "is set by export_document")
    extra = header.pop("@context", [])
    given = [*context, *(extra if isinstance(extra, list) else [extra])]
    events = list(events)
    own = {canonical_json(list(e.context)): list(e.context) for e in events if isinstance(e, EpcisEvent)}
    shared = next(iter(own.values())) if len(own) == 1 and all(isinstance(e, EpcisEvent) for e in events) else []
    if any(isinstance(entry, str) and entry in _EPCIS_CONTEXTS for entry in given):
        contexts: list[Any] = []
    elif any(isinstance(entry, str) and entry in _EPCIS_CONTEXTS for entry in shared):
        contexts = list(shared)
    else:
        contexts = [EPCIS_CONTEXT]
    for entry in given:
        if entry not in contexts:
            contexts.append(entry)
    if creation_date is None:
        creation_date = datetime.now(timezone.utc)
    if isinstance(creation_date, datetime):
        creation_date = creation_date.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    event_list = [_scoped(e, contexts) if isinstance(e, EpcisEvent) else copy.deepcopy(dict(e)) for e in events]
    doc = {"@context": contexts, "type": "EPCISDocument", "schemaVersion": "2.0",
           "creationDate": creation_date, **copy.deepcopy(header),
           "epcisBody": {"eventList": event_list}}
    parse_document(doc)
    return doc


def equivalent(doc_a: Any, doc_b: Any, *, ordered: bool = False) -> bool:
    """True if two documents hold the same events (compared by meaning, the GS1 Event Hash ID
    digest `event.hash`; in order if asked)."""
    return not diff_documents(doc_a, doc_b, ordered=ordered)


def diff_documents(doc_a: Any, doc_b: Any, *, ordered: bool = False) -> str:
    """A readable account of how two documents' events differ; "" when they are equivalent.

    Each argument is an `EpcisDocument` or anything `parse_document` takes. Events are
    matched by meaning (`event.hash`); unmatched events with the same eventID are diffed field
    by field.
    """
    a, b = _as_document(doc_a), _as_document(doc_b)
    canon_a = [e.hash for e in a.events]
    canon_b = [e.hash for e in b.events]
    if Counter(canon_a) == Counter(canon_b):
        if not ordered or canon_a == canon_b:
            return ""
        return "same events in a different order"
    left = _unmatched(a.events, Counter(canon_b))
    right = _unmatched(b.events, Counter(canon_a))
    by_id = {e.event_id: e for e in right if e.event_id}
    paired: set[int] = set()
    lines = []
    for event in left:
        other = by_id.get(event.event_id) if event.event_id else None
        if other is None or id(other) in paired:
            lines.append(f"only in a: {event.label}")
            continue
        paired.add(id(other))
        lines.append(f"changed: {event.label} vs {other.label}")
        for key in sorted(set(event.raw) | set(other.raw)):
            va, vb = event.raw.get(key), other.raw.get(key)
            if canonical_json(va) != canonical_json(vb):
                lines.append(f"  {key}: a={_short(va)} b={_short(vb)}")
    lines += [f"only in b: {e.label}" for e in right if id(e) not in paired]
    return "\n".join(lines)


def _check_type_rules(e: EpcisEvent, r: FieldReader) -> None:
    """The per-type presence rules of EPCIS 2.0 (which identifiers an event must carry). An
    ObjectEvent may name no object (sensor data at a read point), a DELETE no children."""
    needs_children = e.action in ("ADD", "OBSERVE")
    if e.type == "TransactionEvent" and needs_children:
        if not e.epcs and not e.quantities:
            r.fail("epcList", f"an {e.action} {e.type} needs an epcList or a quantityList")
    if e.type == "TransactionEvent" and not e.biz_transactions:
        r.fail("bizTransactionList", "required (at least one business transaction)")
    if e.type in ("AggregationEvent", "AssociationEvent"):
        if e.parent_id is None and (e.type == "AssociationEvent" or e.action != "OBSERVE"):
            r.fail("parentID", f"required for {e.type} {e.action}")
        if needs_children and not e.child_epcs and not e.child_quantities:
            r.fail("childEPCs", f"an {e.action} {e.type} needs childEPCs or a childQuantityList")
    if e.type == "TransformationEvent" and e.transformation_id is None:
        if not e.input_epcs and not e.input_quantities:
            r.fail("inputEPCList", "inputs are required unless a transformationID is given")
        if not e.output_epcs and not e.output_quantities:
            r.fail("outputEPCList", "outputs are required unless a transformationID is given")


def _scoped(event: EpcisEvent, contexts: list[Any]) -> dict[str, Any]:
    """The event's JSON for a document with `contexts`: as captured when that context carries the
    event's own unchanged (it starts with it, and later entries rebind none of its terms), else
    with its own context's entries (all but the standard context) as an event-level `@context`."""
    raw = copy.deepcopy(event.raw)
    own = list(event.context)
    bound = {k for entry in own if isinstance(entry, dict) for k in entry}
    later = contexts[len(own):]
    if contexts[: len(own)] == own and all(isinstance(c, dict) and not set(c) & bound for c in later):
        return raw
    scope = [c for c in own if not is_standard_context(c)]
    if scope and "@context" not in raw:
        raw = {"@context": scope, **raw}
    return raw


def _load(source: dict[str, Any] | str | Path) -> dict[str, Any]:
    if isinstance(source, dict):
        return copy.deepcopy(source)  # the events' raw JSON must not change under their hash
    where = "document"
    try:
        if isinstance(source, str) and source.lstrip().startswith("{"):
            text: str | bytes = source
        else:
            where = str(source)
            text = Path(source).read_bytes()
        doc = load_json(text)
    except (OSError, CanonicalJsonError) as exc:
        raise EpcisError(where, "", str(exc)) from exc
    if not isinstance(doc, dict):
        raise EpcisError(where, "", "an EPCIS document must be a JSON object")
    return doc


def _as_document(source: Any) -> EpcisDocument:
    return source if isinstance(source, EpcisDocument) else parse_document(source)


def _unmatched(events: Iterable[EpcisEvent], available: Counter[bytes]) -> list[EpcisEvent]:
    left = []
    for event in events:
        if available[event.hash]:
            available[event.hash] -= 1
        else:
            left.append(event)
    return left


def _label(index: int, kind: str | None, event_id: str | None) -> str:
    details = ", ".join(x for x in (kind, f"eventID {event_id}" if event_id else None) if x)
    return f"eventList[{index}] ({details})" if details else f"eventList[{index}]"


def _short(value: Any, limit: int = 100) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"

