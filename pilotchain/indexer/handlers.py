"""One handler per contract event: each turns a decoded event into rows of the typed tables.

A handler is a function `(ctx, args)` registered with `@on("Contract", "Event")`; `args` are the
event's arguments as JSON-ready values (bytes as 0x hex, structs as dicts), exactly as stored in
the `events` table. Handlers write only through the context (`ctx.insert`, `ctx.update`), which
stamps every row with where it came from and journals every change so that a reorg can undo it.
An event without a handler is still stored in `events`; to index a new event, add one function
here.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

import sqlalchemy as sa

from pilotchain.epcis.codes import prefix_text
from pilotchain.indexer import schema as s
from pilotchain.provenance import unit_text


class Context(Protocol):
    """What a handler may do (implemented by `pilotchain.indexer.core._Batch`)."""

    def insert(self, table: sa.Table, **values: Any) -> None: ...

    def update(self, table: sa.Table, key: dict[str, Any], **values: Any) -> None: ...

    def get(self, table: sa.Table, key: dict[str, Any]) -> dict[str, Any] | None: ...

    def rows(self, table: sa.Table, key: dict[str, Any]) -> list[dict[str, Any]]: ...

    def entity_facts(self, entity_id: int, code: str) -> dict[str, Any]: ...

    def document(self, epcis_hash: str) -> dict | None: ...

    def block_time(self) -> int: ...


Handler = Callable[[Context, dict[str, Any]], None]
HANDLERS: dict[tuple[str, str], Handler] = {}


def on(contract: str, event: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[(contract, event)] = handler
        return handler

    return register


def _upsert(ctx: Context, table: sa.Table, key: dict[str, Any], **values: Any) -> None:
    """Insert the row of `key`, or (journaled) update it when an earlier event created it."""
    if ctx.get(table, key) is None:
        ctx.insert(table, **key, **values)
    else:
        ctx.update(table, key, **values)


def _text32(hex_value: str) -> str:
    """A bytes32 holding right-padded ASCII (a registration code) as text."""
    return bytes.fromhex(hex_value[2:]).rstrip(b"\0").decode("ascii", errors="replace")


# ------------------------------------------------------------------ EntityRegistry


_ADMIN = 2  # IEntityRegistry.AccountRole.Admin


@on("EntityRegistry", "EntityAdmitted")
def entity_admitted(ctx: Context, a: dict) -> None:
    code = _text32(a["code"])
    ctx.insert(s.entities, entity_id=a["entityId"], code=code, name=a["name"], admin=a["admin"],
               status=1, dossier_hash=a["dossierHash"], dossier_uri=a["dossierURI"],
               **ctx.entity_facts(a["entityId"], code))
    # the first admin comes with the admission (no AccountAdded of its own)
    ctx.insert(s.accounts, entity_id=a["entityId"], account=a["admin"], role=_ADMIN, active=True)


@on("EntityRegistry", "EntityStatusChanged")
def entity_status_changed(ctx: Context, a: dict) -> None:
    ctx.update(s.entities, {"entity_id": a["entityId"]}, status=a["status"])


@on("EntityRegistry", "DossierUpdated")
def dossier_updated(ctx: Context, a: dict) -> None:
    ctx.update(s.entities, {"entity_id": a["entityId"]}, dossier_hash=a["dossierHash"], dossier_uri=a["dossierURI"])


@on("EntityRegistry", "CapabilitiesChanged")
def capabilities_changed(ctx: Context, a: dict) -> None:
    ctx.update(s.entities, {"entity_id": a["entityId"]}, capabilities=a["capabilities"])


@on("EntityRegistry", "CouncilJoined")
def council_joined(ctx: Context, a: dict) -> None:
    ctx.update(s.entities, {"entity_id": a["entityId"]}, council=True)


@on("EntityRegistry", "CouncilLeft")
def council_left(ctx: Context, a: dict) -> None:
    ctx.update(s.entities, {"entity_id": a["entityId"]}, council=False)


@on("EntityRegistry", "AccountAdded")
def account_added(ctx: Context, a: dict) -> None:
    _upsert(ctx, s.accounts, {"entity_id": a["entityId"], "account": a["account"]}, role=a["role"], active=True)


@on("EntityRegistry", "AccountRemoved")
def account_removed(ctx: Context, a: dict) -> None:
    ctx.update(s.accounts, {"entity_id": a["entityId"], "account": a["account"]}, active=False)


@on("EntityRegistry", "ProposalCreated")
def proposal_created(ctx: Context, a: dict) -> None:
    ctx.insert(s.proposals, proposal_id=a["proposalId"], proposer=a["proposer"], kind=a["kind"],
               expires_at=a["expiresAt"], payload_hash=a["payloadHash"], payload_uri=a["payloadURI"],
               status="open", yes=0, no=0, abstain=0)


_TALLY = {0: "yes", 1: "no", 2: "abstain"}  # IEntityRegistry.Vote


@on("EntityRegistry", "Voted")
def voted(ctx: Context, a: dict) -> None:
    ctx.insert(s.votes, proposal_id=a["proposalId"], entity_id=a["entityId"], vote=a["vote"])
    key = {"proposal_id": a["proposalId"]}
    column = _TALLY[a["vote"]]
    proposal = ctx.get(s.proposals, key)
    if proposal is not None:
        ctx.update(s.proposals, key, **{column: proposal[column] + 1})


@on("EntityRegistry", "RuleChanged")
def rule_changed(ctx: Context, a: dict) -> None:
    _upsert(ctx, s.voting_rules, {"kind": a["kind"]}, threshold_bps=a["thresholdBps"], quorum_bps=a["quorumBps"])


@on("EntityRegistry", "ProposalExecuted")
def proposal_executed(ctx: Context, a: dict) -> None:
    ctx.update(s.proposals, {"proposal_id": a["proposalId"]}, status="executed", executed_at=ctx.block_time())


@on("EntityRegistry", "ProposalCancelled")
def proposal_cancelled(ctx: Context, a: dict) -> None:
    ctx.update(s.proposals, {"proposal_id": a["proposalId"]}, status="cancelled")


@on("EntityRegistry", "ValidatorAdded")
@on("EntityRegistry", "ValidatorRemoved")
def validator_changed(ctx: Context, a: dict) -> None:
    """Kept in the `events` table alone, with no typed row: the validator set is the named
    validators *of active entities*, so a row would have to follow every status change, and the
    set's readers (the chain agents, `pilotchain entity validators`) ask the contract's bounded
    view at one block instead. `events` filtered by name and entityId gives each entity's history."""


