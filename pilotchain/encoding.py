"""Short ASCII texts (registration codes, purpose labels) as the contracts' bytes32, and back;
EIP-712 typed data in the one domain shape pilotchain signs in."""

from __future__ import annotations

from eth_utils import to_checksum_address

from pilotchain.errors import ConfigError

EIP712_DOMAIN = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


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


def typed_data(domain: tuple[str, str], chain_id: int, verifying: str, primary: tuple[str, list[dict]],
               message: dict) -> dict:
    """EIP-712 typed data as `eth_account.messages.encode_typed_data` and wallets take it: the
    domain (name, version) on `chain_id` and `verifying` (a contract, or a gateway's account),
    the primary type (name, fields) and the message."""
    (name, version), (primary_type, fields) = domain, primary
    return {
        "types": {"EIP712Domain": EIP712_DOMAIN, primary_type: fields},
        "primaryType": primary_type,
        "domain": {"name": name, "version": version, "chainId": chain_id,
                   "verifyingContract": to_checksum_address(verifying)},
        "message": message,
    }
