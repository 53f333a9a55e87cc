"""The dashboards' only way to the data: the published views, read as the read-only role.

Every read goes through :func:`query`: a named statement of sql/dashboards/ run with bound parameters
(cached for five minutes per distinct statement and parameters).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from jsna.publish import charts
from jsna.warehouse import models
from jsna.warehouse.engine import get_engine, reader_url
from jsna.warehouse.sqlfiles import statement

VALUE_COLUMNS = [
    "indicator_id", "period", "area_code", "area_name", "area_level", "breakdown", "numerator", "denominator",
    "value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "comparator", "comparison", "trend", "symbol",
]
# sql/dashboards/values.sql returns these and `versus`, the comparison the charts colour by: the published
# judgement (better/similar/worse), or for indicators with no judgement whether the area is higher or lower
# than the same comparator.


def _engine() -> sa.Engine:
    return get_engine(reader_url())


@st.cache_data(ttl=300, show_spinner=False)
def query(name: str, **params: Any) -> pd.DataFrame:
    """A read of the published schema: the statement sql/dashboards/<name>.sql with these parameters bound
    (cached for five minutes)."""
    with _engine().connect() as conn:
        return pd.read_sql(statement(f"dashboards/{name}"), conn, params=params)


def clear_cache() -> None:
    query.clear()
    area_geojson.clear()
    period_index.clear()


# -- catalogue -------------------------------------------------------------------------------------
# indicator_values' primary key is (indicator_id, period, area_level, area_code, breakdown). Reads below
# name the periods they want (found by skip scans down that key), so that Postgres probes the key
# instead of reading every row of an indicator: milliseconds at England scale rather than seconds.
LEVELS = ["lsoa", "msoa", "lad", "utla", "region", "country", "trust", "sicbl", "icb"]


def indicators() -> pd.DataFrame:
    """The indicator catalogue, one row per indicator, indexed by indicator_id."""
    return query("indicators").set_index("indicator_id", drop=False)


def present() -> set[str]:
    """Indicators with at least one published value."""
    return set(period_index())


def published_periods() -> pd.DataFrame:
    """Every (indicator, period) published: one skip scan down the primary key, a probe per pair."""
    return query("published_periods")


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
    return query("coverage", i=indicator_id, ps=periods(indicator_id), ls=LEVELS)


def breakdowns(indicator_id: str, level: str, period: str) -> list[str]:
    """The breakdowns an indicator is published with at a level in a period ('all' first), read from its
    first 20,000 rows there (every area carries the same breakdowns, suppressed or not)."""
    frame = query("breakdowns", i=indicator_id, l=level, p=period)
    return sorted(frame["breakdown"], key=lambda b: (b != "all", b))


# -- values ----------------------------------------------------------------------------------------
def values(indicator_id: str, level: str | None = None, breakdown: str = "all", period: str | None = None,
           area_codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Published rows of one indicator (suppressed rows as published: no value, symbol 'c')."""
    return query("values", ids=[indicator_id], b=breakdown, l=level or None,
                 ps=[period] if period else periods(indicator_id),
                 codes=list(area_codes) if area_codes is not None else None, d=None)


def breakdown_values(indicator_id: str, area_code: str, dimension: str, level: str) -> pd.DataFrame:
    """One area's rows of an indicator broken down by one dimension ('age_band', 'pathway', ...)."""
    return query("values", ids=[indicator_id], ps=periods(indicator_id), codes=[area_code], d=f"{dimension}=%",
                 l=level, b=None)


def area_series(indicator_ids: tuple[str, ...], area_code: str, level: str,
                breakdown: str | None = "all") -> pd.DataFrame:
    """Every period of several indicators for one area (breakdown 'all', or every breakdown when None)."""
    if not indicator_ids:
        return pd.DataFrame(columns=[*VALUE_COLUMNS, "versus"])
    return query("values", ids=list(indicator_ids), ps=_periods_of(indicator_ids), l=level, codes=[area_code],
                 b=breakdown or None, d=None)


def comparisons(indicator_ids: tuple[str, ...], area_code: str, level: str) -> pd.DataFrame:
    """Every published comparison (England, region, parent, neighbours, target) of an area."""
    return query("comparisons", ids=list(indicator_ids), ps=_periods_of(indicator_ids), l=level, a=area_code)


def nhs_comparisons(area_code: str, level: str) -> pd.DataFrame:
    """An area's comparisons with NHS England's published figures (England's, its sub-ICB's)."""
    return query("nhs_comparisons", a=area_code, l=level)


def target_path(indicator_id: str, area_code: str, level: str) -> pd.DataFrame | None:
    """The target in force at each period for an area (period, target), as its comparisons hold it (a local
    trajectory moves it from period to period); None where the indicator has none."""
    return charts.target_path(comparisons((indicator_id,), area_code, level))


