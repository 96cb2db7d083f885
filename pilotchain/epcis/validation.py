"""EPCIS 2.0 documents checked as GS1 defines them: the JSON Schema, then the project's own rules.

    validate_document(doc)         # raises EpcisError naming the event and the field
    problems = document_problems(doc)   # every problem, [(where, field, reason), …]

A document in GS1's simple JSON-LD context is checked after its simple-context terms (full
vocabulary IRIs where the standard context writes bare words) are mapped to standard form
(`to_standard_form`; so is an event whose own `@context` is the simple one); a JSON-LD
blank-node document id or eventID (`_:document1`) is accepted.
On top of the schema, EPC, class and location identifiers must follow their EPC URN grammar
or GS1 Digital Link syntax (with check digits).
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from pilotchain.epcis.identifiers import identifier_problem
from pilotchain.epcis.schema import SchemaValidator
from pilotchain.epcis.fields import EpcisError

__all__ = [
    "SIMPLE_CONTEXT", "STANDARD_CONTEXTS", "document_problems", "is_simple_context",
    "to_standard_form", "validate_document",
]  # fmt: skip

SIMPLE_CONTEXT = "https://gs1.github.io/EPCIS/epcis-context-simple.jsonld"
STANDARD_CONTEXTS = (
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
    "https://ref.gs1.org/standards/epcis/2.0.1/epcis-context.jsonld",
    "https://gs1.github.io/EPCIS/epcis-context.jsonld",
)

# Vocabulary-typed values: the IRI prefix under which each bare standard word lives (both
# contexts bind the bare words to these IRIs, so the full IRI and the bare word mean the same).
# Kind of value -> (its definition in GS1's schema, the IRI prefixes of its standard words).
_CBV = "https://ref.gs1.org/cbv/"
VOCABULARIES = {
    "bizStep": ("bizStep", (_CBV + "BizStep-",)),
    "disposition": ("disposition", (_CBV + "Disp-",)),
    "bizTransactionType": ("bizTransaction-type", (_CBV + "BTT-",)),
    "sourceOrDestinationType": ("source-dest-type", (_CBV + "SDT-",)),
    "errorReason": ("error-reason", (_CBV + "ER-",)),
    "component": ("component", (_CBV + "Comp-",)),
    "measurementType": ("measurementType", ("https://gs1.org/voc/",)),
    "sensorAlertType": ("sensorAlertType", ("https://ref.gs1.org/voc/",)),
}

_EVENT_PATH = re.compile(r"^epcisBody\.eventList\[(\d+)\]\.?(.*)$")
_BLANK_NODE = re.compile(r"^_:[A-Za-z0-9_\-.]+$")


def is_simple_context(doc: dict[str, Any]) -> bool:
    context = doc.get("@context")
    entries = context if isinstance(context, list) else [context]
    return SIMPLE_CONTEXT in entries


def to_standard_form(doc: dict[str, Any]) -> dict[str, Any]:
    """A copy of `doc` written as the schema expects: blank-node ids as URIs and, in the simple
    context, vocabulary IRIs of standard terms as the bare words the standard context defines.
    The meaning is unchanged; `doc` itself is not modified."""
    doc = copy.deepcopy(doc)
    if isinstance(doc.get("id"), str) and _BLANK_NODE.match(doc["id"]):
        doc["id"] = _blank_node_uri(doc["id"])
    simple = is_simple_context(doc)
    for event in _events(doc):
        if isinstance(event, dict):
            if isinstance(event.get("eventID"), str) and _BLANK_NODE.match(event["eventID"]):
                event["eventID"] = _blank_node_uri(event["eventID"])
            if simple or _names_simple_context(event.get("@context")):
                bare_vocabulary_words(event)
    return doc


def _names_simple_context(context: Any) -> bool:
    """True when an event's own `@context` (an export scopes one to each event) is the simple one."""
    return SIMPLE_CONTEXT in (context if isinstance(context, list) else [context])


def document_problems(doc: Any) -> list[tuple[str, str, str]]:
    """Every problem of an EPCIS document as (where, field, reason); [] when it is valid."""
    if not isinstance(doc, dict):
        return [("document", "", "an EPCIS document must be a JSON object")]
    standard = to_standard_form(doc)
    events = _events(doc)
    problems = []
    for path, reason in SchemaValidator.standard().errors(standard):
        problems.append(_locate(path, reason, events))
    for index, event in enumerate(events):
        if isinstance(event, dict):
            for field, uri in _identifiers(event):
                reason = identifier_problem(uri) if isinstance(uri, str) else None
                if reason:
                    problems.append((_label(index, event), field, reason))
    return list(dict.fromkeys(problems))


