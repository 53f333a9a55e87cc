"""Disclosure control: no count from 1 to 4 leaves in clear, nor anything derived from one."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.config import Disclosure
from jsna.publish.disclosure import suppress


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "numerator": [0, 3, 20, 18, 40], "denominator": [10, 50, 23, 20, 3], "value": [0, 6, 87, 90, 1333],
        "lower_ci95": 1.0, "upper_ci95": 2.0, "lower_ci998": 0.5, "upper_ci998": 2.5,
        "comparison": "better", "trend": "increasing", "symbol": None,
    })


def test_small_numerators_and_complements_are_suppressed_for_proportions() -> None:
    """Given proportions, then 3 of 50 (small count) and 20 of 23 (3 not within target) and 18 of 20 are hidden."""
    out = suppress(frame().iloc[:4], Disclosure(), True)
    assert out["symbol"].tolist() == [None, "c", "c", "c"]
    assert out.loc[1:, ["numerator", "denominator", "value", "upper_ci998"]].isna().all().all()
    assert out.loc[0, "value"] == 0 and out.loc[0, "comparison"] == "better"
    assert (out.loc[1:, "comparison"] == "not compared").all()


def test_rates_keep_their_population_denominator() -> None:
    """Given rates per resident population, then only the small numerator is hidden; the population stays."""
    out = suppress(frame(), Disclosure(), False)
    assert out["symbol"].tolist() == [None, "c", None, None, None]
    assert out.loc[1, "denominator"] == 50 and np.isnan(out.loc[1, "value"])


def test_rounding_to_five_rescales_values() -> None:
    out = suppress(frame().iloc[[2]].reset_index(drop=True), Disclosure(min_count=1, round_to=5), False)
    assert out.loc[0, "numerator"] == 20
    out = suppress(pd.DataFrame({**frame().iloc[[3]].to_dict("list")}), Disclosure(min_count=1, round_to=5), False)
    assert out.loc[0, "numerator"] == 20 and out.loc[0, "value"] == 100
