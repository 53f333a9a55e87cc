"""Public-health statistical methods, computed the way Fingertips and PHEindicatormethods compute them.

Pure, vectorised functions over numpy arrays and pandas frames:

* Wilson score limits for proportions (Wilson 1927; Newcombe and Altman 2000).
* Byars' approximation (Breslow and Day 1987) and exact Poisson limits for counts and crude rates.
* Directly standardised rates with Dobson limits (Dobson et al. 1991), including the adjustment
  for non-independent events; indirectly standardised ratios and rates.
* Means with Student's t limits; quantile assignment (phe_quantile); the slope and relative index
  of inequality (Low and Low 2004).

The recent-trend test and benchmarking against a comparator or target live in
:mod:`jsna.indicators.trends` and are re-exported here (``methods.trend_test``, ``methods.compare``,
``methods.compare_direction``, ``methods.compare_to_target``). Funnel plots are in
:mod:`jsna.indicators.funnels`.

Confidence levels are given as fractions (0.95) or percentages (95); several levels may be asked for
at once, each producing ``lower{level}cl``/``upper{level}cl`` columns, e.g. ``lower95_0cl``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special, stats

from jsna.indicators.trends import (
    TREND_CRITICAL,
    compare,
    compare_direction,
    compare_to_target,
    trend_statistic,
    trend_test,
)

__all__ = [
    "ESP2013", "SMALL_COUNT", "TREND_CRITICAL", "byars_limits", "compare", "compare_direction",
    "compare_to_target", "count_limits", "crude_rate", "dsr", "exact_poisson_limits", "isr", "level_label",
    "mean_ci", "proportion", "quantiles", "sii", "trend_statistic", "trend_test", "wilson_limits",
]  # fmt: skip

FloatArray = npt.NDArray[np.float64]
Confidence = float | Sequence[float]
#: Grouping keys: None (a single group), one array or Series, or a frame of several key columns.
GroupKeys: TypeAlias = "pd.Series | pd.DataFrame | npt.ArrayLike | None"

#: European Standard Population 2013, 19 five-year bands 0-4, 5-9, ..., 85-89, 90+.
ESP2013: tuple[int, ...] = (
    5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
)  # fmt: skip

#: Counts below this use exact Poisson limits in crude rates and ISRs; DSRs are suppressed below it.
SMALL_COUNT = 10


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def _levels(confidence: Confidence) -> list[float]:
    """Confidence levels as fractions in (0, 1); percentages (95, 99.8) are scaled down."""
    raw = np.atleast_1d(np.asarray(confidence, dtype=np.float64))
    levels = [float(c) / 100 if c > 1 else float(c) for c in raw]
    if not levels or any(not 0 < c < 1 for c in levels):
        raise ValueError(f"confidence levels must lie in (0, 1) or (1, 100): {confidence!r}")
    return levels


def level_label(confidence: float) -> str:
    """PHE's column suffix for a confidence level: 0.95 -> '95_0', 0.998 -> '99_8'."""
    return f"{_levels(confidence)[0] * 100:.1f}".replace(".", "_")


def _z(confidence: float) -> float:
    """Two-sided standard normal quantile for a confidence level."""
    return float(special.ndtri(confidence + (1 - confidence) / 2))


