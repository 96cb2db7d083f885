"""Short ASCII texts (registration codes, purpose labels) as the contracts' bytes32, and back."""

from __future__ import annotations

from pilotchain.errors import ConfigError


def ascii32(text: str, what: str) -> bytes:
    """`text` (1 to 32 ASCII characters) left-aligned in 32 bytes; `what` names it in errors."""
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        raw = b""
    if not raw or len(raw) > 32:
        raise ConfigError(f"{what} {text!r} must be 1 to 32 ASCII characters")
    return raw.ljust(32, b"\0")


def ascii_text(value: bytes) -> str:
    return bytes(value).rstrip(b"\0").decode("ascii", errors="replace")
