"""Dates as float day numbers since 1970-01-01 (NaN = no date), with fast vectorised formatting."""

from __future__ import annotations

import numpy as np

EPOCH = np.datetime64("1970-01-01", "D")
_TABLE_START = np.datetime64("1900-01-01", "D")
_TABLE_END = np.datetime64("2040-12-31", "D")


def day(year: int, month: int = 1, dom: int = 1) -> float:
    """Day number of a calendar date."""
    return float((np.datetime64(f"{year:04d}-{month:02d}-{dom:02d}", "D") - EPOCH).astype(np.int64))


EXTRACT = day(2025, 12, 31)
START = day(2015, 1, 1)


def census_day(year: int) -> float:
    """SEN2 January census date used throughout the demo (18 January)."""
    return day(year, 1, 18)


def to_datetime64(days: np.ndarray) -> np.ndarray:
    return EPOCH + np.floor(days).astype(np.int64)


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day-of-month arrays (days must not be NaN)."""
    d = to_datetime64(days)
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return y, m, dom


def year_of(days: np.ndarray) -> np.ndarray:
    return to_datetime64(days).astype("datetime64[Y]").astype(np.int64) + 1970


def age_on(dob: np.ndarray, when: np.ndarray | float) -> np.ndarray:
    """Whole years of age on a date."""
    y1, m1, d1 = ymd(dob)
    y2, m2, d2 = ymd(np.broadcast_to(np.asarray(when, dtype=float), np.shape(dob)))
    before = (m2 < m1) | ((m2 == m1) & (d2 < d1))
    return y2 - y1 - before.astype(np.int64)


def _table(fmt: str) -> np.ndarray:
    days = np.arange(_TABLE_START, _TABLE_END + 1)
    y = days.astype("datetime64[Y]").astype(np.int64) + 1970
    m = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    if fmt == "dmy":
        out = [f"{dd:02d}/{mm:02d}/{yy:04d}" for yy, mm, dd in zip(y, m, d, strict=True)]
    else:
        out = [f"{yy:04d}{mm:02d}" for yy, mm in zip(y, m, strict=True)]
    return np.array(out, dtype=object)


_TABLES: dict[str, np.ndarray] = {}


def format_dates(days: np.ndarray, fmt: str = "dmy") -> np.ndarray:
    """`dd/mm/yyyy` (fmt "dmy") or `yyyymm` (fmt "ym") strings; "" for NaN."""
    if fmt not in _TABLES:
        _TABLES[fmt] = _table(fmt)
    table = _TABLES[fmt]
    days = np.asarray(days, dtype=float)
    ok = ~np.isnan(days)
    idx = np.zeros(days.shape, dtype=np.int64)
    idx[ok] = np.floor(days[ok]).astype(np.int64) - int((_TABLE_START - EPOCH).astype(np.int64))
    out = table[np.clip(idx, 0, len(table) - 1)]
    out[~ok] = ""
    return out
