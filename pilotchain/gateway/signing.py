"""Signed data requests: what a requester sends a gateway, as EIP-712 typed data.

A request names the asset, the purpose of the use, the requesting account, a nonce and an
expiry, under a domain that names the chain and the gateway's own account (as
`verifyingContract`): a request signed for one gateway is worthless at any other, and on any
other chain. The EIP-712 digest of the request is its id: the gateway refuses a second use of
it and writes it on chain as the receipt's `gatewayRequestId`, so the requester can match every
receipt to a request it signed.

    signed = sign_request(account, chain_id=31337, gateway="0x…", asset_id=7,
                          purpose=Purpose.Research, nonce=new_nonce(), expiry=int(time.time()) + 60)
    requests.get(url, headers={HEADER: signed.to_header()})
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import asdict, dataclass, replace
from functools import cached_property, lru_cache

from eth_account.messages import SignableMessage, encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_keys import keys
from eth_keys.exceptions import BadSignature, ValidationError
from eth_utils import keccak, to_checksum_address

from pilotchain import encoding
from pilotchain.errors import ConfigError

HEADER = "Pilotchain-Request"  # the HTTP header carrying the signed request
DOMAIN_NAME = "pilotchain Gateway"
DOMAIN_VERSION = "1"
REQUEST_FIELDS = [
    {"name": "assetId", "type": "uint256"},
    {"name": "purpose", "type": "uint8"},
    {"name": "requester", "type": "address"},
    {"name": "nonce", "type": "uint256"},
    {"name": "expiry", "type": "uint256"},
]
MAX_HEADER = 1024  # bytes of a request header; a genuine one is about 400


class BadRequest(ConfigError):
    """A request header that is not a well-formed signed request."""


@dataclass(frozen=True)
class SignedRequest:
    chain_id: int
    gateway: str  # the gateway's account, the domain's verifyingContract
    asset_id: int
    purpose: int
    requester: str
    nonce: int
    expiry: int  # unix time after which the gateway refuses it
    signature: str  # 0x-hex, 65 bytes

    def message(self) -> dict:
        return {"assetId": self.asset_id, "purpose": self.purpose, "requester": self.requester,
                "nonce": self.nonce, "expiry": self.expiry}

    def signable(self) -> SignableMessage:
        """The typed data as wallets sign it (eth-account's EIP-712 encoder)."""
        return encode_typed_data(full_message=typed_data(self.chain_id, self.gateway, self.message()))

    @cached_property
    def request_id(self) -> bytes:
        """The EIP-712 digest: the request's id, on chain as the receipt's `gatewayRequestId`.

        Computed here from the fixed-size fields (the gateway does it at every request, and
        eth-account's general encoder takes about a millisecond); the domain separator comes
        from eth-account's encoder, once per gateway. A test holds both encodings equal."""
        words = (self.asset_id.to_bytes(32, "big") + self.purpose.to_bytes(32, "big")
                 + bytes(12) + bytes.fromhex(self.requester[2:]) + self.nonce.to_bytes(32, "big")
                 + self.expiry.to_bytes(32, "big"))
        return keccak(b"\x19\x01" + domain_separator(self.chain_id, self.gateway) + keccak(REQUEST_TYPEHASH + words))

    def signer(self) -> str | None:
        """The account that signed (any account for a forged signature: compare it); None for a
        signature from which no key can be recovered."""
        raw = bytes.fromhex(self.signature[2:])
        v = raw[64] - 27 if raw[64] >= 27 else raw[64]
        try:
            key = keys.Signature(raw[:64] + bytes([v])).recover_public_key_from_msg_hash(self.request_id)
        except (BadSignature, ValidationError):
            return None
        return key.to_checksum_address()

    def to_header(self) -> str:
        return base64.urlsafe_b64encode(json.dumps(asdict(self), separators=(",", ":")).encode()).decode()

    @classmethod
    def from_header(cls, value: str) -> SignedRequest:
        """Parse a header; anything malformed is a `BadRequest` naming what is wrong."""
        if len(value) > MAX_HEADER:
            raise BadRequest(f"the {HEADER} header is longer than {MAX_HEADER} bytes")
        try:
            data = json.loads(base64.urlsafe_b64decode(value.encode("ascii")))
        except (ValueError, binascii.Error, UnicodeError):
            raise BadRequest(f"the {HEADER} header is not base64url-encoded JSON") from None
        if not isinstance(data, dict) or set(data) != set(cls.__dataclass_fields__):
            raise BadRequest(f"the {HEADER} header must hold exactly: {', '.join(cls.__dataclass_fields__)}")
        ints = ("chain_id", "asset_id", "purpose", "nonce", "expiry")
        if not all(type(data[name]) is int and 0 <= data[name] < 2**256 for name in ints) or data["purpose"] > 255:
            raise BadRequest(f"{', '.join(ints)} must be unsigned integers (purpose below 256)")
        try:
            gateway, requester = to_checksum_address(data["gateway"]), to_checksum_address(data["requester"])
            signature = bytes.fromhex(data["signature"].removeprefix("0x"))
        except (ValueError, TypeError, AttributeError):
            raise BadRequest("gateway and requester must be addresses, signature 0x-hex") from None
        if len(signature) != 65:
            raise BadRequest(f"the signature must be 65 bytes, got {len(signature)}")
        return replace(cls(**data), gateway=gateway, requester=requester)


REQUEST_TYPE = "DataRequest(" + ",".join(f"{f['type']} {f['name']}" for f in REQUEST_FIELDS) + ")"
REQUEST_TYPEHASH = keccak(text=REQUEST_TYPE)


@lru_cache(maxsize=64)
def domain_separator(chain_id: int, gateway: str) -> bytes:
    return encode_typed_data(full_message=typed_data(chain_id, gateway, {
        "assetId": 0, "purpose": 0, "requester": gateway, "nonce": 0, "expiry": 0})).header


def typed_data(chain_id: int, gateway: str, message: dict) -> dict:
    """The EIP-712 typed data of a request, as `encode_typed_data` and wallets take it."""
    return encoding.typed_data((DOMAIN_NAME, DOMAIN_VERSION), chain_id, gateway, ("DataRequest", REQUEST_FIELDS), message)


def new_nonce() -> int:
    """A random 128-bit nonce: requests need no counter, and a gateway refuses any nonce twice."""
    return secrets.randbits(128)


def sign_request(requester: LocalAccount, *, chain_id: int, gateway: str, asset_id: int, purpose: int,
                 nonce: int, expiry: int) -> SignedRequest:
    unsigned = SignedRequest(chain_id, to_checksum_address(gateway), asset_id, int(purpose), requester.address,
                             nonce, expiry, signature="")
    signature = requester.sign_message(unsigned.signable()).signature
    return replace(unsigned, signature="0x" + bytes(signature).hex())
