"""Named SQL files (sql/<folder>/<name>.sql), each opening with a comment saying what it is for.

Values are bound as parameters (`:name`, through SQLAlchemy's text()). The one identifier that varies,
the run schema a statement works in, is written `{run}` in a file and substituted only when it is a
plain lower-case name (a run's schema is `run_<id>`), so nothing else can reach the statement's text.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from jsna.config import SQL_DIR

if TYPE_CHECKING:
    import geopandas as gpd

_SCHEMA = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@lru_cache(maxsize=128)
def _text(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    text = path.read_text(encoding="utf-8")
    if not text.lstrip().startswith("--"):
        raise ValueError(f"{path} must open with a comment saying what it is for")
    return text


def sql_text(name: str, run_schema: str | None = None) -> str:
    """The file's statements, `{run}` replaced by the run schema (a plain lower-case name, else refused)."""
    text = _text(name)
    if run_schema is None:
        return text
    if not _SCHEMA.fullmatch(run_schema):
        raise ValueError(f"{run_schema!r} is not a plain lower-case schema name; {name}.sql was not run in it")
    return text.replace("{run}", run_schema)


def statement(name: str, run_schema: str | None = None) -> sa.TextClause:
    """A named statement, to execute with bound parameters: conn.execute(statement(name), {...})."""
    return sa.text(sql_text(name, run_schema))


def statements(name: str, run_schema: str | None = None) -> list[sa.TextClause]:
    """A file's statements one by one (each ends with ';' at the end of a line), each to execute with bound
    parameters (one statement per execute, as the server binds them)."""
    text = sql_text(name, run_schema)
    return [sa.text(part) for part in re.split(r";[ \t]*$", text, flags=re.M) if part.strip(" \t\n") and
            any(not line.lstrip().startswith("--") for line in part.strip().splitlines())]


def execute_file(conn: Connection, name: str, run_schema: str | None = None) -> None:
    """Run every statement of a build file (no parameters) on the connection."""
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(sql_text(name, run_schema).encode())  # type: ignore[call-overload]


def query_frame(engine: Engine | Connection, name: str, run_schema: str | None = None,
                params: dict[str, Any] | None = None) -> pd.DataFrame:
    """A named query's result as a frame."""
    return pd.read_sql(statement(name, run_schema), engine, params=params or {})


def query_records(engine: Engine | Connection, name: str, run_schema: str | None = None,
                  params: dict[str, Any] | None = None) -> pd.DataFrame:
    """A named query's result as a frame built straight from the driver's rows: the frame `query_frame` (pandas'
    read_sql) gives, in half the time on large results, which read_sql spends on SQLAlchemy's row objects; for
    results without time-zoned timestamps (read_sql turns those to UTC). The refresh's inputs read through it."""
    with engine.connect() if isinstance(engine, Engine) else nullcontext(engine) as conn:
        result = conn.execute(statement(name, run_schema), params or {})
        rows = result.cursor.fetchall()
        columns = list(result.keys())
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=True)


def same_rows(conn: Connection, name: str, run_schemas: tuple[str, str], params: dict[str, Any] | None = None) -> bool:
    """Whether a named query returns the same rows (a multiset: duplicates count, NULLs match) in the two run
    schemas, compared on the server (pipeline/same_rows.sql: the query's statement once in each)."""
    now, then = (sql_text(name, s).rstrip().removesuffix(";") for s in run_schemas)
    text = sql_text("pipeline/same_rows").replace("{this_run}", now).replace("{last_build}", then)
    return bool(conn.execute(sa.text(text), params or {}).scalar_one())


def query_geoframe(engine: Engine | Connection, name: str, run_schema: str | None = None,
                   params: dict[str, Any] | None = None, geom_col: str = "geom") -> gpd.GeoDataFrame:
    """A named query's result as a GeoDataFrame (its geometry in `geom_col`)."""
    import geopandas as gpd  # here: the dashboards read through this module and never need it

    return gpd.read_postgis(statement(name, run_schema), engine, geom_col=geom_col, params=params or {})