# ------------------------------------------------------------------ DataSharing


@on("DataSharing", "PurposeAdded")
def purpose_added(ctx: Context, a: dict) -> None:
    _upsert(ctx, s.purposes, {"code": a["code"]}, label=_text32(a["label"]))


@on("DataSharing", "AssetRegistered")
def asset_registered(ctx: Context, a: dict) -> None:
    ctx.insert(s.assets, asset_id=a["assetId"], owner=a["owner"], schema=a["schema"],
               content_hash=a["contentHash"], sensitivity=a["sensitivity"], locator=a["locator"], retired=False)


@on("DataSharing", "AssetLocatorUpdated")
def asset_locator_updated(ctx: Context, a: dict) -> None:
    ctx.update(s.assets, {"asset_id": a["assetId"]}, locator=a["locator"])


@on("DataSharing", "AssetRetired")
def asset_retired(ctx: Context, a: dict) -> None:
    ctx.update(s.assets, {"asset_id": a["assetId"]}, retired=True)


@on("DataSharing", "RequestOpened")
def request_opened(ctx: Context, a: dict) -> None:
    ctx.insert(s.requests, request_id=a["requestId"], asset_id=a["assetId"], owner=a["owner"],
               requester=a["requester"], purpose=a["purpose"], duration=a["duration"],
               justification_hash=a["justificationHash"], status="open")


@on("DataSharing", "RequestApproved")
def request_approved(ctx: Context, a: dict) -> None:
    ctx.update(s.requests, {"request_id": a["requestId"]}, status="approved", term=a["term"])


@on("DataSharing", "RequestRejected")
def request_rejected(ctx: Context, a: dict) -> None:
    ctx.update(s.requests, {"request_id": a["requestId"]}, status="rejected", reason=a["reason"])


@on("DataSharing", "RequestWithdrawn")
def request_withdrawn(ctx: Context, a: dict) -> None:
    ctx.update(s.requests, {"request_id": a["requestId"]}, status="withdrawn")


@on("DataSharing", "GrantIssued")
def grant_issued(ctx: Context, a: dict) -> None:
    key = {"asset_id": a["assetId"], "grantee": a["grantee"]}
    # a grant may be issued again after revocation or expiry
    _upsert(ctx, s.grants, key, owner=a["owner"], purposes=a["purposes"], valid_from=a["validFrom"],
            valid_until=a["validUntil"], hold_until=a["holdUntil"], revoked=False, revoke_reason=None)


@on("DataSharing", "GrantRenewed")
def grant_renewed(ctx: Context, a: dict) -> None:
    ctx.update(s.grants, {"asset_id": a["assetId"], "grantee": a["grantee"]},
               purposes=a["purposes"], valid_until=a["validUntil"])


@on("DataSharing", "GrantRevoked")
def grant_revoked(ctx: Context, a: dict) -> None:
    ctx.update(s.grants, {"asset_id": a["assetId"], "grantee": a["grantee"]}, revoked=True, revoke_reason=a["reason"])


