"""A unit's shares of its plans by category (age band, placement, need), held or moved on with England's.

A breakdown forecast is the total's forecast times the category's share in the target year:

* held (`share_last`): the unit's share in the latest year published up to the origin;
* moved with England (`share_england_trend`): that share times England's mean annual change in the category's
  share over up to `years` years to then (log scale; like for like: the units published at both ends), carried
  on to the target year, then each unit's shares renormalised to one so the parts still add up to the total.

England's trend is learnt across every unit at once, so a single authority's noisy year does not steer it; it is
what special-school placements follow (their share fell from 38.6% of plans in 2019 to 30.4% in 2025), and what
the placement backtest chose (`backtest.run_placement_protocol`). Age bands hold their share: the 20-25 band's
surge after the 2014 reforms (the age range reached 25) is no trend to carry on.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

HELD, ENGLAND_TREND = "share_last", "share_england_trend"


def latest(parts: pd.DataFrame, origin: int) -> pd.DataFrame:
    """unit, breakdown, share_year, share: each unit's share by category in its latest year published up to
    `origin` (`parts`: tidy unit, breakdown, year, value)."""
    p = parts[parts["year"] <= origin].dropna(subset=["value"])
    p = p[p["year"] == p.groupby("unit")["year"].transform("max")]
    denom = p.groupby(["unit", "year"])["value"].transform("sum")
    out = p.assign(share=(p["value"] / denom).where(denom > 0), share_year=p["year"])
    return out[["unit", "breakdown", "share_year", "share"]].reset_index(drop=True)


def england_trend(parts: pd.DataFrame, origin: int, years: int = 3) -> pd.Series:
    """breakdown -> England's mean annual log change of the category's share of plans over up to `years` years
    to the latest year published by `origin`, over the units published in full at both ends (0 where fewer
    than two years are published)."""
    p = parts[parts["year"] <= origin].dropna(subset=["value"])
    cats = sorted(p["breakdown"].unique())
    if p.empty:
        return pd.Series(dtype=float)
    published = sorted(int(y) for y in p["year"].unique())
    end = published[-1]
    start = min(y for y in published if y >= end - years)
    if start == end:
        return pd.Series(0.0, index=cats)
    w = p.pivot_table(index="unit", columns=["year", "breakdown"], values="value", aggfunc="sum")
    a, b = w[start].reindex(columns=cats), w[end].reindex(columns=cats)
    full = a.notna().all(axis=1) & b.notna().all(axis=1)
    sa, sb = a[full].sum(), b[full].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.log((sb / sb.sum()) / (sa / sa.sum())) / (end - start)
    return rate.replace([np.inf, -np.inf], np.nan).fillna(0.0).rename(None)


def projected(parts: pd.DataFrame, origin: int, target_years: Iterable[int], method: str = HELD,
              years: int = 3) -> pd.DataFrame:
    """unit, breakdown, year, share for each target year, by `method` (`HELD` or `ENGLAND_TREND`)."""
    s = latest(parts, origin)
    if s.empty:
        return pd.DataFrame({"unit": pd.Series(dtype="str"), "breakdown": pd.Series(dtype="str"),
                             "year": pd.Series(dtype="int64"), "share": pd.Series(dtype=float)})
    targets = pd.DataFrame({"year": sorted({int(y) for y in target_years})})
    f = s.merge(targets, how="cross")
    if method == ENGLAND_TREND:
        rate = f["breakdown"].map(england_trend(parts, origin, years)).fillna(0.0)
        f["share"] = f["share"] * np.exp(rate * (f["year"] - f["share_year"]))
        f["share"] = f["share"] / f.groupby(["unit", "year"])["share"].transform("sum")
    elif method != HELD:
        raise ValueError(f"unknown share method {method!r}: {HELD} or {ENGLAND_TREND}")
    return f[["unit", "breakdown", "year", "share"]]
