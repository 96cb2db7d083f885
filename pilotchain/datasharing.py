"""DataSharing in Python: purpose codes, typed records, EIP-712 signed grants and the calls.

An owner entity registers an asset (a content hash and its gateway's locator), grants another
entity access for one or more purpose codes — directly, by approving a request, or by signing
a grant off chain that anyone submits — and its gateway asks `can_access` before serving data
and records a receipt of every delivery. Every function here takes a `Session`; a rejected call
raises `ContractError` with the contract's custom error (`DataSharingNoValidGrant(...)`).

Signed grants (EIP-712, domain "pilotchain DataSharing" version "1"):

    signed = sign_grant(admin_key, chain_id=..., contract=..., asset_id=7, grantee=9,
                        purposes=[Purpose.Research], valid_until=..., nonce=0, deadline=...)
    submit_signed_grant(session, signed)         # any account may submit
    cancel_grant(session, signed)                # or withdraw it first (an admin of the signer's entity)
"""

from __future__ import annotations

import enum
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address

from pilotchain import encoding
from pilotchain.encoding import ascii32, ascii_text
from pilotchain.errors import ConfigError
from pilotchain.session import Session

CONTRACT = "DataSharing"
DOMAIN_NAME = "pilotchain DataSharing"
DOMAIN_VERSION = "1"
PAGE = 100  # items per paged view call


class Purpose(enum.IntEnum):
    """The purpose codes the contract is deployed with; the council may add more (codes 5-63)."""

    Research = 0
    PublicService = 1
    CreditAssessment = 2
    RegulatoryReporting = 3
    Treatment = 4


PURPOSE_LABELS = {
    Purpose.Research: "research",
    Purpose.PublicService: "public-service",
    Purpose.CreditAssessment: "credit-assessment",
    Purpose.RegulatoryReporting: "regulatory-reporting",
    Purpose.Treatment: "treatment",
}


class Sensitivity(enum.IntEnum):
    Public = 0
    Internal = 1
    Confidential = 2
    Restricted = 3


class RequestStatus(enum.IntEnum):
    None_ = 0
    Pending = 1
    Approved = 2
    Rejected = 3
    Withdrawn = 4


# ---------------------------------------------------------------- encodings


def label_bytes(label: str) -> bytes:
    """A purpose label (1 to 32 ASCII characters) as the contract's bytes32."""
    return ascii32(label, "purpose label")


label_text = ascii_text


def purpose_mask(purposes: Iterable[int]) -> int:
    """The bitmask of purpose codes a grant carries (bit p = code p)."""
    mask = 0
    for code in purposes:
        if not 0 <= int(code) < 64:
            raise ConfigError(f"purpose code {code} is out of range 0-63")
        mask |= 1 << int(code)
    return mask


def purpose_codes(mask: int) -> list[int]:
    return [code for code in range(64) if mask >> code & 1]


def parse_purpose(text: str) -> int:
    """A purpose given by code (`0`), enum name (`Research`) or label (`research`)."""
    if text.isdigit():
        return int(text)
    for purpose, label in PURPOSE_LABELS.items():
        if text in (purpose.name, label):
            return int(purpose)
    known = ", ".join(PURPOSE_LABELS.values())
    raise ConfigError(f"unknown purpose {text!r}; use a code or one of: {known}")


def as_bytes32(value: bytes | str, *, what: str) -> bytes:
    """A 32-byte value from bytes or a 0x-hex string."""
    raw = bytes.fromhex(value.removeprefix("0x")) if isinstance(value, str) else bytes(value)
    if len(raw) != 32:
        raise ConfigError(f"{what} must be 32 bytes (64 hex digits), got {len(raw)}")
    return raw


def text_hash(text: str) -> bytes:
    """keccak256 of a document's text (a justification, for example)."""
    return keccak(text=text)


def constructor_args(registry: str, labels: Iterable[str] = PURPOSE_LABELS.values()) -> list:
    """Arguments of `DataSharing(registry, purposeLabels)`."""
    return [to_checksum_address(registry), [label_bytes(label) for label in labels]]


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Asset:
    asset_id: int
    owner: int
    schema: int
    sensitivity: Sensitivity
    retired: bool
    registered_at: int
    updated_at: int
    content_hash: bytes

    @classmethod
    def from_abi(cls, asset_id: int, value: Any) -> Asset:
        owner, schema, sensitivity, retired, registered_at, updated_at, content_hash = value
        return cls(int(asset_id), owner, schema, Sensitivity(sensitivity), retired, registered_at, updated_at,
                   bytes(content_hash))


