"""The simple forecasts every model must beat, computed from a unit x year matrix at an origin.

Each takes `y` (units x years, years as int columns), the `origin` year (the last year it may look at) and the
horizon `h`, and returns the forecast for year origin + h per unit (missing where the unit has no value at the
origin). Where fewer than `years` past values exist (placements are published from 2019 only), the longest
span available is used, down to one year; with none, the last value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

Baseline = Callable[[pd.DataFrame, int, int], pd.Series]


def _at(y: pd.DataFrame, year: int) -> pd.Series:
    return y[year] if year in y.columns else pd.Series(np.nan, index=y.index)


def last_value(y: pd.DataFrame, origin: int, h: int) -> pd.Series:
    """The value at the origin, held flat."""
    return _at(y, origin).rename(None)


def linear_trend(y: pd.DataFrame, origin: int, h: int, years: int = 3) -> pd.Series:
    """The least-squares straight line through the last `years` values (origin-years+1 .. origin), extended h
    years; units with fewer than two of those values get the last value. Never below zero."""
    cols = [c for c in range(origin - years + 1, origin + 1) if c in y.columns]
    v = y[cols].to_numpy(dtype=float)
    x = np.array(cols, dtype=float)[None, :].repeat(len(v), axis=0)
    ok = ~np.isnan(v)
    n = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = np.where(ok, x, 0).sum(axis=1) / n
        ym = np.where(ok, v, 0).sum(axis=1) / n
        dx = np.where(ok, x - xm[:, None], 0)
        slope = (dx * np.where(ok, v - ym[:, None], 0)).sum(axis=1) / (dx**2).sum(axis=1)
        out = ym + slope * (origin + h - xm)
    last = _at(y, origin).to_numpy(dtype=float)
    out = np.where((n >= 2) & ~np.isnan(last), np.maximum(out, 0.0), last)
    return pd.Series(out, index=y.index)


def _growth_base(y: pd.DataFrame, origin: int, years: int) -> tuple[pd.Series, pd.Series]:
    """(base value, span in years): the value `years` before the origin, or the nearest later one available."""
    base = pd.Series(np.nan, index=y.index)
    span = pd.Series(np.nan, index=y.index)
    for k in range(1, years + 1):  # the longest span wins: later k overwrite
        v = _at(y, origin - k)
        ok = v.notna() & (v > 0)
        base, span = base.where(~ok, v), span.where(~ok, k)
    return base, span


def own_growth(y: pd.DataFrame, origin: int, h: int, years: int = 3) -> pd.Series:
    """The unit's own compound growth rate over the last `years` years, carried h years on."""
    last = _at(y, origin)
    base, span = _growth_base(y, origin, years)
    rate = (last / base) ** (1.0 / span)
    return (last * rate**h).where(rate.notna(), last)


def national_log_growth(y: pd.DataFrame, start: int, end: int) -> float:
    """log(total at `end` / total at `start`) over the units with a value in both years (like for like)."""
    if start not in y.columns or end not in y.columns:
        return float("nan")
    a, b = y[start], y[end]
    ok = a.notna() & b.notna()
    if not ok.any() or a[ok].sum() <= 0:
        return float("nan")
    return float(np.log(b[ok].sum() / a[ok].sum()))


def national_growth(y: pd.DataFrame, origin: int, h: int, years: int = 3) -> pd.Series:
    """England's compound growth rate over the last `years` years (the sum of the units), applied to each unit."""
    last = _at(y, origin)
    for k in range(years, 0, -1):
        g = national_log_growth(y, origin - k, origin)
        if np.isfinite(g):
            return last * np.exp(g * h / k)
    return last.copy()


BASELINES: dict[str, Baseline] = {
    "last_value": last_value,
    "linear_trend_3y": linear_trend,
    "own_growth_3y": own_growth,
    "england_growth_3y": national_growth,
}
