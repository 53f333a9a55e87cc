"""Local targets and trajectories (jsna.toml [[targets]]): the catalogue with an area's own targets in place of
the package's, and each period's target where a trajectory gives dated values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from jsna.indicators.catalogue import Indicator, load_catalogue
from jsna.indicators.periods import period_end

POLARITY = {"higher": "high_is_good", "lower": "low_is_good"}


def with_local_targets(targets: Iterable[Any], catalogue: Mapping[str, Indicator] | None = None
                       ) -> dict[str, Indicator]:
    """The catalogue with each local target (indicator, value, direction, trajectory) in place of its own: the
    target is the value (a trajectory's last), its direction the polarity it is judged by."""
    out = dict(catalogue or load_catalogue())
    for t in targets:
        ind = out[t.indicator]
        path = tuple(sorted((p.date, float(p.value)) for p in t.trajectory))
        update: dict[str, Any] = {"target": float(t.value), "trajectory": path, "target_source": "local"}
        if t.direction is not None:
            update["polarity"] = POLARITY[t.direction]
        out[t.indicator] = ind.model_copy(update=update)
    return out


def at(ind: Indicator, when: date) -> float:
    """The target in force at `when`: the trajectory read linearly between its dated values (none before the
    first: NaN), the target itself after the last or without a trajectory."""
    if ind.target is None:
        return float("nan")
    if not ind.trajectory:
        return float(ind.target)
    days = np.array([d.toordinal() for d, _ in ind.trajectory], dtype=float)
    values = np.array([v for _, v in ind.trajectory])
    x = float(when.toordinal())
    if x < days[0]:
        return float("nan")
    if x >= days[-1]:
        return float(ind.target)
    return float(np.interp(x, days, values))


def by_period(ind: Indicator, periods: pd.Series) -> np.ndarray:
    """Each row's target: the one in force at its period's end (periods not read as dates: the target)."""
    cache: dict[str, float] = {}
    out = np.empty(len(periods))
    for k, p in enumerate(periods.astype(str)):
        if p not in cache:
            try:
                cache[p] = at(ind, period_end(p))
            except ValueError:
                cache[p] = float("nan") if ind.target is None else float(ind.target)
        out[k] = cache[p]
    return out
