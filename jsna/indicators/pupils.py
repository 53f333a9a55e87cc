"""Pupils with special educational needs: the share of pupils on SEN support and with an EHC plan, from
the school census ("Special educational needs in England", dataset 'school_census_sen').

School-level rows (area_code = URN) are placed in the school's LSOA through core.schools and summed
to MSOAs, districts and the county (never published by LSOA: a school or two is too few). Where the
statistics give authority, region and England rows, those are the official figures at those levels
and win over sums of schools.
"""

from __future__ import annotations

import pandas as pd

from jsna.indicators.catalogue import get_indicator
from jsna.indicators.compute import COUNT_COLUMNS, prefer_published, to_levels
from jsna.indicators.inputs import Inputs

DATASET = "school_census_sen"
SCHOOL_LEVELS = ("msoa", "lad", "utla")  # sums of the county's own schools
MEASURES = {"sen_support_pupils_pct": "sen_support", "ehcp_pupils_pct": "ehc_plan"}
PUPILS = "total_pupils"


def census_year(period: pd.Series) -> pd.Series:
    """'202425' -> 2025 (the January census of the academic year)."""
    return pd.to_numeric(period.astype(str).str[:4], errors="coerce") + 1


def _schools(inputs: Inputs, measure: str, levels: list[str]) -> pd.DataFrame:
    s = inputs.query("school_census_schools")
    if s.empty or not levels:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    s = s.dropna(subset=[measure, PUPILS])  # a suppressed figure leaves its school out of both sides
    s = s[census_year(s["period"]).between(inputs.first_year, inputs.last_year) & (s[PUPILS] > 0)]
    s = s.assign(period=s["period"].astype(str))
    lv = to_levels(s, inputs.lookup, levels, ["period"], [measure, PUPILS])
    lv = lv.assign(breakdown="all").rename(columns={measure: "numerator", PUPILS: "denominator"})
    return lv[COUNT_COLUMNS]


def _published(inputs: Inputs, measure: str) -> pd.DataFrame:
    wide = inputs.statistics(DATASET, [measure, PUPILS])
    if wide.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    wide = wide.assign(period=wide["period"].astype(str))
    wide = wide[census_year(wide["period"]).between(inputs.first_year, inputs.last_year)]
    wide = wide.rename(columns={measure: "numerator", PUPILS: "denominator"}).assign(breakdown="all")
    wide = wide.dropna(subset=["numerator", "denominator"])
    wide = wide[wide["denominator"] > 0].drop_duplicates(["period", "area_level", "area_code"])
    return wide[COUNT_COLUMNS]


def build(inputs: Inputs) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    for indicator_id, measure in MEASURES.items():
        levels = get_indicator(indicator_id).levels
        published = _published(inputs, measure)
        published = published[published["area_level"].isin(levels)]
        schools = _schools(inputs, measure, [lv for lv in levels if lv in SCHOOL_LEVELS])
        counts = prefer_published(published, schools)
        if len(counts):
            out[indicator_id] = counts.reset_index(drop=True)
    return out
