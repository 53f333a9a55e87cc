"""Classed breaks for choropleth maps (mapclassify): one classifier for the dashboards' Map explorer and the
printed maps, so a map on a page and in a board paper shows the same classes.

Every class holds at least one area (empty classes are merged into the next) and is labelled by the values
it holds: a range 'lowest to highest', or the one value when all its areas share it (never '45.0 to 45.0')."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

from jsna.publish.formatting import fmt_number

SCHEMES = {"quantiles": "Quantiles", "natural_breaks": "Natural breaks (Jenks)", "equal_interval": "Equal interval"}
# ColorBrewer YlGnBu, light to dark (colour-blind safe): 5 classes, and 7 for more than 5.
SEQUENTIAL = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
SEQUENTIAL_7 = ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"]


@dataclass
class Classes:
    """Classed breaks: upper bounds, legend labels, colours and the number of areas in each class."""

    bins: list[float]
    labels: list[str]
    colours: list[str]
    counts: list[int]


def _bins(shown: pd.Series, scheme: str, k: int) -> list[float]:
    """Upper bounds from mapclassify; natural breaks use Fisher-Jenks on at most 200 evenly spaced order
    statistics, so they are exact for small maps, deterministic and quick for large ones."""
    if k == 1:
        return [float(shown.max())]
    if scheme == "natural_breaks":
        sample = np.quantile(shown, np.linspace(0, 1, min(200, len(shown))))
        with warnings.catch_warnings():  # without numba mapclassify warns it is pure Python: 200 values is quick
            warnings.simplefilter("ignore", UserWarning)
            jenks = mapclassify.FisherJenks(sample, k=k)
        return [*jenks.bins[:-1].tolist(), float(shown.max())]
    if scheme == "equal_interval":
        return list(mapclassify.EqualInterval(shown.to_numpy(), k=k).bins.tolist())
    if scheme != "quantiles":
        raise ValueError(f"Unknown classification scheme {scheme!r}; use one of {', '.join(SCHEMES)}.")
    return list(mapclassify.Quantiles(shown.to_numpy(), k=k).bins.tolist())


def classify(values: pd.Series, scheme: str = "quantiles", k: int = 5, unit: str = "") -> tuple[Classes, pd.Series]:
    """Break values into at most k classes: each area's class (-1 when it has no value) and the classes."""
    shown = values.dropna().astype(float)
    if shown.empty:
        return Classes([], [], [], []), pd.Series(-1, index=values.index)
    k = max(1, min(k, shown.nunique()))
    raw = np.asarray(values, dtype=float)
    bins = sorted(set(_bins(shown, scheme, k)))
    held = np.searchsorted(bins, shown.to_numpy(), side="left").clip(max=len(bins) - 1)
    bins = [b for i, b in enumerate(bins) if (held == i).any() or i == len(bins) - 1]  # no empty class
    cls = pd.Series(np.searchsorted(bins, raw, side="left"), index=values.index)
    cls = cls.clip(upper=len(bins) - 1).where(values.notna(), -1).astype(int)
    palette = SEQUENTIAL_7 if len(bins) > 5 else SEQUENTIAL
    colours = [palette[round(i * (len(palette) - 1) / max(1, len(bins) - 1))] for i in range(len(bins))]
    plain = "%" if unit == "%" else ""  # the unit is the legend's title
    labels, counts = [], []
    for i in range(len(bins)):
        inside = shown[(cls.loc[shown.index] == i).to_numpy()]
        low, high = fmt_number(inside.min(), plain), fmt_number(inside.max(), plain)
        labels.append(low if low == high else f"{low} to {high}")
        counts.append(len(inside))
    return Classes(bins, labels, colours, counts), cls