def validate_document(doc: Any) -> None:
    """Raise `EpcisError` for the first problem of an EPCIS document (see `document_problems`)."""
    problems = document_problems(doc)
    if problems:
        where, field, reason = problems[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise EpcisError(where, field, reason + more)


@cache
def standard_words(kind: str) -> frozenset[str]:
    """The bare words GS1's schema allows for a kind of vocabulary value (CBV terms…)."""
    definition = SchemaValidator.standard().definition(VOCABULARIES[kind][0])
    return frozenset(w for alt in definition["anyOf"] for w in alt.get("enum", ()))


def standard_word(kind: str, value: Any) -> Any:
    """The bare standard word for the IRI of a standard term (`https://ref.gs1.org/cbv/BizStep-
    shipping` -> `shipping`); any other value unchanged."""
    if isinstance(value, str):
        for prefix in VOCABULARIES[kind][1]:
            if value.startswith(prefix) and value[len(prefix):] in standard_words(kind):
                return value[len(prefix):]
    return value


def bare_vocabulary_words(event: dict[str, Any]) -> None:
    """Rewrite, in place, every vocabulary value of an event that is the IRI of a standard term
    as its bare word."""
    for field in ("bizStep", "disposition"):
        if field in event:
            event[field] = standard_word(field, event[field])
    persistent = event.get("persistentDisposition")
    if isinstance(persistent, dict):
        for key in ("set", "unset"):
            if isinstance(persistent.get(key), list):
                persistent[key] = [standard_word("disposition", v) for v in persistent[key]]
    for field, kind in (("bizTransactionList", "bizTransactionType"),
                        ("sourceList", "sourceOrDestinationType"),
                        ("destinationList", "sourceOrDestinationType")):
        for element in _dicts(event.get(field)):
            if "type" in element:
                element["type"] = standard_word(kind, element["type"])
    declaration = event.get("errorDeclaration")
    if isinstance(declaration, dict) and "reason" in declaration:
        declaration["reason"] = standard_word("errorReason", declaration["reason"])
    for element in _dicts(event.get("sensorElementList")):
        for report in _dicts(element.get("sensorReport")):
            for key, kind in (("type", "measurementType"), ("exception", "sensorAlertType"),
                              ("component", "component")):
                if key in report:
                    report[key] = standard_word(kind, report[key])


def _identifiers(event: dict[str, Any]):
    """(field, identifier) of every EPC, class and location of an event."""
    for field in ("epcList", "childEPCs", "inputEPCList", "outputEPCList"):
        for i, uri in enumerate(event.get(field) or () if isinstance(event.get(field), list) else ()):
            yield f"{field}[{i}]", uri
    if "parentID" in event:
        yield "parentID", event["parentID"]
    for field in ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"):
        for i, element in enumerate(_dicts(event.get(field))):
            yield f"{field}[{i}].epcClass", element.get("epcClass")
    for field in ("readPoint", "bizLocation"):
        if isinstance(event.get(field), dict):
            yield f"{field}.id", event[field].get("id")


def _locate(path: str, reason: str, events: list[Any]) -> tuple[str, str, str]:
    match = _EVENT_PATH.match(path)
    if not match:
        return "document", path, reason
    index = int(match.group(1))
    event = events[index] if index < len(events) else None
    return _label(index, event), match.group(2), reason


def _label(index: int, event: Any) -> str:
    event = event if isinstance(event, dict) else {}
    kind, event_id = event.get("type"), event.get("eventID")
    details = ", ".join(str(x) for x in (kind, f"eventID {event_id}" if event_id else None) if x)
    return f"eventList[{index}] ({details})" if details else f"eventList[{index}]"


def _events(doc: dict[str, Any]) -> list[Any]:
    body = doc.get("epcisBody")
    events = body.get("eventList") if isinstance(body, dict) else None
    return events if isinstance(events, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _blank_node_uri(node: str) -> str:
    return "urn:x-jsonld-blank-node:" + node[2:]
