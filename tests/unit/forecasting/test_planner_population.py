"""Children 0-17 by stable unit for the authority forecasts: stitched units only where every member is in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.forecasting.planner import _population_by_unit


def test_population_by_unit_sums_stitched_members() -> None:
    pop = pd.DataFrame({"area_code": ["A", "A", "B", "C", "C"], "year": [2023, 2024, 2024, 2023, 2024],
                        "population": [100.0, 110.0, 50.0, 7.0, 8.0]})
    w = _population_by_unit(pop, pd.Index(["A", "A+C", "B+D", "E"]))
    assert w is not None
    assert w.loc["A", 2024] == 110 and w.loc["A+C", 2023] == 107 and w.loc["A+C", 2024] == 118
    assert w.loc[["B+D", "E"]].isna().all().all()  # a member missing, or not published at all
    assert np.isnan(w.loc["A+C"].reindex([2022])).all()
    assert _population_by_unit(None, pd.Index(["A"])) is None
