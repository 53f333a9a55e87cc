"""The dashboards' only way to the data: the published views, read as the read-only role.

Every read goes through :func:`query` (cached for five minutes per distinct statement and parameters).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from jsna.warehouse.engine import get_engine, reader_url

VALUE_COLUMNS = [
    "indicator_id", "period", "area_code", "area_name", "area_level", "breakdown", "numerator", "denominator",
    "value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "comparator", "comparison", "trend", "symbol",
]
# `versus` is the comparison the charts colour by: the published judgement (better/similar/worse), or for
# indicators with no judgement whether the area is higher or lower than the same comparator.
_COLUMNS = ", ".join(f"v.{c}" for c in VALUE_COLUMNS) + ", coalesce(c.comparison, v.comparison) AS versus"
_FROM = (" FROM published.indicator_values v LEFT JOIN published.comparisons c ON c.indicator_id = v.indicator_id"
         " AND c.period = v.period AND c.area_level = v.area_level AND c.area_code = v.area_code"
         " AND c.breakdown = v.breakdown AND c.comparator_type = split_part(v.comparator, ' ', 1)")
_ORDER = " ORDER BY v.period, v.area_code, v.breakdown"


def _engine() -> sa.Engine:
    return get_engine(reader_url())


@st.cache_data(ttl=300, show_spinner=False)
def query(sql: str, **params: Any) -> pd.DataFrame:
    """A read of the published schema (cached for five minutes)."""
    with _engine().connect() as conn:
        return pd.read_sql(sa.text(sql), conn, params=params)


def clear_cache() -> None:
    query.clear()
    area_geojson.clear()
    period_index.clear()


# -- catalogue -------------------------------------------------------------------------------------
# indicator_values' primary key is (indicator_id, period, area_level, area_code, breakdown). Reads below
# name the periods they want (found by skip scans down that key), so that Postgres probes the key
# instead of reading every row of an indicator: milliseconds at England scale rather than seconds.
LEVELS = ["lsoa", "msoa", "lad", "utla", "region", "country", "trust"]


def indicators() -> pd.DataFrame:
    """The indicator catalogue, one row per indicator, indexed by indicator_id."""
    return query("SELECT * FROM published.indicators ORDER BY indicator_id").set_index("indicator_id", drop=False)


def present() -> set[str]:
    """Indicators with at least one published value."""
    return set(period_index())


def published_periods() -> pd.DataFrame:
    """Every (indicator, period) published: one skip scan down the primary key, a probe per pair."""
    return query(
        "WITH RECURSIVE t(i, p) AS ("
        " (SELECT indicator_id, period FROM published.indicator_values ORDER BY indicator_id, period LIMIT 1)"
        " UNION ALL SELECT n.indicator_id, n.period FROM t CROSS JOIN LATERAL (SELECT indicator_id, period"
        " FROM published.indicator_values WHERE (indicator_id, period) > (t.i, t.p)"
        " ORDER BY indicator_id, period LIMIT 1) n)"
        " SELECT i AS indicator_id, p AS period FROM t"
    )


@st.cache_resource(ttl=300, show_spinner=False)
def period_index() -> dict[str, tuple[str, ...]]:
    """Every indicator's published periods, in order: one object shared by every run (pages ask for periods a
    score of times a run, and a cached frame is copied on every read)."""
    frame = published_periods()
    return {str(i): tuple(g) for i, g in frame.groupby("indicator_id", sort=False)["period"]}


def periods(indicator_id: str) -> list[str]:
    """Every period an indicator is published for, in order."""
    return list(period_index().get(indicator_id, ()))


def _periods_of(indicator_ids: tuple[str, ...]) -> list[str]:
    return sorted({p for i in indicator_ids for p in periods(i)})


def coverage(indicator_id: str) -> pd.DataFrame:
    """The levels and periods an indicator is published for with breakdown 'all' (one probe each)."""
    return query(
        "SELECT l.area_level, p.period FROM unnest(CAST(:ps AS text[])) AS p(period)"
        " CROSS JOIN unnest(CAST(:ls AS text[])) AS l(area_level) WHERE EXISTS (SELECT 1 FROM"
        " published.indicator_values v WHERE v.indicator_id = :i AND v.period = p.period"
        " AND v.area_level = l.area_level AND v.breakdown = 'all') ORDER BY 1, 2",
        i=indicator_id, ps=periods(indicator_id), ls=LEVELS,
    )


def breakdowns(indicator_id: str, level: str, period: str) -> list[str]:
    """The breakdowns an indicator is published with at a level in a period ('all' first), read from its
    first 20,000 rows there (every area carries the same breakdowns, suppressed or not)."""
    frame = query(
        "SELECT DISTINCT breakdown FROM (SELECT breakdown FROM published.indicator_values WHERE indicator_id = :i"
        " AND period = :p AND area_level = :l LIMIT 20000) s", i=indicator_id, l=level, p=period,
    )
    return sorted(frame["breakdown"], key=lambda b: (b != "all", b))


# -- values ----------------------------------------------------------------------------------------
def values(indicator_id: str, level: str | None = None, breakdown: str = "all", period: str | None = None,
           area_codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Published rows of one indicator (suppressed rows as published: no value, symbol 'c')."""
    sql = (f"SELECT {_COLUMNS}{_FROM} WHERE v.indicator_id = :i AND v.breakdown = :b AND v.period = ANY(:ps)"
           + (" AND v.area_level = :l" if level else "")
           + (" AND v.area_code = ANY(:codes)" if area_codes is not None else "") + _ORDER)
    return query(sql, i=indicator_id, b=breakdown, l=level, ps=[period] if period else periods(indicator_id),
                 codes=list(area_codes) if area_codes is not None else None)


