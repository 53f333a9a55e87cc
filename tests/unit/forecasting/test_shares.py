"""Shares of a unit's plans by category, held or moved on with England's trend, checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.forecasting import shares as SH


def tidy(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "breakdown", "year", "value"])


# England (A + B): special 50 of 100 in 2019, 40 of 100 in 2021 -> the share falls by log(0.8)/2 a year
PARTS = tidy([
    ("A", "special", 2019, 30), ("A", "other", 2019, 30), ("A", "special", 2021, 24), ("A", "other", 2021, 36),
    ("B", "special", 2019, 20), ("B", "other", 2019, 20), ("B", "special", 2021, 16), ("B", "other", 2021, 24),
    ("C", "special", 2020, 5), ("C", "other", 2020, 15),  # not published at both ends: not in England's trend
])


def test_latest_share_in_each_units_latest_year() -> None:
    s = SH.latest(PARTS, 2021).set_index(["unit", "breakdown"])
    assert s.loc[("A", "special"), "share"] == pytest.approx(0.4)
    assert s.loc[("C", "special"), "share"] == pytest.approx(0.25)
    assert s.loc[("C", "special"), "share_year"] == 2020
    assert SH.latest(PARTS, 2020).set_index(["unit", "breakdown"]).loc[("A", "special"), "share"] == 0.5


def test_englands_trend_is_like_for_like() -> None:
    rate = SH.england_trend(PARTS, 2021)
    assert rate["special"] == pytest.approx(np.log(0.8) / 2)
    assert rate["other"] == pytest.approx(np.log(1.2) / 2)
    assert (SH.england_trend(PARTS[PARTS["year"] == 2019], 2021) == 0).all()  # one year: no trend


def test_projected_shares_move_with_england_and_add_up() -> None:
    held = SH.projected(PARTS, 2021, [2023], SH.HELD).set_index(["unit", "breakdown"])["share"]
    assert held[("A", "special")] == pytest.approx(0.4)
    moved = SH.projected(PARTS, 2021, [2022, 2023], SH.ENGLAND_TREND)
    assert moved.groupby(["unit", "year"])["share"].sum().to_numpy() == pytest.approx(1.0)
    a = moved.set_index(["unit", "breakdown", "year"])["share"]
    # two years on: special 0.4 * 0.8, other 0.6 * 1.2, renormalised
    assert a[("A", "special", 2023)] == pytest.approx(0.32 / (0.32 + 0.72))
    # C's latest share is 2020's: three years of England's trend to 2023
    s, o = 0.25 * 0.8 ** 1.5, 0.75 * 1.2 ** 1.5
    assert a[("C", "special", 2023)] == pytest.approx(s / (s + o))
    with pytest.raises(ValueError, match="unknown share method"):
        SH.projected(PARTS, 2021, [2022], "share_guess")
