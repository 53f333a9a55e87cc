"""The SEND indicators, computed from small-area counts: frames in, indicator values out.

Counts arrive by LSOA; they are summed to every level an indicator is published for, then the
value and its 95% and 99.8% limits are computed by the indicator's method, each area is compared
with its comparator (districts with their county; the county with the target) and the trend of
its latest five periods is tested, as Fingertips does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.indicators import methods
from jsna.indicators.catalogue import Indicator, get_indicator
from jsna.schemas.vocab import AGE_BANDS

VALUE_COLUMNS = ["indicator_id", "period", "area_code", "area_name", "area_level", "breakdown", "numerator",
                 "denominator", "value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998",
                 "comparator", "comparison", "trend", "symbol"]


def academic_period(census_year: pd.Series) -> pd.Series:
    """January census of 2025 -> '202425' (DfE's academic year code)."""
    return pd.Series([f"{y - 1}{y % 100:02d}" for y in census_year.astype(int)], index=census_year.index, dtype=object)


def age_band(age: pd.Series) -> pd.Series:
    out = pd.Series(None, index=age.index, dtype=object)
    for label, lo, hi in AGE_BANDS:
        out[(age >= lo) & (age <= hi)] = f"age_band={label}"
    return out


def to_levels(counts: pd.DataFrame, lookup: pd.DataFrame, levels: list[str], keys: list[str],
              measures: list[str]) -> pd.DataFrame:
    """Sum LSOA counts to each level: rows of (area_level, area_code, *keys, *measures)."""
    merged = counts.merge(lookup, on="lsoa_code", how="inner")
    parts = []
    for level in levels:
        col = f"{level}_code"
        if col not in merged:
            continue
        g = merged.dropna(subset=[col]).groupby([col, *keys], as_index=False, observed=True)[measures].sum()
        parts.append(g.rename(columns={col: "area_code"}).assign(area_level=level))
    if not parts:
        return pd.DataFrame(columns=["area_level", "area_code", *keys, *measures])
    return pd.concat(parts, ignore_index=True)


def _with_limits(frame: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    ok = frame["denominator"] > 0
    out = frame.copy()
    for col in ("value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998"):
        out[col] = np.nan
    if not ok.any():
        return out
    sub = frame.loc[ok]
    if ind.method == "proportion_wilson":
        res = methods.proportion(sub["numerator"].to_numpy(), sub["denominator"].to_numpy(), ind.multiplier)
    elif ind.method == "crude_rate":
        res = methods.crude_rate(sub["numerator"].to_numpy(), sub["denominator"].to_numpy(), ind.multiplier)
    else:
        raise NotImplementedError(ind.method)
    res.index = sub.index
    out.loc[ok, "value"] = res["value"]
    out.loc[ok, "lower_ci95"], out.loc[ok, "upper_ci95"] = res["lower95_0cl"], res["upper95_0cl"]
    out.loc[ok, "lower_ci998"], out.loc[ok, "upper_ci998"] = res["lower99_8cl"], res["upper99_8cl"]
    return out


def _compare(frame: pd.DataFrame, ind: Indicator, parent_of: dict[str, str]) -> pd.DataFrame:
    """Districts against their county (95% limits); top-level areas against the target if any."""
    out = frame.copy()
    out["comparator"] = None
    out["comparison"] = "not compared"
    key = ["period", "breakdown"]
    tops = out[out["area_level"] == "utla"].set_index([*key, "area_code"])["value"]
    lad = out["area_level"] == "lad"
    if lad.any():
        parents = out.loc[lad, "area_code"].map(parent_of)
        idx = pd.MultiIndex.from_arrays([out.loc[lad, "period"], out.loc[lad, "breakdown"], parents])
        comp_value = tops.reindex(idx).to_numpy()
        out.loc[lad, "comparator"] = parents.to_numpy()
        out.loc[lad, "comparison"] = methods.compare(
            out.loc[lad, "value"], out.loc[lad, "lower_ci95"], out.loc[lad, "upper_ci95"], comp_value, ind.polarity
        )
    top = out["area_level"] == "utla"
    if ind.target is not None and top.any():
        out.loc[top, "comparator"] = f"target {ind.target:g}{ind.unit if ind.unit == '%' else ''}"
        out.loc[top, "comparison"] = methods.compare_to_target(out.loc[top, "value"], ind.target, ind.polarity)
    return out


def _trend(frame: pd.DataFrame) -> pd.Series:
    """Fingertips' recent trend over each series' latest five periods (the row of the latest period)."""
    trend = pd.Series(None, index=frame.index, dtype=object)
    if not hasattr(methods, "trend_test"):
        return trend
    ordered = frame.sort_values("period")
    for _, grp in ordered.groupby(["area_level", "area_code", "breakdown"], sort=False):
        last = grp.tail(5)
        result = methods.trend_test(last["value"].to_numpy(), last["lower_ci95"].to_numpy(),
                                    last["upper_ci95"].to_numpy())
        trend.loc[grp.index[-1]] = result
    return trend


def finish(frame: pd.DataFrame, ind: Indicator, names: pd.DataFrame, parent_of: dict[str, str]) -> pd.DataFrame:
    """Limits, comparison, trend and names for one indicator's counts."""
    out = _with_limits(frame, ind)
    out = _compare(out, ind, parent_of)
    out["trend"] = _trend(out)
    out = out.merge(names, on=["area_level", "area_code"], how="left")
    out["area_name"] = out["area_name"].fillna(out["area_code"])
    out["indicator_id"] = ind.id
    out["symbol"] = None
    return out[VALUE_COLUMNS].sort_values(["period", "area_level", "area_code", "breakdown"], ignore_index=True)


# -- the indicators ----------------------------------------------------------------------------------
def ehcp_rate(caseload: pd.DataFrame, population: pd.DataFrame, lookup: pd.DataFrame, names: pd.DataFrame,
              parent_of: dict[str, str]) -> pd.DataFrame:
    """EHC plans per 1,000 residents aged 0-25, overall and by age band.

    caseload: year (census), lsoa_code, age, plans. population: year (mid-year), lsoa_code, age, population.
    """
    ind = get_indicator("ehcp_rate_0_25")
    plans = caseload[caseload["age"].between(0, 25)].assign(band=lambda f: age_band(f["age"]))
    pop = population.assign(year=population["year"] + 1, band=lambda f: age_band(f["age"]))
    parts = []
    for breakdown, p_sel, q_sel in [("all", plans, pop)] + [
        (b, plans[plans["band"] == b], pop[pop["band"] == b]) for b in sorted(plans["band"].dropna().unique())
    ]:
        num = p_sel.groupby(["year", "lsoa_code"], as_index=False)["plans"].sum()
        den = q_sel.groupby(["year", "lsoa_code"], as_index=False)["population"].sum()
        both = den.merge(num, on=["year", "lsoa_code"], how="left").fillna({"plans": 0})
        both = both[both["year"].isin(caseload["year"].unique())]
        agg = to_levels(both, lookup, ind.levels, ["year"], ["plans", "population"])
        agg["population"] = agg["population"].round(3)  # apportioned estimates: drop float noise
        parts.append(agg.assign(breakdown=breakdown))
    counts = pd.concat(parts, ignore_index=True).rename(columns={"plans": "numerator", "population": "denominator"})
    counts["period"] = academic_period(counts["year"])
    return finish(counts.drop(columns="year"), ind, names, parent_of)


def ehcp_timeliness(issued: pd.DataFrame, lookup: pd.DataFrame, names: pd.DataFrame,
                    parent_of: dict[str, str]) -> pd.DataFrame:
    """% of new EHC plans issued within 20 weeks, by calendar year of issue (exceptions included)."""
    ind = get_indicator("ehcp_20_weeks")
    agg = to_levels(issued, lookup, ind.levels, ["year"], ["within_20", "issued"])
    counts = agg.rename(columns={"within_20": "numerator", "issued": "denominator"}).assign(breakdown="all")
    counts["period"] = counts["year"].astype(int).astype(str)
    return finish(counts.drop(columns="year"), ind, names, parent_of)