@dataclass(frozen=True)
class Grant:
    asset_id: int
    grantee: int
    purposes: list[int]
    valid_from: int
    valid_until: int
    hold_until: int
    owner: int
    revoked: bool

    @classmethod
    def from_abi(cls, asset_id: int, grantee: int, value: Any) -> Grant:
        mask, valid_from, valid_until, hold_until, owner, revoked = value
        return cls(int(asset_id), int(grantee), purpose_codes(mask), valid_from, valid_until, hold_until, owner,
                   revoked)

    def is_current(self, now: int) -> bool:
        return not self.revoked and self.valid_from <= now < self.valid_until


@dataclass(frozen=True)
class Request:
    request_id: int
    asset_id: int
    owner: int
    requester: int
    purpose: int
    status: RequestStatus
    duration: int
    created_at: int
    justification_hash: bytes

    @classmethod
    def from_abi(cls, request_id: int, value: Any) -> Request:
        asset_id, owner, requester, purpose, status, duration, created_at, _index, justification = value
        return cls(int(request_id), asset_id, owner, requester, purpose, RequestStatus(status), duration,
                   created_at, bytes(justification))


@dataclass(frozen=True)
class Receipt:
    """One delivery recorded by the owner's gateway."""

    asset_id: int
    grantee: int
    purpose: int
    delivery_hash: bytes
    gateway_request_id: bytes

    def as_tuple(self) -> tuple:
        return (self.asset_id, self.grantee, self.purpose, bytes(self.delivery_hash), bytes(self.gateway_request_id))


# ---------------------------------------------------------------- EIP-712 signed grants

