"""Field-level reading and checking of one EPCIS event (used by `pilotchain.epcis`).

`FieldReader` wraps an event's JSON object and raises `EpcisError` naming the event and the
field (`eventList[3] (ObjectEvent): eventTime: not an ISO 8601 date-time`) on the first value
that is missing, of the wrong type or malformed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from pilotchain.epcis.codes import CbvCode, VocabularyError, biz_step, disposition, is_uri
from pilotchain.errors import PilotchainError

# RFC 3339 date-time (the JSON schema's "date-time"): a time zone is required.
_DATE_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_TZ_OFFSET = re.compile(r"^[+-]((0\d|1[0-3]):[0-5]\d|14:00)$")


class EpcisError(PilotchainError):
    """Malformed or unsupported EPCIS input, naming the event and the field at fault."""

    def __init__(self, where: str, field: str, reason: str):
        self.where = where
        self.field = field
        self.reason = reason
        super().__init__(f"{where}: {field}: {reason}" if field else f"{where}: {reason}")


@dataclass(frozen=True)
class Quantity:
    """A quantity element: an EPC class (or pattern), an amount and an optional unit (UN/CEFACT)."""

    epc_class: str
    quantity: int | float | None
    uom: str | None


@dataclass(frozen=True)
class BizTransaction:
    """A business transaction reference (`bizTransaction`) with its optional CBV type."""

    id: str
    type: str | None


@dataclass(frozen=True)
class PartyOrPlace:
    """A source or destination: its CBV type (owning_party, possessing_party, location…) and id."""

    type: str
    id: str


@dataclass(frozen=True)
class ErrorDeclaration:
    """An EPCIS error declaration: the event it sits on is declared erroneous."""

    declaration_time: datetime
    reason: str | None
    corrective_event_ids: tuple[str, ...]


def parse_date_time(text: Any) -> datetime | None:
    """An RFC 3339 date-time with a time zone, or None if `text` is not one."""
    match = _DATE_TIME.match(text) if isinstance(text, str) else None
    if not match:
        return None
    day, clock, fraction, zone = match.groups()
    micros = (fraction or ".0")[1:7].ljust(6, "0")  # datetime keeps microseconds; more is kept in raw
    zone = "+00:00" if zone in "Zz" else zone
    try:
        return datetime.fromisoformat(f"{day}T{clock}.{micros}{zone}")
    except ValueError:
        return None


class FieldReader:
    """Typed access to the fields of one JSON object, failing with the event and field named."""

    def __init__(self, obj: dict[str, Any], where: str, prefix: str = ""):
        self.obj = obj
        self.where = where
        self.prefix = prefix

    def fail(self, field: str, reason: str) -> NoReturn:
        raise EpcisError(self.where, self.prefix + field, reason)

    def nested(self, field: str, value: Any) -> FieldReader:
        if not isinstance(value, dict):
            self.fail(field, f"must be a JSON object, not {_kind(value)}")
        return FieldReader(value, self.where, f"{self.prefix}{field}.")

    def value(self, field: str, required: bool = False) -> Any:
        if field not in self.obj or self.obj[field] is None:
            if required:
                self.fail(field, "required")
            return None
        return self.obj[field]

    def string(self, field: str, required: bool = False, uri: bool = False) -> str | None:
        value = self.value(field, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(field, f"must be a non-empty string, not {_kind(value)}")
        if uri and not is_uri(value):
            self.fail(field, f"{value!r} is not a URI")
        return value

    def date_time(self, field: str, required: bool = False) -> datetime | None:
        value = self.value(field, required)
        if value is None:
            return None
        parsed = parse_date_time(value)
        if parsed is None:
            self.fail(field, f"{value!r} is not an ISO 8601 date-time with a time zone")
        return parsed

    def time_zone_offset(self, field: str) -> str:
        value = self.string(field, required=True)
        if not _TZ_OFFSET.match(value):
            self.fail(field, f"{value!r} is not a time zone offset like +02:00")
        return value

    def items(self, field: str) -> list[Any]:
        value = self.value(field)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(field, f"must be a JSON array, not {_kind(value)}")
        return value

    def uris(self, field: str) -> tuple[str, ...]:
        result = []
        for i, item in enumerate(self.items(field)):
            if not isinstance(item, str) or not is_uri(item):
                self.fail(f"{field}[{i}]", f"{item!r} is not an EPC URI")
            result.append(item)
        return tuple(result)

    def quantities(self, field: str) -> tuple[Quantity, ...]:
        result = []
        for i, item in enumerate(self.items(field)):
            element = self.nested(f"{field}[{i}]", item)
            amount = element.value("quantity")
            if amount is not None and (
                isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0
            ):
                element.fail("quantity", f"must be a non-negative number, not {amount!r}")
            uom = element.string("uom")
            if uom is not None and amount is None:
                element.fail("uom", "given without a quantity")
            result.append(Quantity(element.string("epcClass", True, uri=True), amount, uom))
        return tuple(result)

    def location(self, field: str) -> str | None:
        value = self.value(field)
        if value is None:
            return None
        return self.nested(field, value).string("id", required=True, uri=True)

    def biz_transactions(self, field: str) -> tuple[BizTransaction, ...]:
        result = []
        for i, item in enumerate(self.items(field)):
            element = self.nested(f"{field}[{i}]", item)
            result.append(BizTransaction(element.string("bizTransaction", True, uri=True),
                                         element.string("type")))
        return tuple(result)

    def parties(self, field: str, key: str) -> tuple[PartyOrPlace, ...]:
        result = []
        for i, item in enumerate(self.items(field)):
            element = self.nested(f"{field}[{i}]", item)
            result.append(PartyOrPlace(element.string("type", True),
                                       element.string(key, True, uri=True)))
        return tuple(result)

    def cbv(self, field: str) -> CbvCode | None:
        value = self.string(field)
        if value is None:
            return None
        try:
            return biz_step(value) if field == "bizStep" else disposition(value)
        except VocabularyError as exc:
            self.fail(field, str(exc))

    def error_declaration(self, field: str) -> ErrorDeclaration | None:
        value = self.value(field)
        if value is None:
            return None
        decl = self.nested(field, value)
        return ErrorDeclaration(
            decl.date_time("declarationTime", required=True),
            decl.string("reason"),
            decl.uris("correctiveEventIDs"),
        )

    def strings_or_string(self, field: str) -> tuple[str, ...]:
        value = self.value(field)
        values = [value] if isinstance(value, str) else self.items(field)
        for i, item in enumerate(values):
            if not isinstance(item, str) or not item.strip():
                self.fail(field if isinstance(value, str) else f"{field}[{i}]",
                          f"must be a non-empty string, not {_kind(item)}")
        return tuple(values)

    def sensor_devices(self, field: str) -> tuple[str, ...]:
        devices: list[str] = []
        for i, item in enumerate(self.items(field)):
            element = self.nested(f"{field}[{i}]", item)
            metadata = element.value("sensorMetadata")
            if metadata is not None:
                devices.append(element.nested("sensorMetadata", metadata).string("deviceID",
                                                                                 uri=True))
            reports = element.items("sensorReport")
            if not reports:
                element.fail("sensorReport", "required (at least one report)")
            for j, report in enumerate(reports):
                reader = element.nested(f"sensorReport[{j}]", report)
                devices.append(reader.string("deviceID", uri=True))
        return tuple(dict.fromkeys(d for d in devices if d))

    def persistent_disposition(self, field: str) -> None:
        value = self.value(field)
        if value is None:
            return
        reader = self.nested(field, value)
        for key in ("set", "unset"):
            for i, item in enumerate(reader.items(key)):
                if not isinstance(item, str):
                    reader.fail(f"{key}[{i}]", f"must be a string, not {_kind(item)}")
                try:
                    disposition(item)
                except VocabularyError as exc:
                    reader.fail(f"{key}[{i}]", str(exc))


def _kind(value: Any) -> str:
    if isinstance(value, str) and not value.strip():
        return "an empty string"
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
