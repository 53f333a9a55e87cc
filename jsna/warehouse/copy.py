"""Bulk loading with COPY in PostgreSQL's binary format, built from numpy arrays.

Each chunk of rows becomes one byte buffer assembled with vectorised numpy scatters (no Python loop
over rows or values), so the server's parsing, not the client, sets the pace. The target columns'
types are read from the catalogue so that every value is sent in exactly its binary form; a column of
a type without a binary writer here (numeric, arrays) sends the chunk as CSV text instead.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy.engine import Connection

CHUNK_ROWS = 50_000
HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)
PG_EPOCH = np.datetime64("2000-01-01", "D")
PG_EPOCH_US = np.datetime64("2000-01-01T00:00:00", "us")
FIXED = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float4": ">f4", "float8": ">f8", "bool": "u1",
         "date": ">i4", "timestamp": ">i8", "timestamptz": ">i8"}
VARIABLE = {"text", "varchar", "bpchar", "geometry", "jsonb", "json", "name"}


# -- values as (payload, lengths) ------------------------------------------------------------------
def _fixed(s: pd.Series, typ: str) -> tuple[np.ndarray, np.ndarray]:
    """(n, width) big-endian bytes and lengths (-1 for NULL) of a fixed-width column."""
    null = s.isna().to_numpy()
    if typ == "date":
        days = pd.to_datetime(s).to_numpy(dtype="datetime64[D]")
        values = np.where(null, 0, (days - PG_EPOCH).astype(np.int64))
    elif typ in ("timestamp", "timestamptz"):
        ts = pd.to_datetime(s, utc=typ == "timestamptz")
        micro = ts.dt.tz_convert(None) if typ == "timestamptz" else ts
        values = np.where(null, 0, (micro.to_numpy(dtype="datetime64[us]") - PG_EPOCH_US).astype(np.int64))
    elif typ == "bool":
        values = np.where(null, 0, s.fillna(False).to_numpy(dtype=bool))
    else:
        values = np.where(null, 0, pd.to_numeric(s).to_numpy(dtype=float, na_value=0))
    dtype = np.dtype(FIXED[typ])
    raw = np.ascontiguousarray(values.astype(dtype)).view(np.uint8).reshape(len(s), dtype.itemsize)
    return raw, np.where(null, -1, dtype.itemsize).astype(np.int64)


@lru_cache(maxsize=16)
def _epsg(crs: object) -> int | None:
    return crs.to_epsg() if crs is not None else None  # type: ignore[attr-defined]


def _concatenated(encoded: np.ndarray, null: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated bytes and lengths (-1 for NULL) of an array of bytes objects (None where null)."""
    encoded = np.where(null, b"", encoded)
    lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), np.where(null, -1, lengths)


def _with_srid(payload: np.ndarray, lengths: np.ndarray, srid: int) -> tuple[np.ndarray, np.ndarray]:
    """Little-endian WKB -> EWKB: set the SRID flag on each geometry's type and insert the SRID after it.

    Done on the concatenated bytes, which is far cheaper than giving every shapely geometry an SRID."""
    ln = np.maximum(lengths, 0)
    present = lengths >= 0
    srid_bytes = np.frombuffer(int(srid).to_bytes(4, "little"), dtype=np.uint8)
    widths = np.unique(ln[present])
    if len(widths) == 1:  # all the same size (points): work on a 2-D view
        rows = payload.reshape(-1, int(widths[0]))
        out2 = np.concatenate([rows[:, :5], np.broadcast_to(srid_bytes, (len(rows), 4)), rows[:, 5:]], axis=1)
        out2[:, 4] |= 0x20
        return out2.reshape(-1), np.where(present, ln + 4, -1)
    new_ln = np.where(present, ln + 4, 0)
    src_start, dst_start = np.cumsum(ln) - ln, np.cumsum(new_ln) - new_ln
    within = np.arange(int(ln.sum())) - np.repeat(src_start, ln)
    out = np.zeros(int(new_ln.sum()), dtype=np.uint8)
    out[np.repeat(dst_start, ln) + within + 4 * (within >= 5)] = payload
    out[dst_start[present] + 4] |= 0x20  # high byte of the little-endian type: the SRID flag
    out[(dst_start[present] + 5)[:, None] + np.arange(4)] = srid_bytes
    return out, np.where(lengths >= 0, new_ln, -1)


