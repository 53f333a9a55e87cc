"""The one classifier the dashboards' Map explorer and the printed maps share (jsna.publish.classes)."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.publish.classes import classify


def test_the_dashboards_class_with_the_library_classifier() -> None:
    from jsna.publish import charts

    assert charts.classify is classify


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks", "equal_interval"])
def test_no_class_is_empty_or_reads_x_to_x(scheme: str) -> None:
    """Given many areas on one value (45.0) and a few spread above it and one suppressed,
    then every class holds areas, a one-value class reads as that value, and ranges hold their areas."""
    values = pd.Series([45.0] * 12 + [45.04, 50.0, 61.0, 62.0, 90.0, 200.0, None])
    classes, cls = classify(values, scheme, 5)
    assert all(n > 0 for n in classes.counts) and sum(classes.counts) == 18 and cls.iloc[-1] == -1
    for i, label in enumerate(classes.labels):
        low, _, high = label.partition(" to ")
        assert low != high, label
        inside = values[cls == i]
        digits = len(low.partition(".")[2])
        assert float(low.replace(",", "")) == round(inside.min(), digits)
        assert float((high or low).replace(",", "")) == round(inside.max(), digits)
    assert len(set(classes.labels)) == len(classes.labels)


def test_equal_interval_drops_its_empty_classes() -> None:
    """Given values in two clumps far apart, when cut into 5 equal intervals, then the empty middle ones go."""
    values = pd.Series([1.0, 2.0, 3.0, 98.0, 99.0, 100.0])
    classes, cls = classify(values, "equal_interval", 5)
    assert classes.counts == [3, 3] and classes.labels == ["1 to 3", "98 to 100"]
    assert cls.tolist() == [0, 0, 0, 1, 1, 1]
