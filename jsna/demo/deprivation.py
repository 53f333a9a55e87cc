"""A latent deprivation score (worse in town centres, spatially smooth) and IMD-style ranks and deciles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.demo.geography import Geography
from jsna.demo.spec import IMD_LSOAS, ScaleSpec


def latent_score(geo: Geography, spec: ScaleSpec, rng: np.random.Generator) -> np.ndarray:
    """Higher = more deprived: town-centre peaks, a smooth random field and local noise."""
    x = geo.lsoa["x"].to_numpy()
    y = geo.lsoa["y"].to_numpy()
    towns = geo.towns
    score = np.zeros(len(x))
    for tx, ty, sig in towns[["x", "y", "sigma"]].to_numpy():
        strength = rng.uniform(0.5, 1.8)
        score += strength * np.exp(-((x - tx) ** 2 + (y - ty) ** 2) / (2 * (1.3 * sig) ** 2))
    n_bumps = max(12, spec.n_towns // 2)  # a smooth field: broad bumps of random sign
    cx = rng.uniform(x.min(), x.max(), n_bumps)
    cy = rng.uniform(y.min(), y.max(), n_bumps)
    width = rng.uniform(0.06, 0.2, n_bumps) * spec.radius
    height = rng.normal(0.0, 0.3, n_bumps)
    for j in range(n_bumps):
        score += height[j] * np.exp(-((x - cx[j]) ** 2 + (y - cy[j]) ** 2) / (2 * width[j] ** 2))
    return score + rng.normal(0.0, 0.3, len(x))


def imd_ranks(score: np.ndarray, spec: ScaleSpec) -> np.ndarray:
    """IMD ranks 1 (most deprived) .. 32,844, unique.

    The England scale has exactly 32,844 LSOAs, ranked directly. A single county is placed on the national
    scale through a Beta(1.6, 1) quantile map, so it is less deprived than average: every decile occurs but
    the most deprived ones are rare.
    """
    n = len(score)
    order = np.argsort(-score, kind="stable")
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n)
    if n == IMD_LSOAS:
        return pos + 1
    q = ((pos + 0.5) / n) ** (1 / 1.6)
    rank_sorted = np.ceil(np.sort(q) * IMD_LSOAS).astype(np.int64)
    for i in range(1, n):  # strictly increasing
        rank_sorted[i] = max(rank_sorted[i], rank_sorted[i - 1] + 1)
    rank_sorted = np.minimum(rank_sorted, IMD_LSOAS - (n - 1 - np.arange(n)))
    return rank_sorted[pos]


def deciles(rank: np.ndarray) -> np.ndarray:
    return np.minimum(np.ceil(rank / (IMD_LSOAS / 10)).astype(np.int64), 10)


def build(geo: Geography, spec: ScaleSpec, rng: np.random.Generator) -> pd.DataFrame:
    """Per LSOA (in the geography's order): latent score, IMD rank and decile."""
    score = latent_score(geo, spec, rng)
    rank = imd_ranks(score, spec)
    return pd.DataFrame({"score": score, "rank": rank, "decile": deciles(rank)})
