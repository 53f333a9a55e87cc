"""Placing points and postcodes in small areas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas import GeoSeries
from shapely import box

from jsna.geography import place
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


# -- the vectorised placement against a brute-force answer ------------------------------------------
def _brute(x: np.ndarray, y: np.ndarray, polys: GeoSeries) -> np.ndarray:
    """Lowest index of the polygons each point intersects (boundary included), -1 for none."""
    out = np.full(len(x), -1, dtype=np.int64)
    pts = shapely.points(x, y)
    for j, geom in reversed(list(enumerate(polys.values))):
        if geom is None or geom.is_empty:
            continue
        out[shapely.intersects(geom, pts) & np.isfinite(x) & np.isfinite(y)] = j
    return out


def _voronoi(n: int, rng: np.random.Generator) -> GeoSeries:
    """A coverage of Voronoi cells with integer vertices (so midpoints of edges are exactly on them)."""
    seeds = shapely.multipoints(rng.uniform(0, 10_000, size=(n, 2)))
    frame = box(0, 0, 10_000, 10_000)
    cells = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame)), frame,
                                 grid_size=1.0)
    return GeoSeries(cells[rng.permutation(len(cells))])


def _boundary_points(polys: GeoSeries, rng: np.random.Generator, k: int) -> tuple[np.ndarray, np.ndarray]:
    """k vertices and k edge midpoints of the polygons (all exactly on a boundary)."""
    xy, ring = shapely.get_coordinates(shapely.get_rings(shapely.get_parts(polys.values)), return_index=True)
    same = ring[1:] == ring[:-1]
    mids = ((xy[1:] + xy[:-1]) / 2)[same]
    pts = np.vstack([xy[rng.integers(0, len(xy), k)], mids[rng.integers(0, len(mids), k)]])
    return pts[:, 0], pts[:, 1]


@pytest.mark.parametrize("block", [1000, 7])
def test_random_voronoi_cells_match_brute_force(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given Voronoi cells and points inside, outside, on vertices and on edges, then the answer equals
    the brute-force `intersects` answer, whatever the blocking of polygons between threads."""
    monkeypatch.setattr(place, "BLOCK_POLYGONS", block)
    rng = np.random.default_rng(3)
    polys = _voronoi(150, rng)
    bx, by = _boundary_points(polys, rng, 300)
    x = np.concatenate([rng.uniform(-500, 10_500, 3000), bx, [np.nan, np.inf, 5.0]])
    y = np.concatenate([rng.uniform(-500, 10_500, 3000), by, [5.0, 5.0, np.nan]])
    got = points_in_polygons(x, y, polys)
    assert (got == _brute(x, y, polys)).all()
    assert (got[3000:3600] >= 0).all()  # every boundary point is placed, in its lowest-index polygon
    assert (got[-3:] == -1).all()
    order = rng.permutation(len(x))
    assert (points_in_polygons(x[order], y[order], polys) == got[order]).all()


def test_holes_and_the_polygons_filling_them() -> None:
    """Given a square with a hole, the island filling the hole and a far-away multipolygon, then points
    in the hole go to the island, points on the hole's edge to the lower index."""
    ring = box(0, 0, 10, 10).exterior
    holed = shapely.Polygon(ring, [box(3, 3, 6, 6).exterior])
    island = box(3, 3, 6, 6)
    multi = shapely.MultiPolygon([box(20, 0, 21, 1), box(30, 0, 31, 1)])
    x = np.array([1.0, 4.5, 3.0, 4.5, 20.5, 30.5, 25.0, 6.0])
    y = np.array([1.0, 4.5, 4.0, 3.0, 0.5, 0.5, 0.5, 6.0])
    polys = GeoSeries([holed, island, multi])
    assert points_in_polygons(x, y, polys).tolist() == [0, 1, 0, 0, 2, 2, -1, 0]
    swapped = GeoSeries([island, holed, multi])
    assert points_in_polygons(x, y, swapped).tolist() == [1, 0, 0, 0, 2, 2, -1, 0]
    assert (points_in_polygons(x, y, polys) == _brute(x, y, polys)).all()


def test_missing_and_empty_polygons_are_skipped_and_inputs_untouched() -> None:
    polys = GeoSeries([None, shapely.Polygon(), box(0, 0, 1, 1), box(0, 0, 1, 1)])
    got = points_in_polygons(np.array([0.5, 2.0]), np.array([0.5, 2.0]), polys)
    assert got.tolist() == [2, -1]
    assert not shapely.is_prepared(polys.values[2:]).any()  # prepared copies only, in their own thread
    assert points_in_polygons(np.array([]), np.array([]), polys).tolist() == []
    assert points_in_polygons(np.array([0.5]), np.array([0.5]), GeoSeries([])).tolist() == [-1]
    assert points_in_polygons(np.array([0.5]), np.array([0.5]), GeoSeries([None])).tolist() == [-1]


def test_polygons_of_very_different_sizes() -> None:
    """Given one huge polygon beside thousands of tiny ones (the grid is sized for the small ones),
    then both are found."""
    tiny = [box(i, j, i + 1, j + 1) for i in range(60) for j in range(60)]
    polys = GeoSeries([*tiny, box(100, 0, 100_000, 100_000)])
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.uniform(0, 60, 2000), rng.uniform(100, 100_000, 2000)])
    y = np.concatenate([rng.uniform(0, 60, 2000), rng.uniform(0, 100_000, 2000)])
    assert (points_in_polygons(x, y, polys) == _brute(x, y, polys)).all()
