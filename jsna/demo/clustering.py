"""Size-balanced k-means (a power diagram) used to group LSOA seed points into areas."""

from __future__ import annotations

import numpy as np


def _plus_plus_init(points: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = np.empty((k, 2))
    centres[0] = points[rng.integers(len(points))]
    d2 = ((points - centres[0]) ** 2).sum(axis=1)
    for j in range(1, k):
        total = d2.sum()
        i = int(rng.choice(len(points), p=d2 / total)) if total > 0 else int(rng.integers(len(points)))
        centres[j] = points[i]
        d2 = np.minimum(d2, ((points - centres[j]) ** 2).sum(axis=1))
    return centres


def _assign(points: np.ndarray, centres: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Nearest centre by power distance |p - c|^2 - w (the |p|^2 term does not change the argmin)."""
    cost = (centres**2).sum(axis=1) - w - 2.0 * (points @ centres.T)
    return np.argmin(cost, axis=1)


def _balance_weights(points: np.ndarray, centres: np.ndarray, targets: np.ndarray, scale: float,
                     iters: int) -> np.ndarray:
    """Additive power-diagram weights so that the cells around fixed centres hold about `targets` points."""
    k = len(centres)
    w = np.zeros(k)
    step = np.full(k, 0.2 * scale)
    prev = np.zeros(k)
    for _ in range(iters):
        counts = np.bincount(_assign(points, centres, w), minlength=k)
        gap = targets - counts
        if np.abs(gap).max() <= max(1.0, 0.03 * targets.min()):
            break
        sign = np.sign(gap)
        step = np.where(sign * prev < 0, step * 0.5, step * 1.15)
        w += sign * step
        prev = sign
    return w


def balanced_kmeans(
    points: np.ndarray, targets: np.ndarray, rng: np.random.Generator, iters: int = 4
) -> np.ndarray:
    """Labels 0..k-1 for `points` (n x 2) so that cluster j holds about `targets[j]` points.

    Alternates moving the centres to their cluster means and solving additive weights (a power
    diagram, so clusters stay convex in the plane and contiguous once turned into Voronoi cells).
    """
    k = len(targets)
    n = len(points)
    if k == 1:
        return np.zeros(n, dtype=np.int64)
    targets = np.asarray(targets, dtype=float) * n / np.sum(targets)
    centres = _plus_plus_init(points, k, rng)
    span = points.max(axis=0) - points.min(axis=0)
    scale = float(span[0] * span[1]) / k
    for _ in range(10):  # plain Lloyd iterations first
        labels = _assign(points, centres, np.zeros(k))
        centres = _means(points, labels, centres)
    w = np.zeros(k)
    for _ in range(iters):
        w = _balance_weights(points, centres, targets, scale, 150)
        centres = _means(points, _assign(points, centres, w), centres)
    w = _balance_weights(points, centres, targets, scale, 300)
    return _assign(points, centres, w)


def _means(points: np.ndarray, labels: np.ndarray, centres: np.ndarray) -> np.ndarray:
    k = len(centres)
    counts = np.bincount(labels, minlength=k).astype(float)
    out = centres.copy()
    filled = counts > 0
    for dim in range(2):
        sums = np.bincount(labels, weights=points[:, dim], minlength=k)
        out[filled, dim] = sums[filled] / counts[filled]
    return out


def relabel_by_position(labels: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Renumber clusters north to south (then west to east) so labels do not depend on the init."""
    k = int(labels.max()) + 1
    counts = np.maximum(np.bincount(labels, minlength=k), 1)
    cx = np.bincount(labels, weights=points[:, 0], minlength=k) / counts
    cy = np.bincount(labels, weights=points[:, 1], minlength=k) / counts
    order = np.lexsort((cx, -np.round(cy, -3)))
    new = np.empty(k, dtype=np.int64)
    new[order] = np.arange(k)
    return np.unique(new[labels], return_inverse=True)[1]  # no gaps if a cluster ended up empty
