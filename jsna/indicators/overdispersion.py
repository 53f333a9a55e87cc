"""Funnel limits adjusted for overdispersion (Spiegelhalter 2005, Statistics in Medicine 24:1185-1202).

With many areas or large denominators, real differences between areas (case mix, recording) put far
more areas outside the plain limits of :mod:`jsna.indicators.funnels` than chance would. Spiegelhalter's
method, as PHE's funnel tools offer it beside the plain limits:

1. each area's z-score against the overall average t under the plain model, z = (y - t) / s(n), with
   s(n)^2 = t(1 - t) / n for proportions, t / n for rates (events per person; n the person-years, or
   for a DSR the population its events and rate imply) and 1 / E for ratios of observed to expected
   (t = 1);
2. the z-scores winsorised: those below the 10th percentile set to it, those above the 90th to it
   (percentiles interpolated linearly between order statistics, R's type 7);
3. the dispersion factor phi = mean of the squared winsorised z-scores (k areas);
4. either *multiplicative* limits t +/- z_p sqrt(phi) s(n) (phi taken as 1 when below 1: no
   adjustment), or *additive* random-effects limits t +/- z_p sqrt(s(n)^2 + tau^2) with the
   DerSimonian-Laird between-area variance tau^2 = max(0, (k phi - (k - 1)) / (sum w - sum w^2 / sum w)),
   w = 1 / s(n)^2.

Limits are at 2 and 3 sigma (z_p for p = 0.975 and 0.999) on the normal approximation, on the same
populations (or expected counts) as the plain funnel, and an area's label tests its z-score scaled
the same way. The plain limits stay exact (Wilson, Poisson) as Fingertips draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from jsna.indicators import funnels
from jsna.indicators.methods import SMALL_COUNT, FloatArray

Statistic = Literal["proportion", "rate", "ratio"]
Adjustment = Literal["multiplicative", "additive"]

#: Share of z-scores winsorised at each end (Spiegelhalter's default 10%).
WINSOR = 0.1
#: Normal quantiles of the 2 and 3 sigma lines.
Z_2S, Z_3S = float(special.ndtri(0.975)), float(special.ndtri(0.999))


@dataclass(frozen=True)
class Dispersion:
    """What the areas say about overdispersion: phi (1 = none), tau^2 on the statistic's own scale
    (a proportion, events per person, or a ratio: not multiplied) and the number of areas used."""

    phi: float
    tau2: float
    areas: int


def winsorise(z: npt.ArrayLike, fraction: float = WINSOR) -> FloatArray:
    """z clipped to its `fraction` and 1 - `fraction` quantiles (linear interpolation)."""
    values = np.asarray(z, dtype=np.float64)
    low, high = np.quantile(values, [fraction, 1 - fraction])
    return np.clip(values, low, high)


def dispersion(y: npt.ArrayLike, target: float, se: npt.ArrayLike, fraction: float = WINSOR) -> Dispersion:
    """phi and tau^2 from values y with standard errors se under the plain model around target."""
    values, s = np.asarray(y, dtype=np.float64), np.asarray(se, dtype=np.float64)
    keep = np.isfinite(values) & np.isfinite(s) & (s > 0)
    values, s = values[keep], s[keep]
    k = len(values)
    if k < 2:
        raise ValueError("overdispersion needs at least two areas with a standard error")
    phi = float(np.mean(winsorise((values - target) / s, fraction) ** 2))
    w = 1 / s**2
    tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return Dispersion(phi, float(tau2), k)


def _model(
    statistic: Statistic, numerator: FloatArray, denominator: FloatArray
) -> tuple[FloatArray, float, FloatArray]:
    """(values y, target t, sizes) on the statistic's own scale."""
    with np.errstate(divide="ignore", invalid="ignore"):
        y = numerator / denominator
    if statistic == "ratio":
        return y, 1.0, denominator
    keep = np.isfinite(denominator)
    return y, float(numerator[keep].sum() / denominator[keep].sum()), denominator


