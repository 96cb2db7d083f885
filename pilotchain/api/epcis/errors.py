"""The binding's exceptions as RFC 9457 problem bodies (`pilotchain.problems`).

GS1's OpenAPI names each error by its EPCIS exception, `"type": "epcisException:QueryParameterException"`;
clients branch on those names, so these problems carry them as their type (the title, status,
detail and extension members are as for every other pilotchain problem).
"""

from __future__ import annotations

from pilotchain.problems import Problem


class EpcisException(Problem):
    """A problem whose type is the binding's `epcisException:<name>`."""

    @property
    def type(self) -> str:
        return f"epcisException:{self.slug}"


def not_found(what: str) -> EpcisException:
    return EpcisException(404, "NoSuchResourceException", "No such resource", detail=what)


def forbidden(detail: str) -> EpcisException:
    return EpcisException(403, "SecurityException", "Not allowed", detail=detail)
