"""Variation between districts on a funnel plot: limits and each district's significance, from the
project's own funnel methods (jsna.indicators.funnels, as Fingertips draws them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jsna.indicators import funnels


@dataclass
class Funnel:
    points: pd.DataFrame  # area_code, area_name, size, value, significance
    lines: dict[str, tuple[Any, Any]]  # lower_2s ... upper_3s -> (x, y)
    baseline: float
    x_title: str
    left_out: list[str]  # districts suppressed or with no denominator


def funnel(rows: pd.DataFrame, method: str, multiplier: float) -> Funnel | None:
    """Funnel for published district rows of one indicator and period: proportions (Wilson) or crude
    rates (Poisson). None when fewer than three districts have counts to plot."""
    usable = rows.dropna(subset=["numerator", "denominator", "value"])
    usable = usable[(usable["denominator"] > 0) & (usable["numerator"] >= 0)]
    left_out = sorted(set(rows["area_name"]) - set(usable["area_name"]))
    if len(usable) < 3:
        return None
    x, n = usable["numerator"].to_numpy(float), usable["denominator"].to_numpy(float)
    names = ("lower_2s", "upper_2s", "lower_3s", "upper_3s")
    if method.startswith("proportion"):
        limits = funnels.funnel_limits_proportion(x, n, multiplier)
        lines = {k: (limits["population"].to_numpy(), limits[f"{k}_limit"].to_numpy()) for k in names}
        significance = funnels.funnel_significance(x, n, "proportion")
        size, title = n, "denominator (people counted)"
    else:
        rate = usable["value"].to_numpy(float)
        limits = funnels.funnel_limits_rate(x, rate, multiplier, "crude", 1, n)
        lines = {k: (limits[f"{k}_population_1_year"].to_numpy(), limits[f"{k}_limit"].to_numpy()) for k in names}
        significance = funnels.funnel_significance(x, n, "rate", rate=rate, rate_type="crude", multiplier=multiplier)
        size, title = n, "population"
    lines = {k: (xs[np.isfinite(xs) & np.isfinite(ys)], ys[np.isfinite(xs) & np.isfinite(ys)])
             for k, (xs, ys) in lines.items()}
    points = usable[["area_code", "area_name", "value"]].assign(size=size, significance=significance)
    return Funnel(points.reset_index(drop=True), lines, float(limits["baseline"].iloc[0]), title, left_out)
