"""Funnel plot limits and significance against PHEindicatormethods' funnel test data."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest
from scipy import special

from jsna.indicators import funnels as f

from .reference import assert_close, csv, csv_rows, requires_reference

pytestmark = requires_reference

PROP_COLUMNS = [
    "population",
    "lower_2s_limit",
    "upper_2s_limit",
    "lower_3s_limit",
    "upper_3s_limit",
    "baseline",
]
LINES = ["lower_2s", "upper_2s", "lower_3s", "upper_3s"]


# --------------------------------------------------------------------------------------------------
# Proportions
# --------------------------------------------------------------------------------------------------


@cache
def _proportion_limits(axis_variation: bool) -> pd.DataFrame:
    inputs = csv("testdata_funnel_prop_inputs.csv")
    if axis_variation:
        inputs = inputs[inputs["denominator"] < 31000]
    return f.funnel_limits_proportion(inputs["numerator"], inputs["denominator"], multiplier=100)


@pytest.mark.parametrize(
    ("name", "axis_variation", "row"),
    [("testdata_funnel_prop_outputs.csv", False, r) for r in csv_rows("testdata_funnel_prop_outputs.csv")]
    + [
        ("testdata_funnel_prop_outputs_with_axis_variation.csv", True, r)
        for r in csv_rows("testdata_funnel_prop_outputs_with_axis_variation.csv")
    ],
)
def test_proportion_funnel_limits_reproduce_reference(name: str, axis_variation: bool, row: int) -> None:
    """Given the areas of testdata_funnel_prop_inputs (all of them, or those under 31,000 so that the
    axis starts above zero),
    When the percentage funnel is computed,
    Then each of the 100 populations, its 2 and 3 sigma limits and the baseline match the outputs."""
    expected = csv(name).iloc[row].to_numpy()
    assert_close(_proportion_limits(axis_variation).iloc[row][PROP_COLUMNS], expected)


@pytest.mark.parametrize("row", csv_rows("testdata_funnel_prop_inputs.csv"))
def test_proportion_funnel_significance_reproduces_reference(row: int) -> None:
    """Given an area of testdata_funnel_prop_inputs,
    When its significance against the proportion funnel is assigned,
    Then the label matches the reference."""
    inputs = csv("testdata_funnel_prop_inputs.csv")
    labels = _proportion_significance()
    assert labels[row] == inputs["significance"].iloc[row]


@cache
def _proportion_significance() -> np.ndarray:
    inputs = csv("testdata_funnel_prop_inputs.csv")
    return np.asarray(f.funnel_significance(inputs["numerator"], inputs["denominator"], "proportion"))


# --------------------------------------------------------------------------------------------------
# Ratios
# --------------------------------------------------------------------------------------------------


@cache
def _ratio_limits(ratio_type: str) -> pd.DataFrame:
    inputs = csv("testdata_funnel_ratio_inputs.csv")
    return f.funnel_limits_ratio(inputs["obs"], inputs["expected"], ratio_type)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ratio_type", "row"),
    [(t, r) for t in ("count", "isr") for r in csv_rows("testdata_funnel_ratio_outputs.csv")],
)
def test_ratio_funnel_limits_reproduce_reference(ratio_type: str, row: int) -> None:
    """Given observed and expected counts from testdata_funnel_ratio_inputs,
    When the ratio funnel is computed as observed/expected - 1 ('count') or x 100 ('isr'),
    Then each observed count, the expected counts on each limit and the limits match the outputs."""
    ref = csv("testdata_funnel_ratio_outputs.csv").iloc[row]
    got = _ratio_limits(ratio_type).iloc[row]
    expected_columns = [f"{line}_exp_events" for line in LINES]
    assert_close(got[["observed_events", *expected_columns]], [ref.iloc[0], *ref[expected_columns]])
    assert_close(got[[f"{line}_limit" for line in LINES]], ref[[f"{line}_{ratio_type}" for line in LINES]])


@pytest.mark.parametrize("row", csv_rows("testdata_funnel_ratio_inputs.csv"))
def test_ratio_funnel_significance_reproduces_reference(row: int) -> None:
    """Given an area of testdata_funnel_ratio_inputs,
    When its observed/expected ratio is tested against 1 with exact or Byars limits,
    Then the label matches the reference."""
    inputs = csv("testdata_funnel_ratio_inputs.csv")
    labels = f.funnel_significance(inputs["obs"], inputs["expected"], "ratio")
    assert labels[row] == inputs["significance"].iloc[row]


# --------------------------------------------------------------------------------------------------
# Rates
# --------------------------------------------------------------------------------------------------

RATE_OUTPUTS = [
    "testdata_funnel_rate_outputs.csv",
    "testdata_funnel_rate_outputs_2.csv",
    "testdata_funnel_rate_outputs_3.csv",
]


@cache
def _rate_limits(name: str) -> pd.DataFrame:
    """The three rate funnels PHEindicatormethods tests, from testdata_funnel_rate_input_funnels."""
    data = csv("testdata_funnel_rate_input_funnels.csv")
    largest = data["ev"] == data["ev"].max()
    if name == RATE_OUTPUTS[0]:  # DSRs
        return f.funnel_limits_rate(data["ev"], data["rate"], 1e5, "dsr", years_of_data=3)
    if name == RATE_OUTPUTS[1]:  # crude rates, with the largest count replaced by 5 events
        return f.funnel_limits_rate(data["ev"].mask(largest, 5), data["rate"], 1e5, "crude", years_of_data=3)
    # crude rates with denominators, the largest area having no events, smaller areas dropped
    frame = pd.DataFrame({"ev": data["ev"].mask(largest, 0), "rate": data["rate"].mask(largest, 0)})
    frame["pop"] = 1e5 * data["ev"] / data["rate"]
    frame = frame[frame["pop"] > frame["pop"].max() / 2]
    return f.funnel_limits_rate(frame["ev"], frame["rate"], 1e5, "crude", 3, denominator=frame["pop"])


@pytest.mark.parametrize(("name", "row"), [(n, r) for n in RATE_OUTPUTS for r in csv_rows(n)])
def test_rate_funnel_limits_reproduce_reference(name: str, row: int) -> None:
    """Given the areas of testdata_funnel_rate_input_funnels (DSRs; crude rates with fewer than 10
    events; crude rates with a zero count and denominators),
    When the rate funnel per 100,000 over three years is computed,
    Then each event count, yearly population on each limit, limit and baseline match the outputs."""
    ref = csv(name).iloc[row]
    got = _rate_limits(name).iloc[row]
    columns = [c for c in ref.index if c not in ("Events", "statistic", "method")]
    assert_close(got[["events", *columns]], ref[["Events", *columns]])


RATE_SIGNIFICANCE = [  # (rate column, rate type, multiplier, expected column, drop zero counts)
    ("rate_dsr", "dsr", 1e5, "dsr_per_100000_with_0", False),
    ("rate_dsr", "dsr", 100, "dsr_per_100_with_0", False),
    ("rate_dsr", "dsr", 1e5, "dsr_per_100000_without_0", True),
    ("rate_dsr", "dsr", 100, "dsr_per_100_without_0", True),
    ("rate_crude_per_100000", "crude", 1e5, "crude_per_100000_with_0", False),
    ("rate_crude_per_100", "crude", 100, "crude_per_100_with_0", False),
    ("rate_crude_per_100000", "crude", 1e5, "crude_per_100000_without_0", True),
    ("rate_crude_per_100", "crude", 100, "crude_per_100_without_0", True),
]


@pytest.mark.parametrize(
    ("case", "row"),
    [
        pytest.param(case, r, id=f"{case[3]}-{r}")
        for case in RATE_SIGNIFICANCE
        for r in csv_rows("testdata_funnel_rate_dsr_inputs.csv")
        if not (case[4] and csv("testdata_funnel_rate_dsr_inputs.csv")["count"].iloc[r] == 0)
    ],
)
def test_rate_funnel_significance_reproduces_reference(case: tuple, row: int) -> None:
    """Given an area of testdata_funnel_rate_dsr_inputs, with or without the zero-count areas,
    When its rate (DSR or crude, per 100 or 100,000) is tested against the funnel's average,
    Then the label matches the reference column, including 'not applicable' for DSRs under 10 events."""
    rate, rate_type, multiplier, column, drop_zero = case
    data = csv("testdata_funnel_rate_dsr_inputs.csv")
    if drop_zero:
        data = data[data["count"] != 0]
    labels = f.funnel_significance(data["count"], data["pop"], "rate", data[rate], rate_type, multiplier)
    position = data.index.get_loc(row)
    assert labels[position] == data[column].iloc[position]


@pytest.mark.parametrize(
    ("variant", "row"), [(v, r) for v in range(3) for r in csv_rows("testdata_funnel_rate_input_funnels.csv")]
)
def test_funnel_points_reproduce_reference(variant: int, row: int) -> None:
    """Given the areas of testdata_funnel_rate_input_funnels (DSRs with the largest count set to 5;
    crude rates; crude rates with the largest count set to 0 and denominators, over five years),
    When the points to plot are derived,
    Then the charted rate and the yearly population match the reference columns."""
    data = csv("testdata_funnel_rate_input_funnels.csv")
    largest = data["ev"] == data["ev"].max()
    if variant == 0:
        got = f.funnel_points(data["ev"].mask(largest, 5), data["rate"], 1e5, "dsr", 3)
        expected = data[["rate_chart", "denominator_derived"]]
    elif variant == 1:
        got = f.funnel_points(data["ev"], data["rate"], 1e5, "crude", 3)
        expected = data[["rate_chart_crude", "denominator_derived_crude"]]
    else:
        got = f.funnel_points(
            data["ev"].mask(largest, 0), data["rate"], 1e5, "crude", 5, denominator=data["pop"]
        )
        expected = data[["rate_chart_crude_with_denom", "denominator_derived_crude_with_denom"]]
    assert_close(got.iloc[row], expected.iloc[row])


# --------------------------------------------------------------------------------------------------
# Hand-made checks
# --------------------------------------------------------------------------------------------------


def test_poisson_funnel_is_close_to_exact_poisson_limits() -> None:
    """Given counts from 1 to 10,000,
    When the expected counts on the 2 sigma lines are found by PHE's bisection,
    Then they agree with the exact chi-square limits to the bisection's resolution (1e-5 here)."""
    counts = np.array([1.0, 5, 10, 50, 200, 1000, 10_000])
    high, low = f.poisson_funnel(counts, 0.025, "high"), f.poisson_funnel(counts, 0.025, "low")
    np.testing.assert_allclose(high, special.gammaincinv(counts + 1, 0.975), rtol=1e-5)
    np.testing.assert_allclose(low, special.gammaincinv(counts, 0.025), rtol=1e-5)


