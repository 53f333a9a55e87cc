"""Placing points and postcodes in small areas."""

from __future__ import annotations

import numpy as np
import pandas as pd
from geopandas import GeoSeries
from shapely import box

from jsna.geography.place import normalise_postcode, points_in_polygons


def test_points_land_in_their_polygon_and_outsiders_get_minus_one() -> None:
    """Given two squares side by side, then inside points find theirs, shared-edge points the lower
    index, and points outside or missing find none."""
    polys = GeoSeries([box(0, 0, 10, 10), box(10, 0, 20, 10)])
    x = np.array([5.0, 15.0, 10.0, 30.0, np.nan])
    y = np.array([5.0, 5.0, 5.0, 5.0, 5.0])
    assert points_in_polygons(x, y, polys).tolist() == [0, 1, 0, -1, -1]


def test_result_does_not_depend_on_point_order() -> None:
    rng = np.random.default_rng(1)
    polys = GeoSeries([box(i, j, i + 1, j + 1) for i in range(10) for j in range(10)])
    x, y = rng.uniform(0, 10, 500), rng.uniform(0, 10, 500)
    idx = points_in_polygons(x, y, polys)
    expected = (np.floor(x) * 10 + np.floor(y)).astype(int)
    assert (idx == expected).all()
    order = rng.permutation(500)
    assert (points_in_polygons(x[order], y[order], polys) == idx[order]).all()


def test_postcodes_are_normalised() -> None:
    got = normalise_postcode(pd.Series(["so50 5pb", "SO505PB", " XA1  2BD ", "nonsense-postcode", None]))
    assert got.tolist() == ["SO50 5PB", "SO50 5PB", "XA1 2BD", "", ""]