def level_latest(level: str, area_codes: tuple[str, ...], indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    """Each indicator's latest period with figures for these areas (breakdown 'all'): their rows in it."""
    latest = query("latest_periods", ids=list(indicator_ids), ps=_periods_of(indicator_ids), l=level,
                   codes=list(area_codes)).dropna()
    if latest.empty:
        return pd.DataFrame(columns=[*VALUE_COLUMNS, "versus"])
    rows = query("values", ids=list(latest["indicator_id"]), ps=sorted(set(latest["period"])), l=level,
                 codes=list(area_codes), b="all", d=None)
    keep = set(zip(latest["indicator_id"], latest["period"], strict=True))
    return rows[[k in keep for k in zip(rows["indicator_id"], rows["period"], strict=True)]]


def peers(level: str, latest: dict[str, str], area_codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every area's value at a level (or these areas') for given (indicator, period) pairs (breakdown
    'all'): the range a spine chart draws."""
    rows = query("peers", ids=list(latest), ps=sorted(set(latest.values())), l=level,
                 codes=list(area_codes) if area_codes is not None else None)
    return rows[[latest.get(i) == p for i, p in zip(rows["indicator_id"], rows["period"], strict=True)]]


# -- areas -----------------------------------------------------------------------------------------
def home_area() -> pd.Series:
    """The upper-tier area the dashboards are about: the project's (JSNA_CONFIG's jsna.toml), else the
    upper-tier area with most rows for EHC plans in their latest period (the one with case-level data)."""
    code = _configured_area()
    if code:
        frame = query("configured_area", c=code)
        if len(frame):
            return frame.iloc[0]
    for indicator in ("ehcp_plans", *sorted(present())):
        found = periods(indicator)
        if not found:
            continue
        frame = query("busiest_area", i=indicator, p=found[-1])
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
        return query("areas", l=level)
    return query("areas_within", l=level, w=within)


def nhs_areas(indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    """The sub-ICB locations and ICBs with published figures of these (locally counted) indicators: area_level,
    area_code, area_name."""
    return query("nhs_areas", ids=list(indicator_ids))


def parent_of(area_code: str) -> pd.Series | None:
    """The area's parent (level, code, name), from the published hierarchy."""
    frame = query("parent", a=area_code)
    return None if frame.empty else frame.iloc[0]


@st.cache_data(ttl=300, show_spinner=False)
def area_geojson(level: str, within: str | None = None) -> dict[str, Any]:
    """Areas of a level as a GeoJSON FeatureCollection (WGS84, 5 decimals), optionally inside one area."""
    codes = None if within is None else list(areas(level, within)["area_code"])
    with _engine().connect() as conn:  # GeoAlchemy2's typed path (jsna.warehouse.models), as the API's
        frame = pd.read_sql(models.area_shapes(level, codes=codes, drawn=True), conn)
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
    return query("schools", codes=list(lad_codes) if lad_codes is not None else None)


def service_sites(lad_codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Where services are delivered (care hubs, clinics, team bases), open ones, with their points."""
    return query("service_sites", codes=list(lad_codes) if lad_codes is not None else None)


# -- sources ---------------------------------------------------------------------------------------
def sources() -> pd.DataFrame:
    """Each loaded source: file, checksum, when loaded, rows in / loaded / quarantined."""
    return query("sources")


def source_rules() -> pd.DataFrame:
    """The validation rules each loaded file breaks (DfE's rules of a statutory return) and how many records."""
    return query("source_rules")


# -- alerts and statutory milestones --------------------------------------------------------------
def alerts() -> pd.DataFrame:
    """Every alert on the published figures: open ones first, then closed ones, newest first."""
    return query("alerts")


def milestones(area_code: str) -> pd.DataFrame:
    """Children whose statutory step is overdue or due soon in this authority, its districts, teams and trusts."""
    return query("milestones", code=area_code)


# -- run history -----------------------------------------------------------------------------------
def runs(n: int = 20) -> pd.DataFrame:
    """The latest `n` refreshes, newest first: started, finished, status, reason, files and new files."""
    return query("runs", n=n)


def run_files(run_ids: tuple[int, ...]) -> pd.DataFrame:
    """The files of these refreshes: publisher, period, sha256, rows in / loaded / quarantined, top rules."""
    return query("run_files", ids=[int(r) for r in run_ids])


def headline_history() -> pd.DataFrame:
    """The headline figures of the last two builds (the Overview's tiles as each build published them)."""
    return query("headline_history")


# -- place planning --------------------------------------------------------------------------------
def forecasts(area_codes: tuple[str, ...]) -> pd.DataFrame:
    """Published forecasts of these areas (every measure, breakdown and year on; withheld rows as published)."""
    return query("forecasts", codes=list(area_codes))


def sufficiency(area_codes: tuple[str, ...]) -> pd.DataFrame:
    """Published demand against places in these districts, by need, provision and year."""
    return query("sufficiency", codes=list(area_codes))


def school_places(lad_codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Specialist places by school, need and provision, with the school's name and point."""
    return query("school_places", codes=list(lad_codes) if lad_codes is not None else None)


def access(need: str, lsoa_codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Each small area's road distance to the nearest special school with places for a need."""
    return query("access", n=need, codes=list(lsoa_codes) if lsoa_codes is not None else None)


def access_summary() -> pd.DataFrame:
    """The distance distribution over children with plans, by district (and 'all') and need."""
    return query("access_summary")


def candidate_sites(need: str) -> pd.DataFrame:
    """Ranked candidate sites (small areas) for a new school for a need, with their points."""
    return query("candidate_sites", n=need)
