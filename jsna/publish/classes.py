"""Classed breaks for choropleth maps (mapclassify): one classifier for the dashboards' Map explorer and the
printed maps, so a map on a page and in a board paper shows the same classes.

Every class holds at least one area (empty classes are merged into the next) and is labelled by the values
it holds: a range 'lowest to highest', or the one value when all its areas share it (never '45.0 to 45.0')."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from itertools import pairwise

import mapclassify
import numpy as np
import pandas as pd

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
    if scheme not in SCHEMES:
        raise ValueError(f"Unknown classification scheme {scheme!r}; use one of {', '.join(SCHEMES)}.")
    with warnings.catch_warnings():  # mapclassify warns without numba, and when ties leave fewer classes
        warnings.simplefilter("ignore", UserWarning)
        if scheme == "natural_breaks":
            sample = np.quantile(shown, np.linspace(0, 1, min(200, len(shown))))
            return [*mapclassify.FisherJenks(sample, k=k).bins[:-1].tolist(), float(shown.max())]
        if scheme == "equal_interval":
            return list(mapclassify.EqualInterval(shown.to_numpy(), k=k).bins.tolist())
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
    members = [shown[(cls.loc[shown.index] == i).to_numpy()] for i in range(len(bins))]
    labels = _labels([(float(m.min()), float(m.max())) for m in members], shown, unit)
    return Classes(bins, labels, colours, [len(m) for m in members]), cls


def _labels(ranges: list[tuple[float, float]], shown: pd.Series, unit: str) -> list[str]:
    """'lowest to highest' of each class (the unit is the legend's title; '%' is written), all with one
    number of decimals: none for whole numbers, else one, or more (up to three) until no class's two ends, and
    no class's start and the class below's end, read the same."""
    digits = 0 if bool((shown == shown.round()).all()) else 1

    def number(v: float) -> str:
        return f"{v:,.{digits}f}" + ("%" if unit == "%" else "")

    def clash() -> bool:  # a class whose ends read the same, or one that starts where the last ends
        return any(lo != hi and number(lo) == number(hi) for lo, hi in ranges) or any(
            number(a[1]) == number(b[0]) for a, b in pairwise(ranges))

    while digits < 3 and clash():
        digits += 1
    return [number(lo) if number(lo) == number(hi) else f"{number(lo)} to {number(hi)}" for lo, hi in ranges]
