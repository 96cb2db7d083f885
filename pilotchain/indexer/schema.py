"""The index's schema, declared once (SQLAlchemy Core): Alembic migrations are generated from it.

Every row says where it came from: `block_number`, `block_hash` and `log_index` of the event
that created it (unique together, so a replay is idempotent), `last_block` of the last event that
changed it, and `final` — true once `last_block` is at least the confirmation depth below the
head. A reorg rollback deletes the rows created above the common ancestor and undoes, from
`undo_log`, the changes made above it to older rows.

Hashes, item ids and other bytes32 values are stored as 0x-prefixed lowercase hex; entity,
asset, request and proposal ids as integers; enum values as their integer codes.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
})

Hex32 = sa.String(66)
Address = sa.String(42)
Uint256 = sa.String(78)  # a uint256 past BIGINT (nonces, bitmaps), as decimal text


def _origin() -> list[sa.Column]:
    return [
        sa.Column("block_number", sa.BigInteger, nullable=False, index=True),
        sa.Column("block_hash", Hex32, nullable=False),
        sa.Column("log_index", sa.Integer, nullable=False),
        sa.Column("last_block", sa.BigInteger, nullable=False, index=True),
        sa.Column("final", sa.Boolean, nullable=False, default=False),
    ]


def _table(name: str, *columns, key: tuple[str, ...] = ()) -> sa.Table:
    """A typed table: its own columns, the origin columns, and (block_hash, log_index) as primary
    key unless a natural `key` is given (then they are unique)."""
    constraints = [sa.PrimaryKeyConstraint(*key)] if key else [sa.PrimaryKeyConstraint("block_hash", "log_index")]
    if key:
        constraints.append(sa.UniqueConstraint("block_hash", "log_index"))
    return sa.Table(name, metadata, *columns, *_origin(), *constraints)


# ------------------------------------------------------------------ bookkeeping

meta = sa.Table(
    "meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
)

# The hash of every block that had an event and of each batch's last block (the cursor): a tip
# that still matches the node vouches, by the hash chain, for every block below it. The
# timestamp dates the rows of that block (the API's times; null for blocks indexed before it
# was recorded).
blocks = sa.Table(
    "blocks", metadata,
    sa.Column("number", sa.BigInteger, primary_key=True),
    sa.Column("hash", Hex32, nullable=False),
    sa.Column("timestamp", sa.BigInteger),
)

undo_log = sa.Table(
    "undo_log", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("block_number", sa.BigInteger, nullable=False, index=True),
    sa.Column("table_name", sa.String(64), nullable=False),
    sa.Column("row_key", sa.JSON, nullable=False),
    sa.Column("old_values", sa.JSON, nullable=False),
)

events = sa.Table(
    "events", metadata,
    sa.Column("block_hash", Hex32, nullable=False),
    sa.Column("log_index", sa.Integer, nullable=False),
    sa.Column("block_number", sa.BigInteger, nullable=False, index=True),
    sa.Column("tx_hash", Hex32, nullable=False, index=True),
    sa.Column("contract", sa.String(32), nullable=False),
    sa.Column("event", sa.String(64), nullable=False),
    sa.Column("args", sa.JSON, nullable=False),
    sa.Column("final", sa.Boolean, nullable=False, default=False),
    # the log's first two indexed arguments as its topic words: the library asks the index what
    # it asks eth_getLogs (events whose topic 1 or 2 is one of many ids), on an index
    sa.Column("topic1", Hex32, index=True),
    sa.Column("topic2", Hex32, index=True),
    sa.PrimaryKeyConstraint("block_hash", "log_index"),
    sa.Index(None, "contract", "event"),
)

# ------------------------------------------------------------------ EntityRegistry

entities = _table(
    "entities",
    sa.Column("entity_id", sa.BigInteger),
    sa.Column("code", sa.String(32), nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("admin", Address, nullable=False),
    sa.Column("kind", sa.Integer),
    sa.Column("region", sa.Integer),
    sa.Column("city", sa.Text, index=True),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("capabilities", sa.Integer),
    sa.Column("council", sa.Boolean, nullable=False),
    sa.Column("dossier_hash", Hex32, nullable=False),
    sa.Column("dossier_uri", sa.Text, nullable=False),
    key=("entity_id",),
)

accounts = _table(
    "accounts",
    sa.Column("entity_id", sa.BigInteger),
    sa.Column("account", Address),
    sa.Column("role", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    key=("entity_id", "account"),
)

proposals = _table(
    "proposals",
    sa.Column("proposal_id", sa.BigInteger),
    sa.Column("proposer", sa.BigInteger, nullable=False),
    sa.Column("kind", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
    sa.Column("payload_hash", Hex32, nullable=False),
    sa.Column("payload_uri", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("yes", sa.Integer, nullable=False),
    sa.Column("no", sa.Integer, nullable=False),
    sa.Column("abstain", sa.Integer, nullable=False),
    sa.Column("executed_at", sa.BigInteger),  # block timestamp of ProposalExecuted; null until then
    key=("proposal_id",),
)

votes = _table(
    "votes",
    sa.Column("proposal_id", sa.BigInteger),
    sa.Column("entity_id", sa.BigInteger),
    sa.Column("vote", sa.Integer, nullable=False),
    key=("proposal_id", "entity_id"),
)

voting_rules = _table(
    "voting_rules",
    sa.Column("kind", sa.Integer),
    sa.Column("threshold_bps", sa.Integer, nullable=False),
    sa.Column("quorum_bps", sa.Integer, nullable=False),
    key=("kind",),
)

# ------------------------------------------------------------------ DataSharing

purposes = _table(
    "purposes",
    sa.Column("code", sa.Integer),
    sa.Column("label", sa.Text, nullable=False),
    key=("code",),
)

assets = _table(
    "assets",
    sa.Column("asset_id", sa.BigInteger),
    sa.Column("owner", sa.BigInteger, nullable=False, index=True),
    sa.Column("schema", sa.BigInteger, nullable=False),
    sa.Column("content_hash", Hex32, nullable=False),
    sa.Column("sensitivity", sa.Integer, nullable=False),
    sa.Column("locator", sa.Text, nullable=False),
    sa.Column("retired", sa.Boolean, nullable=False),
    key=("asset_id",),
)

requests = _table(
    "requests",
    sa.Column("request_id", sa.BigInteger),
    sa.Column("asset_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("owner", sa.BigInteger, nullable=False),
    sa.Column("requester", sa.BigInteger, nullable=False, index=True),
    sa.Column("purpose", sa.Integer, nullable=False),
    sa.Column("duration", sa.BigInteger, nullable=False),
    sa.Column("justification_hash", Hex32, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("term", sa.BigInteger),
    sa.Column("reason", sa.Integer),
    key=("request_id",),
)

grants = _table(
    "grants",
    sa.Column("asset_id", sa.BigInteger),
    sa.Column("grantee", sa.BigInteger, index=True),
    sa.Column("owner", sa.BigInteger, nullable=False),
    sa.Column("purposes", sa.BigInteger, nullable=False),
    sa.Column("valid_from", sa.BigInteger, nullable=False),
    sa.Column("valid_until", sa.BigInteger, nullable=False),
    sa.Column("hold_until", sa.BigInteger, nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False),
    sa.Column("revoke_reason", sa.Integer),
    key=("asset_id", "grantee"),
)

receipts = _table(
    "receipts",
    sa.Column("asset_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("owner", sa.BigInteger, nullable=False),
    sa.Column("grantee", sa.BigInteger, nullable=False, index=True),
    sa.Column("purpose", sa.Integer, nullable=False),
    sa.Column("delivery_hash", Hex32, nullable=False),
    sa.Column("gateway_request_id", Hex32, nullable=False),
)

signed_grants = _table(
    "signed_grants",
    sa.Column("asset_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("signer", Address, nullable=False),
    sa.Column("grantee", sa.BigInteger, nullable=False),
    sa.Column("nonce", Uint256, nullable=False),
)

nonce_invalidations = _table(
    "nonce_invalidations",
    sa.Column("signer", Address, nullable=False, index=True),
    sa.Column("entity_id", sa.BigInteger, nullable=False),
    sa.Column("word_pos", Uint256, nullable=False),
    sa.Column("mask", Uint256, nullable=False),
    sa.Column("by", Address, nullable=False),
)

# ------------------------------------------------------------------ Provenance

items = _table(
    "items",
    sa.Column("item_id", Hex32),
    sa.Column("lot", sa.Boolean, nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("unit", sa.String(8), nullable=False),
    sa.Column("commissioned_by", sa.BigInteger, nullable=False),
    sa.Column("owner", sa.BigInteger, nullable=False, index=True),
    sa.Column("custodian", sa.BigInteger, nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("parent_id", Hex32),
    key=("item_id",),
)

provenance_events = _table(
    "provenance_events",
    sa.Column("item_id", Hex32, nullable=False, index=True),
    sa.Column("event", sa.String(32), nullable=False),
    sa.Column("entity_id", sa.BigInteger, nullable=False),
    sa.Column("epcis_hash", Hex32, nullable=False, index=True),
    sa.Column("read_point", Hex32, nullable=False),
    sa.Column("biz_location", Hex32, nullable=False),
    sa.Column("event_time", sa.BigInteger, nullable=False, index=True),
    sa.Column("biz_step", sa.Integer, nullable=False),
    sa.Column("disposition", sa.Integer, nullable=False),
    sa.Column("document", sa.JSON),
)

custody = _table(
    "custody",
    sa.Column("item_id", Hex32, nullable=False, index=True),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("from_entity", sa.BigInteger, nullable=False),
    sa.Column("to_entity", sa.BigInteger, nullable=False),
    sa.Column("biz_transaction", Hex32),
)

certificates = _table(
    "certificates",
    sa.Column("item_id", Hex32, nullable=False, index=True),
    sa.Column("inspector", sa.BigInteger, nullable=False),
    sa.Column("cert_type", Hex32, nullable=False),
    sa.Column("cert_hash", Hex32, nullable=False),
    sa.Column("valid_until", sa.BigInteger, nullable=False),
)

recalls = _table(
    "recalls",
    sa.Column("item_id", Hex32, nullable=False, index=True),
    sa.Column("entity_id", sa.BigInteger, nullable=False),
    sa.Column("reason", Hex32, nullable=False),
    sa.Column("withdrawn", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("withdrawn_by", sa.BigInteger),
    sa.Column("withdraw_reason", Hex32),
)

acknowledgements = _table(
    "acknowledgements",
    sa.Column("item_id", Hex32, nullable=False, index=True),
    sa.Column("recalled_id", Hex32, nullable=False, index=True),
    sa.Column("entity_id", sa.BigInteger, nullable=False),
    sa.Column("released", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("released_by", sa.BigInteger),
)

prefixes = _table(
    "prefixes",
    sa.Column("prefix", sa.String(12)),  # the GS1 company prefix digits
    sa.Column("entity_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("active", sa.Boolean, nullable=False),
    key=("prefix",),
)

lineage = _table(
    "lineage",
    sa.Column("kind", sa.String(16), nullable=False),  # pack, unpack, input, output
    sa.Column("item_id", Hex32, nullable=False, index=True),
    sa.Column("via_id", Hex32, nullable=False, index=True),  # parent item or transformation id
    sa.Column("entity_id", sa.BigInteger, nullable=False),
    sa.Column("amount", sa.BigInteger),
)

TYPED = (entities, accounts, proposals, votes, voting_rules, purposes, assets, requests, grants, receipts,
         signed_grants, nonce_invalidations, items, provenance_events, custody, certificates, recalls,
         acknowledgements, lineage, prefixes)
