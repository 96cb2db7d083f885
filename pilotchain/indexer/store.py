"""The database behind the index: an SQLAlchemy engine for a URL, migrated to the latest schema
with Alembic. SQLite (the default, one file) and PostgreSQL (`postgresql://…`, through psycopg 3)
share the schema of `pilotchain.indexer.schema`."""

from __future__ import annotations

import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from pilotchain.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(url: str, option: str = "--db") -> sa.URL:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise ConfigError(f"{option} {url!r} is not a database URL (sqlite:///path or postgresql://user@host/db)") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"{option} {parsed.get_backend_name()}: only sqlite and postgresql are supported")
    return parsed


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the API) never block the indexer
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across a killed process
    cursor.close()


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: sa.Engine) -> None:
    """Bring the database to the latest schema revision (a no-op when it is there)."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")


def connect_db(url: str, *, option: str = "--db") -> sa.Engine:
    """An engine on `url`, migrated; SQLite files are created with their folder. `option` names
    where the URL came from in the errors (`--db`, `--index`)."""
    parsed = database_url(url, option)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed)
    if parsed.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except sa.exc.OperationalError as exc:
        raise ConfigError(f"cannot open the index database {parsed.render_as_string(hide_password=True)}: "
                          f"{str(exc.orig).strip().splitlines()[0]}") from None
    return engine


def new_revision(message: str) -> None:
    """Write the next migration: the difference between schema.py and the latest revision."""
    with tempfile.TemporaryDirectory() as folder:
        engine = connect_db(f"sqlite:///{folder}/head.sqlite")  # at the latest revision
        with engine.begin() as conn:
            command.revision(alembic_config(conn), message=message, autogenerate=True)
        engine.dispose()
