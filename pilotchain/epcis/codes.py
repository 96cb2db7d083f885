"""Compact on-chain forms of EPCIS values: CBV codes, item ids and location ids.

The chain stores a business step or disposition as a small integer and an identifier (EPC,
EPC class, location) as a bytes32 hash of its canonical form (`pilotchain.epcis.identifiers`:
an EPC URN and any GS1 Digital Link of one object are one id); the full text stays in the
off-chain event JSON.

An item id commits to the EPC's GS1 company prefix: its first six bytes are the prefix key
(`prefix_key`, 0 when the scheme carries no company prefix), the other 26 the last bytes of the
keccak of its canonical form. The Provenance contract reads the prefix from the id and lets only
the entity the council registered it to create ids under it. A GS1 Digital Link does not say
how long its company prefix is: it is looked up among the prefixes registered on chain
(`known_prefixes`), so a URN and a Digital Link of one object are one item.

Codes of standard CBV 2.0 terms are their position in the tuples below, counted from 1 (0
means "absent"). They are part of the on-chain format: append new terms, never reorder.
A custom value (any URI outside the CBV) gets `CUSTOM_CODE_FLAG | 15 bits of its keccak`,
so codes stay below 65536 and custom codes never collide with standard ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
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

# EPC schemes (Tag Data Standard 2.x) whose first component is the GS1 company prefix.
PREFIXED_SCHEMES = frozenset({
    "sgtin", "sscc", "sgln", "grai", "giai", "gsrn", "gsrnp", "gdti", "cpi", "sgcn", "ginc", "gsin",
    "itip", "upui", "pgln", "lgtin",
})  # fmt: skip
_EPC_FORMS = ("id", "class", "idpat")
_COMPANY_PREFIX = re.compile(r"^[0-9]{6,12}$")
# A canonical GS1 Digital Link and its primary key (AIs whose key starts with a company prefix).
_DIGITAL_LINK_KEY = re.compile(r"^https://id\.gs1\.org/(01|00|414|417|8003|8004|8006|8010|8017|8018|253|255)/([0-9]+)")
_KNOWN_PREFIXES: ContextVar[frozenset[str]] = ContextVar("known_company_prefixes", default=frozenset())

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


@contextmanager
def known_prefixes(prefixes: Iterable[str]):
    """Within the block, the company prefix of a GS1 Digital Link is looked up among `prefixes`
    (those registered on chain): a Digital Link does not say where its company prefix ends."""
    token = _KNOWN_PREFIXES.set(frozenset(prefixes))
    try:
        yield
    finally:
        _KNOWN_PREFIXES.reset(token)


def company_prefix(identifier: str) -> str | None:
    """The GS1 company prefix of an identifier: for an EPC URI ("6901234" for
    urn:epc:id:sgtin:6901234.055555.1) the first dotted component after a GS1 scheme that carries
    one; for a GS1 Digital Link the known prefix (`known_prefixes`) its key begins with. None for
    any other identifier (GID, a pattern with a wildcard prefix, a non-EPC URI, a Digital Link
    under a prefix not known)."""
    digits = _digital_link_digits(identifier)
    if digits is not None:
        found = [p for p in _KNOWN_PREFIXES.get() if digits.startswith(p)]
        return max(found, key=len) if found else None
    parts = identifier.split(":")
    if len(parts) != 5 or parts[:2] != ["urn", "epc"] or parts[2] not in _EPC_FORMS:
        return None
    if parts[3] not in PREFIXED_SCHEMES:
        return None
    prefix = parts[4].split(".", 1)[0]
    return prefix if _COMPANY_PREFIX.match(prefix) else None


def unresolved_prefix(identifier: str) -> bool:
    """True for a GS1 Digital Link whose company prefix is not known (`known_prefixes`): its item
    id would not match that of its EPC URN."""
    return _digital_link_digits(identifier) is not None and company_prefix(identifier) is None


def _digital_link_digits(identifier: str) -> str | None:
    """The digits of a GS1 Digital Link's key that begin with the company prefix (after the
    indicator or extension digit of a GTIN, SSCC or GRAI); None for anything else."""
    from pilotchain.epcis.identifiers import canonical

    link = canonical(identifier)
    match = _DIGITAL_LINK_KEY.match(link)
    if not match or (identifier.startswith("urn:") and link != identifier):
        return None
    ai, key = match.groups()
    return key[1:] if ai in ("01", "00", "8003", "8006") else key


def prefix_key(prefix: str) -> bytes:
    """The contract's bytes6 key of a company prefix: its 6-12 digits as BCD, filled with 0xF."""
    if not _COMPANY_PREFIX.match(prefix) or set(prefix) == {"0"}:
        raise ValueError(f"{prefix!r} is not a GS1 company prefix (6 to 12 digits, not all zero)")
    return bytes.fromhex(prefix.ljust(12, "f"))


def prefix_text(key: bytes) -> str:
    """The company prefix a bytes6 key stands for ("" for the zero key)."""
    return bytes(key).hex().split("f", 1)[0] if any(key) else ""


def item_id(identifier: str) -> bytes:
    """The bytes32 on-chain id of an EPC, EPC class or pattern, the one place item ids are derived:
    the key of its GS1 company prefix (6 zero bytes when it has none, `company_prefix`) followed by
    the last 26 bytes of keccak256 of the UTF-8 of its canonical form
    (`pilotchain.epcis.identifiers.canonical`), so `urn:epc:id:sgtin:0614141.107346.2018` and
    `https://example.com/01/10614141073464/21/2018` are the same item once the chain knows that
    0614141 is a company prefix."""
    from pilotchain.epcis.identifiers import canonical  # the package imports this module

    prefix = company_prefix(identifier)
    key = prefix_key(prefix) if prefix and set(prefix) != {"0"} else bytes(6)
    return key + keccak(canonical(identifier).encode("utf-8"))[6:]


def location_id(identifier: str) -> bytes:
    """The bytes32 on-chain id of a read point or business location: keccak256 of its canonical
    form (an SGLN URN and its Digital Link are one location)."""
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
