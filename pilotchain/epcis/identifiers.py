"""GS1 identifiers in EPCIS: one canonical form per identifier, and their grammar.

An object can be named by its EPC URN (`urn:epc:id:sgtin:0614141.107346.2018`) or by a GS1
Digital Link on any host (`https://example.com/01/10614141073464/21/2018`). `canonical` maps both
to the canonical GS1 Digital Link (`https://id.gs1.org/01/10614141073464/21/2018`), the form the
CBV 2.0 Event Hash ID uses, so both spellings give one on-chain item id. Identifiers that carry
no GS1 key (other URIs, `urn:uuid:…`) are their own canonical form.

`identifier_problem` says what is wrong with an EPC URN or a Digital Link (grammar, check digit),
or returns None; URIs of other schemes are not judged.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["canonical", "check_digit", "identifier_problem", "is_gs1_identifier"]

_DL_HOST = "https://id.gs1.org"
# GS1 "AI 82" characters, in EPC URN form (percent escapes allowed).
_XCHAR = r"(?:%[0-9A-Fa-f]{2}|[!'()*+,\-.0-9:;=A-Z_a-z])"
_URN = re.compile(r"^urn:epc:(id|class|idpat):([a-z0-9]+):(.+)$")


def check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit of a key written without it (GTIN, GLN, SSCC, GSRN, GDTI…)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str(-total % 10)


def _with_check(digits: str) -> str:
    return digits + check_digit(digits)


def _escape(text: str) -> str:
    """A URN serial as the Digital Link path writes it (GS1 DL table 7-1; URN escapes decoded)."""
    text = re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text)
    return "".join(f"%{ord(c):02X}" if c in "!()*+,:/ #%&" else c for c in text)


def _split(body: str, parts: int) -> list[str] | None:
    fields = body.split(".", parts - 1)
    return fields if len(fields) == parts else None


def _company(prefix: str, ref: str, width: int) -> bool:
    return prefix.isdigit() and 6 <= len(prefix) <= 12 and ref.isdigit() and len(prefix) + len(ref) == width


def _urn_to_path(kind: str, scheme: str, body: str) -> str | None:
    """The Digital Link path (`/01/…/21/…`) of an EPC URN, or None when it does not parse."""
    serial = rf"^{_XCHAR}{{1,20}}$"
    if scheme == "sgtin" and kind in ("id", "idpat"):
        f = _split(body, 3)
        if not f or not _company(f[0], f[1], 13):
            return None
        gtin = "/01/" + _with_check(f[1][0] + f[0] + f[1][1:])
        if kind == "idpat":
            return gtin if f[2] == "*" else None
        return gtin + "/21/" + _escape(f[2]) if re.match(serial, f[2]) else None
    if scheme == "lgtin" and kind == "class":
        f = _split(body, 3)
        if not f or not _company(f[0], f[1], 13) or not re.match(serial, f[2]):
            return None
        return "/01/" + _with_check(f[1][0] + f[0] + f[1][1:]) + "/10/" + _escape(f[2])
    if kind != "id":
        return None
    if scheme == "sscc":
        f = _split(body, 2)
        if not f or not _company(f[0], f[1], 17):
            return None
        return "/00/" + _with_check(f[1][0] + f[0] + f[1][1:])
    if scheme in ("sgln", "grai", "gdti", "sgcn"):
        f = _split(body, 3)
        if not f or not _company(f[0], f[1], 12):
            return None
        key = _with_check(("0" if scheme == "grai" else "") + f[0] + f[1])
        if scheme == "sgln":
            ext = f[2]
            if not re.match(serial, ext):
                return None
            return "/414/" + key + ("" if ext == "0" else "/254/" + _escape(ext))
        limit = {"grai": 16, "gdti": 17, "sgcn": 12}[scheme]
        if not re.match(rf"^{_XCHAR}{{0,{limit}}}$", f[2]) or scheme == "grai" and not f[2]:
            return None
        ai = {"grai": "8003", "gdti": "253", "sgcn": "255"}[scheme]
        return f"/{ai}/{key}{_escape(f[2])}"
    if scheme == "giai":
        f = _split(body, 2)
        if not f or not f[0].isdigit() or not 6 <= len(f[0]) <= 12:
            return None
        if not re.match(rf"^{_XCHAR}{{1,{30 - len(f[0])}}}$", f[1]):
            return None
        return "/8004/" + f[0] + _escape(f[1])
    if scheme in ("gsrn", "gsrnp"):
        f = _split(body, 2)
        if not f or not _company(f[0], f[1], 17):
            return None
        return ("/8018/" if scheme == "gsrn" else "/8017/") + _with_check(f[0] + f[1])
    if scheme == "pgln":
        f = _split(body, 2)
        if not f or not _company(f[0], f[1], 12):
            return None
        return "/417/" + _with_check(f[0] + f[1])
    return None


# Digital Link primary keys: AI -> (digits of the key incl. check digit (None: alphanumeric),
# qualifiers in canonical order). Keys of fixed length carry a check digit.
_PRIMARY = {
    "01": (14, ("22", "10", "21")), "00": (18, ()), "414": (13, ("254",)), "417": (13, ()),
    "8003": (None, ()), "8004": (None, ()), "8018": (18, ()), "8017": (18, ()),
    "253": (None, ()), "255": (None, ()), "8006": (18, ("22", "10", "21")), "8010": (None, ("8011",)),
    "401": (None, ()), "402": (17, ()),
}  # fmt: skip
_CHECKED_PREFIX = {"8003": 14, "253": 13, "255": 13}  # keys whose first N digits end in a check digit


def _dl_path(uri: str) -> tuple[str | None, str | None]:
    """(canonical path, problem) of a URI that looks like a GS1 Digital Link; (None, None) otherwise."""
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None, None
    segments = parts.path.split("/")[1:]
    start = next((i for i in range(len(segments) - 1) if segments[i] in _PRIMARY), None)
    if start is None:
        return None, None
    ai, key = segments[start], segments[start + 1]
    length, qualifiers = _PRIMARY[ai]
    if ai == "01" and key.isdigit() and len(key) in (8, 12, 13):
        key = key.zfill(14)
    if length is not None:
        if not key.isdigit() or len(key) != length:
            return None, f"{ai} needs {length} digits"
        if check_digit(key[:-1]) != key[-1]:
            return None, f"wrong check digit in GS1 key {key}"
    elif ai in _CHECKED_PREFIX:
        n = _CHECKED_PREFIX[ai]
        if not key[:n].isdigit() or len(key) < n or check_digit(key[: n - 1]) != key[n - 1]:
            return None, f"wrong check digit in GS1 key {key}"
    rest = segments[start + 2 :]
    if len(rest) % 2:
        return None, "Digital Link qualifiers come in pairs (AI/value)"
    given = dict(zip(rest[::2], rest[1::2]))
    unknown = [q for q in given if q not in qualifiers]
    if unknown:
        return None, f"{unknown[0]} is not a qualifier of AI {ai}"
    path = f"/{ai}/{key}" + "".join(f"/{q}/{given[q]}" for q in qualifiers if q in given)
    return path, None


def canonical(uri: str) -> str:
    """The canonical form of an identifier: the canonical GS1 Digital Link for a GS1 key, else itself."""
    match = _URN.match(uri)
    if match:
        path = _urn_to_path(*match.groups())
        return _DL_HOST + path if path else uri
    path, _ = _dl_path(uri)
    return _DL_HOST + path if path else uri


def is_gs1_identifier(uri: str) -> bool:
    """True for an EPC URN or GS1 Digital Link that names a GS1 key."""
    return canonical(uri) != uri or uri.startswith(_DL_HOST + "/") and not identifier_problem(uri)


def identifier_problem(uri: str) -> str | None:
    """Why `uri` is not a valid EPC URN / GS1 Digital Link, or None (other URIs are not judged)."""
    match = _URN.match(uri)
    if match:
        kind, scheme, _ = match.groups()
        if scheme not in _URN_SCHEMES:
            return None  # an EPC scheme this project does not decode (gid, usdod, adi…): not judged
        if _urn_to_path(*match.groups()) is None:
            return f"{uri!r} does not follow the EPC {kind} URN grammar for {scheme}"
        return None
    if uri.startswith("urn:epc:"):
        return f"{uri!r} is not an EPC URN (urn:epc:id|class|idpat:SCHEME:…)"
    _, problem = _dl_path(uri)
    return f"{uri!r}: {problem}" if problem else None


_URN_SCHEMES = {"sgtin", "lgtin", "sscc", "sgln", "grai", "gdti", "sgcn", "giai", "gsrn", "gsrnp", "pgln"}
