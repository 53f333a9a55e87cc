"""Variation between districts on a funnel plot: limits and each district's significance, from the
project's own funnel methods (jsna.indicators.funnels, as Fingertips draws them; overdispersed limits
from jsna.indicators.overdispersion, Spiegelhalter's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from jsna.indicators import funnels, overdispersion

#: The limits a funnel may draw: the plain (exact) ones, or adjusted for overdispersion.
LIMITS = {"plain": "Plain (exact)", "multiplicative": "Overdispersed: multiplicative (φ)",
          "additive": "Overdispersed: additive random effects (τ²)"}
FUNNEL_METHODS = ("proportion_wilson", "crude_rate")  # the catalogue methods a funnel is drawn for
NAMES = ("lower_2s", "upper_2s", "lower_3s", "upper_3s")


@dataclass
class Funnel:
    points: pd.DataFrame  # area_code, area_name, size, value, significance
    lines: dict[str, tuple[Any, Any]]  # lower_2s ... upper_3s -> (x, y)
    baseline: float
    x_title: str
    left_out: list[str]  # districts suppressed or with no denominator
    dispersion: overdispersion.Dispersion | None = None  # what overdispersed limits were built from


def funnel(rows: pd.DataFrame, method: str, multiplier: float,
           limits: Literal["plain", "multiplicative", "additive"] = "plain") -> Funnel | None:
    """Funnel for published district rows of one indicator and period: proportions (Wilson) or crude
    rates (Poisson), with plain or overdispersed limits. None when fewer than three districts have
    counts to plot."""
    usable = rows.dropna(subset=["numerator", "denominator", "value"])
    usable = usable[(usable["denominator"] > 0) & (usable["numerator"] >= 0)]
    left_out = sorted(set(rows["area_name"]) - set(usable["area_name"]))
    if len(usable) < 3:
        return None
    x, n = usable["numerator"].to_numpy(float), usable["denominator"].to_numpy(float)
    proportion = method.startswith("proportion")
    rate = usable["value"].to_numpy(float)
    title = "denominator (people counted)" if proportion else "population"
    found = None
    if limits != "plain" and not _can_estimate(x, n, proportion):
        limits = "plain"  # every district at 0% (or 100%): no spread to estimate, the plain limits stand
    if limits != "plain":
        statistic: Literal["proportion", "rate"] = "proportion" if proportion else "rate"
        kind: Literal["crude"] | None = None if proportion else "crude"
        table, found = overdispersion.overdispersed_limits(x, n, statistic, limits, multiplier, rate=rate,
                                                           rate_type=kind)
        lines = {k: (table["size"].to_numpy(), table[f"{k}_limit"].to_numpy()) for k in NAMES}
        significance = overdispersion.overdispersed_significance(x, n, statistic, limits, multiplier, rate=rate,
                                                                 rate_type=kind)
    elif proportion:
        table = funnels.funnel_limits_proportion(x, n, multiplier)
        lines = {k: (table["population"].to_numpy(), table[f"{k}_limit"].to_numpy()) for k in NAMES}
        significance = funnels.funnel_significance(x, n, "proportion")
    else:
        table = funnels.funnel_limits_rate(x, rate, multiplier, "crude", 1, n)
        lines = {k: (table[f"{k}_population_1_year"].to_numpy(), table[f"{k}_limit"].to_numpy()) for k in NAMES}
        significance = funnels.funnel_significance(x, n, "rate", rate=rate, rate_type="crude", multiplier=multiplier)
    lines = {k: (xs[np.isfinite(xs) & np.isfinite(ys)], ys[np.isfinite(xs) & np.isfinite(ys)])
             for k, (xs, ys) in lines.items()}
    points = usable[["area_code", "area_name", "value"]].assign(size=n, significance=significance)
    return Funnel(points.reset_index(drop=True), lines, float(table["baseline"].iloc[0]), title, left_out, found)


def _can_estimate(x: np.ndarray, n: np.ndarray, proportion: bool) -> bool:
    """Overdispersion needs an average strictly inside (0, 1) for proportions and above 0 for rates."""
    average = x.sum() / n.sum()
    return bool(0 < average < 1) if proportion else bool(average > 0)


def limits_sentence(f: Funnel, limits: str, multiplier: float, unit: str) -> str:
    """Which limits are drawn, in one sentence for the chart's description."""
    if f.dispersion is None:
        why = "" if limits == "plain" else " (no overdispersion can be estimated when every district is at the extreme)"
        return f"Plain limits (exact: Wilson for proportions, Poisson for rates), as Fingertips draws them{why}."
    d = f.dispersion
    if limits == "multiplicative":
        how = (f"inflated by √φ, φ = {d.phi:.2f}" if d.phi > 1
               else f"φ = {d.phi:.2f} is not above 1, so no inflation")
    else:
        how = f"widened by a between-district spread τ = {np.sqrt(d.tau2) * multiplier:.3g} {unit}"
    return (f"Limits adjusted for overdispersion (Spiegelhalter 2005: z-scores of {d.areas} districts winsorised "
            f"at 10%), {how}; normal approximation.")
