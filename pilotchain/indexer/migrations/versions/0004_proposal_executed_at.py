"""proposal execution time: `proposals.executed_at`, the timestamp of the block of its
ProposalExecuted event, so "what passed and when" is one read

Proposals executed before the upgrade get it from their stored event and its block's timestamp
(null where the block was indexed before revision 0002 recorded timestamps).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('executed_at', sa.BigInteger(), nullable=True))
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('executed_at')


def _backfill(conn: sa.Connection) -> None:
    events = sa.table('events', sa.column('block_number'), sa.column('contract'), sa.column('event'),
                      sa.column('args', sa.JSON))
    blocks = sa.table('blocks', sa.column('number'), sa.column('timestamp'))
    proposals = sa.table('proposals', sa.column('proposal_id'), sa.column('executed_at'))
    executed = conn.execute(
        sa.select(events.c.args, blocks.c.timestamp)
        .join(blocks, blocks.c.number == events.c.block_number)
        .where(events.c.contract == 'EntityRegistry', events.c.event == 'ProposalExecuted')).all()
    for args, timestamp in executed:
        conn.execute(proposals.update().where(proposals.c.proposal_id == args['proposalId'])
                     .values(executed_at=timestamp))
