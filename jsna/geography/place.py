"""Placing records in small areas: postcode lookup, and points in polygons, vectorised."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import shapely
from geopandas import GeoSeries

THREADS = 2
BLOCK_POLYGONS = 1024  # polygons per task: bounds the candidate arrays and spreads the work over threads


def normalise_postcode(s: pd.Series) -> pd.Series:
    """Upper case with single inner space ('so50 5pb' -> 'SO50 5PB'); blank when not postcode-shaped."""
    compact = s.fillna("").astype(str).str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    ok = compact.str.len().between(5, 7)
    return (compact.str[:-3] + " " + compact.str[-3:]).where(ok, "")


def _sort_order(keys: np.ndarray, n_keys: int) -> np.ndarray:
    """Stable argsort of non-negative integer keys below n_keys: LSD radix sort on 16-bit digits,
    which numpy sorts in linear time (about 4x faster than a comparison sort of a million keys)."""
    if n_keys > 2**32:
        return np.argsort(keys, kind="stable")
    order = np.argsort(keys.astype(np.uint16), kind="stable")  # the low digit (integer casts wrap)
    if n_keys > 2**16:
        high = (keys >> 16).astype(np.uint16)[order]
        order = order[np.argsort(high, kind="stable")]
    return order


class _Grid:
    """The points bucketed in a coarse grid of cells, row-major, sorted by cell.

    A polygon's candidate points are then one contiguous run of the sorted points per grid row its
    bounding box covers, so candidates come from slices, never from a per-point search."""

    def __init__(self, x: np.ndarray, y: np.ndarray, idx: np.ndarray, extent: tuple[float, float, float, float],
                 cell: float) -> None:
        x0, y0, x1, y1 = extent
        self.x0, self.y0, self.cell = x0, y0, cell
        self.nx = max(1, math.ceil((x1 - x0) / cell) + 1)
        self.ny = max(1, math.ceil((y1 - y0) / cell) + 1)
        kind = np.int32 if self.nx * self.ny < 2**31 else np.int64
        cells = ((y[idx] - y0) / cell).astype(kind)
        cells *= self.nx
        cells += ((x[idx] - x0) / cell).astype(kind)
        counts = np.bincount(cells, minlength=self.nx * self.ny)
        self.start = np.concatenate([[0], np.cumsum(counts)])  # cell -> first sorted position
        self.index = idx[_sort_order(cells, self.nx * self.ny)]  # sorted position -> index into x, y
        del cells
        self.x, self.y = x[self.index], y[self.index]  # contiguous and spatially sorted: cache friendly

    def candidates(self, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(polygon row in `bounds`, sorted point position) for every point inside each bounding box."""
        c = self.cell
        ix0 = np.clip(((bounds[:, 0] - self.x0) // c).astype(np.int64), 0, self.nx - 1)
        ix1 = np.clip(((bounds[:, 2] - self.x0) // c).astype(np.int64), 0, self.nx - 1)
        iy0 = np.clip(((bounds[:, 1] - self.y0) // c).astype(np.int64), 0, self.ny - 1)
        iy1 = np.clip(((bounds[:, 3] - self.y0) // c).astype(np.int64), 0, self.ny - 1)
        rows = iy1 - iy0 + 1
        poly = np.repeat(np.arange(len(bounds)), rows)  # one (polygon, grid row) pair per row covered
        iy = np.repeat(iy0, rows) + (np.arange(len(poly)) - np.repeat(np.cumsum(rows) - rows, rows))
        lo = self.start[iy * self.nx + ix0[poly]]
        hi = self.start[iy * self.nx + ix1[poly] + 1]
        n = hi - lo
        total = int(n.sum())
        if total == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        cand_poly = np.repeat(poly, n)
        cand_pt = np.arange(total, dtype=np.int64) + np.repeat(lo - (np.cumsum(n) - n), n)
        px, py = self.x[cand_pt], self.y[cand_pt]
        b = bounds[cand_poly]
        inside = (px >= b[:, 0]) & (px <= b[:, 2]) & (py >= b[:, 1]) & (py <= b[:, 3])
        return cand_poly[inside], cand_pt[inside]


def _block(grid: _Grid, geoms: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted point positions and polygon rows (within the block) of the hits of one block of polygons.

    The block's geometries are copied and prepared here, so no prepared geometry is ever shared
    between threads (GEOS prepared geometries are not thread safe), and the caller's are untouched."""
    poly, pt = grid.candidates(bounds)
    if len(pt) == 0:
        return pt, poly
    mine = shapely.force_2d(geoms)  # fresh GEOS geometries owned by this task
    shapely.prepare(mine)
    hit = shapely.intersects_xy(mine[poly], grid.x[pt], grid.y[pt])  # boundary counts as inside
    return pt[hit], poly[hit]


def points_in_polygons(x: np.ndarray, y: np.ndarray, polygons: GeoSeries) -> np.ndarray:
    """Index into `polygons` of the polygon holding each point, -1 where none does.

    Points are bucketed in a coarse grid and sorted by cell; each block of polygons takes the points
    inside its bounding boxes (contiguous runs of the sorted points) and tests them all at once with
    `shapely.intersects_xy` against its own prepared copies, two blocks at a time on two threads. No
    point geometries are built and there is no loop over points. A point on a boundary counts as in
    the polygon, and a point on a shared edge belongs to the polygon with the lowest index, so the
    answer never depends on the order of the points (or on which thread finished first).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    result = np.full(n, -1, dtype=np.int64)
    geoms = np.asarray(polygons.values, dtype=object)
    m = len(geoms)
    if n == 0 or m == 0:
        return result
    bounds = shapely.bounds(geoms)
    usable = np.flatnonzero(np.isfinite(bounds).all(axis=1))  # skips missing and empty geometries
    if len(usable) == 0:
        return result
    ub = bounds[usable]
    extent = (ub[:, 0].min(), ub[:, 1].min(), ub[:, 2].max(), ub[:, 3].max())
    keep = (
        np.isfinite(x) & np.isfinite(y)
        & (x >= extent[0]) & (x <= extent[2]) & (y >= extent[1]) & (y <= extent[3])
    )
    idx = np.flatnonzero(keep)
    if len(idx) == 0:
        return result
    # Cells the size of the small polygons (dense towns), so a small polygon's candidates are not
    # swamped by a whole town's points; large rural polygons just span more grid rows. Never more
    # cells than a few per polygon or point, so the cell table stays small.
    size = np.quantile(np.maximum(ub[:, 2] - ub[:, 0], ub[:, 3] - ub[:, 1]), 0.1)
    area = max((extent[2] - extent[0]) * (extent[3] - extent[1]), 1e-12)
    cell = max(float(size), math.sqrt(area / (4.0 * (len(usable) + len(idx)))), 1e-9)
    grid = _Grid(x, y, idx, extent, cell)
    del idx

    blocks = [usable[i:i + BLOCK_POLYGONS] for i in range(0, len(usable), BLOCK_POLYGONS)]
    best = np.full(len(grid.index), m, dtype=np.int64)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        # Hits are folded in as each block finishes; the lowest index wins a tie, whatever the order of work.
        for block, (pts, rows) in zip(blocks, pool.map(lambda b: _block(grid, geoms[b], bounds[b]), blocks),
                                      strict=True):
            np.minimum.at(best, pts, block[rows])
    found = best < m
    result[grid.index[found]] = best[found]
    return result
