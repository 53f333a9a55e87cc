"""Population-weighted apportionment from one geography to another through LSOAs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.geography.apportion import apportion


def _weights(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["lsoa_code", "from_code", "to_code", "population"])


def test_a_hand_made_case() -> None:
    """Given two old areas cut into three new ones:
        A: L1 (100 people, new X), L2 (300, new Y)            -> A's 40 goes 10 to X, 30 to Y
        B: L3 (200, new Y), L4 (200, new Z), L5 (600, new Z)  -> B's 50 goes 10 to Y, 40 to Z
    then X = 10, Y = 30 + 10 = 40, Z = 40, and the total 90 is kept."""
    weights = _weights([
        ("L1", "A", "X", 100), ("L2", "A", "Y", 300),
        ("L3", "B", "Y", 200), ("L4", "B", "Z", 200), ("L5", "B", "Z", 600),
    ])
    values = pd.DataFrame({"from_code": ["A", "B"], "value": [40.0, 50.0]})
    got = apportion(values, weights)
    assert got["to_code"].tolist() == ["X", "Y", "Z"]
    assert got["value"].tolist() == pytest.approx([10.0, 40.0, 40.0])


def test_an_lsoa_split_between_areas_and_an_empty_from_area() -> None:
    """Given an LSOA split across two rows and an old area with nobody in it, then the split rows
    count separately and the empty area is shared by its number of LSOA rows."""
    weights = _weights([
        ("L1", "A", "X", 30), ("L1", "A", "Y", 10),  # one LSOA, 3/4 of its people in X
        ("L2", "C", "X", 0), ("L3", "C", "Y", 0), ("L4", "C", "Y", 0),
    ])
    values = pd.DataFrame({"from_code": ["A", "C", "A"], "value": [4.0, 3.0, np.nan]})
    got = apportion(values, weights).set_index("to_code")["value"]
    assert got.to_dict() == pytest.approx({"X": 3.0 + 1.0, "Y": 1.0 + 2.0})


def test_from_areas_without_lsoas_and_bad_populations_are_errors() -> None:
    weights = _weights([("L1", "A", "X", 10)])
    with pytest.raises(ValueError, match="no LSOAs"):
        apportion(pd.DataFrame({"from_code": ["A", "Q"], "value": [1.0, 2.0]}), weights)
    with pytest.raises(ValueError, match="negative"):
        apportion(pd.DataFrame({"from_code": ["A"], "value": [1.0]}), _weights([("L1", "A", "X", -1)]))
    with pytest.raises(ValueError, match="lacks column"):
        apportion(pd.DataFrame({"code": ["A"], "value": [1.0]}), weights)


@pytest.mark.parametrize("seed", range(5))
def test_totals_are_conserved(seed: int) -> None:
    """Given random LSOAs in random old and new areas (with some empty LSOAs), then the apportioned
    total equals the original total, and each to-area gets no more than the from-areas touching it."""
    rng = np.random.default_rng(seed)
    n = 500
    weights = _weights(list(zip(
        [f"L{i}" for i in range(n)], [f"F{k}" for k in rng.integers(0, 40, n)],
        [f"T{k}" for k in rng.integers(0, 25, n)], rng.integers(0, 3000, n) * (rng.random(n) > 0.1), strict=True,
    )))
    froms = weights["from_code"].unique()
    values = pd.DataFrame({"from_code": froms, "value": rng.gamma(2.0, 50.0, len(froms))})
    got = apportion(values, weights)
    assert got["value"].sum() == pytest.approx(values["value"].sum(), rel=1e-12)
    assert (got["value"] >= 0).all()
    reach = weights.merge(values, on="from_code").drop_duplicates(["from_code", "to_code"])
    ceiling = reach.groupby("to_code")["value"].sum()
    assert (got.set_index("to_code")["value"] <= ceiling.reindex(got["to_code"]).to_numpy() + 1e-9).all()