@on("DataSharing", "SignedGrantSubmitted")
def signed_grant_submitted(ctx: Context, a: dict) -> None:
    ctx.insert(s.signed_grants, asset_id=a["assetId"], signer=a["signer"], grantee=a["grantee"], nonce=str(a["nonce"]))


@on("DataSharing", "NoncesInvalidated")
def nonces_invalidated(ctx: Context, a: dict) -> None:
    ctx.insert(s.nonce_invalidations, signer=a["signer"], entity_id=a["entityId"], word_pos=str(a["wordPos"]),
               mask=str(a["mask"]), by=a["by"])


@on("DataSharing", "AccessRecorded")
def access_recorded(ctx: Context, a: dict) -> None:
    ctx.insert(s.receipts, asset_id=a["assetId"], owner=a["owner"], grantee=a["grantee"], purpose=a["purpose"],
               delivery_hash=a["deliveryHash"], gateway_request_id=a["gatewayRequestId"])


# ------------------------------------------------------------------ Provenance


def _record(ctx: Context, item_id: str, event: str, entity_id: int, data: dict) -> None:
    """One provenance event with its EPCIS document from the off-chain store, when it is there."""
    ctx.insert(s.provenance_events, item_id=item_id, event=event, entity_id=entity_id,
               epcis_hash=data["epcisHash"], read_point=data["readPoint"], biz_location=data["bizLocation"],
               event_time=data["eventTime"], biz_step=data["bizStep"], disposition=data["disposition"],
               document=ctx.document(data["epcisHash"]))


def _set_item(ctx: Context, item_id: str, **values: Any) -> None:
    if ctx.get(s.items, {"item_id": item_id}) is not None:
        ctx.update(s.items, {"item_id": item_id}, **values)


@on("Provenance", "Commissioned")
def commissioned(ctx: Context, a: dict) -> None:
    q = a["quantity"]
    ctx.insert(s.items, item_id=a["itemId"], lot=q["lot"], amount=q["amount"], unit=unit_text(bytes.fromhex(q["unit"][2:])),
               commissioned_by=a["entityId"], owner=a["entityId"], custodian=a["entityId"], status="active")
    _record(ctx, a["itemId"], "Commissioned", a["entityId"], a["data"])


@on("Provenance", "Observed")
def observed(ctx: Context, a: dict) -> None:
    _record(ctx, a["itemId"], "Observed", a["entityId"], a["data"])


@on("Provenance", "Decommissioned")
def decommissioned(ctx: Context, a: dict) -> None:
    _record(ctx, a["itemId"], "Decommissioned", a["entityId"], a["data"])
    _set_item(ctx, a["itemId"], status="decommissioned")


@on("Provenance", "PackedInto")
def packed_into(ctx: Context, a: dict) -> None:
    _record(ctx, a["itemId"], "PackedInto", a["entityId"], a["data"])
    ctx.insert(s.lineage, kind="pack", item_id=a["itemId"], via_id=a["parentId"], entity_id=a["entityId"])
    _set_item(ctx, a["itemId"], parent_id=a["parentId"])


@on("Provenance", "UnpackedFrom")
def unpacked_from(ctx: Context, a: dict) -> None:
    _record(ctx, a["itemId"], "UnpackedFrom", a["entityId"], a["data"])
    ctx.insert(s.lineage, kind="unpack", item_id=a["itemId"], via_id=a["parentId"], entity_id=a["entityId"])
    _set_item(ctx, a["itemId"], parent_id=None)


@on("Provenance", "AggregationRecorded")
def aggregation_recorded(ctx: Context, a: dict) -> None:
    _record(ctx, a["itemId"], "AggregationRecorded", a["entityId"], a["data"])


@on("Provenance", "Transformed")
def transformed(ctx: Context, a: dict) -> None:
    _record(ctx, a["transformationId"], "Transformed", a["entityId"], a["data"])


@on("Provenance", "InputConsumed")
def input_consumed(ctx: Context, a: dict) -> None:
    ctx.insert(s.lineage, kind="input", item_id=a["itemId"], via_id=a["transformationId"],
               entity_id=a["entityId"], amount=a["amount"])
    _set_item(ctx, a["itemId"], amount=a["remaining"])


@on("Provenance", "OutputProduced")
def output_produced(ctx: Context, a: dict) -> None:
    ctx.insert(s.lineage, kind="output", item_id=a["itemId"], via_id=a["transformationId"],
               entity_id=a["entityId"], amount=a["amount"])
    if ctx.get(s.items, {"item_id": a["itemId"]}) is None:
        ctx.insert(s.items, item_id=a["itemId"], lot=a["lot"], amount=a["amount"],
                   unit=unit_text(bytes.fromhex(a["unit"][2:])), commissioned_by=a["entityId"],
                   owner=a["entityId"], custodian=a["entityId"], status="active")