def breakdown_values(indicator_id: str, area_code: str, dimension: str, level: str) -> pd.DataFrame:
    """One area's rows of an indicator broken down by one dimension ('age_band', 'pathway', ...)."""
    return query(
        f"SELECT {_COLUMNS}{_FROM} WHERE v.indicator_id = :i AND v.period = ANY(:ps) AND v.area_level = :l"
        " AND v.area_code = :a AND v.breakdown LIKE :d" + _ORDER,
        i=indicator_id, ps=periods(indicator_id), a=area_code, d=f"{dimension}=%", l=level,
    )


def area_series(indicator_ids: tuple[str, ...], area_code: str, level: str,
                breakdown: str | None = "all") -> pd.DataFrame:
    """Every period of several indicators for one area (breakdown 'all', or every breakdown when None)."""
    if not indicator_ids:
        return pd.DataFrame(columns=[*VALUE_COLUMNS, "versus"])
    return query(
        f"SELECT {_COLUMNS}{_FROM} WHERE v.indicator_id = ANY(:ids) AND v.period = ANY(:ps) AND v.area_level = :l"
        " AND v.area_code = :a" + (" AND v.breakdown = :b" if breakdown else "") + _ORDER,
        ids=list(indicator_ids), ps=_periods_of(indicator_ids), l=level, a=area_code, b=breakdown,
    )


def comparisons(indicator_ids: tuple[str, ...], area_code: str, level: str) -> pd.DataFrame:
    """Every published comparison (England, region, parent, neighbours, target) of an area."""
    return query(
        "SELECT * FROM published.comparisons WHERE indicator_id = ANY(:ids) AND period = ANY(:ps) AND area_level = :l"
        " AND area_code = :a AND breakdown = 'all' ORDER BY indicator_id, period, comparator_type",
        ids=list(indicator_ids), ps=_periods_of(indicator_ids), l=level, a=area_code,
    )


