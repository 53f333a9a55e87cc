"""Small helpers for tests that look rows up in frames."""

from __future__ import annotations

import pandas as pd


def one(frame: pd.DataFrame, **match: object) -> pd.Series:
    """The one row of `frame` whose columns equal `match` (fails unless exactly one does)."""
    hit = frame
    for column, value in match.items():
        hit = hit[hit[column] == value]
    assert len(hit) == 1, f"{len(hit)} rows match {match}"
    return hit.iloc[0]
