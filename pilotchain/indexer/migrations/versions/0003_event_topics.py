"""event topics: the first two indexed arguments of every event as topic words, indexed, so the
library's reads ask the index what they would ask eth_getLogs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic1', sa.String(length=66), nullable=True))
        batch_op.add_column(sa.Column('topic2', sa.String(length=66), nullable=True))
        batch_op.create_index(batch_op.f('ix_events_topic1'), ['topic1'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_topic2'), ['topic2'], unique=False)
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_topic2'))
        batch_op.drop_index(batch_op.f('ix_events_topic1'))
        batch_op.drop_column('topic2')
        batch_op.drop_column('topic1')


def _backfill(conn: sa.Connection) -> None:
    """The topic words of the events indexed before this revision, encoded again from their
    stored arguments with the contracts' ABIs (a hashed argument is stored as its topic)."""
    from eth_abi import encode

    from pilotchain import artifacts
    from pilotchain.eventdecode import _dynamic

    events = sa.table('events', sa.column('block_hash'), sa.column('log_index'), sa.column('contract'),
                      sa.column('event'), sa.column('args', sa.JSON), sa.column('topic1'), sa.column('topic2'))
    indexed: dict[tuple[str, str], list[dict]] = {}
    for name in artifacts.CONTRACTS:
        for item in artifacts.load(name).abi:
            if item['type'] == 'event':
                indexed[(name, item['name'])] = [i for i in item['inputs'] if i['indexed']][:2]

    def topic(param: dict, value) -> str:
        if _dynamic(artifacts._abi_type(param)):
            return value
        if param['type'].startswith('bytes'):
            value = bytes.fromhex(value[2:])
        return '0x' + encode([param['type']], [value]).hex()

    rows = conn.execute(sa.select(events.c.block_hash, events.c.log_index, events.c.contract, events.c.event,
                                  events.c.args)).all()
    for block_hash, log_index, contract, event, args in rows:
        params = indexed.get((contract, event), [])
        words = [topic(p, args[p['name']]) for p in params] + [None, None]
        conn.execute(events.update().where(events.c.block_hash == block_hash, events.c.log_index == log_index)
                     .values(topic1=words[0], topic2=words[1]))
