"""Alembic environment: migrations run on the connection `pilotchain.indexer.store` hands over
(or, from the `alembic` command line, on the URL in $PILOTCHAIN_INDEX_URL)."""

import os

import sqlalchemy as sa
from alembic import context

from pilotchain.indexer.schema import metadata

connection = context.config.attributes.get("connection")


def _run(conn: sa.Connection) -> None:
    # batch mode: SQLite alters a table by copying it
    context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    engine = sa.create_engine(os.environ["PILOTCHAIN_INDEX_URL"])
    with engine.begin() as conn:
        _run(conn)
