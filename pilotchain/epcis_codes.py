"""Compact on-chain forms of EPCIS values: CBV codes, item ids and location ids.

The chain stores a business step or disposition as a small integer and an identifier (EPC,
EPC class, location) as a bytes32 hash of its canonical form (`pilotchain.epcis.identifiers`:
an EPC URN and any GS1 Digital Link of one object are one id); the full text stays in the
off-chain event JSON.

Codes of standard CBV 2.0 terms are their position in the tuples below, counted from 1 (0
means "absent"). They are part of the on-chain format: append new terms, never reorder.
A custom value (any URI outside the CBV) gets `CUSTOM_CODE_FLAG | 15 bits of its keccak`,
so codes stay below 65536 and custom codes never collide with standard ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eth_utils import keccak

BIZ_STEPS: tuple[str, ...] = (
    "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning",
    "creating_class_instance", "cycle_counting", "decommissioning", "departing", "destroying",
    "disassembling", "dispensing", "encoding", "entering_exiting", "holding", "inspecting",
    "installing", "killing", "loading", "other", "packing", "picking", "receiving", "removing",
    "repackaging", "repairing", "replacing", "reserving", "retail_selling", "sampling",
    "sensor_reporting", "shipping", "staging_outbound", "stock_taking", "stocking", "storing",
    "transporting", "unloading", "unpacking", "void_shipping",
)  # fmt: skip

DISPOSITIONS: tuple[str, ...] = (
    "active", "available", "completeness_inferred", "completeness_verified", "conformant",
    "container_closed", "container_open", "damaged", "destroyed", "dispensed", "disposed",
    "encoded", "expired", "in_progress", "in_transit", "inactive", "mismatch_class",
    "mismatch_instance", "mismatch_quantity", "needs_replacement", "no_pedigree_match",
    "non_conformant", "non_sellable_other", "partially_dispensed", "recalled", "reserved",
    "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen",
    "unavailable", "unknown",
)  # fmt: skip

CUSTOM_CODE_FLAG = 0x8000

# Spellings of a CBV term: the bare word, the EPCIS 1.x URN, and the GS1 web vocabulary URIs.
_PREFIXES = {
    "bizStep": (
        "urn:epcglobal:cbv:bizstep:",
        "https://ref.gs1.org/cbv/BizStep-",
        "https://gs1.org/voc/BizStep-",
        "cbv:BizStep-",
    ),
    "disposition": (
        "urn:epcglobal:cbv:disp:",
        "https://ref.gs1.org/cbv/Disp-",
        "https://gs1.org/voc/Disp-",
        "cbv:Disp-",
    ),
}
_TERMS = {"bizStep": BIZ_STEPS, "disposition": DISPOSITIONS}
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")


class VocabularyError(ValueError):
    """A bare word that is not a CBV term (EPCIS requires a URI for anything custom)."""


@dataclass(frozen=True)
class CbvCode:
    """A business step or disposition: `name` is the CBV short name, or the full custom URI."""

    name: str
    code: int
    standard: bool

    @property
    def uri(self) -> str:
        """The GS1 web vocabulary URI of a standard term, or the custom URI itself."""
        if not self.standard:
            return self.name
        prefix = "BizStep-" if self.name in BIZ_STEPS else "Disp-"
        return f"https://ref.gs1.org/cbv/{prefix}{self.name}"


def biz_step(value: str) -> CbvCode:
    """Normalize a bizStep ("shipping", its URN or its GS1 URI all give the same code)."""
    return _coded("bizStep", value)


def disposition(value: str) -> CbvCode:
    """Normalize a disposition ("in_transit", its URN or its GS1 URI all give the same code)."""
    return _coded("disposition", value)


def item_id(identifier: str) -> bytes:
    """The bytes32 on-chain id of an EPC, EPC class or pattern: keccak256 of the UTF-8 of its
    canonical form, so `urn:epc:id:sgtin:0614141.107346.2018` and
    `https://example.com/01/10614141073464/21/2018` are the same item. The one place item ids
    are derived."""
    from pilotchain.epcis.identifiers import canonical  # the package imports this module

    return keccak(canonical(identifier).encode("utf-8"))


def location_id(identifier: str) -> bytes:
    """The bytes32 on-chain id of a read point or business location (an SGLN URN and its
    Digital Link are one location)."""
    from pilotchain.epcis.identifiers import canonical

    return keccak(canonical(identifier).encode("utf-8"))


def is_uri(value: str) -> bool:
    """True for an absolute URI (scheme, colon, no whitespace), the form EPCIS identifiers take."""
    return bool(_URI.match(value))


def _coded(kind: str, value: str) -> CbvCode:
    terms = _TERMS[kind]
    prefix = next((p for p in _PREFIXES[kind] if value.startswith(p)), "")
    name = value[len(prefix):]
    if name in terms:
        return CbvCode(name, terms.index(name) + 1, standard=True)
    if prefix:
        raise VocabularyError(f"{value!r} uses the CBV namespace but {name!r} is not a CBV term")
    if not is_uri(value):
        raise VocabularyError(f"{value!r} is not a CBV term; a custom value must be a URI")
    custom = int.from_bytes(keccak(value.encode("utf-8"))[:2], "big") & (CUSTOM_CODE_FLAG - 1)
    return CbvCode(value, CUSTOM_CODE_FLAG | custom, standard=False)
