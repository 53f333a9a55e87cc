"""Alembic glue: the warehouse schema lives in sql/migrations as revisions that run named .sql files."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from jsna.config import SQL_DIR
from jsna.errors import DatabaseError

MIGRATIONS = SQL_DIR / "migrations"


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def run_sql_file(revision_file: str, direction: str) -> None:
    """Run NNNN_name.<direction>.sql beside an Alembic revision file."""
    from alembic import op

    path = Path(revision_file).with_suffix(f".{direction}.sql")
    op.execute(sa.text(path.read_text(encoding="utf-8")).execution_options(no_parameters=True))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the warehouse schema up to `revision` in one transaction."""
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('jsna-migrate'))"))
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
            conn.execute(sa.text("CREATE SCHEMA IF NOT EXISTS meta"))
            cfg = _alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute((MIGRATIONS / "ownership.sql").read_bytes())  # as is: no placeholders parsed
    except sa.exc.OperationalError as exc:
        raise DatabaseError(f"Cannot migrate the warehouse: {exc.orig}".rstrip(".") + ".") from exc


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table_schema": "meta"})
        return ctx.get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()
