"""Fingertips' recent-trend test and benchmarking, on hand-computed examples (no reference data exists)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from scipy import special

from jsna.indicators import trends as t

Z = special.ndtri(0.975)


def _limits(values: npt.ArrayLike, se: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    v, s = np.asarray(values, dtype=float), np.asarray(se, dtype=float)
    return v, v - Z * s, v + Z * s


# --------------------------------------------------------------------------------------------------
# Recent trend
# --------------------------------------------------------------------------------------------------


def test_critical_value_is_chi_square_at_99_8_percent() -> None:
    """Given the trend test's threshold,
    When compared with the brief's 9.5495,
    Then it is the 1-df chi-square quantile at 0.998."""
    assert abs(t.TREND_CRITICAL - 9.5495) < 5e-5


def test_trend_statistic_by_hand_with_unequal_weights() -> None:
    """Given values 10, 12, 11, 14, 15 with standard errors 1, 1, 2, 1, 1 (weights 1, 1, 1/4, 1, 1),
    When the trend statistic is computed,
    Then by hand: weighted mean period 8.5/4.25 = 2, Sxx = 4+1+0+1+4 = 10,
    Sxy = -20-12+0+14+30 = 12, so slope 1.2 and chi-square 144/10 = 14.4 > 9.5495: increasing."""
    values, lower, upper = _limits([10, 12, 11, 14, 15], [1, 1, 2, 1, 1])
    slope, chi2 = t.trend_statistic(values, lower, upper)
    assert slope == pytest.approx(1.2, rel=1e-12)
    assert chi2 == pytest.approx(14.4, rel=1e-12)
    assert t.trend_test(values, lower, upper) == "increasing"


@pytest.mark.parametrize(
    ("values", "expected_chi2", "label"),
    [
        ([11, 11.5, 12, 12.5, 13], 10.0, "increasing"),
        ([13, 12.5, 12, 11.5, 11], 10.0, "decreasing"),
        ([11.1, 11.55, 12, 12.45, 12.9], 8.1, "no significant change"),
        ([12, 12, 12, 12, 12], 0.0, "no significant change"),
    ],
)
def test_trend_by_hand_either_side_of_the_threshold(
    values: list[float], expected_chi2: float, label: str
) -> None:
    """Given five values with standard error 0.5 (weights 4; Sxx = 4 x 10 = 40),
    When tested for trend,
    Then chi-square = Sxy^2 / 40: a slope of 0.5 gives Sxy = 20 and 10 (significant), a slope of
    0.45 gives Sxy = 18 and 8.1 (not significant), and the sign of the slope gives the direction."""
    v, lower, upper = _limits(values, [0.5] * 5)
    assert t.trend_statistic(v, lower, upper)[1] == pytest.approx(expected_chi2, abs=1e-9)
    assert t.trend_test(v, lower, upper) == label


def test_trend_uses_only_the_latest_five_points() -> None:
    """Given a long series whose early points are erratic and whose latest five rise steadily,
    When tested for trend,
    Then only the latest five count."""
    v, lower, upper = _limits([50, 2, 90, 11, 11.5, 12, 12.5, 13], [0.5] * 8)
    assert t.trend_test(v, lower, upper) == "increasing"
    assert t.trend_statistic(v, lower, upper)[1] == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("values", "se"),
    [
        ([11, 12, 13, 14], [0.5] * 4),  # fewer than five points
        ([11, 12, np.nan, 14, 15], [0.5] * 5),  # a missing value among the latest five
        ([11, 12, 13, 14, 15], [0.5, 0.5, np.nan, 0.5, 0.5]),  # missing limits
        ([11, 12, 13, 14, 15], [0.5, 0.5, 0.0, 0.5, 0.5]),  # a zero-width interval
    ],
)
def test_trend_cannot_be_calculated_without_five_usable_points(values: list[float], se: list[float]) -> None:
    """Given a series lacking five usable latest points,
    When tested for trend,
    Then the result is 'cannot be calculated'."""
    v, lower, upper = _limits(values, se)
    assert t.trend_test(v, lower, upper) == "cannot be calculated"


def test_trend_is_vectorised_over_rows() -> None:
    """Given three series as rows of a 2-D array,
    When tested together,
    Then each row gets its own label."""
    v, lower, upper = _limits(
        [[11, 11.5, 12, 12.5, 13], [13, 12.5, 12, 11.5, 11], [12, 12, np.nan, 12, 12]], [[0.5] * 5] * 3
    )
    assert list(t.trend_test(v, lower, upper)) == ["increasing", "decreasing", "cannot be calculated"]


# --------------------------------------------------------------------------------------------------
# Benchmarking
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparator", "direction", "high_is_good", "low_is_good"),
    [
        (7.0, "higher", "better", "worse"),
        (13.0, "lower", "worse", "better"),
        (10.0, "similar", "similar", "similar"),
        (8.0, "similar", "similar", "similar"),  # touching the lower limit is not beyond it
        (np.nan, "not compared", "not compared", "not compared"),
    ],
)
def test_compare_reads_the_interval_through_the_polarity(
    comparator: float, direction: str, high_is_good: str, low_is_good: str
) -> None:
    """Given an area at 10 (95% CI 8 to 12) and a comparator value,
    When compared,
    Then the interval above/below/around the comparator reads as better/worse/similar by polarity,
    and 'no_judgement' indicators are not compared (their direction is still available)."""
    assert t.compare_direction(10, 8, 12, comparator) == direction
    assert t.compare(10, 8, 12, comparator, "high_is_good") == high_is_good
    assert t.compare(10, 8, 12, comparator, "low_is_good") == low_is_good
    assert t.compare(10, 8, 12, comparator, "no_judgement") == "not compared"


def test_compare_with_comparator_limits_needs_non_overlapping_intervals() -> None:
    """Given an area at 10 (8 to 12) and a comparator at 7 whose own interval reaches 8.5,
    When compared using the comparator's limits,
    Then the intervals overlap and the area is similar; with a comparator interval up to 7.5 it is higher."""
    assert t.compare(10, 8, 12, 7, "high_is_good", comparator_lower=6, comparator_upper=8.5) == "similar"
    assert t.compare(10, 8, 12, 7, "high_is_good", comparator_lower=6, comparator_upper=7.5) == "better"


def test_compare_is_vectorised_and_checks_polarity() -> None:
    """Given several areas with their own polarities, one with a missing value,
    When compared with England's value,
    Then each gets its own label; an unknown polarity raises ValueError."""
    got = t.compare(
        [10, 10, 10, np.nan], [8, 8, 8, 8], [12, 12, 12, 12], 7.0,
        ["high_is_good", "low_is_good", "no_judgement", "high_is_good"],
    )  # fmt: skip
    assert list(got) == ["better", "worse", "not compared", "not compared"]
    with pytest.raises(ValueError):
        t.compare(10, 8, 12, 7, "up_is_good")


@pytest.mark.parametrize(
    ("value", "polarity", "expected"),
    [
        (80, "high_is_good", "better"),
        (75, "high_is_good", "better"),  # meeting the target counts
        (70, "high_is_good", "worse"),
        (70, "low_is_good", "better"),
        (80, "low_is_good", "worse"),
        (80, "no_judgement", "not compared"),
        (np.nan, "high_is_good", "not compared"),
    ],
)
def test_compare_to_target(value: float, polarity: str, expected: str) -> None:
    """Given a target of 75,
    When an area's value is compared with it,
    Then it is better where it meets the target in the polarity's direction, else worse."""
    assert t.compare_to_target(value, 75, polarity) == expected
