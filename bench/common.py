"""What the benchmarks share: a throwaway database on the warehouse's server, timers, result files."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import sqlalchemy as sa
from psycopg import sql

from jsna.warehouse import migrate
from jsna.warehouse.engine import database_url, get_engine, libpq_conninfo

RESULTS = Path(__file__).parent / "results"


@contextmanager
def scratch_database() -> Iterator[str]:
    """A migrated throwaway database on the same server as the warehouse; dropped afterwards."""
    server = sa.engine.make_url(database_url())
    admin = libpq_conninfo(server.set(database="postgres").render_as_string(hide_password=False))
    name = f"jsna_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(get_engine(url))
        yield url
    finally:
        get_engine(url).dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def timed(into: dict[str, float], key: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into[key] = time.perf_counter() - start


def save(name: str, payload: dict[str, object]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path
