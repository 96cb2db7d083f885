"""handlers for every event: voting rules, purposes, signed grants, nonce invalidations, recall withdrawal and release, company prefixes; block timestamps

An index built at revision 0001 keeps its rows but has none for these events before the
upgrade, and no timestamps for its blocks (the raw events are in `events`): delete the database
and index again to fill them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('nonce_invalidations',
    sa.Column('signer', sa.String(length=42), nullable=False),
    sa.Column('entity_id', sa.BigInteger(), nullable=False),
    sa.Column('word_pos', sa.String(length=78), nullable=False),
    sa.Column('mask', sa.String(length=78), nullable=False),
    sa.Column('by', sa.String(length=42), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('block_hash', 'log_index', name=op.f('pk_nonce_invalidations'))
    )
    with op.batch_alter_table('nonce_invalidations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nonce_invalidations_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_nonce_invalidations_last_block'), ['last_block'], unique=False)
        batch_op.create_index(batch_op.f('ix_nonce_invalidations_signer'), ['signer'], unique=False)

    op.create_table('prefixes',
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('entity_id', sa.BigInteger(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', name=op.f('pk_prefixes')),
    sa.UniqueConstraint('block_hash', 'log_index', name=op.f('uq_prefixes_block_hash_log_index'))
    )
    with op.batch_alter_table('prefixes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prefixes_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_prefixes_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_prefixes_last_block'), ['last_block'], unique=False)

    op.create_table('purposes',
    sa.Column('code', sa.Integer(), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_purposes')),
    sa.UniqueConstraint('block_hash', 'log_index', name=op.f('uq_purposes_block_hash_log_index'))
    )
    with op.batch_alter_table('purposes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purposes_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_purposes_last_block'), ['last_block'], unique=False)

    op.create_table('signed_grants',
    sa.Column('asset_id', sa.BigInteger(), nullable=False),
    sa.Column('signer', sa.String(length=42), nullable=False),
    sa.Column('grantee', sa.BigInteger(), nullable=False),
    sa.Column('nonce', sa.String(length=78), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('block_hash', 'log_index', name=op.f('pk_signed_grants'))
    )
    with op.batch_alter_table('signed_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_grants_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signed_grants_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_signed_grants_last_block'), ['last_block'], unique=False)

    op.create_table('voting_rules',
    sa.Column('kind', sa.Integer(), nullable=False),
    sa.Column('threshold_bps', sa.Integer(), nullable=False),
    sa.Column('quorum_bps', sa.Integer(), nullable=False),
    sa.Column('block_number', sa.BigInteger(), nullable=False),
    sa.Column('block_hash', sa.String(length=66), nullable=False),
    sa.Column('log_index', sa.Integer(), nullable=False),
    sa.Column('last_block', sa.BigInteger(), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_voting_rules')),
    sa.UniqueConstraint('block_hash', 'log_index', name=op.f('uq_voting_rules_block_hash_log_index'))
    )
    with op.batch_alter_table('voting_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voting_rules_block_number'), ['block_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_voting_rules_last_block'), ['last_block'], unique=False)

    with op.batch_alter_table('acknowledgements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('released', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('released_by', sa.BigInteger(), nullable=True))

    with op.batch_alter_table('blocks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timestamp', sa.BigInteger(), nullable=True))

    with op.batch_alter_table('recalls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('withdrawn_by', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('withdraw_reason', sa.String(length=66), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('recalls', schema=None) as batch_op:
        batch_op.drop_column('withdraw_reason')
        batch_op.drop_column('withdrawn_by')
        batch_op.drop_column('withdrawn')

    with op.batch_alter_table('blocks', schema=None) as batch_op:
        batch_op.drop_column('timestamp')

    with op.batch_alter_table('acknowledgements', schema=None) as batch_op:
        batch_op.drop_column('released_by')
        batch_op.drop_column('released')

    with op.batch_alter_table('voting_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voting_rules_last_block'))
        batch_op.drop_index(batch_op.f('ix_voting_rules_block_number'))

    op.drop_table('voting_rules')
    with op.batch_alter_table('signed_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_grants_last_block'))
        batch_op.drop_index(batch_op.f('ix_signed_grants_block_number'))
        batch_op.drop_index(batch_op.f('ix_signed_grants_asset_id'))

    op.drop_table('signed_grants')
    with op.batch_alter_table('purposes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purposes_last_block'))
        batch_op.drop_index(batch_op.f('ix_purposes_block_number'))

    op.drop_table('purposes')
    with op.batch_alter_table('prefixes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prefixes_last_block'))
        batch_op.drop_index(batch_op.f('ix_prefixes_entity_id'))
        batch_op.drop_index(batch_op.f('ix_prefixes_block_number'))

    op.drop_table('prefixes')
    with op.batch_alter_table('nonce_invalidations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nonce_invalidations_signer'))
        batch_op.drop_index(batch_op.f('ix_nonce_invalidations_last_block'))
        batch_op.drop_index(batch_op.f('ix_nonce_invalidations_block_number'))

    op.drop_table('nonce_invalidations')