GRANT_FIELDS = [
    {"name": "assetId", "type": "uint256"},
    {"name": "grantee", "type": "uint32"},
    {"name": "purposes", "type": "uint64"},
    {"name": "validFrom", "type": "uint40"},
    {"name": "validUntil", "type": "uint40"},
    {"name": "holdUntil", "type": "uint40"},
    {"name": "signer", "type": "address"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
GRANT_TYPE = "Grant(" + ",".join(f"{f['type']} {f['name']}" for f in GRANT_FIELDS) + ")"


@dataclass(frozen=True)
class SignedGrant:
    """A grant signed off chain by an admin of the asset's owner, ready to submit anywhere."""

    chain_id: int
    contract: str
    asset_id: int
    grantee: int
    purposes: int  # bitmask
    valid_from: int
    valid_until: int
    hold_until: int
    signer: str
    nonce: int
    deadline: int
    signature: str  # 0x-hex, 65 bytes

    def message(self) -> dict:
        return {
            "assetId": self.asset_id,
            "grantee": self.grantee,
            "purposes": self.purposes,
            "validFrom": self.valid_from,
            "validUntil": self.valid_until,
            "holdUntil": self.hold_until,
            "signer": self.signer,
            "nonce": self.nonce,
            "deadline": self.deadline,
        }

    def as_tuple(self) -> tuple:
        """The `IDataSharing.SignedGrant` argument."""
        return tuple(self.message().values())

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> SignedGrant:
        try:
            return cls(**{name: data[name] for name in cls.__dataclass_fields__})
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"not a signed grant: missing or invalid field {exc}") from None


def typed_data(chain_id: int, contract: str, message: dict) -> dict:
    """The EIP-712 typed data of a grant, as `eth_account.messages.encode_typed_data` takes it."""
    return encoding.typed_data((DOMAIN_NAME, DOMAIN_VERSION), chain_id, contract, ("Grant", GRANT_FIELDS), message)


def sign_grant(
    signer: LocalAccount,
    *,
    chain_id: int,
    contract: str,
    asset_id: int,
    grantee: int,
    purposes: Iterable[int],
    valid_until: int,
    nonce: int,
    deadline: int,
    valid_from: int = 0,
    hold_until: int = 0,
) -> SignedGrant:
    """Sign a grant offline with an admin key of the asset's owner (no node needed).

    `nonce` is any number this signer has not used in a submitted grant (sequential numbers
    share storage and are cheaper to submit); `deadline` is the last second (unix time) at
    which the signature may be submitted; `valid_from` 0 means from submission.
    """
    fields = dict(
        chain_id=chain_id,
        contract=to_checksum_address(contract),
        asset_id=asset_id,
        grantee=grantee,
        purposes=purpose_mask(purposes),
        valid_from=valid_from,
        valid_until=valid_until,
        hold_until=hold_until,
        signer=signer.address,
        nonce=nonce,
        deadline=deadline,
    )
    unsigned = SignedGrant(**fields, signature="")
    signable = encode_typed_data(full_message=typed_data(chain_id, fields["contract"], unsigned.message()))
    signature = signer.sign_message(signable).signature
    return SignedGrant(**fields, signature="0x" + bytes(signature).hex())


# ---------------------------------------------------------------- transactions


def _fn(session: Session):
    return session.contract(CONTRACT).functions


def _event(session: Session, receipt: dict, name: str) -> dict:
    return session.events(receipt, CONTRACT, name)[0]


def register_asset(
    session: Session,
    content_hash: bytes | str,
    locator: str,
    *,
    schema: int = 0,
    sensitivity: Sensitivity = Sensitivity.Internal,
) -> Asset:
    receipt = session.transact(
        _fn(session).registerAsset(as_bytes32(content_hash, what="content hash"), schema, int(sensitivity), locator)
    )
    return get_asset(session, _event(session, receipt, "AssetRegistered")["assetId"])


def update_locator(session: Session, asset_id: int, locator: str) -> dict:
    return _event(session, session.transact(_fn(session).updateLocator(asset_id, locator)), "AssetLocatorUpdated")


def retire_asset(session: Session, asset_id: int) -> dict:
    return _event(session, session.transact(_fn(session).retireAsset(asset_id)), "AssetRetired")


def request_access(session: Session, asset_id: int, purpose: int, duration: int, justification: bytes) -> Request:
    """Ask for `duration` seconds of access; `justification` is the hash of the justification."""
    receipt = session.transact(
        _fn(session).requestAccess(asset_id, int(purpose), duration, as_bytes32(justification, what="justification"))
    )
    return get_request(session, _event(session, receipt, "RequestOpened")["requestId"])


def approve_request(session: Session, request_id: int, *, term: int = 0, hold: int = 0) -> Grant:
    """Approve for `term` seconds (0 = as asked), not revocable for `hold` seconds."""
    receipt = session.transact(_fn(session).approveRequest(request_id, term, hold))
    issued = _event(session, receipt, "GrantIssued")
    return get_grant(session, issued["assetId"], issued["grantee"])


def reject_request(session: Session, request_id: int, reason: int) -> dict:
    return _event(session, session.transact(_fn(session).rejectRequest(request_id, reason)), "RequestRejected")


def withdraw_request(session: Session, request_id: int) -> dict:
    return _event(session, session.transact(_fn(session).withdrawRequest(request_id)), "RequestWithdrawn")


def grant(
    session: Session,
    asset_id: int,
    grantee: int,
    purposes: Iterable[int],
    valid_until: int,
    *,
    valid_from: int = 0,
    hold_until: int = 0,
) -> Grant:
    session.transact(
        _fn(session).grant(asset_id, grantee, purpose_mask(purposes), valid_from, valid_until, hold_until)
    )
    return get_grant(session, asset_id, grantee)


def submit_signed_grant(session: Session, signed: SignedGrant) -> Grant:
    contract = _check_contract(session, signed)
    session.transact(contract.functions.submitSignedGrant(signed.as_tuple(), bytes.fromhex(signed.signature[2:])))
    return get_grant(session, signed.asset_id, signed.grantee)


def _check_contract(session: Session, signed: SignedGrant) -> Any:
    contract = session.contract(CONTRACT)
    if to_checksum_address(signed.contract) != contract.address:
        raise ConfigError(
            f"the grant was signed for the DataSharing contract at {signed.contract}, not {contract.address}"
        )
    return contract


def cancel_nonce(session: Session, signer: str, nonce: int) -> dict:
    """Cancel one signed-grant nonce of `signer` (an admin of its entity calls this): a grant
    signed with it is refused from now on with `DataSharingNonceUsed`. Returns the
    `NoncesInvalidated` event."""
    receipt = session.transact(_fn(session).cancelNonce(to_checksum_address(signer), nonce))
    return _event(session, receipt, "NoncesInvalidated")


def invalidate_nonces(session: Session, signer: str, word: int, mask: int) -> dict:
    """Cancel every nonce `word * 256 + b` of `signer` whose bit b is set in `mask` (those already
    used are skipped). Returns the `NoncesInvalidated` event, whose `mask` holds the nonces this
    call cancelled."""
    if not 0 <= mask < 1 << 256 or not 0 <= word < 1 << 248:
        raise ConfigError(f"nonce word {word} / mask {mask:#x} out of range (word < 2^248, mask < 2^256)")
    receipt = session.transact(_fn(session).invalidateNonces(to_checksum_address(signer), word, mask))
    return _event(session, receipt, "NoncesInvalidated")


def cancel_grant(session: Session, signed: SignedGrant) -> dict:
    """Withdraw a signed grant before anyone submits it, by cancelling its nonce."""
    _check_contract(session, signed)
    return cancel_nonce(session, signed.signer, signed.nonce)


def renew(session: Session, asset_id: int, grantee: int, valid_until: int, add_purposes: Iterable[int] = ()) -> Grant:
    session.transact(_fn(session).renew(asset_id, grantee, valid_until, purpose_mask(add_purposes)))
    return get_grant(session, asset_id, grantee)


def revoke(session: Session, asset_id: int, grantee: int, reason: int) -> dict:
    return _event(session, session.transact(_fn(session).revoke(asset_id, grantee, reason)), "GrantRevoked")


def record_access(
    session: Session,
    asset_id: int,
    grantee: int,
    purpose: int,
    delivery_hash: bytes | str,
    gateway_request_id: bytes | str,
) -> dict:
    """Record one delivery; returns the `AccessRecorded` event with the transaction hash."""
    receipt = session.transact(
        _fn(session).recordAccess(
            asset_id,
            grantee,
            int(purpose),
            as_bytes32(delivery_hash, what="delivery hash"),
            as_bytes32(gateway_request_id, what="gateway request id"),
        )
    )
    return {**_event(session, receipt, "AccessRecorded"), "transactionHash": receipt["transactionHash"]}


def record_access_batch(session: Session, receipts: list[Receipt]) -> list[dict]:
    """Record many deliveries in one transaction (all or none)."""
    receipt = session.transact(_fn(session).recordAccessBatch([r.as_tuple() for r in receipts]))
    return session.events(receipt, CONTRACT, "AccessRecorded")


# ---------------------------------------------------------------- views


def can_access(session: Session, asset_id: int, account: str, purpose: int) -> bool:
    return session.call(_fn(session).canAccess(asset_id, to_checksum_address(account), int(purpose)))


def get_asset(session: Session, asset_id: int) -> Asset:
    return Asset.from_abi(asset_id, session.call(_fn(session).asset(asset_id)))


def asset_locator(session: Session, asset_id: int) -> str:
    """The asset's current locator (its gateway URI), which lives only in events."""
    located = [*session.logs(CONTRACT, "AssetRegistered", argument_filters={"assetId": asset_id}),
               *session.logs(CONTRACT, "AssetLocatorUpdated", argument_filters={"assetId": asset_id})]
    if not located:
        raise ConfigError(f"no asset {asset_id} was registered on this chain")
    return max(located, key=lambda e: (e["blockNumber"], e["logIndex"]))["args"]["locator"]


def get_grant(session: Session, asset_id: int, grantee: int) -> Grant:
    return Grant.from_abi(asset_id, grantee, session.call(_fn(session).grantOf(asset_id, grantee)))


def get_request(session: Session, request_id: int) -> Request:
    return Request.from_abi(request_id, session.call(_fn(session).request(request_id)))


def purposes(session: Session) -> dict[int, str]:
    return {code: label_text(label) for code, label in enumerate(session.call(_fn(session).purposeLabels()))}


def nonce_used(session: Session, signer: str, nonce: int) -> bool:
    """Whether `signer`'s `nonce` is spent: used by a submitted grant, or cancelled."""
    return session.call(_fn(session).nonceUsed(to_checksum_address(signer), nonce))


def nonce_bitmap(session: Session, signer: str, word: int) -> int:
    """Word `word` of `signer`'s nonce bitmap (bit b set = nonce `word * 256 + b` is spent)."""
    return session.call(_fn(session).nonceBitmap(to_checksum_address(signer), word))


def _pages(fetch) -> Iterator:
    cursor = 0
    while True:
        page, cursor = fetch(cursor)
        yield from page
        if cursor == 0:
            return


def assets_of(session: Session, owner: int) -> list[Asset]:
    fn = _fn(session)
    views = _pages(lambda cursor: session.call(fn.listAssets(owner, cursor, PAGE)))
    return [Asset.from_abi(asset_id, value) for asset_id, value in views]


def grants_on(session: Session, asset_id: int) -> list[Grant]:
    fn = _fn(session)
    views = _pages(lambda cursor: session.call(fn.listAssetGrants(asset_id, cursor, PAGE)))
    return [Grant.from_abi(a, g, value) for a, g, value in views]


def grants_held(session: Session, grantee: int) -> list[Grant]:
    fn = _fn(session)
    views = _pages(lambda cursor: session.call(fn.listHeldGrants(grantee, cursor, PAGE)))
    return [Grant.from_abi(a, g, value) for a, g, value in views]


def pending_requests(session: Session, owner: int) -> list[Request]:
    fn = _fn(session)
    views = _pages(lambda cursor: session.call(fn.listPendingRequests(owner, cursor, PAGE)))
    return [Request.from_abi(request_id, value) for request_id, value in views]


def default_deadline(seconds: int = 7 * 86400) -> int:
    """A signature deadline `seconds` from now (wall clock)."""
    return int(time.time()) + seconds
