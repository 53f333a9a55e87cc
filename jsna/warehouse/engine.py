"""Database URLs and engines: an existing PostGIS (JSNA_DATABASE_URL) or the local cluster."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from jsna.config import Settings, get_settings
from jsna.errors import DatabaseError
from jsna.warehouse.cluster import LocalCluster


def database_url(settings: Settings | None = None) -> str:
    """The owner's URL: JSNA_DATABASE_URL when set, otherwise the local cluster's superuser (with its password)."""
    settings = settings or get_settings()
    if settings.database_url:
        return _with_driver(settings.database_url)
    return LocalCluster.from_settings(settings).url()


def loader_url(settings: Settings | None = None) -> str:
    """The role refreshes run as (jsna_loader): JSNA_LOADER_DATABASE_URL, or the owner's database as that role."""
    settings = settings or get_settings()
    return _role_url(settings, settings.loader_role, settings.loader_database_url)


def analyst_url(settings: Settings | None = None) -> str:
    """The analysts' role (jsna_analyst): JSNA_ANALYST_DATABASE_URL, or the owner's database as that role."""
    settings = settings or get_settings()
    return _role_url(settings, settings.analyst_role, settings.analyst_database_url)


def reader_url(settings: Settings | None = None) -> str:
    """The read-only role's URL, used by the dashboards: JSNA_READER_DATABASE_URL, or the owner's database
    as that role."""
    settings = settings or get_settings()
    return _role_url(settings, settings.reader_role, settings.reader_database_url)


def _role_url(settings: Settings, role: str, own_url: str | None) -> str:
    """The role's own URL when set; otherwise the owner's server and database as `role`, with the role's
    generated password when that server is the local cluster and with none elsewhere (libpq then looks
    in ~/.pgpass or PGPASSWORD). Never the owner's password."""
    if own_url:
        return _with_driver(own_url)
    owner = make_url(database_url(settings))
    cluster = LocalCluster.from_settings(settings)
    password = cluster.passwords().get(role) if _served_by(cluster, owner) else None
    query = {k: v for k, v in owner.query.items() if k not in ("user", "password", "passfile")}
    url = URL.create(owner.drivername, username=role, password=password, host=owner.host, port=owner.port,
                     database=owner.database, query=query)
    return url.render_as_string(hide_password=False)


def _served_by(cluster: LocalCluster, url: URL) -> bool:
    """Whether `url` points at the local cluster: its socket, or 127.0.0.1 (localhost) on its port."""
    host, port = url.host or url.query.get("host"), url.port or url.query.get("port") or 5432
    return host in (str(cluster.socket_dir), "127.0.0.1", "localhost") and str(port) == str(cluster.port)


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
