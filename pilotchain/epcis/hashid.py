"""The GS1 Event Hash ID (CBV 2.0 section 8.9): `ni:///sha-256;<hex>?ver=CBV2.0`.

The ID is the SHA-256 of the event's pre-hash string: `eventType=…`, then the standard fields in
the order CBV 2.0 fixes (`PROP_ORDER`), each written `name=value` with values in canonical form,
repeated elements sorted; then every other field (business transactions, sources,
destinations, ilmd, user extensions) as `name=value` strings, sorted. recordTime, eventID and
errorDeclaration are left out. Canonical values: times in UTC with milliseconds and `Z`; CBV 1.x
URNs and bare CBV words as GS1 web vocabulary IRIs; EPC URNs and any GS1 Digital Link as the
canonical Digital Link; numbers without trailing zeros; extension names as `{namespace IRI}name`
(so prefix names do not matter).

GS1's exemplary implementation (`epcis-event-hash-generator` 1.9.3) is this module's test
oracle; the deliberate differences are listed in tests/epcis/data/ORACLE.md.

    event_hash_id(event, context)   # context: the document's `@context` (for extension prefixes)
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from pilotchain.epcis.identifiers import canonical
from pilotchain.epcis.validation import standard_word, standard_words
from pilotchain.epcis.fields import parse_date_time

__all__ = ["PROP_ORDER", "declaration_digest", "event_digest", "event_hash_id", "id_digest", "prehash_string"]

_QUANTITY = (("epcClass", None), ("quantity", None), ("uom", None))
_SENSOR_METADATA = ("time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData",
                    "dataProcessingMethod", "bizRules")  # fmt: skip
_SENSOR_REPORT = (
    "type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "time",
    "microorganism", "chemicalSubstance", "value", "component", "stringValue", "booleanValue",
    "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue", "sDev", "percRank",
    "percValue", "uom", "coordinateReferenceSystem",
)  # fmt: skip
# CBV 2.0 section 8.9.2: (JSON field, element name, order of the element's own fields).
PROP_ORDER: tuple[tuple[str, str | None, Any], ...] = (
    ("eventTime", None, None), ("eventTimeZoneOffset", None, None),
    ("certificationInfo", None, None), ("parentID", None, None),
    ("epcList", "epc", None), ("inputEPCList", "epc", None), ("childEPCs", "epc", None),
    ("quantityList", "quantityElement", _QUANTITY),
    ("childQuantityList", "quantityElement", _QUANTITY),
    ("inputQuantityList", "quantityElement", _QUANTITY),
    ("outputEPCList", "epc", None), ("outputQuantityList", "quantityElement", _QUANTITY),
    ("action", None, None), ("transformationID", None, None),
    ("bizStep", None, None), ("disposition", None, None),
    ("persistentDisposition", None, (("set", None), ("unset", None))),
    ("readPoint", None, (("id", None),)), ("bizLocation", None, (("id", None),)),
    ("sensorElementList", "sensorElement", (
        ("sensorMetadata", tuple((f, None) for f in _SENSOR_METADATA)),
        ("sensorReport", tuple((f, None) for f in _SENSOR_REPORT)),
    )),
)  # fmt: skip
_LEFT_OUT = {"type", "eventID", "recordTime", "errorDeclaration", "@context"}
_LISTS = {"bizTransactionList": ("type", "bizTransaction"), "sourceList": ("type", "source"),
          "destinationList": ("type", "destination")}  # fmt: skip
# Bare words of vocabulary-typed fields and the IRI prefix the EPCIS contexts give them.
_VOCABULARY = {
    "bizStep": ("bizStep", "https://ref.gs1.org/cbv/BizStep-"),
    "disposition": ("disposition", "https://ref.gs1.org/cbv/Disp-"),
    "set": ("disposition", "https://ref.gs1.org/cbv/Disp-"),
    "unset": ("disposition", "https://ref.gs1.org/cbv/Disp-"),
    "bizTransactionList": ("bizTransactionType", "https://ref.gs1.org/cbv/BTT-"),
    "sourceList": ("sourceOrDestinationType", "https://ref.gs1.org/cbv/SDT-"),
    "destinationList": ("sourceOrDestinationType", "https://ref.gs1.org/cbv/SDT-"),
    "type": ("measurementType", "https://gs1.org/voc/"),  # in the CBV order only sensorReport has a type
    "component": ("component", "https://ref.gs1.org/cbv/Comp-"),
}
_CBV_URNS = (
    ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
    ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
    ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
    ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
    ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"),
    ("gs1:", "https://gs1.org/voc/"),
    ("cbv:", "https://ref.gs1.org/cbv/"),
)


def event_hash_id(event: Mapping[str, Any], context: Any = None) -> str:
    """The GS1 Event Hash ID of one EPCIS event (JSON object) of a document with `context`."""
    digest = hashlib.sha256(prehash_string(event, context).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"


def prehash_string(event: Mapping[str, Any], context: Any = None) -> str:
    """The CBV 2.0 pre-hash string of an event (what `event_hash_id` hashes)."""
    prefixes = _prefixes(context)
    prefixes.update(_prefixes(event.get("@context")))
    writer = _Writer(prefixes)
    ordered = writer.ordered(dict(event), PROP_ORDER_BY_FIELD, top=True)
    rest = [s for k, v in event.items() if k not in _LEFT_OUT and k not in PROP_ORDER_BY_FIELD
            for s in writer.generic(k, v)]
    return f"eventType={event.get('type')}" + ordered + "".join(sorted(rest))


PROP_ORDER_BY_FIELD = {field: (element, order) for field, element, order in PROP_ORDER}


class _Writer:
    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = prefixes

    def name(self, key: str) -> str:
        """A field name with its namespace prefix expanded: `ext1:x` -> `{http://…/ext1/}x`."""
        prefix, sep, local = key.partition(":")
        if sep and prefix in self.prefixes:
            return "{" + self.prefixes[prefix] + "}" + local
        return key

    def value(self, value: Any, field: str = "") -> str:
        """The canonical text of a scalar value."""
        if isinstance(value, str):
            text = value.strip()
            prefix, sep, local = text.partition(":")
            if sep and prefix in self.prefixes:
                text = self.prefixes[prefix] + local
        else:
            text = str(value)  # JSON true -> "True", as GS1's implementation writes it
        if field in _VOCABULARY and text:
            kind, iri = _VOCABULARY[field]
            if standard_word(kind, iri + text) == text:
                text = iri + text
        for urn, iri in _CBV_URNS:
            if text.startswith(urn):
                text = iri + text[len(urn):]
        return canonical(_number(text))

    def ordered(self, obj: dict[str, Any], order: Mapping[str, Any], top: bool = False) -> str:
        """The fields of `obj` named in `order`, in that order (consumed from `obj`), then, below
        the top level, its extension fields (sorted)."""
        out = []
        for field, (element, sub) in order.items():
            if field not in obj:
                continue
            value = obj.pop(field)
            items = value if isinstance(value, list) else [value]
            if element is not None:  # a list of elements: epcList/epc, quantityList/quantityElement…
                strings = sorted(s for s in (self.element(element, v, sub, field) for v in items) if s)
                out.append(field + "".join(strings) if strings else "")
            else:
                strings = sorted(s for s in (self.element(field, v, sub, field) for v in items) if s)
                out.append("".join(strings))
        if not top:
            extensions = [s for k, v in obj.items() if ":" in k for s in self.generic(k, v)]
            out.append("".join(sorted(extensions)))
        return "".join(out)

    def element(self, name: str, value: Any, sub: Any, field: str) -> str:
        if isinstance(value, dict):
            if sub is None:
                return ""
            inner = self.ordered(dict(value), {f: (None, s) for f, s in sub})
            return name + inner if inner else ""
        if sub is not None or value is None and name != field:
            return ""
        text = _time(value) if _is_time(name) else self.value(value, _vocabulary_field(field, name))
        return f"{name}={text}" if text else ""

    def generic(self, key: str, value: Any) -> list[str]:
        """The `name=value` strings of a field outside the CBV order (a list gives one string per
        item, each with the field's name; an object its name followed by its sorted fields)."""
        name = self.name(key)
        if key in _LISTS and isinstance(value, list):
            return [key + "".join(sorted(self.list_element(key, v) for v in value))]
        if isinstance(value, list):
            return [s for v in value for s in self.generic(key, v)]
        if isinstance(value, dict):
            return [name + "".join(sorted(s for k, v in value.items() for s in self.generic(k, v)))]
        text = self.value(value)
        return [f"{name}={text}" if text else name]

    def list_element(self, field: str, element: Any) -> str:
        """A business transaction, source or destination: type first, then the id."""
        if not isinstance(element, dict):
            return ""
        type_key, id_key = _LISTS[field]
        out = ""
        if element.get(type_key) is not None:
            out += f"type={self.value(element[type_key], field)}"
        if element.get(id_key) is not None:
            out += f"{id_key}={self.value(element[id_key])}"
        extensions = [s for k, v in element.items() if k not in _LISTS[field] for s in self.generic(k, v)]
        return out + "".join(sorted(extensions))


def _vocabulary_field(field: str, name: str) -> str:
    return name if name in _VOCABULARY else field


def _is_time(name: str) -> bool:
    return "time" in name.lower() and "offset" not in name.lower()


def _time(value: Any) -> str:
    """A date-time in UTC at millisecond precision with `Z` (other text is kept as it is)."""
    parsed = parse_date_time(value) if isinstance(value, str) else None
    if parsed is None:
        return str(value).strip()
    millis = round(parsed.microsecond / 1000)
    utc = parsed.astimezone(timezone.utc).replace(microsecond=0)
    stamp = datetime.fromtimestamp(utc.timestamp() + millis / 1000, timezone.utc)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(text: str) -> str:
    """A numeric text without leading `+`, leading or trailing zeros (`23.0` -> `23`)."""
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    return str(int(number)) if number.is_integer() else str(number)


def _prefixes(context: Any) -> dict[str, str]:
    """Namespace prefixes bound by the inline objects of a JSON-LD `@context`."""
    entries = context if isinstance(context, list) else [context]
    found: dict[str, str] = {}
    for entry in entries:
        if isinstance(entry, dict):
            found.update({k: v for k, v in entry.items() if isinstance(v, str) and not k.startswith("@")})
    return found


def event_digest(event: Mapping[str, Any], context: Any = None) -> bytes:
    """The bytes32 an event is known by on chain and in the store: the SHA-256 digest its Event
    Hash ID carries (`ni:///sha-256;<digest>?ver=CBV2.0`).

    An error declaration has the Event Hash ID of the event it declares erroneous (CBV 2.0 leaves
    `errorDeclaration` out of the pre-hash string, so the declaration names that event by it);
    the declaration itself is known by `declaration_digest`.
    """
    if isinstance(event.get("errorDeclaration"), Mapping):
        return declaration_digest(event, context)
    return id_digest(event_hash_id(event, context))


def id_digest(hash_id: str) -> bytes:
    """The 32-byte SHA-256 digest inside an Event Hash ID."""
    return bytes.fromhex(hash_id.split(";", 1)[1].split("?", 1)[0])


def declaration_digest(event: Mapping[str, Any], context: Any = None) -> bytes:
    """SHA-256 of the Event Hash ID of the erroneous event followed by the declaration in
    canonical form: `errorDeclaration`, `declarationTime=` (UTC, ms, `Z`), `reason=` (as a CBV
    IRI) and its other fields (correctiveEventIDs, extensions) as sorted `name=value` strings."""
    prefixes = _prefixes(context)
    prefixes.update(_prefixes(event.get("@context")))
    writer = _Writer(prefixes)
    declaration = dict(event["errorDeclaration"])
    parts = []
    if "declarationTime" in declaration:
        parts.append(f"declarationTime={_time(declaration.pop('declarationTime'))}")
    if declaration.get("reason") is not None:
        reason = writer.value(declaration.pop("reason"))
        if reason in standard_words("errorReason"):
            reason = "https://ref.gs1.org/cbv/ER-" + reason
        parts.append(f"reason={reason}")
    rest = sorted(s for k, v in declaration.items() for s in writer.generic(k, v))
    text = event_hash_id(event, context) + "errorDeclaration" + "".join(parts) + "".join(rest)
    return hashlib.sha256(text.encode("utf-8")).digest()
