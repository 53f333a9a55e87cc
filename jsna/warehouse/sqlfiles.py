"""Named SQL files (sql/<folder>/<name>.sql), each opening with a comment saying what it is for.

`{run}` in a file stands for the run schema the statement works in.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from jsna.config import SQL_DIR


@lru_cache(maxsize=128)
def _text(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    text = path.read_text(encoding="utf-8")
    if not text.lstrip().startswith("--"):
        raise ValueError(f"{path} must open with a comment saying what it is for")
    return text


def sql_text(name: str, run_schema: str | None = None) -> str:
    text = _text(name)
    return text.replace("{run}", run_schema) if run_schema else text


def execute_file(conn: Connection, name: str, run_schema: str) -> None:
    """Run every statement of a build file (no parameters) on the connection."""
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(sql_text(name, run_schema).encode())  # type: ignore[call-overload]


def query_frame(engine: Engine | Connection, name: str, run_schema: str | None = None,
                params: dict[str, Any] | None = None) -> pd.DataFrame:
    """A named query's result as a frame."""
    return pd.read_sql(sa.text(sql_text(name, run_schema)), engine, params=params or {})
