"""Slope and relative index of inequality against testdata_SII.

The SII, RII and intercept are deterministic and reproduced to 1e-6. Their limits are simulated
(as in PHEindicatormethods), so they are checked within PHEindicatormethods' own tolerance of 5%.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

from jsna.indicators import methods as m

from .reference import REFERENCE, assert_close, requires_reference, sheet

pytestmark = requires_reference

KEYS = ["Area", "Grouping1", "Grouping2"]
SIMULATION_RTOL = 0.05

# First record of each test block -> arguments PHEindicatormethods' tests pass (testSII.R).
BLOCKS: dict[int, dict[str, Any]] = {
    1: {},
    21: {"confidence": 0.99},
    41: {},
    61: {},
    71: {"value_type": 1},
    91: {"value_type": 2},
    111: {"value_type": 2, "multiplier": 100},
    131: {"value_type": 2, "multiplier": -100},
    226: {"confidence": (0.95, 0.99)},
    246: {},
    266: {"value_type": 1},
    286: {"value_type": 1},
    306: {"value_type": 1, "transform": True},
    326: {"value_type": 2, "transform": True},
    346: {"value_type": 2, "transform": True, "multiplier": -1},
    366: {"value_type": 1, "transform": True, "confidence": (0.95, 0.98)},
    386: {"value_type": 1, "transform": True, "multiplier": -1},
    406: {"value_type": 1, "transform": True, "confidence": 0.98},
    426: {"value_type": 1, "transform": True},
    446: {"value_type": 2, "transform": True},
    466: {"value_type": 2, "transform": True, "confidence": 0.98},
    486: {"value_type": 2, "transform": True, "confidence": (0.95, 0.98)},
}


def _block(first: int) -> pd.DataFrame:
    data = sheet("testdata_SII.xlsx")
    description = data.loc[data["RecordNo"] == first, "TestDescription"].iloc[0]
    return data[data["TestDescription"] == description]


@cache
def _sii(first: int, repetitions: int = 100_000) -> pd.DataFrame:
    return m.sii(
        _block(first), "Quantile", "Population", "Value", by=KEYS, lower_cl="LowerCL", upper_cl="UpperCL",
        repetitions=repetitions, seed=first, **BLOCKS[first],
    )  # fmt: skip


def _expected(first: int) -> pd.DataFrame:
    return _block(first).dropna(subset=["sii"]).set_index(KEYS)


CASES = [(first, area) for first in BLOCKS for area in ("area1", "area2")] if REFERENCE.is_dir() else []


@pytest.mark.parametrize(("first", "area"), CASES)
def test_sii_rii_and_intercept_reproduce_reference(first: int, area: str) -> None:
    """Given an area's ten (or five) quantiles from a block of testdata_SII,
    When the SII is computed with that block's options (value type, multiplier, log/logit transform),
    Then SII, RII and intercept match the reference to 1e-6."""
    expected = _expected(first)
    expected = expected[expected.index.get_level_values("Area") == area]
    got = _sii(first).loc[expected.index]
    for ours, theirs in (("sii", "sii"), ("rii", "rii"), ("intercept", "Intercept")):
        if expected[theirs].notna().any():
            assert_close(got[ours], expected[theirs])


@pytest.mark.parametrize(("first", "area"), CASES)
def test_sii_simulated_limits_are_within_phe_tolerance(first: int, area: str) -> None:
    """Given the same block,
    When the limits are simulated (100,000 draws, PHE's default, seeded),
    Then each published SII/RII limit is matched within 5%, PHEindicatormethods' own tolerance."""
    expected = _expected(first)
    expected = expected[expected.index.get_level_values("Area") == area]
    got = _sii(first).loc[expected.index]
    levels = m._levels(BLOCKS[first].get("confidence", 0.95))
    checked = 0
    for number, level in enumerate(levels, start=1):
        for stat in ("sii", "rii"):
            for side in ("lower", "upper"):
                reference = expected[f"{stat}_{side}cl_{number}"]
                if reference.notna().any():
                    ours = got[f"{stat}_{side}{m.level_label(level)}cl"]
                    np.testing.assert_allclose(ours, reference, rtol=SIMULATION_RTOL)
                    checked += 1
    assert checked > 0 or first == 61  # the quintile block publishes no limits


def test_sii_limits_are_reproducible_with_a_seed_and_agree_with_se() -> None:
    """Given the default block with standard errors instead of limits,
    When simulated twice with the same seed,
    Then the limits are identical, and close to those from the 95% limits."""
    block = _block(1)
    first = m.sii(
        block, "Quantile", "Population", "Value", by=KEYS, se="StandardError", repetitions=5000, seed=3
    )
    again = m.sii(
        block, "Quantile", "Population", "Value", by=KEYS, se="StandardError", repetitions=5000, seed=3
    )
    pd.testing.assert_frame_equal(first, again)
    np.testing.assert_allclose(first["sii_upper95_0cl"], _sii(1)["sii_upper95_0cl"], rtol=SIMULATION_RTOL)


@pytest.mark.parametrize(
    ("first", "kwargs"),
    [
        (151, {"lower_cl": "LowerCL", "upper_cl": "UpperCL"}),  # a negative population
        (161, {"se": "StandardError"}),  # a negative standard error
        (171, {"lower_cl": "LowerCL", "upper_cl": "UpperCL", "value_type": 2}),  # limits outside [0, 1]
    ],
)
def test_sii_rejects_invalid_inputs(first: int, kwargs: dict[str, Any]) -> None:
    """Given testdata_SII's error-handling blocks,
    When the SII is asked for,
    Then a ValueError is raised."""
    with pytest.raises(ValueError):
        m.sii(_block(first), "Quantile", "Population", "Value", by=KEYS, repetitions=1000, **kwargs)


@pytest.mark.parametrize("first", [181, 191, 201])
def test_sii_is_missing_for_areas_with_missing_inputs(first: int) -> None:
    """Given testdata_SII blocks with missing values, limits or populations,
    When the SII is computed,
    Then the area gets NaN rather than a fit on incomplete quantiles."""
    got = m.sii(
        _block(first), "Quantile", "Population", "Value", by=KEYS, lower_cl="LowerCL", upper_cl="UpperCL"
    )
    assert got.isna().all().all()


def test_sii_by_hand_on_a_straight_line() -> None:
    """Given five equal quantiles (relative ranks 0.1, 0.3, ..., 0.9) whose values lie on 10 + 5x,
    When the SII is computed,
    Then SII = 5, intercept = 10 and RII = 15/10, exactly as the fitted line gives."""
    ranks = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    data = pd.DataFrame({"q": range(1, 6), "pop": 1000, "value": 10 + 5 * ranks, "se": 0.1})
    got = m.sii(data, "q", "pop", "value", se="se", repetitions=1000, seed=0).iloc[0]
    assert_close(got[["sii", "intercept", "rii"]], [5, 10, 1.5])
    assert got["sii_lower95_0cl"] < 5 < got["sii_upper95_0cl"]
