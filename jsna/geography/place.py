"""Placing records in small areas: postcode lookup, and points in polygons, vectorised."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from geopandas import GeoSeries


def normalise_postcode(s: pd.Series) -> pd.Series:
    """Upper case with single inner space ('so50 5pb' -> 'SO50 5PB'); blank when not postcode-shaped."""
    compact = s.fillna("").astype(str).str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    ok = compact.str.len().between(5, 7)
    return (compact.str[:-3] + " " + compact.str[-3:]).where(ok, "")


def points_in_polygons(x: np.ndarray, y: np.ndarray, polygons: GeoSeries) -> np.ndarray:
    """Index into `polygons` of the polygon holding each point, -1 where none does.

    An STRtree query over all points at once. A point on a shared edge belongs to the polygon with
    the lowest index, so the answer never depends on the order of the points.
    """
    n = len(x)
    result = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(polygons) == 0:
        return result
    finite = np.isfinite(x) & np.isfinite(y)
    pts = shapely.points(x[finite], y[finite])
    tree = shapely.STRtree(np.asarray(polygons.values, dtype=object))
    pt_idx, poly_idx = tree.query(pts, predicate="intersects")
    if len(pt_idx):
        order = np.lexsort((poly_idx, pt_idx))
        pt_idx, poly_idx = pt_idx[order], poly_idx[order]
        first = np.r_[True, pt_idx[1:] != pt_idx[:-1]]
        sub = np.full(int(finite.sum()), -1, dtype=np.int64)
        sub[pt_idx[first]] = poly_idx[first]
        result[finite] = sub
    return result