def standard_error(statistic: Statistic, target: float, size: npt.ArrayLike) -> FloatArray:
    """s(n) of the plain model: binomial for proportions, Poisson for rates and ratios."""
    n = np.asarray(size, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if statistic == "proportion":
            return np.sqrt(target * (1 - target) / n)
        if statistic == "rate":
            return np.sqrt(target / n)
        if statistic == "ratio":
            return np.sqrt(1 / n)
    raise ValueError("statistic must be 'proportion', 'rate' or 'ratio'")


def _spread(se: FloatArray, found: Dispersion, adjustment: Adjustment) -> FloatArray:
    """The adjusted standard error at each size."""
    if adjustment == "multiplicative":
        return se * np.sqrt(max(found.phi, 1.0))
    if adjustment == "additive":
        return np.sqrt(se**2 + found.tau2)
    raise ValueError("adjustment must be 'multiplicative' or 'additive'")


def _inputs(
    statistic: Statistic,
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike | None,
    rate: npt.ArrayLike | None,
    rate_type: Literal["dsr", "crude"] | None,
    multiplier: float,
) -> tuple[FloatArray, FloatArray]:
    """Numerators and the sizes to test them on: n for proportions, E for ratios, for rates the
    population the rates imply (as the plain funnel derives it)."""
    x = np.asarray(numerator, dtype=np.float64)
    n = None if denominator is None else np.asarray(denominator, dtype=np.float64)
    if statistic == "rate":
        if rate is None or rate_type is None:
            raise ValueError("rates need rate and rate_type")
        return x, funnels.derived_denominator(x, np.asarray(rate, dtype=np.float64), multiplier, rate_type, n)
    if n is None:
        raise ValueError(f"{statistic}s need a denominator")
    return x, n


def overdispersed_limits(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike | None,
    statistic: Statistic = "proportion",
    adjustment: Adjustment = "multiplicative",
    multiplier: float = 100,
    rate: npt.ArrayLike | None = None,
    rate_type: Literal["dsr", "crude"] | None = None,
    years_of_data: float = 1,
    fraction: float = WINSOR,
) -> tuple[pd.DataFrame, Dispersion]:
    """Overdispersed funnel limits over 100 sizes, and the dispersion found.

    Columns: ``size`` (population; for rates the yearly population; for ratios the expected count),
    ``lower_2s_limit`` ... ``upper_3s_limit`` and ``baseline``, all x multiplier (ratios: x 100, an
    ISR's scale). Proportions are kept within [0, multiplier] and rates and ratios above 0.
    """
    x, n = _inputs(statistic, numerator, denominator, rate, rate_type, multiplier)
    y, target, size = _model(statistic, x, n)
    found = dispersion(y, target, standard_error(statistic, target, size), fraction)
    years = years_of_data if statistic == "rate" else 1
    axis = funnels.funnel_axis(*funnels.axis_range(size, years), offset=0)
    spread = _spread(standard_error(statistic, target, axis), found, adjustment)
    scale = 100 if statistic == "ratio" else multiplier
    out = pd.DataFrame({"size": axis / years})
    for name, z in (("2s", Z_2S), ("3s", Z_3S)):
        out[f"lower_{name}_limit"] = np.maximum(0, target - z * spread) * scale
        upper = (target + z * spread) * scale
        out[f"upper_{name}_limit"] = np.minimum(scale, upper) if statistic == "proportion" else upper
    out["baseline"] = target * scale
    return out[["size", "lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit", "baseline"]], found


def overdispersed_significance(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike | None,
    statistic: Statistic = "proportion",
    adjustment: Adjustment = "multiplicative",
    multiplier: float = 100,
    rate: npt.ArrayLike | None = None,
    rate_type: Literal["dsr", "crude"] | None = None,
    fraction: float = WINSOR,
) -> npt.NDArray[np.str_]:
    """Each area's label against the overdispersed limits, in the plain funnel's words ('High (0.001)'
    ... 'Not significant'; DSRs from fewer than 10 events are not applicable)."""
    x, n = _inputs(statistic, numerator, denominator, rate, rate_type, multiplier)
    if (x < 0).any() or (n[np.isfinite(n)] <= 0).any():
        raise ValueError("numerators must be at least zero and denominators above zero")
    if statistic == "proportion" and (x > n).any():
        raise ValueError("numerators must be less than or equal to denominators for a proportion")
    y, target, size = _model(statistic, x, n)
    se = standard_error(statistic, target, size)
    found = dispersion(y, target, se, fraction)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (y - target) / _spread(se, found, adjustment)
    labels = funnels.label_areas(z > Z_3S, z > Z_2S, z < -Z_3S, z < -Z_2S)
    if statistic == "rate" and rate_type == "dsr":
        return np.where(x < SMALL_COUNT, funnels.NOT_APPLICABLE_DSR, labels)
    return labels
