"""Values as a person reads them: entities by name and id, items by EPC, enums by name,
amounts with their unit, times as ISO 8601 in the reader's time zone.

The CLI prints these forms; `--json` keeps the raw values (ids, 0x hex, unix seconds) and adds
the readable ones beside them. `Names` looks entities up on chain and items in the event store,
once each.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Callable

from pilotchain.epcis.codes import BIZ_STEPS, CUSTOM_CODE_FLAG, DISPOSITIONS, item_id
from pilotchain.provenance import QUANTITY_SCALE, unit_text

TIME_KEYS = ("eventTime", "validUntil", "holdUntil", "validFrom", "admittedAt", "createdAt",
             "expiresAt", "grantedAt", "timestamp", "event_time", "valid_until", "hold_until",
             "admitted_at", "registered_at", "updated_at", "valid_from", "deadline")  # fmt: skip
CBV_KEYS = {"bizStep": "bizStep", "biz_step": "bizStep", "disposition": "disposition"}


def when(seconds: int | None) -> str:
    """Unix seconds as ISO 8601 in the local time zone ("" for 0 or None: no time)."""
    if not seconds:
        return ""
    return datetime.fromtimestamp(int(seconds), timezone.utc).astimezone().isoformat(timespec="seconds")


def amount(thousandths: int, unit: str | bytes = "") -> str:
    """An on-chain amount (thousandths) in its unit: `1,000 H87`, `250.5 KGM`."""
    value = Decimal(int(thousandths)) / QUANTITY_SCALE
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return f"{text} {unit_text(unit)}".strip()


def cbv(kind: str, code: int) -> str:
    """A business step or disposition code by its CBV name (a custom code as `custom#N`)."""
    terms = BIZ_STEPS if kind == "bizStep" else DISPOSITIONS
    if code == 0:
        return ""
    if code & CUSTOM_CODE_FLAG:
        return f"custom#{code & ~CUSTOM_CODE_FLAG}"
    return terms[code - 1] if code <= len(terms) else f"#{code}"


def hex32(value: bytes | str) -> str:
    return value if isinstance(value, str) else "0x" + bytes(value).hex()


ENTITY_KEYS = frozenset({"entityId", "entity_id", "owner", "grantee", "requester", "proposer", "custodian",
                         "pendingCustodian", "inspector", "from", "to"})


def readable(value: Any, entity: Callable[[int], str] | None = None) -> Any:
    """A plain result (see `cli.to_plain`) with times, CBV codes, enums and amounts named, by key;
    with `entity`, entity ids too (`Name (id)`)."""
    if isinstance(value, dict):
        shown = {}
        for key, item in value.items():
            if entity is not None and key in ENTITY_KEYS and isinstance(item, int) and not isinstance(item, bool):
                shown[key] = entity(item)
            elif key in TIME_KEYS and isinstance(item, int):
                shown[key] = when(item) or "none"
            elif key in CBV_KEYS and isinstance(item, int):
                shown[key] = cbv(CBV_KEYS[key], item) or "none"
            elif key == "unit" and isinstance(item, str) and item.startswith("0x"):
                shown[key] = unit_text(item)
            elif key == "amount" and isinstance(item, int) and "unit" in value:
                shown[key] = amount(item, value["unit"])
            elif key == "sensitivity" and isinstance(item, int):
                from pilotchain.datasharing import Sensitivity

                shown[key] = Sensitivity(item).name
            elif key == "status" and hasattr(item, "name"):
                shown[key] = item.name
            else:
                shown[key] = readable(item, entity)
        return shown
    if isinstance(value, (list, tuple)):
        return [readable(v, entity) for v in value]
    if hasattr(value, "name") and hasattr(value, "value"):  # an enum member
        return value.name
    return value


class Names:
    """Entity names from the registry and EPCs from the event store, looked up once each.

    `known` URIs (the ones a user typed) name their items even when no stored event has them.
    """

    def __init__(self, session: Any = None, store: Any = None, known: tuple[str, ...] = ()):
        self._session = session
        self._store = store
        self._entities: dict[int, str] | None = None
        self._items: dict[bytes, str] = {item_id(uri): uri for uri in known if ":" in uri}

    def entity(self, entity_id: int) -> str:
        """`Name (id)`, or `none` for entity 0."""
        if not entity_id:
            return "none"
        if self._entities is None:
            from pilotchain import registry

            self._entities = {m.id: m.name for m in registry.members(self._session)} if self._session else {}
        name = self._entities.get(int(entity_id))
        return f"{name} ({entity_id})" if name else f"entity {entity_id}"

    def epc(self, item: bytes | str) -> str | None:
        """The EPC URI of an item id, when the event store (or the user) gave it; else None."""
        raw = bytes.fromhex(item[2:]) if isinstance(item, str) else bytes(item)
        if raw in self._items:
            return self._items[raw]
        if self._store is not None:
            for stored in self._store.events_for_item(raw):
                for uri in _uris(json.loads(stored.canonical)):
                    self._items.setdefault(item_id(uri), uri)
        return self._items.get(raw)

    def item(self, item: bytes | str) -> str:
        """The item's EPC, or its 0x id when no EPC is known."""
        return self.epc(item) or hex32(item)


def _uris(value: Any) -> list[str]:
    """Every EPC-like string (URN or GS1 Digital Link) inside an event's JSON."""
    if isinstance(value, str):
        return [value] if value.startswith(("urn:epc:", "https://id.gs1.org/")) else []
    if isinstance(value, dict):
        return [u for v in value.values() for u in _uris(v)]
    if isinstance(value, list):
        return [u for v in value for u in _uris(v)]
    return []
