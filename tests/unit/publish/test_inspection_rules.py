"""How the inspection evidence pack reads a published series, with no database: where a period ends (to pick the
latest up to a cut-off), the direction over the latest periods, and the rating against a target."""

from __future__ import annotations

from datetime import date

import pytest

from jsna.errors import ExportError
from jsna.publish.inspection import direction, period_end, rating


@pytest.mark.parametrize("period, end", [
    ("202425", date(2025, 1, 31)), ("2024", date(2024, 12, 31)), ("2024-Q1", date(2024, 3, 31)),
    ("2024-Q3", date(2024, 9, 30)), ("2024-02", date(2024, 2, 29)), ("2023-12", date(2023, 12, 31)),
])
def test_each_period_ends_where_its_type_says(period: str, end: date) -> None:
    assert period_end(period) == end


def test_an_unreadable_period_is_one_sentence() -> None:
    with pytest.raises(ExportError, match="Cannot read period 2024-13"):
        period_end("2024-13")


def test_direction_reads_the_latest_three_periods_through_the_polarity() -> None:
    assert direction([90.0, 50.0, 60.0, 70.0], "higher") == "up (improving)"  # the 90 is older than three periods
    assert direction([50.0, 60.0, 70.0], "lower") == "up (worsening)"
    assert direction([70.0, 65.0, 60.0], "lower") == "down (improving)"
    assert direction([70.0, 65.0, 60.0], "no judgement") == "down"
    assert direction([60.04, 80.0, 59.96], "higher") == "no change"  # equal at one decimal
    assert direction([60.0, None, 64.0], "higher") == "up (improving)"  # a hidden middle period is skipped
    assert direction([None, None, 64.0], "higher") == "too few periods"
    assert direction([60.0, 64.0, None], "higher") == "not available"


def test_the_rating_follows_the_published_comparison_with_the_target() -> None:
    assert rating(96.0, None, 95.0, "better") == "met"
    assert rating(80.0, None, 95.0, "worse") == "not met"
    assert rating(80.0, None, None, None) == "no target"
    assert rating(None, "c", 95.0, None) == "suppressed"
    assert rating(None, None, 95.0, None) == "no value"
