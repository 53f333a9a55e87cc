"""Directly standardised rates through compute.limits, the path every indicator's values take,
against PHEindicatormethods' DSR results (testdata_DSR_ISR.xlsx)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.indicators import compute, methods
from jsna.indicators.catalogue import Indicator

from .reference import assert_close, requires_reference, sheet

pytestmark = requires_reference


def _indicator(multiplier: float) -> Indicator:
    return Indicator(id="test_dsr", title="t", short_title="t", definition="d", numerator="n", denominator="d",
                     multiplier=multiplier, unit="per 100,000", method="dsr", polarity="low_is_good",
                     sources=["x"], levels=["lad"], period_type="year")


def _bands() -> pd.DataFrame:
    """testdata_multiarea as builders hand counts: one row per area and age band, with ESP2013 weights."""
    data = sheet("testdata_DSR_ISR.xlsx", "testdata_multiarea")
    return pd.DataFrame({
        "period": "2024", "area_level": "lad", "area_code": data["area"], "breakdown": "all",
        "age_band": data["ageband"], "numerator": data["count"], "denominator": data["pop"],
        "standard_population": data.groupby("area").cumcount().map(dict(enumerate(methods.ESP2013))),
    })


def test_dsr_limits_reproduce_reference() -> None:
    """Given three areas' counts and populations in the 19 ESP2013 bands,
    When compute.limits takes them for an indicator whose method is 'dsr' (per 100,000),
    Then each area is one row whose totals, DSR and 95% / 99.8% Dobson limits equal testresults_DSR,
    and the area with 9 events has none (PHE suppresses DSRs from fewer than 10)."""
    got = compute.limits(_bands(), _indicator(100_000)).set_index("area_code")
    ref = sheet("testdata_DSR_ISR.xlsx", "testresults_DSR")
    ref = ref[ref["statistic"].isin(["dsr per 100000", "dsr NA for total count < 10"])]
    ref = ref.drop_duplicates("area").set_index("area")
    assert sorted(got.index) == ["testdata_big", "testdata_small", "testdata_tiny"]
    columns = ["total_count", "total_pop", "value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]
    mine = ["numerator", "denominator", "value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998"]
    for area in ("testdata_big", "testdata_small"):
        assert_close(got.loc[area, mine], ref.loc[area, columns])
    assert got.loc["testdata_tiny", "numerator"] == 9
    assert np.isnan(got.loc["testdata_tiny", "value"])


def test_dsr_limits_need_age_bands() -> None:
    """Given counts without age bands or standard weights,
    When a DSR is asked for,
    Then compute.limits says which columns are missing."""
    with pytest.raises(ValueError, match="age_band"):
        compute.limits(_bands().drop(columns=["age_band", "standard_population"]), _indicator(100_000))
