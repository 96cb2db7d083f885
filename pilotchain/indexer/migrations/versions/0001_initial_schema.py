"""initial schema: bookkeeping (meta, blocks, undo_log), events and the typed tables

Revision ID: 0001
Revises: 
Create Date: 2026-11-30
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('entity_id', sa.BigInteger(), nullable=False),
    sa.Column('account', sa.String(length=42), nullable=False),
    sa.Column('role', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('entity_id', 'account', name=op.f('pk_accounts')),
    sa.UniqueConstraint('block_hash', 'log_index', name=op.f('uq_accounts_block_hash_log_index'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounts_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounts_last_block'), ['last_block'], unique=False)

    op.create_table('acknowledgements',
    sa.Column('item_id', sa.String(length=66), nullable=False),
    sa.Column('recalled_id', sa.String(length=66), nullable=False),
    sa.Column('entity_id', sa.BigInteger(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('block_hash', 'log_index', name=op.f('pk_acknowledgements'))
    )
    with op.batch_alter_table('acknowledgements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acknowledgements_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_acknowledgements_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_acknowledgements_last_block'), ['last_block'], unique=False)
        batch_op.create_index(batch_op.f('ix_acknowledgements_recalled_id'), ['recalled_id'], unique=False)

    op.create_table('assets',
    sa.Column('asset_id', sa.BigInteger(), nullable=False),
    sa.Column('owner', sa.BigInteger(), nullable=False),
    sa.Column('schema', sa.BigInteger(), nullable=False),
    sa.Column('content_hash', sa.String(length=66), nullable=False),
    sa.Column('sensitivity', sa.Integer(), nullable=False),
    sa.Column('locator', sa.Text(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('asset_id', name=op.f('pk_assets')),
    sa.UniqueConstraint('block_hash', 'log_index', name=op.f('uq_assets_block_hash_log_index'))
    )
    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assets_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_assets_last_block'), ['last_block'], unique=False)
        batch_op.create_index(batch_op.f('ix_assets_owner'), ['owner'], unique=False)

    op.create_table('blocks',
    sa.Column('number', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=66), nullable=False),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_blocks'))
    )
    op.create_table('certificates',
    sa.Column('item_id', sa.String(length=66), nullable=False),
    sa.Column('inspector', sa.BigInteger(), nullable=False),
    sa.Column('cert_type', sa.String(length=66), nullable=False),
    sa.Column('cert_hash', sa.String(length=66), nullable=False),
    sa.Column('valid_until', sa.BigInteger(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('block_hash', 'log_index', name=op.f('pk_certificates'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_last_block'), ['last_block'], unique=False)

    op.create_table('custody',
    sa.Column('item_id', sa.String(length=66), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_entity', sa.BigInteger(), nullable=False),
    sa.Column('to_entity', sa.BigInteger(), nullable=False),
    sa.Column('biz_transaction', sa.String(length=66), nullable=True),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('block_hash', 'log_index', name=op.f('pk_custody'))
    )
    with op.batch_alter_table('custody', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_last_block'), ['last_block'], unique=False)

    op.create_table('entities',
    sa.Column('entity_id', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('admin', sa.String(length=42), nullable=False),
    sa.Column('kind', sa.Integer(), nullable=True),
    sa.Column('region', sa.Integer(), nullable=True),
    sa.Column('city', sa.Text(), nullable=True),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('capabilities', sa.Integer(), nullable=True),
    sa.Column('council', sa.Boolean(), nullable=False),
    sa.Column('dossier_hash', sa.String(length=66), nullable=False),
    sa.Column('dossier_uri', sa.Text(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('entity_id', name=op.f('pk_entities')),
    sa.UniqueConstraint('block_hash', 'log_index', name=op.f('uq_entities_block_hash_log_index')),
    sa.UniqueConstraint('code', name=op.f('uq_entities_code'))
    )
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entities_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_entities_city'), ['city'], unique=False)
        batch_op.create_index(batch_op.f('ix_entities_last_block'), ['last_block'], unique=False)

    op.create_table('events',
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('contract', sa.String(length=32), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('block_hash', 'log_index', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_contract_event'), ['contract', 'event'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_tx_hash'), ['tx_hash'], unique=False)

    op.create_table('grants',
    sa.Column('asset_id', sa.BigInteger(), nullable=False),
    sa.Column('grantee', sa.BigInteger(), nullable=False),
    sa.Column('owner', sa.BigInteger(), nullable=False),
    sa.Column('purposes', sa.BigInteger(), nullable=False),
    sa.Column('valid_from', sa.BigInteger(), nullable=False),
    sa.Column('valid_until', sa.BigInteger(), nullable=False),
    sa.Column('hold_until', sa.BigInteger(), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.Column('revoke_reason', sa.Integer(), nullable=True),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('asset_id', 'grantee', name=op.f('pk_grants')),
    sa.UniqueConstraint('block_hash', 'log_index', name=op.f('uq_grants_block_hash_log_index'))
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grants_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_grantee'), ['grantee'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_last_block'), ['last_block'], unique=False)

    op.create_table('items',
    sa.Column('item_id', sa.String(length=66), nullable=False),
    sa.Column('lot', sa.Boolean(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('unit', sa.String(length=8), nullable=False),
    sa.Column('commissioned_by', sa.BigInteger(), nullable=False),
    sa.Column('owner', sa.BigInteger(), nullable=False),
    sa.Column('custodian', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.String(length=66), nullable=True),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_items')),
    sa.UniqueConstraint('block_hash', 'log_index', name=op.f('uq_items_block_hash_log_index'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_items_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_custodian'), ['custodian'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_last_block'), ['last_block'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_owner'), ['owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_status'), ['status'], unique=False)

    op.create_table('lineage',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('item_id', sa.String(length=66), nullable=False),
    sa.Column('via_id', sa.String(length=66), nullable=False),
    sa.Column('entity_id', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('block_hash', 'log_index', name=op.f('pk_lineage'))
    )
    with op.batch_alter_table('lineage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lineage_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_lineage_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lineage_last_block'), ['last_block'], unique=False)
        batch_op.create_index(batch_op.f('ix_lineage_via_id'), ['via_id'], unique=False)

    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_meta'))
    )
    op.create_table('proposals',
    sa.Column('proposal_id', sa.BigInteger(), nullable=False),
    sa.Column('proposer', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.BigInteger(), nullable=False),
    sa.Column('payload_hash', sa.String(length=66), nullable=False),
    sa.Column('payload_uri', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('yes', sa.Integer(), nullable=False),
    sa.Column('no', sa.Integer(), nullable=False),
    sa.Column('abstain', sa.Integer(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('proposal_id', name=op.f('pk_proposals')),
    sa.UniqueConstraint('block_hash', 'log_index', name=op.f('uq_proposals_block_hash_log_index'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_last_block'), ['last_block'], unique=False)

    op.create_table('provenance_events',
    sa.Column('item_id', sa.String(length=66), nullable=False),
    sa.Column('event', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.BigInteger(), nullable=False),
    sa.Column('epcis_hash', sa.String(length=66), nullable=False),
    sa.Column('read_point', sa.String(length=66), nullable=False),
    sa.Column('biz_location', sa.String(length=66), nullable=False),
    sa.Column('event_time', sa.BigInteger(), nullable=False),
    sa.Column('biz_step', sa.Integer(), nullable=False),
    sa.Column('disposition', sa.Integer(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=True),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('block_hash', 'log_index', name=op.f('pk_provenance_events'))
    )
    with op.batch_alter_table('provenance_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provenance_events_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_provenance_events_epcis_hash'), ['epcis_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_provenance_events_event_time'), ['event_time'], unique=False)
        batch_op.create_index(batch_op.f('ix_provenance_events_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_provenance_events_last_block'), ['last_block'], unique=False)

    op.create_table('recalls',
    sa.Column('item_id', sa.String(length=66), nullable=False),
    sa.Column('entity_id', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=66), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('block_hash', 'log_index', name=op.f('pk_recalls'))
    )
    with op.batch_alter_table('recalls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recalls_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_recalls_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recalls_last_block'), ['last_block'], unique=False)

    op.create_table('receipts',
    sa.Column('asset_id', sa.BigInteger(), nullable=False),
    sa.Column('owner', sa.BigInteger(), nullable=False),
    sa.Column('grantee', sa.BigInteger(), nullable=False),
    sa.Column('purpose', sa.Integer(), nullable=False),
    sa.Column('delivery_hash', sa.String(length=66), nullable=False),
    sa.Column('gateway_request_id', sa.String(length=66), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('block_hash', 'log_index', name=op.f('pk_receipts'))
    )
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipts_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipts_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipts_grantee'), ['grantee'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipts_last_block'), ['last_block'], unique=False)

    op.create_table('requests',
    sa.Column('request_id', sa.BigInteger(), nullable=False),
    sa.Column('asset_id', sa.BigInteger(), nullable=False),
    sa.Column('owner', sa.BigInteger(), nullable=False),
    sa.Column('requester', sa.BigInteger(), nullable=False),
    sa.Column('purpose', sa.Integer(), nullable=False),
    sa.Column('duration', sa.BigInteger(), nullable=False),
    sa.Column('justification_hash', sa.String(length=66), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('term', sa.BigInteger(), nullable=True),
    sa.Column('reason', sa.Integer(), nullable=True),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('request_id', name=op.f('pk_requests')),
    sa.UniqueConstraint('block_hash', 'log_index', name=op.f('uq_requests_block_hash_log_index'))
    )
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requests_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_requests_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_requests_last_block'), ['last_block'], unique=False)
        batch_op.create_index(batch_op.f('ix_requests_requester'), ['requester'], unique=False)

    op.create_table('undo_log',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('table_name', sa.String(length=64), nullable=False),
    sa.Column('row_key', sa.JSON(), nullable=False),
    sa.Column('old_values', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_undo_log'))
    )
    with op.batch_alter_table('undo_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_undo_log_block_number'), ['block_number'], unique=False)

    op.create_table('votes',
    sa.Column('proposal_id', sa.BigInteger(), nullable=False),
    sa.Column('entity_id', sa.BigInteger(), nullable=False),
    sa.Column('vote', sa.Integer(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('proposal_id', 'entity_id', name=op.f('pk_votes')),
    sa.UniqueConstraint('block_hash', 'log_index', name=op.f('uq_votes_block_hash_log_index'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_votes_last_block'), ['last_block'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_last_block'))
        batch_op.drop_index(batch_op.f('ix_votes_block_number'))

    op.drop_table('votes')
    with op.batch_alter_table('undo_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_undo_log_block_number'))

    op.drop_table('undo_log')
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requests_requester'))
        batch_op.drop_index(batch_op.f('ix_requests_last_block'))
        batch_op.drop_index(batch_op.f('ix_requests_block_number'))
        batch_op.drop_index(batch_op.f('ix_requests_asset_id'))

    op.drop_table('requests')
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipts_last_block'))
        batch_op.drop_index(batch_op.f('ix_receipts_grantee'))
        batch_op.drop_index(batch_op.f('ix_receipts_block_number'))
        batch_op.drop_index(batch_op.f('ix_receipts_asset_id'))

    op.drop_table('receipts')
    with op.batch_alter_table('recalls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recalls_last_block'))
        batch_op.drop_index(batch_op.f('ix_recalls_item_id'))
        batch_op.drop_index(batch_op.f('ix_recalls_block_number'))

    op.drop_table('recalls')
    with op.batch_alter_table('provenance_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provenance_events_last_block'))
        batch_op.drop_index(batch_op.f('ix_provenance_events_item_id'))
        batch_op.drop_index(batch_op.f('ix_provenance_events_event_time'))
        batch_op.drop_index(batch_op.f('ix_provenance_events_epcis_hash'))
        batch_op.drop_index(batch_op.f('ix_provenance_events_block_number'))

    op.drop_table('provenance_events')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_last_block'))
        batch_op.drop_index(batch_op.f('ix_proposals_block_number'))

    op.drop_table('proposals')
    op.drop_table('meta')
    with op.batch_alter_table('lineage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lineage_via_id'))
        batch_op.drop_index(batch_op.f('ix_lineage_last_block'))
        batch_op.drop_index(batch_op.f('ix_lineage_item_id'))
        batch_op.drop_index(batch_op.f('ix_lineage_block_number'))

    op.drop_table('lineage')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_items_status'))
        batch_op.drop_index(batch_op.f('ix_items_owner'))
        batch_op.drop_index(batch_op.f('ix_items_last_block'))
        batch_op.drop_index(batch_op.f('ix_items_custodian'))
        batch_op.drop_index(batch_op.f('ix_items_block_number'))

    op.drop_table('items')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grants_last_block'))
        batch_op.drop_index(batch_op.f('ix_grants_grantee'))
        batch_op.drop_index(batch_op.f('ix_grants_block_number'))

    op.drop_table('grants')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_tx_hash'))
        batch_op.drop_index(batch_op.f('ix_events_contract_event'))
        batch_op.drop_index(batch_op.f('ix_events_block_number'))

    op.drop_table('events')
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entities_last_block'))
        batch_op.drop_index(batch_op.f('ix_entities_city'))
        batch_op.drop_index(batch_op.f('ix_entities_block_number'))

    op.drop_table('entities')
    with op.batch_alter_table('custody', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custody_last_block'))
        batch_op.drop_index(batch_op.f('ix_custody_item_id'))
        batch_op.drop_index(batch_op.f('ix_custody_block_number'))

    op.drop_table('custody')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_last_block'))
        batch_op.drop_index(batch_op.f('ix_certificates_item_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_block_number'))

    op.drop_table('certificates')
    op.drop_table('blocks')
    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assets_owner'))
        batch_op.drop_index(batch_op.f('ix_assets_last_block'))
        batch_op.drop_index(batch_op.f('ix_assets_block_number'))

    op.drop_table('assets')
    with op.batch_alter_table('acknowledgements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acknowledgements_recalled_id'))
        batch_op.drop_index(batch_op.f('ix_acknowledgements_last_block'))
        batch_op.drop_index(batch_op.f('ix_acknowledgements_item_id'))
        batch_op.drop_index(batch_op.f('ix_acknowledgements_block_number'))

    op.drop_table('acknowledgements')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_last_block'))
        batch_op.drop_index(batch_op.f('ix_accounts_block_number'))

    op.drop_table('accounts')