def level_latest(level: str, area_codes: tuple[str, ...], indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    """Each indicator's latest period with figures for these areas (breakdown 'all'): their rows in it."""
    latest = query(
        "SELECT ids.i AS indicator_id, (SELECT v.period FROM published.indicator_values v WHERE v.indicator_id = ids.i"
        " AND v.period = ANY(:ps) AND v.area_level = :l AND v.area_code = ANY(:codes) AND v.breakdown = 'all'"
        " ORDER BY v.period DESC LIMIT 1) AS period FROM unnest(CAST(:ids AS text[])) AS ids(i)",
        ids=list(indicator_ids), ps=_periods_of(indicator_ids), l=level, codes=list(area_codes),
    ).dropna()
    if latest.empty:
        return pd.DataFrame(columns=[*VALUE_COLUMNS, "versus"])
    rows = query(
        f"SELECT {_COLUMNS}{_FROM} WHERE v.indicator_id = ANY(:ids) AND v.period = ANY(:ps) AND v.area_level = :l"
        " AND v.area_code = ANY(:codes) AND v.breakdown = 'all'" + _ORDER,
        ids=list(latest["indicator_id"]), ps=sorted(set(latest["period"])), l=level, codes=list(area_codes),
    )
    keep = set(zip(latest["indicator_id"], latest["period"], strict=True))
    return rows[[k in keep for k in zip(rows["indicator_id"], rows["period"], strict=True)]]


def peers(level: str, latest: dict[str, str], area_codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every area's value at a level (or these areas') for given (indicator, period) pairs (breakdown
    'all'): the range a spine chart draws."""
    rows = query(
        "SELECT v.indicator_id, v.period, v.area_code, v.value FROM published.indicator_values v"
        " WHERE v.indicator_id = ANY(:ids) AND v.period = ANY(:ps) AND v.area_level = :l AND v.breakdown = 'all'"
        + (" AND v.area_code = ANY(:codes)" if area_codes is not None else "") + " ORDER BY 1, 2, 3",
        ids=list(latest), ps=sorted(set(latest.values())), l=level,
        codes=list(area_codes) if area_codes is not None else None)
    return rows[[latest.get(i) == p for i, p in zip(rows["indicator_id"], rows["period"], strict=True)]]


# -- areas -----------------------------------------------------------------------------------------
def home_area() -> pd.Series:
    """The upper-tier area the dashboards are about: the project's (JSNA_CONFIG's jsna.toml), else the
    upper-tier area with most rows for EHC plans in their latest period (the one with case-level data)."""
    code = _configured_area()
    if code:
        frame = query("SELECT area_code, area_name FROM published.areas WHERE area_code = :c AND area_level = 'utla'"
                      " ORDER BY vintage DESC LIMIT 1", c=code)
        if len(frame):
            return frame.iloc[0]
    for indicator in ("ehcp_plans", *sorted(present())):
        found = periods(indicator)
        if not found:
            continue
        frame = query(
            "SELECT area_code, area_name, count(*) AS n FROM published.indicator_values WHERE indicator_id = :i "
            "AND period = :p AND area_level = 'utla' GROUP BY 1, 2 ORDER BY n DESC, area_code LIMIT 1",
            i=indicator, p=found[-1])
        if len(frame):
            return frame.iloc[0]
    return pd.Series({"area_code": None, "area_name": "No data"})


def _configured_area() -> str | None:
    from jsna.config import get_settings, load_config
    from jsna.errors import JsnaError

    path = get_settings().config
    if path is None:
        return None
    try:
        return load_config(path).project.area_code
    except JsnaError:
        return None


def areas(level: str, within: str | None = None) -> pd.DataFrame:
    """Areas of a level (latest vintage), optionally those inside an area of any higher level."""
    if within is None:
        return query(
            "SELECT DISTINCT ON (area_code) area_code, area_name, parent_code FROM published.areas "
            "WHERE area_level = :l ORDER BY area_code, vintage DESC", l=level)
    return query(
        "WITH RECURSIVE down(level, code) AS (SELECT NULL::text, CAST(:w AS text) COLLATE \"C\" UNION "
        " SELECT h.child_level, h.child_code FROM published.area_hierarchy h JOIN down ON h.parent_code = down.code)"
        " SELECT DISTINCT ON (a.area_code) a.area_code, a.area_name, a.parent_code FROM published.areas a"
        " JOIN down ON a.area_code = down.code WHERE a.area_level = :l ORDER BY a.area_code, a.vintage DESC",
        l=level, w=within)


def parent_of(area_code: str) -> pd.Series | None:
    """The area's parent (level, code, name), from the published hierarchy."""
    frame = query(
        "SELECT h.parent_level, h.parent_code, coalesce(a.area_name, h.parent_code) AS parent_name "
        "FROM published.area_hierarchy h LEFT JOIN published.areas a ON a.area_code = h.parent_code "
        "WHERE h.child_code = :a LIMIT 1", a=area_code)
    return None if frame.empty else frame.iloc[0]


