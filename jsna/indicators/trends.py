"""Reading an indicator as Fingertips does: its recent trend and its comparison with a benchmark.

* :func:`trend_test` - the recent-trend test over the latest five points.
* :func:`compare` / :func:`compare_direction` - an area's confidence interval against a comparator
  value (England, region, statistical neighbours), read through the indicator's polarity.
* :func:`compare_to_target` - an area's value against a target.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special, stats

FloatArray = npt.NDArray[np.float64]
Polarity = Literal["high_is_good", "low_is_good", "no_judgement"]
POLARITIES = ("high_is_good", "low_is_good", "no_judgement")

#: Chi-square (1 df) critical value at p = 0.002, i.e. 99.8% confidence: 9.5495.
TREND_CRITICAL = float(stats.chi2.ppf(0.998, 1))
TREND_POINTS = 5


def _float(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


# --------------------------------------------------------------------------------------------------
# Recent trend
# --------------------------------------------------------------------------------------------------


def trend_statistic(
    values: npt.ArrayLike, lower95: npt.ArrayLike, upper95: npt.ArrayLike, points: int = TREND_POINTS
) -> tuple[FloatArray, FloatArray]:
    """Slope per period and chi-square statistic of the latest ``points`` values (last axis = time).

    Weighted least squares of value on period number (0, 1, ...), weights 1 / se^2 with
    se = (upper95 - lower95) / (2 x 1.96); chi-square = slope^2 / var(slope) = Sxy^2 / Sxx with
    weighted sums about the weighted means. NaN where fewer than ``points`` usable values.
    """
    v, lo, hi = np.broadcast_arrays(_float(values), _float(lower95), _float(upper95))
    if v.shape[-1] < points:
        nan = np.full(v.shape[:-1], np.nan)
        return nan, nan.copy()
    v, lo, hi = v[..., -points:], lo[..., -points:], hi[..., -points:]
    se = (hi - lo) / (2 * special.ndtri(0.975))
    usable = (np.isfinite(v) & np.isfinite(se) & (se > 0)).all(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = 1 / se**2
        t = np.arange(points, dtype=np.float64)
        t_bar = (w * t).sum(axis=-1, keepdims=True) / w.sum(axis=-1, keepdims=True)
        v_bar = (w * v).sum(axis=-1, keepdims=True) / w.sum(axis=-1, keepdims=True)
        sxx = (w * (t - t_bar) ** 2).sum(axis=-1)
        sxy = (w * (t - t_bar) * (v - v_bar)).sum(axis=-1)
        slope, chi2 = sxy / sxx, sxy**2 / sxx
    return np.where(usable, slope, np.nan), np.where(usable, chi2, np.nan)


def trend_test(
    values: npt.ArrayLike,
    lower95: npt.ArrayLike,
    upper95: npt.ArrayLike,
    points: int = TREND_POINTS,
    critical: float = TREND_CRITICAL,
) -> str | npt.NDArray[np.str_]:
    """Fingertips' recent trend of a series in time order: 'increasing', 'decreasing',
    'no significant change' or 'cannot be calculated'.

    Uses the latest five points, weighted by the inverse of the variance implied by their 95% limits
    (:func:`trend_statistic`); the trend is significant where the chi-square statistic exceeds
    9.5495 (99.8% confidence). Fewer than five points, a missing value or limit among the latest five,
    or a zero-width interval gives 'cannot be calculated'. A 1-D series gives one label; a 2-D array
    (one series per row) gives one label per row.
    """
    slope, chi2 = trend_statistic(values, lower95, upper95, points)
    labels = np.select(
        [np.isnan(chi2), chi2 > critical],
        ["cannot be calculated", np.where(slope > 0, "increasing", "decreasing")],
        default="no significant change",
    )
    return str(labels) if labels.ndim == 0 else labels


# --------------------------------------------------------------------------------------------------
# Benchmarking
# --------------------------------------------------------------------------------------------------


def _polarity(polarity: Polarity | npt.ArrayLike, shape: tuple[int, ...]) -> npt.NDArray[np.str_]:
    pol = np.broadcast_to(np.asarray(polarity, dtype=str), shape)
    if not np.isin(pol, POLARITIES).all():
        raise ValueError(f"polarity must be one of {POLARITIES}: {polarity!r}")
    return pol


def _labels(result: npt.NDArray[np.str_]) -> str | npt.NDArray[np.str_]:
    return str(result) if result.ndim == 0 else result


def compare_direction(
    value: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    comparator: npt.ArrayLike,
    comparator_lower: npt.ArrayLike | None = None,
    comparator_upper: npt.ArrayLike | None = None,
) -> str | npt.NDArray[np.str_]:
    """'higher' / 'lower' / 'similar' / 'not compared' for an area's interval against a comparator.

    Higher where the area's lower limit is above the comparator value, lower where its upper limit is
    below it. When the comparator's own limits are given the two intervals must not overlap instead.
    Any missing input gives 'not compared'.
    """
    val, lo, hi, comp = np.broadcast_arrays(_float(value), _float(lower), _float(upper), _float(comparator))
    comp_lo = comp if comparator_lower is None else np.broadcast_to(_float(comparator_lower), comp.shape)
    comp_hi = comp if comparator_upper is None else np.broadcast_to(_float(comparator_upper), comp.shape)
    missing = np.isnan(val) | np.isnan(lo) | np.isnan(hi) | np.isnan(comp_lo) | np.isnan(comp_hi)
    with np.errstate(invalid="ignore"):
        result = np.select(
            [missing, lo > comp_hi, hi < comp_lo], ["not compared", "higher", "lower"], "similar"
        )
    return _labels(result)


def compare(
    value: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    comparator: npt.ArrayLike,
    polarity: Polarity | npt.ArrayLike = "high_is_good",
    comparator_lower: npt.ArrayLike | None = None,
    comparator_upper: npt.ArrayLike | None = None,
) -> str | npt.NDArray[np.str_]:
    """Fingertips' benchmark of an area: 'better' / 'similar' / 'worse' / 'not compared'.

    The area's interval (95% or 99.8%: whichever limits are passed) is set against the comparator as
    in :func:`compare_direction` and read through the polarity ('high_is_good': higher is better;
    'low_is_good': lower is better). Indicators with polarity 'no_judgement' are 'not compared' here;
    use :func:`compare_direction` to show them as higher / lower / similar.
    """
    direction = np.asarray(
        compare_direction(value, lower, upper, comparator, comparator_lower, comparator_upper)
    )
    pol = _polarity(polarity, direction.shape)
    judged = (pol != "no_judgement") & np.isin(direction, ["higher", "lower"])
    better = (pol == "high_is_good") == (direction == "higher")
    similar = (pol != "no_judgement") & (direction == "similar")
    result = np.select([judged & better, judged, similar], ["better", "worse", "similar"], "not compared")
    return _labels(result)


def compare_to_target(
    value: npt.ArrayLike, target: npt.ArrayLike, polarity: Polarity | npt.ArrayLike = "high_is_good"
) -> str | npt.NDArray[np.str_]:
    """An area's value against a target: 'better' where it meets the target (value >= target when
    high is good, value <= target when low is good), otherwise 'worse'; 'not compared' for a missing
    value or target, or polarity 'no_judgement'."""
    val, tgt = np.broadcast_arrays(_float(value), _float(target))
    pol = _polarity(polarity, val.shape)
    with np.errstate(invalid="ignore"):
        meets = np.where(pol == "high_is_good", val >= tgt, val <= tgt)
    judged = (pol != "no_judgement") & ~np.isnan(val) & ~np.isnan(tgt)
    return _labels(np.where(judged, np.where(meets, "better", "worse"), "not compared"))
