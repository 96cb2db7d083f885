"""Canonical JSON for EPCIS events, in the spirit of RFC 8785 (JCS).

Keys are sorted by their UTF-16 code units, there is no insignificant whitespace, strings use
the minimal JSON escapes, the output is UTF-8, and numbers are written the way ECMAScript
prints them (so `200`, `200.0` and `2e2` are one number). The same event therefore always has
the same bytes and the same keccak hash, whatever its key order or layout. Integers are kept
exact (JCS would round beyond 2**53); EPCIS quantities never get there.
"""

from __future__ import annotations

import json
import math
from typing import Any

from pilotchain.errors import PilotchainError


class CanonicalJsonError(PilotchainError):
    """A value that has no canonical JSON form (NaN, a non-string key, a lone surrogate…)."""


def canonical_json(obj: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON value (dict, list, str, int, float, bool, None)."""
    out: list[str] = []
    _write(obj, out, "$")
    try:
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalJsonError(f"string is not valid Unicode (lone surrogate): {exc}") from exc


def load_json(text: str | bytes) -> Any:
    """Parse JSON strictly: duplicate keys and NaN/Infinity are errors, not silently merged."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise CanonicalJsonError(f"not valid JSON: {exc}") from exc


def _write(value: Any, out: list[str], path: str) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(_number(value, path))
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out, f"{path}[{i}]")
        out.append("]")
    elif isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalJsonError(f"{path}: object key {key!r} is not a string")
        out.append("{")
        for i, key in enumerate(sorted(value, key=lambda k: k.encode("utf-16-be"))):
            if i:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _write(value[key], out, f"{path}.{key}")
        out.append("}")
    else:
        raise CanonicalJsonError(f"{path}: {type(value).__name__} is not a JSON value")


def _number(x: float, path: str) -> str:
    """ECMAScript Number.prototype.toString for a finite double (RFC 8785 section 3.2.2.3)."""
    if not math.isfinite(x):
        raise CanonicalJsonError(f"{path}: {x} is not a JSON number")
    if x == 0:
        return "0"
    if x < 0:
        return "-" + _number(-x, path)
    mantissa, _, exp_text = repr(x).partition("e")
    int_part, _, frac = mantissa.partition(".")
    exp = int(exp_text or 0)
    if int_part != "0":
        n = len(int_part) + exp  # value = 0.DIGITS × 10**n
    else:
        n = exp - (len(frac) - len(frac.lstrip("0")))
    digits = (int_part + frac).lstrip("0").rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    e = n - 1
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{head}e{'+' if e >= 0 else '-'}{abs(e)}"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise CanonicalJsonError(f"duplicate key {key!r} in a JSON object")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise CanonicalJsonError(f"{name} is not a JSON number")