@on("Provenance", "TransactionRecorded")
def transaction_recorded(ctx: Context, a: dict) -> None:
    _record(ctx, a["itemId"], "TransactionRecorded", a["entityId"], a["data"])


@on("Provenance", "DeviceAssociated")
def device_associated(ctx: Context, a: dict) -> None:
    _record(ctx, a["itemId"], "DeviceAssociated", a["entityId"], a["data"])


@on("Provenance", "DeviceDissociated")
def device_dissociated(ctx: Context, a: dict) -> None:
    _record(ctx, a["itemId"], "DeviceDissociated", a["entityId"], a["data"])


@on("Provenance", "ErrorDeclared")
def error_declared(ctx: Context, a: dict) -> None:
    _record(ctx, a["itemId"], "ErrorDeclared", a["entityId"], a["data"])


def _custody(action: str) -> Handler:
    def handler(ctx: Context, a: dict) -> None:
        ctx.insert(s.custody, item_id=a["itemId"], action=action, from_entity=a["from"], to_entity=a["to"])
        if action == "accepted":
            _set_item(ctx, a["itemId"], custodian=a["to"])

    return handler


for _action in ("Offered", "Accepted", "Rejected", "Cancelled"):
    on("Provenance", f"Custody{_action}")(_custody(_action.lower()))


@on("Provenance", "OwnershipTransferred")
def ownership_transferred(ctx: Context, a: dict) -> None:
    ctx.insert(s.custody, item_id=a["itemId"], action="ownership", from_entity=a["from"], to_entity=a["to"],
               biz_transaction=a["bizTransaction"])
    _set_item(ctx, a["itemId"], owner=a["to"])


@on("Provenance", "Certified")
def certified(ctx: Context, a: dict) -> None:
    ctx.insert(s.certificates, item_id=a["itemId"], inspector=a["inspector"], cert_type=a["certType"],
               cert_hash=a["certHash"], valid_until=a["validUntil"])


@on("Provenance", "Recalled")
def recalled(ctx: Context, a: dict) -> None:
    ctx.insert(s.recalls, item_id=a["itemId"], entity_id=a["entityId"], reason=a["reason"], withdrawn=False)
    _flag_recalled(ctx, a["itemId"])


@on("Provenance", "RecallAcknowledged")
def recall_acknowledged(ctx: Context, a: dict) -> None:
    ctx.insert(s.acknowledgements, item_id=a["itemId"], recalled_id=a["recalledId"], entity_id=a["entityId"],
               released=False)
    _flag_recalled(ctx, a["itemId"])


def _flag_recalled(ctx: Context, item_id: str) -> None:
    """An item is recalled while its own recall stands or it holds an unreleased acknowledgement
    of another item's recall (the contract's recall flags); only active/recalled items change."""
    own = ctx.get(s.recalls, {"item_id": item_id, "withdrawn": False}) is not None
    held = any(r["recalled_id"] != item_id for r in ctx.rows(s.acknowledgements, {"item_id": item_id, "released": False}))
    item = ctx.get(s.items, {"item_id": item_id})
    status = "recalled" if own or held else "active"
    if item is not None and item["status"] in ("active", "recalled") and item["status"] != status:
        ctx.update(s.items, {"item_id": item_id}, status=status)


def _origin_key(row: dict[str, Any]) -> dict[str, Any]:
    """The primary key of a row of a table keyed by its creating event."""
    return {"block_hash": row["block_hash"], "log_index": row["log_index"]}


@on("Provenance", "RecallWithdrawn")
def recall_withdrawn(ctx: Context, a: dict) -> None:
    recall = ctx.get(s.recalls, {"item_id": a["itemId"], "withdrawn": False})
    if recall is not None:
        ctx.update(s.recalls, _origin_key(recall), withdrawn=True, withdrawn_by=a["entityId"],
                   withdraw_reason=a["reason"])
    _flag_recalled(ctx, a["itemId"])


@on("Provenance", "RecallReleased")
def recall_released(ctx: Context, a: dict) -> None:
    ack = ctx.get(s.acknowledgements, {"item_id": a["itemId"], "recalled_id": a["recalledId"], "released": False})
    if ack is not None:
        ctx.update(s.acknowledgements, _origin_key(ack), released=True, released_by=a["entityId"])
    _flag_recalled(ctx, a["itemId"])


@on("Provenance", "PrefixRegistered")
def prefix_registered(ctx: Context, a: dict) -> None:
    _upsert(ctx, s.prefixes, {"prefix": prefix_text(bytes.fromhex(a["prefix"][2:]))}, entity_id=a["entityId"],
            active=True)


@on("Provenance", "PrefixRemoved")
def prefix_removed(ctx: Context, a: dict) -> None:
    ctx.update(s.prefixes, {"prefix": prefix_text(bytes.fromhex(a["prefix"][2:]))}, active=False)
