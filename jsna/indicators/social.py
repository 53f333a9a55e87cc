"""Social care indicators: the disabled children's team's caseload and short breaks, and disability
identified at the end of children-in-need assessments.

The caseload comes from the team's case-level extract (core.social_care_cases): children open on 31
March of each year by the home's LSOA, summed to every level above. The children-in-need figures are
DfE's published statistics (CIN census table C3) for authorities, regions and England, over the ONS
mid-year estimates of residents aged 0-17.

Periods: the count date's (or the reporting year's end's) calendar year, '2025' = 31 March 2025 for
the caseload and April 2024 to March 2025 for the CIN census. The denominator of both is the mid-year
estimate before it (mid-2024 for '2025'), the latest estimate the 31 March falls after.
"""

from __future__ import annotations

import pandas as pd

from jsna.indicators.catalogue import get_indicator
from jsna.indicators.compute import COUNT_COLUMNS, prefer_published, to_levels
from jsna.indicators.inputs import Inputs
from jsna.sources import datasets

CASE_LEVELS = ("lsoa", "msoa", "lad", "utla")
C3 = datasets.CIN_FACTORS
C3_TOPIC = "category"  # C3's one filter: 'Factors identified at the end of assessment'
C3_MEASURES = ["learning_disability_child", "physical_disability_child"]


def _levels(indicator_id: str) -> list[str]:
    return [lv for lv in get_indicator(indicator_id).levels if lv in CASE_LEVELS]


def _population_lsoa(inputs: Inputs) -> pd.DataFrame:
    """Residents 0-17 by LSOA with the period each mid-year is the denominator of: mid-2024 -> '2025'."""
    p = inputs.query("population_0_17_lsoa")
    return p.assign(period=(p["year"].astype(int) + 1).astype(str))


def caseload_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    c = inputs.query("social_care_open", **inputs.years)
    if c.empty:
        return {}
    c = c.assign(period=c["year"].astype(int).astype(str))
    lookup = inputs.lookup
    # the rate: every area with residents, zero where nobody was open, for the years the extract reaches
    levels = _levels("dct_caseload_rate")
    num = to_levels(c, lookup, levels, ["period"], ["open"])
    den = to_levels(_population_lsoa(inputs), lookup, levels, ["period"], ["population"])
    den = den[den["period"].isin(c["period"].unique()) & (den["population"] > 0)]
    rate = den.merge(num, on=["period", "area_level", "area_code"], how="left").fillna({"open": 0})
    rate = rate.assign(breakdown="all").rename(columns={"open": "numerator", "population": "denominator"})
    # short breaks, of those open
    breaks = to_levels(c, lookup, _levels("short_breaks_pct"), ["period"], ["short_breaks", "open"])
    breaks = breaks[breaks["open"] > 0].assign(breakdown="all")
    breaks = breaks.rename(columns={"short_breaks": "numerator", "open": "denominator"})
    return {"dct_caseload_rate": rate[COUNT_COLUMNS].reset_index(drop=True),
            "short_breaks_pct": breaks[COUNT_COLUMNS].reset_index(drop=True)}


def reporting_year(period: pd.Series) -> pd.Series:
    """The calendar year a reporting year ends in: '2025' stays 2025, a financial-year code '202425' -> 2025."""
    text = period.astype(str).str.strip()
    six = text.str.fullmatch(r"\d{6}")
    end = pd.to_numeric(text.str[:4], errors="coerce")
    return end.where(~six, end + 1)


def cin_counts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """Episodes with a learning or a physical disability of the child identified at the end of a CIN
    assessment, per 10,000 residents aged 0-17 (authorities, regions, England)."""
    wide = inputs.statistics(C3, C3_MEASURES, breakdown_topic=C3_TOPIC)
    if wide.empty:
        wide = inputs.statistics(C3, C3_MEASURES)
    if wide.empty:
        return {}
    year = reporting_year(wide["period"])
    wide = wide.assign(year=year, period=year.astype("Int64").astype(str))
    wide = wide[year.between(inputs.first_year, inputs.last_year)]
    wide["numerator"] = wide[C3_MEASURES].sum(axis=1, min_count=len(C3_MEASURES))  # a suppressed part: no figure
    wide = wide.dropna(subset=["numerator"]).drop_duplicates(["period", "area_level", "area_code"])
    pop = inputs.query("population_0_17_areas")
    if pop.empty:
        return {}
    pop = pop.assign(year=pop["year"].astype(int) + 1)  # mid-2024 -> the year to 31 March 2025
    frame = wide.merge(pop[["area_code", "year", "population"]], on=["area_code", "year"])
    frame = frame[frame["population"] > 0]
    levels = get_indicator("cin_disability_rate").levels
    frame = frame[frame["area_level"].isin(levels)]
    frame = frame.assign(breakdown="all", denominator=frame["population"])
    return {"cin_disability_rate": prefer_published(frame[COUNT_COLUMNS]).reset_index(drop=True)}


def build(inputs: Inputs) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    for part in (caseload_counts, cin_counts):
        out.update(part(inputs))
    return {k: v for k, v in out.items() if v is not None and len(v)}