def _point_wkb(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Little-endian WKB of 2-D points straight from their coordinates (21 bytes each)."""
    xy = shapely.get_coordinates(geoms)
    rows = np.zeros((len(geoms), 21), dtype=np.uint8)
    rows[:, 0], rows[:, 1] = 1, 1  # little endian, type 1 (Point)
    rows[:, 5:21] = np.ascontiguousarray(xy.astype("<f8")).view(np.uint8).reshape(-1, 16)
    return rows.reshape(-1), np.full(len(geoms), 21, dtype=np.int64)


def _geometry(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    geoms = np.asarray(s.values, dtype=object)
    null = shapely.is_missing(geoms)
    types = shapely.get_type_id(geoms)
    if not null.any() and (types == 0).all() and not shapely.has_z(geoms).any():
        payload, lengths = _point_wkb(geoms)
    else:
        payload, lengths = _concatenated(shapely.to_wkb(geoms, byte_order=1), null)
    srid = _epsg(s.crs)
    return _with_srid(payload, lengths, srid) if srid else (payload, lengths)


def _text(s: pd.Series, typ: str) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 bytes and lengths from an Arrow string array (no Python loop over values)."""
    null = s.isna().to_numpy()
    arr = pa.array(s.astype(object).where(~null, None).to_numpy() if s.dtype == object else s,
                   type=pa.large_string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if typ == "jsonb":  # jsonb's binary form is a version byte before the text
        empty = pa.scalar("", pa.large_string())
        arr = pc.binary_join_element_wise(pa.scalar("\x01", pa.large_string()), arr, empty)
    _, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    payload = np.frombuffer(data, dtype=np.uint8)[off[0]:off[-1]] if data is not None else np.zeros(0, np.uint8)
    return payload, np.where(null, -1, np.diff(off))


def _variable(s: pd.Series, typ: str) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated bytes and lengths (-1 for NULL) of a variable-width column."""
    if isinstance(s.dtype, gpd.array.GeometryDtype):
        return _geometry(s)
    if s.dtype != object and not pd.api.types.is_string_dtype(s.dtype):
        s = s.astype(str).where(s.notna(), None)
    return _text(s, typ)


def _scatter(buf: np.ndarray, starts: np.ndarray, payload: np.ndarray, lengths: np.ndarray) -> None:
    """Copy each row's bytes from the concatenated payload to buf[starts[i]:starts[i] + lengths[i]]."""
    ln = np.maximum(lengths, 0)
    total = int(ln.sum())
    if total == 0:
        return
    widths = np.unique(ln)
    if len(widths) == 1:  # all the same size: a 2-D scatter
        buf[starts[:, None] + np.arange(int(widths[0]))] = payload.reshape(len(starts), -1)
        return
    within = np.arange(total) - np.repeat(np.cumsum(ln) - ln, ln)
    buf[np.repeat(starts, ln) + within] = payload


def binary_chunk(frame: pd.DataFrame, columns: Sequence[str], types: Sequence[str]) -> bytes:
    """One COPY BINARY body (no header) for the frame's rows."""
    n = len(frame)
    fields = []
    for col, typ in zip(columns, types, strict=True):
        fields.append((typ in FIXED, *(_fixed(frame[col], typ) if typ in FIXED else _variable(frame[col], typ))))
    count = np.frombuffer(len(columns).to_bytes(2, "big"), dtype=np.uint8)
    if all(len(np.unique(lengths)) == 1 for _, _, lengths in fields):  # every row the same shape
        blocks = [np.broadcast_to(count, (n, 2))]
        for fixed, payload, lengths in fields:
            blocks.append(lengths.astype(">i4").view(np.uint8).reshape(n, 4))
            if lengths[0] > 0:
                blocks.append(payload if fixed else payload.reshape(n, -1))
        return np.concatenate(blocks, axis=1).tobytes()
    row_size = 2 + sum(4 + np.maximum(lengths, 0) for _, _, lengths in fields)
    row_start = np.concatenate([[0], np.cumsum(row_size)[:-1]]).astype(np.int64)
    buf = np.zeros(int(np.sum(row_size)), dtype=np.uint8)
    buf[row_start[:, None] + np.arange(2)] = count
    pos = row_start + 2
    for fixed, payload, lengths in fields:
        buf[pos[:, None] + np.arange(4)] = lengths.astype(">i4").view(np.uint8).reshape(n, 4)
        if fixed:
            present = lengths >= 0
            width = payload.shape[1]
            buf[(pos[present] + 4)[:, None] + np.arange(width)] = payload[present]
        else:
            _scatter(buf, pos + 4, payload, lengths)
        pos = pos + 4 + np.maximum(lengths, 0)
    return buf.tobytes()


# -- the loader ------------------------------------------------------------------------------------
def _column_types(conn: Connection, schema: str | None, table: str, columns: Sequence[str]) -> list[str]:
    raw = conn.connection.driver_connection
    assert raw is not None
    qualified = f'"{schema}"."{table}"' if schema else f'"{table}"'
    rows = raw.execute(
        "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped", (qualified,)
    ).fetchall()
    types = dict(rows)
    missing = [c for c in columns if c not in types]
    if missing:
        raise ValueError(f"{qualified} has no column {', '.join(missing)}")
    return [types[c] for c in columns]


def _csv_chunk(frame: pd.DataFrame, columns: Sequence[str]) -> bytes:
    out = {}
    for col in columns:
        s = frame[col]
        if isinstance(s.dtype, gpd.array.GeometryDtype):
            geoms = shapely.set_srid(np.asarray(s.values, dtype=object), _epsg(s.crs) or 0)
            s = pd.Series(shapely.to_wkb(geoms, hex=True, include_srid=True), index=frame.index)
        elif pd.api.types.is_bool_dtype(s.dtype):
            s = s.map({True: "t", False: "f"})
        out[col] = s
    buf = io.StringIO()
    pd.DataFrame(out).to_csv(buf, header=False, index=False, date_format="%Y-%m-%d")
    return buf.getvalue().encode("utf-8")


def copy_frame(
    conn: Connection,
    table: str,
    frame: pd.DataFrame,
    columns: Sequence[str] | None = None,
    schema: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """COPY the frame's columns into schema.table on the SQLAlchemy connection; returns rows sent.

    Columns left out take their defaults (used for the lineage constants of raw partitions).
    Missing values (NaN, None, NaT, pd.NA) load as NULL.
    """
    columns = list(columns if columns is not None else frame.columns)
    if frame.empty:
        return 0
    types = _column_types(conn, schema, table, columns)
    binary = all(t in FIXED or t in VARIABLE for t in types)
    target = sql.Identifier(schema, table) if schema else sql.Identifier(table)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT {})").format(
        target, sql.SQL(", ").join(sql.Identifier(c) for c in columns), sql.SQL("binary" if binary else "csv")
    )
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(stmt, writer=QueuedLibpqWriter(cur)) as copy:  # sends on its own thread
        if binary:
            copy.write(HEADER)
        for start in range(0, len(frame), chunk_rows):
            part = frame.iloc[start:start + chunk_rows]
            copy.write(binary_chunk(part, columns, types) if binary else _csv_chunk(part, columns))
        if binary:
            copy.write(TRAILER)
    return len(frame)
