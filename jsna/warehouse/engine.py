"""Database URLs and engines: an existing PostGIS (JSNA_DATABASE_URL) or the local cluster."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from jsna.config import Settings, get_settings
from jsna.errors import DatabaseError
from jsna.warehouse.cluster import LocalCluster


def database_url(settings: Settings | None = None) -> str:
    """The owner's URL: JSNA_DATABASE_URL when set, otherwise the local cluster's."""
    settings = settings or get_settings()
    if settings.database_url:
        return _with_driver(settings.database_url)
    return LocalCluster.from_settings(settings).url()


def loader_url(settings: Settings | None = None) -> str:
    """The role refreshes run as (jsna_loader): JSNA_LOADER_DATABASE_URL, or the owner's URL with that user."""
    settings = settings or get_settings()
    if settings.loader_database_url:
        return _with_driver(settings.loader_database_url)
    url = make_url(database_url(settings)).set(username=settings.loader_role, password=None)
    return url.render_as_string(hide_password=False)


def reader_url(settings: Settings | None = None) -> str:
    """The read-only role's URL, used by the dashboards: same server, the reader role as user."""
    settings = settings or get_settings()
    if settings.reader_database_url:
        return _with_driver(settings.reader_database_url)
    url = make_url(database_url(settings)).set(username=settings.reader_role, password=None)
    return url.render_as_string(hide_password=False)


def _with_driver(url: str) -> str:
    parsed: URL = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername != "postgresql+psycopg":
        raise DatabaseError(f"Only PostgreSQL URLs are supported, not {parsed.drivername}.")
    return parsed.render_as_string(hide_password=False)


def libpq_conninfo(url: str) -> str:
    """The same URL in the form psycopg.connect() takes."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    return sa.create_engine(url, pool_pre_ping=True, future=True)


def get_engine(url: str | None = None) -> Engine:
    """A pooled engine for the URL (default: the owner's)."""
    return _engine(url or database_url())


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseError(
            f"Cannot connect to the warehouse at {where}; run `jsna db up` or check JSNA_DATABASE_URL."
        ) from exc