@st.cache_data(ttl=300, show_spinner=False)
def area_geojson(level: str, within: str | None = None) -> dict[str, Any]:
    """Areas of a level as a GeoJSON FeatureCollection (WGS84, 5 decimals), optionally inside one area."""
    codes = None if within is None else list(areas(level, within)["area_code"])
    frame = query(
        "SELECT DISTINCT ON (area_code) area_code, area_name, ST_AsGeoJSON(geom, 5) AS geometry "
        "FROM published.areas WHERE area_level = :l AND geom IS NOT NULL"
        + (" AND area_code = ANY(:codes)" if codes is not None else "") + " ORDER BY area_code, vintage DESC",
        l=level, codes=codes,
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


def schools(lad_codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Schools (all phases) with their points, optionally in some districts."""
    return query(
        "SELECT urn, name, type, phase, is_special, capacity, lad_code, ST_X(geom) AS lon, ST_Y(geom) AS lat "
        "FROM published.schools" + (" WHERE lad_code = ANY(:codes)" if lad_codes is not None else "")
        + " ORDER BY urn", codes=list(lad_codes) if lad_codes is not None else None,
    )


def service_sites(lad_codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Where services are delivered (care hubs, clinics, team bases), open ones, with their points."""
    return query(
        "SELECT name, service, provider, opened, lad_code, located_by, ST_X(geom) AS lon, ST_Y(geom) AS lat "
        "FROM published.service_sites WHERE (closed IS NULL OR closed > current_date)"
        + (" AND lad_code = ANY(:codes)" if lad_codes is not None else "") + " ORDER BY service, name",
        codes=list(lad_codes) if lad_codes is not None else None,
    )


# -- sources ---------------------------------------------------------------------------------------
def sources() -> pd.DataFrame:
    """Each loaded source: file, checksum, when loaded, rows in / loaded / quarantined."""
    return query("SELECT * FROM published.sources ORDER BY source_name")


# -- place planning --------------------------------------------------------------------------------
def forecasts(area_codes: tuple[str, ...]) -> pd.DataFrame:
    """Published forecasts of these areas (every measure, breakdown and year on; withheld rows as published)."""
    return query("SELECT * FROM published.forecasts WHERE area_code = ANY(:codes) ORDER BY measure, area_level, "
                 "area_code, breakdown_topic, breakdown, year", codes=list(area_codes))


def sufficiency(area_codes: tuple[str, ...]) -> pd.DataFrame:
    """Published demand against places in these districts, by need, provision and year."""
    return query("SELECT * FROM published.sufficiency WHERE area_code = ANY(:codes) ORDER BY area_code, need, "
                 "provision, year", codes=list(area_codes))


def school_places(lad_codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Specialist places by school, need and provision, with the school's name and point."""
    return query(
        "SELECT p.urn, p.lad_code, p.need, p.provision, p.places, s.name, s.type, ST_X(s.geom) AS lon, "
        "ST_Y(s.geom) AS lat FROM published.school_places p JOIN published.schools s USING (urn)"
        + (" WHERE p.lad_code = ANY(:codes)" if lad_codes is not None else "") + " ORDER BY p.urn, p.need, p.provision",
        codes=list(lad_codes) if lad_codes is not None else None)


def access(need: str, lsoa_codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Each small area's road distance to the nearest special school with places for a need."""
    return query(
        "SELECT a.lsoa_code AS area_code, coalesce(n.area_name, a.lsoa_code) AS area_name, a.need, a.urn, "
        "s.name AS school, a.straight_km, a.road_km FROM published.access a "
        "LEFT JOIN published.schools s USING (urn) LEFT JOIN LATERAL (SELECT area_name FROM published.areas "
        "WHERE area_code = a.lsoa_code AND area_level = 'lsoa' ORDER BY vintage DESC LIMIT 1) n ON true "
        "WHERE a.need = :n" + (" AND a.lsoa_code = ANY(:codes)" if lsoa_codes is not None else "")
        + " ORDER BY a.lsoa_code", n=need, codes=list(lsoa_codes) if lsoa_codes is not None else None)


def access_summary() -> pd.DataFrame:
    """The distance distribution over children with plans, by district (and 'all') and need."""
    return query("SELECT * FROM published.access_summary ORDER BY area_code, need")


def candidate_sites(need: str) -> pd.DataFrame:
    """Ranked candidate sites (small areas) for a new school for a need, with their points."""
    return query(
        "SELECT c.need, c.site, coalesce(n.area_name, c.site) AS site_name, c.rank, c.children_brought_within, "
        "c.areas_brought_within, c.symbol, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat FROM published.candidate_sites c "
        "LEFT JOIN LATERAL (SELECT area_name FROM published.areas WHERE area_code = c.site AND area_level = 'lsoa' "
        "ORDER BY vintage DESC LIMIT 1) n ON true WHERE c.need = :n ORDER BY c.rank", n=need)
