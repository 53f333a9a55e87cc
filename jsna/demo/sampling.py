"""Vectorised random helpers shared by the generators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def grouped_choice(item_group: np.ndarray, weights: np.ndarray, draw_group: np.ndarray,
                   rng: np.random.Generator) -> np.ndarray:
    """For each draw, an item of the draw's group chosen with probability proportional to `weights`.

    Groups are integers 0..G-1; every group drawn from must have some positive weight.
    """
    order = np.lexsort((np.arange(len(item_group)), item_group))
    g = item_group[order]
    w = np.asarray(weights, dtype=float)[order]
    n_groups = int(max(g.max(), draw_group.max())) + 1
    totals = np.bincount(g, weights=w, minlength=n_groups)
    cum = np.cumsum(w) - np.concatenate([[0.0], np.cumsum(totals)])[g]
    key = g + cum / np.where(totals[g] > 0, totals[g], 1.0)
    u = draw_group + rng.random(len(draw_group)) * (1 - 1e-12)
    pos = np.searchsorted(key, u, side="right")
    pos = np.minimum(pos, len(key) - 1)
    return order[pos]


def categorical(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One category per row of a (n x k) probability matrix (rows need not be normalised)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return np.minimum((cum < u[:, None]).sum(axis=1), probs.shape[1] - 1)


def choice(options: np.ndarray | Sequence[Any], p: np.ndarray | Sequence[float], n: int,
           rng: np.random.Generator) -> np.ndarray:
    """`n` draws from `options` with probabilities `p` (normalised here)."""
    p = np.asarray(p, dtype=float)
    return np.asarray(options)[rng.choice(len(p), size=n, p=p / p.sum())]


def stochastic_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Integers whose expectation is `x`."""
    x = np.asarray(x, dtype=float)
    fl = np.floor(x)
    return (fl + (rng.random(x.shape) < x - fl)).astype(np.int64)


def within_group_rank(groups: np.ndarray) -> np.ndarray:
    """0-based position of each item among the items of its group (in array order)."""
    order = np.argsort(groups, kind="stable")
    sorted_g = groups[order]
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups)) - np.searchsorted(sorted_g, sorted_g, side="left")
    return rank
