"""One snapshot per response: a REPEATABLE READ, read-only transaction that first takes a share lock on the
published tables (sql/api/snapshot.sql, in the order a refresh's swap takes them, so the swap is wholly before or
after it; waiting for them at most LOCK_WAIT_MS, and no query before them: the first query takes the snapshot),
bounds its statements' time, then reads published.build, the run every row of the response comes from."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.engine import Connection, Engine

from jsna.warehouse.sqlfiles import statement

TIMEOUT_MS = 10_000  # a response's statements give up after this long (query cost bounded)
LOCK_WAIT_MS = 15_000  # ... and its locks after this long behind a refresh's swap (answered 503, Retry-After)


class NotPublished(Exception):
    """No refresh has published the tables yet (published.build is empty)."""


@dataclass(frozen=True)
class Run:
    """The refresh run that built the published tables a response reads."""

    run_id: int
    started_at: datetime
    jsna_version: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "started_at": self.started_at.isoformat(), "jsna_version": self.jsna_version}


@dataclass(frozen=True)
class Rows:
    """A statement's result: its column names and rows (tuples)."""

    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@lru_cache(maxsize=64)
def _compiled(name: str) -> str:
    """sql/api/<name>.sql in psycopg's parameter style (:name as %(name)s), compiled by SQLAlchemy."""
    return str(statement(f"api/{name}").compile(dialect=psycopg_dialect()))


@dataclass
class Snapshot:
    """Reads of one transaction: every statement sees the same run."""

    conn: Connection
    run: Run

    def rows(self, name: str, **params: Any) -> Rows:
        """The named statement sql/api/<name>.sql with these values bound, run by psycopg itself (SQLAlchemy's
        row objects cost as much as the query for a page of figures)."""
        driver = self.conn.connection.driver_connection
        assert driver is not None
        cursor = driver.execute(_compiled(name), params)
        return Rows([c.name for c in cursor.description or []], cursor.fetchall())

    def select(self, query: sa.Select[Any]) -> Rows:
        """A SQLAlchemy (GeoAlchemy2) select, its values bound."""
        result = self.conn.execute(query)
        return Rows(list(result.keys()), [tuple(r) for r in result.all()])


@contextmanager
def snapshot(engine: Engine, timeout_ms: int = TIMEOUT_MS, lock_wait_ms: int = LOCK_WAIT_MS) -> Iterator[Snapshot]:
    """A snapshot of the published tables and the run that built them (NotPublished before any refresh;
    psycopg's LockNotAvailable when a swap holds the tables longer than `lock_wait_ms`)."""
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            driver = conn.connection.driver_connection
            assert driver is not None  # SET binds no server-side parameter: psycopg binds it as a literal
            psycopg.ClientCursor(driver).execute(_compiled("lock_wait"), {"ms": str(int(lock_wait_ms))})
            conn.execute(statement("api/snapshot"))  # locks first: the snapshot is taken by the next query
            conn.execute(statement("api/timeout"), {"ms": timeout_ms})
            build = conn.execute(statement("api/build")).first()
            if build is None:
                raise NotPublished("No refresh has published any figures yet: run `jsna refresh`.")
            yield Snapshot(conn, Run(int(build.run_id), build.started_at, build.jsna_version))
