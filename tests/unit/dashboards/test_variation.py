"""The district funnel the Health waits page draws, from published rows: plain or overdispersed limits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboards import variation
from jsna.indicators import funnels, overdispersion


def _rows(numerators: list[float | None], denominators: list[float], multiplier: float = 100) -> pd.DataFrame:
    x = pd.Series(numerators, dtype=float)
    n = pd.Series(denominators, dtype=float)
    return pd.DataFrame({"area_code": [f"X0700000{i}" for i in range(len(x))],
                         "area_name": [f"District {i}" for i in range(len(x))],
                         "numerator": x, "denominator": n, "value": x / n * multiplier})


X = [30.0, 52, 95, 41, 160, 77, 20, None]  # the last district suppressed
N = [100.0, 150, 200, 130, 400, 180, 90, 120]


def test_overdispersed_choice_draws_the_adjusted_limits_and_labels() -> None:
    """Given eight districts' published proportions, one suppressed,
    When the funnel is drawn with plain and with additive limits,
    Then the plain lines and labels are Fingertips' (funnels), the additive ones Spiegelhalter's over the seven
    published districts (overdispersion), the two differ, and the suppressed district is listed as left out."""
    plain = variation.funnel(_rows(X, N), "proportion_wilson", 100, "plain")
    additive = variation.funnel(_rows(X, N), "proportion_wilson", 100, "additive")
    assert plain is not None and additive is not None
    assert plain.left_out == additive.left_out == ["District 7"]
    x, n = np.array(X[:7]), np.array(N[:7])
    want, found = overdispersion.overdispersed_limits(x, n, "proportion", "additive", 100)
    np.testing.assert_array_equal(additive.lines["upper_2s"][1], want["upper_2s_limit"])
    np.testing.assert_array_equal(plain.lines["upper_2s"][1], funnels.funnel_limits_proportion(x, n)["upper_2s_limit"])
    assert list(additive.points["significance"]) == list(overdispersion.overdispersed_significance(x, n, "proportion",
                                                                                                   "additive"))
    assert additive.dispersion == found and plain.dispersion is None
    assert not np.allclose(plain.lines["upper_2s"][1], additive.lines["upper_2s"][1])
    assert "overdispersion" in variation.limits_sentence(additive, "additive", 100, "%")


def test_no_spread_to_estimate_keeps_the_plain_limits() -> None:
    """Given districts that all have no one waiting past the threshold (an average of 0%),
    When overdispersed limits are asked for,
    Then the plain limits are drawn and the sentence says why."""
    zero = variation.funnel(_rows([0.0] * 4, [50.0, 80, 120, 200]), "proportion_wilson", 100, "multiplicative")
    assert zero is not None and zero.dispersion is None
    assert "no overdispersion can be estimated" in variation.limits_sentence(zero, "multiplicative", 100, "%")
