"""GS1's EPCIS 2.0 JSON Schema (draft-07), checked without a third-party validator.

The schema in `standard/EPCIS-JSON-Schema.json` uses a small part of draft-07; `SchemaValidator`
implements exactly that part (and refuses to load a schema using any other keyword, so a newer
GS1 schema cannot be half-checked silently). Formats checked: `uri` (RFC 3986 absolute URI) and
`date-time` (RFC 3339).

    errors = SchemaValidator.standard().errors(document)   # [(json path, reason), …]
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

STANDARD_DIR = Path(__file__).resolve().parent / "standard"

_KEYWORDS = {
    "$id", "$schema", "$ref", "definitions", "type", "properties", "required", "additionalProperties",
    "propertyNames", "items", "minItems", "uniqueItems", "enum", "pattern", "format", "allOf",
    "anyOf", "oneOf", "not", "if", "then",
}  # fmt: skip
# RFC 3986 absolute URI: scheme ":" then URI characters only (percent escapes well formed).
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*$")
_DATE_TIME = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?"
    r"([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)
_FORMATS = {"uri": _URI.match, "date-time": _DATE_TIME.match}
_TYPES = {
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool)
    or isinstance(v, float) and v.is_integer(),
}  # fmt: skip


class SchemaValidator:
    """Validates JSON values against one draft-07 schema document (the subset GS1 uses)."""

    def __init__(self, schema: dict[str, Any]):
        _check_keywords(schema)
        self.schema = schema
        self._refs: dict[str, dict[str, Any]] = {}

    @classmethod
    @cache
    def standard(cls) -> SchemaValidator:
        """GS1's EPCIS 2.0 JSON Schema, shipped with the package."""
        return cls(json.loads((STANDARD_DIR / "EPCIS-JSON-Schema.json").read_text()))

    def errors(self, value: Any, schema: dict[str, Any] | None = None) -> list[tuple[str, str]]:
        """Every (path, reason) at which `value` fails; [] when it is valid."""
        return self._check(value, self.schema if schema is None else schema, "")

    def definition(self, name: str) -> dict[str, Any]:
        return self.schema["definitions"][name]

    def _resolve(self, ref: str) -> dict[str, Any]:
        if ref not in self._refs:
            self._refs[ref] = self._lookup(ref)
        return self._refs[ref]

    def _lookup(self, ref: str) -> dict[str, Any]:
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref is supported, not {ref!r}")
        node: Any = self.schema
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~").replace("%40", "@")]
        return node

    def _check(self, v: Any, s: Any, path: str) -> list[tuple[str, str]]:
        if s is True or s == {}:
            return []
        if s is False:
            return [(path, "not allowed")]
        errors: list[tuple[str, str]] = []
        if "$ref" in s:
            errors += self._check(v, self._resolve(s["$ref"]), path)
        if "type" in s:
            kinds = s["type"] if isinstance(s["type"], list) else [s["type"]]
            if not any(_TYPES[k](v) for k in kinds):
                return errors + [(path, f"must be of type {' or '.join(kinds)}, not {_json_type(v)}")]
        if "enum" in s and not (v in s["enum"] if isinstance(v, str) else any(_same(v, x) for x in s["enum"])):
            errors.append((path, f"{_short(v)} is not one of {_short(s['enum'])}"))
        if isinstance(v, str):
            if "pattern" in s and not re.search(s["pattern"], v):
                errors.append((path, f"{_short(v)} does not match {s['pattern']}"))
            if "format" in s and s["format"] in _FORMATS and not _FORMATS[s["format"]](v):
                errors.append((path, f"{_short(v)} is not a valid {s['format']}"))
        if isinstance(v, list):
            if len(v) < s.get("minItems", 0):
                errors.append((path, f"needs at least {s['minItems']} item(s)"))
            if s.get("uniqueItems") and len({json.dumps(x, sort_keys=True) for x in v}) < len(v):
                errors.append((path, "items must be unique"))
            if isinstance(s.get("items"), dict):
                for i, item in enumerate(v):
                    errors += self._check(item, s["items"], f"{path}[{i}]")
        if isinstance(v, dict):
            for key in s.get("required", ()):
                if key not in v:
                    errors.append((_join(path, key), "required"))
            properties = s.get("properties", {})
            for key, item in v.items():
                if key in properties:
                    errors += self._check(item, properties[key], _join(path, key))
                elif s.get("additionalProperties") is False:
                    errors.append((_join(path, key), "unknown field (not allowed here)"))
                if "propertyNames" in s and self._check(key, s["propertyNames"], path):
                    errors.append((_join(path, key), "unknown field (a field of another kind of"
                                   " object, or an extension without a namespace prefix)"))
        for sub in s.get("allOf", ()):
            errors += self._check(v, sub, path)
        if "anyOf" in s:
            results = []
            for sub in s["anyOf"]:  # stops at the first alternative that fits
                results.append(self._check(v, sub, path))
                if not results[-1]:
                    break
            else:
                errors += _closest(results)
        if "oneOf" in s:
            results = [self._check(v, sub, path) for sub in s["oneOf"]]
            passing = sum(1 for r in results if not r)
            if passing == 0:
                errors += _closest(results)
            elif passing > 1:
                errors.append((path, "matches more than one alternative"))
        if "not" in s and not self._check(v, s["not"], path):
            errors.append((path, "matches a form that is not allowed here"))
        if "if" in s and not self._check(v, s["if"], path) and "then" in s:
            errors += self._check(v, s["then"], path)
        return errors


def _closest(results: list[list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The errors of the alternative that got furthest (deepest path, then fewest errors)."""
    return max(results, key=lambda r: (max(len(p) for p, _ in r), -len(r)))


def _check_keywords(schema: Any) -> None:
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        unknown = set(node) - _KEYWORDS
        if unknown:
            raise ValueError(f"schema keyword(s) not supported: {sorted(unknown)}")
        for key, sub in node.items():
            if key in ("properties", "definitions"):
                stack += sub.values()
            elif key in ("allOf", "anyOf", "oneOf"):
                stack += sub
            elif key in ("items", "not", "if", "then", "propertyNames", "additionalProperties"):
                stack.append(sub)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b or _TYPES["number"](a) and _TYPES["number"](b) and a == b


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _json_type(v: Any) -> str:
    for name in ("null", "boolean", "number", "string", "array", "object"):
        if _TYPES[name](v):
            return name
    return type(v).__name__


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