def _float(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def _index(*values: npt.ArrayLike) -> pd.Index | None:
    """The index of the first pandas input, so results line up with the caller's frame."""
    for v in values:
        if isinstance(v, pd.Series | pd.DataFrame):
            return v.index
    return None


def _check(condition: npt.ArrayLike, message: str) -> None:
    """Raise ValueError where any (non-missing) element violates a precondition."""
    if np.any(np.asarray(condition)):
        raise ValueError(message)


def _group_frame(groups: GroupKeys, size: int) -> pd.DataFrame:
    """Grouping keys as a frame: None (one group), one array or Series, or a frame of several keys."""
    if groups is None:
        return pd.DataFrame({"group": np.zeros(size, dtype=np.int8)})
    if isinstance(groups, pd.DataFrame):
        return groups.reset_index(drop=True)
    if isinstance(groups, pd.Series):
        return pd.DataFrame({groups.name if groups.name is not None else "group": groups.to_numpy()})
    return pd.DataFrame({"group": np.asarray(groups)})


# --------------------------------------------------------------------------------------------------
# Limits for counts and proportions
# --------------------------------------------------------------------------------------------------


def wilson_limits(
    x: npt.ArrayLike, n: npt.ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for x successes out of n, as proportions (Wilson 1927)."""
    x, n = _float(x), _float(n)
    z = _z(_levels(confidence)[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        half = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
        lower = (2 * x + z**2 - half) / 2 / (n + z**2)
        upper = (2 * x + z**2 + half) / 2 / (n + z**2)
    # x = 0 and x = n give 0 and 1 analytically; clip the rounding error of z - sqrt(z^2).
    return np.clip(lower, 0, 1), np.clip(upper, 0, 1)


def byars_limits(x: npt.ArrayLike, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Byars' approximation to Poisson limits for a count (Breslow and Day 1987).

    As in PHEindicatormethods, a negative lower limit (tiny counts, high confidence) is returned as NaN.
    """
    x = _float(x)
    z = _z(_levels(confidence)[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    lower[lower < 0] = np.nan
    return lower, upper


def exact_poisson_limits(x: npt.ArrayLike, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Exact Poisson limits for a count: qchisq(a/2, 2x)/2 and qchisq(1 - a/2, 2x + 2)/2.

    Computed once per distinct count (gamma quantiles are the costly part of a large table).
    """
    x = _float(x)
    alpha = 1 - _levels(confidence)[0]
    lower, upper = np.full_like(x, np.nan), np.full_like(x, np.nan)
    ok = np.isfinite(x)
    distinct, inverse = np.unique(x[ok], return_inverse=True)
    with np.errstate(invalid="ignore"):
        lo = np.where(distinct > 0, special.gammaincinv(np.maximum(distinct, 1e-300), alpha / 2), 0.0)
        hi = special.gammaincinv(distinct + 1, 1 - alpha / 2)
    lower[ok], upper[ok] = lo[inverse], hi[inverse]
    return lower, upper


def count_limits(x: npt.ArrayLike, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Limits for a count as PHE computes them: exact below 10 events, Byars from 10."""
    x = _float(x)
    exact_lo, exact_hi = exact_poisson_limits(x, confidence)
    byars_lo, byars_hi = byars_limits(x, confidence)
    small = x < SMALL_COUNT
    return np.where(small, exact_lo, byars_lo), np.where(small, exact_hi, byars_hi)


# --------------------------------------------------------------------------------------------------
# Proportions, crude rates, means
# --------------------------------------------------------------------------------------------------


def proportion(
    x: npt.ArrayLike, n: npt.ArrayLike, multiplier: float = 100, confidence: Confidence = (0.95, 0.998)
) -> pd.DataFrame:
    """Proportion x/n times multiplier (100 = percentage, 1 = proportion) with Wilson limits.

    Missing numerators or denominators give missing results; aggregate groups beforehand.
    """
    xs, ns = _float(x), _float(n)
    _check(xs < 0, "numerators must be greater than or equal to zero")
    _check(ns <= 0, "denominators must be greater than zero")
    _check(xs > ns, "numerators must be less than or equal to denominators for a proportion")
    out = pd.DataFrame({"value": xs / ns * multiplier}, index=_index(x, n))
    for level in _levels(confidence):
        lower, upper = wilson_limits(xs, ns, level)
        out[f"lower{level_label(level)}cl"] = lower * multiplier
        out[f"upper{level_label(level)}cl"] = upper * multiplier
    return out


def crude_rate(
    x: npt.ArrayLike, n: npt.ArrayLike, multiplier: float = 100_000, confidence: Confidence = (0.95, 0.998)
) -> pd.DataFrame:
    """Crude rate x/n times multiplier with exact Poisson limits below 10 events and Byars from 10."""
    xs, ns = _float(x), _float(n)
    _check(xs < 0, "numerators must be greater than or equal to zero")
    _check(ns <= 0, "denominators must be greater than zero")
    out = pd.DataFrame({"value": xs / ns * multiplier}, index=_index(x, n))
    for level in _levels(confidence):
        lower, upper = count_limits(xs, level)
        out[f"lower{level_label(level)}cl"] = lower / ns * multiplier
        out[f"upper{level_label(level)}cl"] = upper / ns * multiplier
    method = np.where(xs < SMALL_COUNT, "Exact", "Byars").astype(object)
    method[np.isnan(xs)] = None
    out["method"] = method
    return out


def mean_ci(
    values: npt.ArrayLike,
    groups: GroupKeys = None,
    confidence: Confidence = (0.95, 0.998),
) -> pd.DataFrame:
    """Mean of each group with Student's t limits: mean -/+ |qt(a/2, n-1)| sd / sqrt(n) (phe_mean).

    A missing value makes its group's results missing, as in R without na.rm.
    """
    keys = _group_frame(groups, np.size(values))
    frame = keys.assign(_v=_float(values))
    frame["_na"] = frame["_v"].isna()
    grouped = frame.groupby(list(keys.columns), sort=False, dropna=False)
    out = pd.DataFrame(
        {
            "value_sum": grouped["_v"].sum(),
            "value_count": grouped.size(),
            "stdev": grouped["_v"].std(ddof=1),
        }
    )
    out.loc[grouped["_na"].any().to_numpy(), ["value_sum", "stdev"]] = np.nan
    out["value"] = out["value_sum"] / out["value_count"]
    count = out["value_count"].to_numpy(dtype=np.float64)
    for level in _levels(confidence):
        half = np.abs(stats.t.ppf((1 - level) / 2, count - 1)) * out["stdev"] / np.sqrt(count)
        out[f"lower{level_label(level)}cl"] = out["value"] - half
        out[f"upper{level_label(level)}cl"] = out["value"] + half
    if groups is None:
        out.index = pd.Index(["All"], name=None)
    return out


# --------------------------------------------------------------------------------------------------
# Standardisation
# --------------------------------------------------------------------------------------------------


def _positional(frame: pd.DataFrame, by: list[str], values: Sequence[float] | str, name: str) -> FloatArray:
    """A column of frame, or a vector matched by position within each group (PHE's 'vector' option)."""
    if isinstance(values, str):
        return _float(frame[values])
    vector = _float(values)
    sizes = frame.groupby(by, sort=False, dropna=False).size() if by else pd.Series([len(frame)])
    if (sizes != len(vector)).any():
        raise ValueError(f"{name} length must equal the number of rows in each group")
    position = frame.groupby(by, sort=False, dropna=False).cumcount() if by else np.arange(len(frame))
    return vector[np.asarray(position)]


def _dobson(
    total: FloatArray, value: FloatArray, vardsr: FloatArray, multiplier: float, level: float
) -> tuple[FloatArray, FloatArray]:
    """Dobson limits: dsr + sqrt(var(dsr) / O) * (Byars limit of O - O)."""
    lower, upper = byars_limits(total, level)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.sqrt(vardsr / total) * multiplier
    return value + scale * (lower - total), value + scale * (upper - total)


def dsr(
    frame: pd.DataFrame,
    x: str,
    n: str,
    stdpop: Sequence[float] | str = ESP2013,
    by: Sequence[str] = (),
    multiplier: float = 100_000,
    confidence: Confidence = (0.95, 0.998),
    eventfreq: str | None = None,
    ageband: str | None = None,
) -> pd.DataFrame:
    """Directly standardised rate per group with Dobson limits (Dobson et al. 1991; calculate_dsr).

    ``stdpop`` is a column name or a vector matched by position within each group (default ESP2013).
    Missing counts count as zero. Results are suppressed (NaN) where the total count is below 10.
    For non-independent events give ``eventfreq`` and ``ageband`` columns: each row then holds x people
    who had ``eventfreq`` events in that band, and var(dsr) = sum over frequencies f of f^2 var(dsr_f).
    """
    by = list(by)
    data = frame.reset_index(drop=True)
    counts, pops = np.nan_to_num(_float(data[x])), _float(data[n])
    _check(counts < 0, "numerators must all be greater than or equal to zero")
    _check(~(pops > 0), "denominators must all be greater than zero")
    if eventfreq is not None and (ageband is None or not isinstance(stdpop, str)):
        raise ValueError("non-independent events need ageband and stdpop given as columns of frame")
    std = _positional(data, by, stdpop, "stdpop")
    freq = _float(data[eventfreq]) if eventfreq else np.ones(len(data))
    keys = data[by] if by else pd.DataFrame({"_all": np.zeros(len(data), dtype=np.int8)})
    cols = list(keys.columns)
    work = keys.assign(_events=freq * counts, _wt=freq * counts * std / pops, _sq=counts * (std / pops) ** 2)
    work = work.assign(
        _n=pops, _std=std, _freq=freq, _band=data[ageband] if ageband else np.arange(len(data))
    )
    sums = work.groupby(cols, sort=False, dropna=False)[["_events", "_wt", "_sq"]].sum()
    bands = (
        work.drop_duplicates([*cols, "_band"]).groupby(cols, sort=False, dropna=False)[["_n", "_std"]].sum()
    )
    bands = bands.reindex(sums.index)
    if eventfreq is None:
        vardsr = sums["_sq"] / bands["_std"] ** 2
    else:
        per_freq = work.groupby([*cols, "_freq"], sort=False, dropna=False)[["_std", "_sq"]].sum()
        f = per_freq.index.get_level_values("_freq").to_numpy(dtype=np.float64)
        var_f = per_freq["_sq"] / per_freq["_std"] ** 2 * f**2
        vardsr = var_f.groupby(level=cols, sort=False, dropna=False).sum().reindex(sums.index)
    total = sums["_events"].to_numpy()
    out = pd.DataFrame({"total_count": total, "total_pop": bands["_n"].to_numpy()}, index=sums.index)
    value = (sums["_wt"] / bands["_std"]).to_numpy() * multiplier
    small = total < SMALL_COUNT
    out["value"] = np.where(small, np.nan, value)
    for level in _levels(confidence):
        lower, upper = _dobson(total, value, vardsr.to_numpy(), multiplier, level)
        out[f"lower{level_label(level)}cl"] = np.where(small, np.nan, lower)
        out[f"upper{level_label(level)}cl"] = np.where(small, np.nan, upper)
    if not by:
        out.index = pd.Index(["All"])
    return out


def isr(
    frame: pd.DataFrame,
    x: str,
    n: str,
    x_ref: Sequence[float] | str,
    n_ref: Sequence[float] | str,
    by: Sequence[str] = (),
    statistic: Literal["rate", "ratio"] = "ratio",
    multiplier: float = 100,
    confidence: Confidence = (0.95, 0.998),
) -> pd.DataFrame:
    """Indirectly standardised ratio (observed/expected x multiplier) or rate (ratio x reference rate).

    Expected = sum of n x (x_ref / n_ref) per band; missing counts and reference counts count as zero.
    Limits are exact Poisson below 10 observed events and Byars from 10 (calculate_ISRatio/ISRate).
    """
    by = list(by)
    data = frame.reset_index(drop=True)
    counts, pops = _float(data[x]), _float(data[n])
    _check(counts < 0, "numerators must all be greater than or equal to zero")
    _check(pops < 0, "denominators must all be greater than or equal to zero")
    ref_x = np.nan_to_num(_positional(data, by, x_ref, "x_ref"))
    ref_n = _positional(data, by, n_ref, "n_ref")
    keys = data[by] if by else pd.DataFrame({"_all": np.zeros(len(data), dtype=np.int8)})
    work = keys.assign(_obs=np.nan_to_num(counts), _exp=ref_x / ref_n * pops, _rx=ref_x, _rn=ref_n)
    sums = work.groupby(list(keys.columns), sort=False, dropna=False)[["_obs", "_exp", "_rx", "_rn"]].sum()
    observed, expected = sums["_obs"].to_numpy(), sums["_exp"].to_numpy()
    out = pd.DataFrame({"observed": observed, "expected": expected}, index=sums.index)
    if statistic == "rate":
        scale = (sums["_rx"] / sums["_rn"]).to_numpy() * multiplier
        out["ref_rate"] = scale
    elif statistic == "ratio":
        scale = np.full(len(out), float(multiplier))
    else:
        raise ValueError("statistic must be 'rate' or 'ratio'")
    out["value"] = observed / expected * scale
    for level in _levels(confidence):
        lower, upper = count_limits(observed, level)
        out[f"lower{level_label(level)}cl"] = lower / expected * scale
        out[f"upper{level_label(level)}cl"] = upper / expected * scale
    if not by:
        out.index = pd.Index(["All"])
    return out


# --------------------------------------------------------------------------------------------------
# Quantiles
# --------------------------------------------------------------------------------------------------


def quantiles(
    values: npt.ArrayLike,
    groups: GroupKeys = None,
    nquantiles: int = 10,
    invert: bool | npt.ArrayLike = True,
) -> FloatArray:
    """Quantile (1..nquantiles) of each value within its group, as phe_quantile assigns them.

    Ranks ties by their minimum; quantile = floor(q + 1 - ceiling((N + 1 - rank) / (N / q))), 0 -> 1,
    where N counts the group's non-missing values. ``invert`` (default True, per group or per row)
    puts the highest values in quantile 1. Groups with fewer than ``nquantiles`` values get NaN.
    """
    v = _float(values)
    keys = _group_frame(groups, v.size)
    cols = list(keys.columns)
    inverted = np.broadcast_to(np.asarray(invert, dtype=bool), v.shape)
    frame = keys.assign(_v=v, _inv=inverted)
    grouped = frame.groupby(cols, sort=False, dropna=False)
    if (grouped["_inv"].nunique() > 1).any():
        raise ValueError("invert must take the same value for every row of a group")
    count = grouped["_v"].transform("count").to_numpy(dtype=np.float64)
    adjusted = np.where(inverted, grouped["_v"].transform("max").to_numpy() - v, v)
    rank = frame.assign(_adj=adjusted).groupby(cols, sort=False, dropna=False)["_adj"].rank(method="min")
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.floor((nquantiles + 1) - np.ceil(((count + 1) - rank.to_numpy()) / (count / nquantiles)))
    q = np.where(count < nquantiles, np.nan, q)
    return np.where(q == 0, 1.0, q)


# --------------------------------------------------------------------------------------------------
# Slope and relative index of inequality
# --------------------------------------------------------------------------------------------------

_LINKS = {  # value_type -> (transform to the regression scale, transform back)
    0: (lambda v: v, lambda v: v),
    1: (np.log, np.exp),
    2: (special.logit, special.expit),
}


def _sii_weights(frame: pd.DataFrame, keys: list[str]) -> tuple[FloatArray, FloatArray]:
    """Row weights w0, w1 with intercept = sum(w0 y) and slope = sum(w1 y) per group: the weighted
    least squares of y on the relative rank b, weighted by population share a (Low and Low 2004)."""
    grouped = frame.groupby(keys, sort=False)
    a = (frame["_pop"] / grouped["_pop"].transform("sum")).to_numpy()
    b = (a / 2 + frame.assign(_a=a).groupby(keys, sort=False)["_a"].cumsum() - a).to_numpy()
    sums = frame.assign(_s0=a, _s1=a * b, _s2=a * b * b).groupby(keys, sort=False)[["_s0", "_s1", "_s2"]]
    s0, s1, s2 = (sums.transform("sum")[c].to_numpy() for c in ("_s0", "_s1", "_s2"))
    det = s0 * s2 - s1**2
    return a * (s2 - s1 * b) / det, a * (s0 * b - s1) / det


def _sii_summary(
    intercept: FloatArray, slope: FloatArray, value_type: int, multiplier: float, transform: bool
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """SII, RII and intercept from fitted lines (rows of arrays), back-transformed when asked."""
    if transform:
        back = _LINKS[value_type][1]
        y0, y1 = back(intercept), back(intercept + slope)
        sii, rii, icpt = (y1 - y0) * multiplier, y1 / y0, y0 * abs(multiplier)
    else:
        sii, rii, icpt = slope * multiplier, (intercept + slope) / intercept, intercept
    return sii, (1 / rii if multiplier < 0 else rii), icpt


def sii(
    frame: pd.DataFrame,
    quantile: str,
    population: str,
    value: str,
    by: Sequence[str] = (),
    se: str | None = None,
    lower_cl: str | None = None,
    upper_cl: str | None = None,
    value_type: Literal[0, 1, 2] = 0,
    multiplier: float = 1,
    transform: bool = False,
    confidence: Confidence = 0.95,
    repetitions: int = 100_000,
    seed: int | None = None,
) -> pd.DataFrame:
    """Slope (SII) and relative (RII) index of inequality across ordered quantiles, per group (phe_sii).

    The value (value_type 0 any, 1 a rate, 2 a proportion) is regressed on the midpoint of each
    quantile's cumulative population share, weighted by that share; SII = multiplier x slope and RII =
    fitted value at 1 / at 0 (inverted when multiplier < 0). With ``transform`` the regression runs on
    log rates / logit proportions and is transformed back. Limits are simulated as PHE does: values
    drawn from N(value, se) (se from ``se`` or the 95% limits, on the log/logit scale for rates and
    proportions), ``repetitions`` times, and the matching order statistics of the simulated indices
    taken; ``seed`` makes them reproducible. Groups missing a quantile, a population, a value or its
    uncertainty get NaN. (With ``transform``, PHE swaps a rate's limits for any multiplier below 1;
    here they are swapped for negative multipliers only, as for proportions.)
    """
    forward, back = _LINKS[value_type]
    if transform and value_type == 0:
        raise ValueError("transform needs value_type 1 (rate) or 2 (proportion)")
    if se is None and (lower_cl is None or upper_cl is None):
        raise ValueError("give se, or lower_cl and upper_cl")
    _check(frame[population] <= 0, "populations must be greater than zero")
    if se is not None:
        _check(frame[se] < 0, "standard errors must not be negative")
    if value_type == 2:
        bounded = [c for c in (value, lower_cl, upper_cl) if c is not None]
        _check((frame[bounded] < 0) | (frame[bounded] > 1), "proportions and their limits must lie in [0, 1]")
    keys = list(by) or ["_all"]
    data = frame.assign(_all=0).sort_values([*keys, quantile], kind="stable").reset_index(drop=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = forward(_float(data[value]))
        if se is not None:
            spread = _float(data[se])
        else:
            width = forward(_float(data[upper_cl])) - forward(_float(data[lower_cl]))
            spread = width / _z(0.95) / 2
    work = data[keys].assign(_pop=_float(data[population]), _q=data[quantile], _c=centre, _se=spread)
    complete = work[["_pop", "_c", "_se"]].notna().all(axis=1)
    n_quantiles = work["_q"].nunique()
    ok = complete.groupby([work[k] for k in keys], sort=False).transform("all") & (
        work.groupby(keys, sort=False)["_q"].transform("nunique") == n_quantiles
    )
    work = work[ok.to_numpy()].reset_index(drop=True)
    w0, w1 = _sii_weights(work, keys)
    y = work["_c"].to_numpy() if transform else back(work["_c"].to_numpy())
    groups = work.groupby(keys, sort=False).ngroup().to_numpy()
    n_groups = groups.max() + 1 if len(groups) else 0
    intercept = np.bincount(groups, w0 * y, n_groups).astype(np.float64)
    slope = np.bincount(groups, w1 * y, n_groups).astype(np.float64)
    out = pd.DataFrame(index=work.groupby(keys, sort=False).size().index)
    out["sii"], out["rii"], out["intercept"] = _sii_summary(
        intercept, slope, value_type, multiplier, transform
    )
    limits = _sii_simulation(
        work,
        groups,
        (w0, w1),
        (intercept, slope),
        value_type,
        multiplier,
        transform,
        confidence,
        repetitions,
        seed,
    )
    out = out.join(pd.DataFrame(limits, index=out.index))
    all_groups = frame.assign(_all=0).groupby(keys, sort=False).size().index
    out = out.reindex(all_groups)
    if not by:
        out.index = pd.Index(["All"])
    return out


def _order_statistics(samples: FloatArray, at: list[int]) -> FloatArray:
    """The values of given ranks (0-based) in each column, as a sort would give them."""
    return np.partition(samples, at, axis=0)[at]


def _sii_bounds(
    icpt: FloatArray,
    slope: FloatArray,
    fitted: tuple[FloatArray, FloatArray],
    value_type: int,
    multiplier: float,
    transform: bool,
    levels: Sequence[float],
) -> dict[float, dict[str, FloatArray]]:
    """Limits at each confidence level from simulated lines (repetitions x groups): the order statistics at
    round(R x p) for p = (1 - level) / 2 and 1 - p, every level's found in one pass. Transformed fits centre the
    simulated slope's limits on the point fit's value at x = 1/2 before transforming back, as PHE does."""
    reps = slope.shape[0]
    tails = {level: level + (1 - level) / 2 for level in levels}
    at = {level: (round(reps * (1 - tail)) - 1, round(reps * tail) - 1) for level, tail in tails.items()}
    ranks = sorted({r for pair in at.values() for r in pair})
    if not transform:
        sii = dict(zip(ranks, _order_statistics(slope * multiplier, ranks), strict=True))
        rii = (slope + icpt) / icpt
        rii_at = dict(zip(ranks, _order_statistics(1 / rii if multiplier < 0 else rii, ranks), strict=True))
        return {level: {"sii_lower": sii[lo], "sii_upper": sii[hi], "rii_lower": rii_at[lo], "rii_upper": rii_at[hi]}
                for level, (lo, hi) in at.items()}
    back = _LINKS[value_type][1]
    half = fitted[0] + fitted[1] / 2
    slopes = dict(zip(ranks, _order_statistics(slope, ranks), strict=True))
    out = {}
    for level, (r_lo, r_hi) in at.items():
        lo, hi = slopes[r_lo] / 2, slopes[r_hi] / 2
        ends = {"lower": (back(half - lo), back(half + lo)), "upper": (back(half - hi), back(half + hi))}
        if multiplier < 0:
            ends = {"lower": ends["upper"], "upper": ends["lower"]}
        bounds = {f"sii_{k}": (y1 - y0) * multiplier for k, (y0, y1) in ends.items()}
        out[level] = bounds | {f"rii_{k}": (y0 / y1 if multiplier < 0 else y1 / y0) for k, (y0, y1) in ends.items()}
    return out


def _sii_simulation(
    work: pd.DataFrame,
    groups: npt.NDArray[np.integer],
    weights: tuple[FloatArray, FloatArray],
    fitted: tuple[FloatArray, FloatArray],
    value_type: int,
    multiplier: float,
    transform: bool,
    confidence: Confidence,
    repetitions: int,
    seed: int | None,
) -> dict[str, FloatArray]:
    """Simulated SII/RII limits per group; groups are simulated in chunks to bound memory."""
    back = _LINKS[value_type][1]
    rng = np.random.default_rng(seed)
    sizes = np.bincount(groups)
    ends = np.cumsum(sizes)
    limits = {
        f"{stat}_{side}{level_label(level)}cl": np.full(len(sizes), np.nan)
        for level in _levels(confidence)
        for stat in ("sii", "rii")
        for side in ("lower", "upper")
    }
    chunk_of_group = (ends - 1) // max(1, 4_000_000 // repetitions)
    for chunk in np.unique(chunk_of_group):
        members = np.flatnonzero(chunk_of_group == chunk)
        lo, hi = ends[members[0]] - sizes[members[0]], ends[members[-1]]
        # single precision: a third of the time of double, far finer than the Monte Carlo error
        draws = rng.standard_normal((repetitions, hi - lo), dtype=np.float32)
        draws *= work["_se"].to_numpy()[lo:hi].astype(np.float32)
        draws += work["_c"].to_numpy()[lo:hi].astype(np.float32)
        y = draws if transform else back(draws)
        starts = ends[members] - sizes[members] - lo
        icpt, slope = (np.add.reduceat(y * w[lo:hi].astype(np.float32), starts, axis=1).astype(np.float64)
                       for w in weights)
        chunk_fit = (fitted[0][members], fitted[1][members])
        by_level = _sii_bounds(icpt, slope, chunk_fit, value_type, multiplier, transform, _levels(confidence))
        for level, bounds in by_level.items():
            for name, bound in bounds.items():
                limits[f"{name}{level_label(level)}cl"][members] = bound
    return limits
