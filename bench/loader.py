"""Loader throughput: jsna's COPY loader beside a raw COPY of the same rows and beside
GeoDataFrame.to_postgis, all in one run on the same server. Two raw peers: the rows pre-rendered as
CSV text (the usual bulk load), and pre-rendered in COPY's binary format (the server-bound ceiling);
rendering is not timed for either.

Targets (issue 2): loader >= 0.8x raw COPY and >= 2x to_postgis, in rows per second.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import sqlalchemy as sa
from psycopg import sql

from bench.common import timed
from jsna.warehouse.copy import HEADER, TRAILER, _column_types, _csv_chunk, binary_chunk, copy_frame
from jsna.warehouse.engine import get_engine

DDL = ("CREATE TABLE {t} (code text, year smallint, age smallint, weeks double precision, issued date, "
       "exception boolean, geom geometry(Point, 27700))")


def records(n: int, seed: int = 1) -> gpd.GeoDataFrame:
    """n case-like rows: an LSOA-like code, small ints, a float, a date, a flag and a point."""
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame({
        "code": pd.Series(rng.integers(1, 33_000, n)).map("X01{:06d}".format),
        "year": rng.integers(2015, 2026, n), "age": rng.integers(0, 26, n), "weeks": rng.gamma(4, 6, n).round(2),
        "issued": pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 4000, n), unit="D"),
        "exception": rng.random(n) < 0.05,
    }, geometry=gpd.points_from_xy(rng.uniform(4e5, 5e5, n), rng.uniform(6e4, 1.8e5, n)), crs=27700
    ).rename_geometry("geom")


def _run(conn: sa.Connection, statement: sql.Composed) -> Any:
    """A statement whose table name is composed as an identifier (psycopg.sql), on the connection's driver."""
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur:
        cur.execute(statement)
        return cur.fetchone() if cur.description else None


def _fresh(conn: sa.Connection, table: str) -> None:
    _run(conn, sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
    _run(conn, sql.SQL(DDL).format(t=sql.Identifier(table)))


def _raw_copy(engine: sa.Engine, table: str, fmt: str, rendered: bytes) -> None:
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy(sql.SQL("COPY {} FROM STDIN WITH (FORMAT {})").format(
                sql.Identifier(table), sql.SQL({"csv": "csv", "binary": "binary"}[fmt]))) as cp:
            for i in range(0, len(rendered), 1 << 20):
                cp.write(rendered[i:i + (1 << 20)])


def _round(engine: sa.Engine, frame: gpd.GeoDataFrame, csv_text: bytes, binary: bytes) -> dict[str, float]:
    """One timing of each way of loading the same rows, each into a fresh table."""
    t: dict[str, float] = {}
    with engine.begin() as conn:
        for table in ("bench_raw", "bench_raw_binary", "bench_jsna"):
            _fresh(conn, table)
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_to_postgis"))
    with timed(t, "raw_copy_csv"):
        _raw_copy(engine, "bench_raw", "csv", csv_text)
    with timed(t, "raw_copy_binary"):
        _raw_copy(engine, "bench_raw_binary", "binary", binary)
    with engine.begin() as conn, timed(t, "jsna_loader"):
        copy_frame(conn, "bench_jsna", frame)
    with timed(t, "to_postgis"):
        frame.to_postgis("bench_to_postgis", engine, if_exists="append", index=False, chunksize=50_000)
    return t


def run(url: str, n: int = 500_000, repeats: int = 3) -> dict[str, float]:
    engine = get_engine(url)
    frame = records(n)
    columns = list(frame.columns)
    with engine.begin() as conn:
        _fresh(conn, "bench_raw")
        types = _column_types(conn, None, "bench_raw", columns)
    csv_text = _csv_chunk(frame, columns)
    binary = HEADER + binary_chunk(frame, columns, types) + TRAILER
    rounds = [_round(engine, frame, csv_text, binary) for _ in range(repeats)]
    t = {k: float(np.median([r[k] for r in rounds])) for k in rounds[0]}
    with engine.connect() as conn:
        counts = {k: _run(conn, sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(k)))[0]
                  for k in ("bench_raw", "bench_raw_binary", "bench_jsna", "bench_to_postgis")}
        same = conn.execute(sa.text(
            "SELECT count(*) FROM (SELECT code, year, age, weeks, issued, exception, ST_AsEWKB(geom) FROM bench_jsna "
            "EXCEPT SELECT code, year, age, weeks, issued, exception, ST_AsEWKB(geom) FROM bench_raw) d")).scalar_one()
    assert set(counts.values()) == {n} and same == 0, (counts, same)
    rates = {k: n / v for k, v in t.items()}
    return {
        "rows": n,
        **{f"{k}_rows_per_s": round(v) for k, v in rates.items()},
        "loader_vs_raw_copy_csv": round(rates["jsna_loader"] / rates["raw_copy_csv"], 3),
        "loader_vs_raw_copy_binary": round(rates["jsna_loader"] / rates["raw_copy_binary"], 3),
        "loader_vs_to_postgis": round(rates["jsna_loader"] / rates["to_postgis"], 2),
    }


if __name__ == "__main__":
    import sys

    from bench.common import scratch_database

    with scratch_database() as db:
        print(run(db, int(sys.argv[1]) if len(sys.argv) > 1 else 500_000))
