"""The dashboards' only way to the data: the published views, read as the read-only role."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from jsna.warehouse.engine import get_engine, reader_url


def _engine() -> sa.Engine:
    return get_engine(reader_url())


@st.cache_data(ttl=300, show_spinner=False)
def query(sql: str, **params: Any) -> pd.DataFrame:
    """A read of the published schema (cached for five minutes)."""
    return pd.read_sql(sa.text(sql), _engine(), params=params)


def indicators() -> pd.DataFrame:
    return query("SELECT * FROM published.indicators ORDER BY indicator_id")


def values(indicator_id: str, level: str | None = None, breakdown: str = "all") -> pd.DataFrame:
    sql = ("SELECT * FROM published.indicator_values WHERE indicator_id = :i AND breakdown = :b"
           + (" AND area_level = :l" if level else "") + " ORDER BY period, area_code")
    return query(sql, i=indicator_id, b=breakdown, l=level)


def home_area() -> pd.Series:
    """The upper-tier area the dashboards are about (the one with most indicator values)."""
    frame = query(
        "SELECT area_code, area_name, count(*) AS n FROM published.indicator_values WHERE area_level = 'utla' "
        "GROUP BY 1, 2 ORDER BY n DESC, area_code LIMIT 1"
    )
    if frame.empty:
        return pd.Series({"area_code": None, "area_name": "No data"})
    return frame.iloc[0]


@st.cache_data(ttl=300, show_spinner=False)
def area_geojson(level: str, parent_code: str | None = None) -> dict[str, Any]:
    """Areas of a level as a GeoJSON FeatureCollection (WGS84), optionally within one parent."""
    frame = query(
        "SELECT area_code, area_name, ST_AsGeoJSON(geom, 5) AS geometry FROM published.areas "
        "WHERE area_level = :l AND geom IS NOT NULL" + (" AND parent_code = :p" if parent_code else "")
        + " ORDER BY area_code",
        l=level, p=parent_code,
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": r.area_code,
             "properties": {"area_code": r.area_code, "area_name": r.area_name},
             "geometry": json.loads(r.geometry)}
            for r in frame.itertuples()
        ],
    }


def sources() -> pd.DataFrame:
    return query("SELECT * FROM published.sources ORDER BY source_name")
