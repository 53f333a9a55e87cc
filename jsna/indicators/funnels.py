"""Funnel plots as Fingertips draws them (Spiegelhalter 2005; PHEindicatormethods' funnel functions).

* Control limits at 2 and 3 sigma (probabilities 0.025/0.975 and 0.001/0.999) around the overall
  average, for proportions (Wilson score limits inverted for the population at which they meet the
  average), ratios of observed to expected counts and rates (Poisson limits).
* The significance label of each area against those limits.

The limit tables have 100 rows spread over the range of the areas' denominators, for plotting.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from jsna.indicators.methods import SMALL_COUNT, FloatArray, count_limits

#: Significance labels, from most to least extreme.
HIGH_3S, HIGH_2S, LOW_3S, LOW_2S = "High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)"
NOT_SIGNIFICANT = "Not significant"
NOT_APPLICABLE_DSR = "Not applicable for events less than 10 for dsrs"

#: (name, tail probability, side of the Poisson search) for the four limit lines.
_LINES: tuple[tuple[str, float, Literal["low", "high"]], ...] = (
    ("lower_2s", 0.025, "high"),
    ("upper_2s", 0.025, "low"),
    ("lower_3s", 0.001, "high"),
    ("upper_3s", 0.001, "low"),
)

BoolArray = npt.NDArray[np.bool_]


def _float(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


# --------------------------------------------------------------------------------------------------
# Axis of the limit tables
# --------------------------------------------------------------------------------------------------


def _r_nchar(value: float) -> int:
    """Characters R prints for a non-negative whole number (as.character picks the shorter of fixed
    and scientific notation, so 100000 prints as '1e+05')."""
    digits = str(int(value))
    significant = len(digits.rstrip("0")) or 1
    exponent = len(digits) - 1
    scientific = (significant + 1 if significant > 1 else 1) + 2 + max(2, len(str(exponent)))
    return len(digits) if len(digits) <= scientific else scientific


def _signif_floor(x: float) -> float:
    """Round 95% of x down to its leading digit (PHE's axis minimum)."""
    if x == 0:
        return 0.0
    n = _r_nchar(np.floor(x * 0.95)) - 1
    return float(np.floor(x * 0.95 / 10**n) * 10**n)


def _signif_ceiling(x: float) -> float:
    """Round 105% of x up to its two leading digits (PHE's axis maximum)."""
    if x == 0:
        return 0.0
    n = _r_nchar(np.ceil(x * 1.05)) - 2
    return float(np.ceil(x * 1.05 / 10**n) * 10**n)


def funnel_axis(minimum: float, maximum: float, offset: int) -> FloatArray:
    """100 points from max(1, minimum) to maximum, geometrically spaced and at least 1 apart."""
    points = [max(1.0, minimum)]
    for j in range(2, 101):
        step = (maximum / points[-1]) ** (1 / (101 - (j - offset))) * points[-1]
        points.append(max(float(np.round(step)), points[-1] + 1))
    return np.array(points)


def axis_range(denominators: FloatArray, years: float = 1) -> tuple[float, float]:
    """Axis range: from 0 unless the largest denominator is within twice the smallest."""
    low, high = float(np.nanmin(denominators)), float(np.nanmax(denominators))
    minimum = 0.0 if high > 2 * low else _signif_floor(low / years) * years
    return minimum, _signif_ceiling(high / years) * years


# --------------------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------------------


def _wilson_inverse(p: float, population: FloatArray, average: float, side: str) -> FloatArray:
    """Proportion at which the Wilson limit for a population meets the average (sigma_adjustment)."""
    z2 = special.ndtri(p) ** 2
    first = average * (population / z2 + 1)
    with np.errstate(invalid="ignore"):
        adj = np.sqrt(
            (-8 * average * (population / z2 + 1)) ** 2
            - 64 * (1 / z2 + 1 / population) * average
            * (population * (average * (population / z2 + 2) - 1) + z2 * (average - 1))
        )  # fmt: skip
    last = 1 / z2 + 1 / population
    limit = (first - adj / 8) / last if side == "low" else (first + adj / 8) / last
    return limit / population


def funnel_limits_proportion(
    numerator: npt.ArrayLike, denominator: npt.ArrayLike, multiplier: float = 100
) -> pd.DataFrame:
    """Funnel control limits for proportions (Spiegelhalter 2005, Wilson score limits).

    Returns 100 populations with lower/upper limits at 2 sigma (0.025/0.975) and 3 sigma
    (0.001/0.999), capped to [0, multiplier], and the baseline average sum(x)/sum(n) x multiplier.
    (PHEindicatormethods caps the upper limits at 100 whatever the multiplier: the same for
    percentages, and wrong for other multipliers.)
    """
    x, n = _float(numerator), _float(denominator)
    average = x.sum() / np.nansum(n)
    population = funnel_axis(*axis_range(n), offset=0)
    out = pd.DataFrame({"population": population})
    for name, tail, _ in _LINES:
        side = "low" if name.startswith("lower") else "high"
        limit = _wilson_inverse(round(1 - tail, 6), population, average, side) * multiplier
        out[f"{name}_limit"] = np.maximum(0, limit) if side == "low" else np.minimum(multiplier, limit)
    out["baseline"] = average * multiplier
    return out


def _series_length(z: FloatArray) -> FloatArray:
    """Number of Poisson terms PHE's series sum adds up for a mean z: terms k = 0..K-1, where K is the
    first k > z whose term is at most 1e-10 of the sum so far (a monotone test, found by bisection)."""
    lo = np.floor(z) + 1
    hi = lo + np.ceil(20 * np.sqrt(z) + 60)
    while np.any(hi > lo):
        mid = np.floor((lo + hi) / 2)
        log_pmf = mid * np.log(z) - z - special.gammaln(mid + 1)
        done = np.exp(log_pmf) <= 1e-10 * special.pdtr(mid - 1, z)
        hi, lo = np.where(done, mid, hi), np.where(done, lo, mid + 1)
    return lo


def poisson_funnel(observed: npt.ArrayLike, p: float, side: Literal["low", "high"]) -> FloatArray:
    """Expected count at which `observed` sits on a Poisson tail of probability p.

    side 'low': P(X >= observed) = p (the expected count below the observation); 'high':
    P(X <= observed) = p. Reproduces Fingertips' funnel macro as PHEindicatormethods ports it, whose
    approximations the published limits carry: a bisection on v = E / (1 + observed + E) halved 23
    times (to a step of 6e-8), testing tail probabilities from a Poisson series truncated where its
    terms fall below 1e-10 of the sum (:func:`_series_length`). Evaluated once per distinct count.
    """
    obs = _float(observed)
    distinct, inverse = np.unique(obs, return_inverse=True)
    v, dv = np.full(distinct.shape, 0.5), 0.5
    while dv > 1e-7:
        dv /= 2
        expected = (1 + distinct) * v / (1 - v)
        last = _series_length(expected) - 1
        total = special.pdtr(last, expected)
        if side == "low":
            upper = np.where(
                distinct > last, 0.0, special.pdtrc(distinct - 1, expected) - special.pdtrc(last, expected)
            )
            tail = np.where(distinct > 0, upper / total, 1.0)
            v = np.where(tail > p, v - dv, v + dv)
        else:
            tail = special.pdtr(np.minimum(distinct, last), expected) / total
            v = np.where(tail < p, v - dv, v + dv)
    return ((1 + distinct) * v / (1 - v))[inverse.reshape(obs.shape)]


def funnel_limits_ratio(
    observed: npt.ArrayLike, expected: npt.ArrayLike, ratio_type: Literal["count", "isr"] = "isr"
) -> pd.DataFrame:
    """Funnel control limits for observed/expected ratios (Poisson).

    For 100 observed counts, the expected counts at which the count lies on each limit and the ratio
    there: 'count' gives observed/expected - 1, 'isr' gives observed/expected x 100.
    """
    events = funnel_axis(*axis_range(_float(expected)), offset=1)
    out = pd.DataFrame({"observed_events": events})
    for name, tail, side in _LINES:
        exp_events = poisson_funnel(events, tail, side)
        ratio = events / exp_events
        out[f"{name}_exp_events"] = exp_events
        out[f"{name}_limit"] = ratio - 1 if ratio_type == "count" else ratio * 100
    return out


def derived_denominator(
    numerator: FloatArray, rate: FloatArray, multiplier: float, rate_type: str, denominator: FloatArray | None
) -> FloatArray:
    """Population implied by a rate: multiplier x events / rate. For a DSR with no events it is
    unknown; for a crude rate with no events it is the denominator, when given."""
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = multiplier * numerator / rate
    if rate_type == "dsr":
        return np.where(numerator == 0, np.nan, derived)
    if rate_type == "crude":
        return derived if denominator is None else np.where(numerator == 0, denominator, derived)
    raise ValueError("rate_type must be 'dsr' or 'crude'")


def funnel_limits_rate(
    numerator: npt.ArrayLike,
    rate: npt.ArrayLike,
    multiplier: float,
    rate_type: Literal["dsr", "crude"],
    years_of_data: float,
    denominator: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """Funnel control limits for rates (Poisson): for 100 event counts, the yearly population at which
    the count lies on each limit and the rate there per multiplier, plus the baseline average rate."""
    x = _float(numerator)
    derived = derived_denominator(
        x, _float(rate), multiplier, rate_type, None if denominator is None else _float(denominator)
    )
    average = x.sum() / np.nansum(derived)
    minimum, maximum = axis_range(derived, years_of_data)
    events = funnel_axis(np.floor(minimum * average), np.ceil(maximum * average), offset=0)
    out = pd.DataFrame({"events": events})
    for name, tail, side in _LINES:
        population = poisson_funnel(events, tail, side) / average  # type: ignore[arg-type]
        out[f"{name}_population_1_year"] = population / years_of_data
        out[f"{name}_limit"] = events / population * multiplier
    out["baseline"] = average * multiplier
    return out


def funnel_points(
    numerator: npt.ArrayLike,
    rate: npt.ArrayLike,
    multiplier: float,
    rate_type: Literal["dsr", "crude"],
    years_of_data: float,
    denominator: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """Points to plot on a rate funnel: the rate (DSRs from fewer than 10 events dropped) and the
    yearly population it implies (calculate_funnel_points)."""
    x, r = _float(numerator), _float(rate)
    den = None if denominator is None else _float(denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = (multiplier * x / r) / years_of_data
    if rate_type == "dsr":
        small = x < SMALL_COUNT
        return pd.DataFrame(
            {
                "rate_chart": np.where(small, np.nan, r),
                "denominator_derived": np.where(small, np.nan, derived),
            }
        )
    if rate_type != "crude":
        raise ValueError("rate_type must be 'dsr' or 'crude'")
    if den is not None:
        derived = np.where(x == 0, den / years_of_data, derived)
    return pd.DataFrame({"rate_chart": r, "denominator_derived": derived})


# --------------------------------------------------------------------------------------------------
# Significance
# --------------------------------------------------------------------------------------------------


def label_areas(
    high_3s: BoolArray, high_2s: BoolArray, low_3s: BoolArray, low_2s: BoolArray
) -> npt.NDArray[np.str_]:
    """Label from four tests, in PHE's order: high before low, 3 sigma before 2 sigma."""
    labels = np.full(np.shape(high_3s), NOT_SIGNIFICANT, dtype=f"<U{len(NOT_APPLICABLE_DSR)}")
    for test, label in ((low_2s, LOW_2S), (low_3s, LOW_3S), (high_2s, HIGH_2S), (high_3s, HIGH_3S)):
        labels[test] = label
    return labels


def _poisson_tests(
    observed: FloatArray, expected: FloatArray, reference: float | FloatArray
) -> npt.NDArray[np.str_]:
    """High where the count's lower limit over expected exceeds the reference; low symmetrically.

    Count limits are exact below 10 events and Byars from 10 (funnel_ratio_significance)."""
    bounds = {}
    for level in (0.998, 0.95):
        lower, upper = count_limits(observed, level)
        with np.errstate(divide="ignore", invalid="ignore"):
            bounds[level] = (lower / expected, upper / expected)
    with np.errstate(invalid="ignore"):
        return label_areas(
            reference < bounds[0.998][0], reference < bounds[0.95][0],
            reference > bounds[0.998][1], reference > bounds[0.95][1],
        )  # fmt: skip


def funnel_significance(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike | None = None,
    statistic: Literal["proportion", "ratio", "rate"] = "proportion",
    rate: npt.ArrayLike | None = None,
    rate_type: Literal["dsr", "crude"] | None = None,
    multiplier: float | None = None,
) -> npt.NDArray[np.str_]:
    """Each area's funnel label: 'High (0.001)', 'High (0.025)', 'Low (0.001)', 'Low (0.025)',
    'Not significant', or for DSRs from fewer than 10 events 'Not applicable for events less than
    10 for dsrs' (assign_funnel_significance).

    Proportions are tested against the Wilson funnel around sum(x)/sum(n); ratios (numerator =
    observed, denominator = expected) against 1; rates against the average rate implied by the
    numerators and rates (give rate, rate_type and multiplier; the denominator is needed for crude
    rates with no events).
    """
    x = _float(numerator)
    n = None if denominator is None else _float(denominator)
    if (x < 0).any():
        raise ValueError("numerators must be greater than or equal to zero")
    if n is not None and (n <= 0).any():
        raise ValueError("denominators must be greater than zero")
    if statistic == "proportion":
        if n is None:
            raise ValueError("proportions need a denominator")
        if (x > n).any():
            raise ValueError("numerators must be less than or equal to denominators for a proportion")
        p, average = x / n, x.sum() / n.sum()
        if average in (0.0, 1.0):  # every area at 0% (or 100%): all at the average, none significant
            return label_areas(*(np.zeros(len(x), dtype=bool),) * 4)
        with np.errstate(invalid="ignore"):
            return label_areas(*(p > _wilson_inverse(q, n, average, "high") for q in (0.999, 0.975)),
                          *(p < _wilson_inverse(q, n, average, "low") for q in (0.999, 0.975)))  # fmt: skip
    if statistic == "ratio":
        if n is None:
            raise ValueError("ratios need the expected counts as denominator")
        return _poisson_tests(x, n, 1.0)
    if statistic == "rate":
        if rate is None or rate_type is None or multiplier is None:
            raise ValueError("rates need rate, rate_type and multiplier")
        derived = derived_denominator(x, _float(rate), multiplier, rate_type, n)
        labels = _poisson_tests(x, derived, x.sum() / np.nansum(derived))
        return np.where(x < SMALL_COUNT, NOT_APPLICABLE_DSR, labels) if rate_type == "dsr" else labels
    raise ValueError("statistic must be 'proportion', 'ratio' or 'rate'")