def test_funnel_significance_checks_its_inputs() -> None:
    """Given negative numerators, zero denominators, numerators above denominators or missing rate
    arguments,
    When significance is assigned,
    Then a ValueError is raised."""
    with pytest.raises(ValueError):
        f.funnel_significance([65, -80], [100, 100])
    with pytest.raises(ValueError):
        f.funnel_significance([65, 80], [100, 0])
    with pytest.raises(ValueError):
        f.funnel_significance([65, 80], [100, 20])
    with pytest.raises(ValueError):
        f.funnel_significance([65, 80], [100, 200], "rate")


def test_r_number_width_prefers_scientific_notation_when_shorter() -> None:
    """Given whole numbers,
    When measured as R prints them,
    Then 100000 is '1e+05' (5 characters) while 123456 and 1200000 print in full."""
    assert [f._r_nchar(v) for v in (0, 7, 100_000, 123_456, 1_200_000, 123_000_000)] == [1, 1, 5, 6, 7, 8]


def test_areas_all_at_zero_or_all_percent_are_not_significant() -> None:
    """Given areas that are all at 100% (or all at 0%), of different sizes,
    When their significance is assigned,
    Then none is significant (each equals the average; rounding in the Wilson inversion once flagged one)."""
    n = [88, 123, 97, 136, 102, 90, 139, 94, 85, 85, 92]
    assert set(f.funnel_significance(n, n)) == {f.NOT_SIGNIFICANT}
    assert set(f.funnel_significance([0] * len(n), n)) == {f.NOT_SIGNIFICANT}
