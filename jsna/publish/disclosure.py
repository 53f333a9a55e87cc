"""Disclosure control at the publishing boundary: nothing leaves with a small count in clear.

Policy (from jsna.toml [disclosure]): counts from 1 to min_count-1 are suppressed and marked with
the symbol (DfE's `c`). For a proportion the complement (denominator - numerator) is a count of
children too, so it is checked in the same way; a suppressed count takes its value and limits with
it. Counts may also be rounded to a base (e.g. 5), with values recomputed from the rounded counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.config import Disclosure

DERIVED = ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998"]


def _small(x: pd.Series, min_count: int) -> pd.Series:
    return x.notna() & (x > 0) & (x < min_count)


def suppress(values: pd.DataFrame, policy: Disclosure, count_denominator: pd.Series | bool) -> pd.DataFrame:
    """Apply the policy to indicator values.

    `count_denominator` says, per row or for all rows, whether the denominator counts children (a
    proportion) rather than residents (a rate's population estimate), so that it and the complement
    are protected too.
    """
    out = values.copy()
    counts_children = (
        pd.Series(count_denominator, index=out.index) if isinstance(count_denominator, bool) else count_denominator
    ).astype(bool)
    complement = out["denominator"] - out["numerator"]
    hide = _small(out["numerator"], policy.min_count)
    hide |= counts_children & (_small(out["denominator"], policy.min_count) | _small(complement, policy.min_count))
    out.loc[hide, ["numerator", *DERIVED]] = np.nan
    out.loc[hide & counts_children, "denominator"] = np.nan
    out.loc[hide, "symbol"] = policy.symbol
    out.loc[hide, "comparison"] = "not compared"
    out.loc[hide, "trend"] = None
    if policy.round_to:
        base = policy.round_to
        rounded = (out["numerator"] / base).round() * base
        scale = rounded / out["numerator"].where(out["numerator"] > 0)
        out["numerator"] = rounded
        for col in DERIVED:
            out[col] = out[col] * scale.fillna(1)
        out.loc[counts_children, "denominator"] = (out["denominator"] / base).round() * base
    return out
