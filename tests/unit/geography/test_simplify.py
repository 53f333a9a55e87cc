"""Coverage simplification: shared boundaries simplified once, so no slivers, gaps or lost neighbours."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas import GeoSeries
from shapely import box

from jsna.geography.simplify import simplify_coverage, vertex_count, web_tolerances

REALDATA = Path(__file__).resolve().parents[3].parent / "shared" / "realdata"
HAMPSHIRE_LSOA21 = REALDATA / "geography/drkane_geo_lookups/boundaries/lsoa/E10000014_Hampshire_UTLA.geojson"


# -- helpers -----------------------------------------------------------------------------------------
def _wiggled(geoms: GeoSeries, interior: int = 12, amplitude: float = 0.03) -> GeoSeries:
    """Every edge of a coverage densified with `interior` points wiggled sideways (up to `amplitude` x
    its length), computed once per edge in a canonical direction so both neighbours get the same
    points: a coverage with many vertices, like a full-resolution boundary file."""
    parts, part_geom = shapely.get_parts(np.asarray(geoms.values, dtype=object), return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    last = np.r_[ring[1:] != ring[:-1], True]
    a, b, seg_ring = xy[~last], xy[np.flatnonzero(~last) + 1], ring[~last]
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    p, q = np.where(swap[:, None], b, a), np.where(swap[:, None], a, b)
    phase = np.modf(np.abs(np.sin(np.hstack([p, q]) @ [1.3e-3, 7.9e-3, 3.7e-3, 4.6e-3])) * 43758.5453)[0] * 2 * np.pi
    t = np.arange(1, interior + 1) / (interior + 1)
    d = q - p
    normal = np.column_stack([-d[:, 1], d[:, 0]]) * amplitude
    shape = np.sin(np.pi * t)[None, :] * np.sin(6 * np.pi * t[None, :] + phase[:, None])
    pts = p[:, None, :] + t[None, :, None] * d[:, None, :] + shape[:, :, None] * normal[:, None, :]
    pts = np.where(swap[:, None, None], pts[:, ::-1, :], pts)
    coords = np.concatenate([a[:, None, :], pts], axis=1).reshape(-1, 2)
    new_rings = shapely.linearrings(coords, indices=np.repeat(seg_ring, interior + 1))
    polys = shapely.polygons(new_rings, indices=ring_part)
    return GeoSeries(shapely.multipolygons(polys, indices=part_geom), index=geoms.index, crs=geoms.crs)


def _adjacent_pairs(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, length of shared boundary) for every pair i < j whose boundaries meet."""
    i, j = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(geoms[i]), shapely.boundary(geoms[j])))
    return i, j, shared


def _assert_clean(before: GeoSeries, after: GeoSeries) -> None:
    """Every output valid; no gaps or overlaps between outputs; every pair of neighbours still shares
    a stretch of boundary."""
    a = np.asarray(after.values, dtype=object)
    assert after.index.equals(before.index)
    assert not after.isna().any()
    assert shapely.is_valid(a).all()
    union = shapely.union_all(a).area
    assert abs(shapely.area(a).sum() - union) <= 1e-6 * union
    i, j, _ = _adjacent_pairs(a)
    assert shapely.area(shapely.intersection(a[i], a[j])).max(initial=0.0) <= 1.0
    bi, bj, shared_before = _adjacent_pairs(np.asarray(before.values, dtype=object))
    adjacent = shared_before > 0
    bi, bj = bi[adjacent], bj[adjacent]
    shared_after = shapely.length(shapely.intersection(shapely.boundary(a[bi]), shapely.boundary(a[bj])))
    assert (shared_after > 0).all(), f"{int((shared_after <= 0).sum())} neighbour pairs no longer share a boundary"


@pytest.fixture(scope="module")
def demo_lsoas(demo_dir: Path) -> GeoSeries:
    return gpd.read_file(demo_dir / "boundaries" / "lsoa21.gpkg").geometry


@pytest.fixture(scope="module")
def hampshire() -> GeoSeries:
    if not HAMPSHIRE_LSOA21.exists():
        pytest.fail(f"{HAMPSHIRE_LSOA21} is missing: the real public files must sit beside the repository")
    return gpd.read_file(HAMPSHIRE_LSOA21).to_crs(27700).geometry


# -- small cases ------------------------------------------------------------------------------------
def test_two_neighbours_keep_sharing_exactly_the_same_simplified_edge() -> None:
    """Given two squares sharing a wiggly edge and an island filling a hole, then the simplified
    shared edge is the same line in both, the island still fills the hole, and the types are kept."""
    edge = [(10.0 + 0.3 * np.sin(k), y) for k, y in enumerate(np.linspace(0, 10, 41))]
    edge[0], edge[-1] = (10.0, 0.0), (10.0, 10.0)
    left = shapely.Polygon([(0, 0), *edge, (0, 10)], [box(2, 2, 4, 4).exterior.coords])
    right = shapely.Polygon([(20, 0), (20, 10), *edge[::-1]])
    island = box(2, 2, 4, 4)
    polys = GeoSeries([left, right, island], index=[10, 20, 30], crs=27700)
    out = simplify_coverage(polys, 1.0)
    _assert_clean(polys, out)
    assert vertex_count(out) < vertex_count(polys) / 3
    shared = shapely.intersection(out[10].boundary, out[20].boundary)
    assert shared.length >= 10  # the whole edge (now straight), shared exactly
    assert shapely.equals(out[30], shapely.Polygon(out[10].interiors[0]))
    assert list(out.geom_type) == ["Polygon", "Polygon", "Polygon"]
    assert out.crs == polys.crs


def test_an_islet_in_a_bay_is_not_swallowed_when_the_bay_is_simplified_away() -> None:
    """Given a coast with a narrow bay holding an islet (no shared boundary: nothing crosses when the
    bay is straightened), then the bay is kept deep enough to hold the islet instead of overlapping it."""
    bay = [(48, 0), (48, 20), (52, 20), (52, 0)]
    land = shapely.Polygon([(0, 0), *bay, (100, 0), (100, 50), (75, 51), (50, 50), (25, 51), (0, 50)])
    islet = box(49, 5, 51, 7)
    polys = GeoSeries([land, islet], crs=27700)
    naive = shapely.simplify(land, 30.0)
    assert naive.contains(islet)  # what a plain simplification does
    out = simplify_coverage(polys, 30.0)
    _assert_clean(polys, out)
    assert not out[0].intersects(out[1])
    assert vertex_count(out) < vertex_count(polys)


def test_zero_tolerance_and_missing_geometries_pass_through() -> None:
    polys = GeoSeries([box(0, 0, 1, 1), None, box(1, 0, 2, 1)], crs=27700)
    assert simplify_coverage(polys, 0).equals(polys)
    out = simplify_coverage(polys, 5.0)
    assert out[1] is None and out[0].equals(polys[0])


def test_a_geographic_crs_and_non_polygons_are_refused() -> None:
    with pytest.raises(ValueError, match="projected CRS"):
        simplify_coverage(GeoSeries([box(0, 50, 1, 51)], crs=4326), 10.0)
    with pytest.raises(ValueError, match="Polygons"):
        simplify_coverage(GeoSeries([shapely.LineString([(0, 0), (1, 1)])], crs=27700), 10.0)


def test_web_tolerances_cover_every_level_and_grow_with_it() -> None:
    tol = web_tolerances()
    levels = ["lsoa", "msoa", "ward", "lad", "utla", "region"]
    assert set(levels) <= set(tol)
    assert tol["lsoa"] <= tol["msoa"] <= tol["lad"] <= tol["utla"] <= tol["region"]


# -- the demo county ---------------------------------------------------------------------------------
def test_demo_county_lsoas(demo_lsoas: GeoSeries) -> None:
    """Given the demo LSOAs (Voronoi cells: few vertices), then simplification keeps the coverage clean."""
    out = simplify_coverage(demo_lsoas, web_tolerances()["lsoa"])
    _assert_clean(demo_lsoas, out)
    assert vertex_count(out) < vertex_count(demo_lsoas)


def test_demo_county_lsoas_with_detailed_boundaries(demo_lsoas: GeoSeries) -> None:
    """Given the demo LSOAs with every edge densified and wiggled (like full-resolution boundaries),
    then the vertex count falls by a large factor and the coverage stays clean."""
    detailed = _wiggled(demo_lsoas)
    assert shapely.is_valid(detailed.values).all() and shapely.coverage_is_valid(detailed.values)
    out = simplify_coverage(detailed, web_tolerances()["lsoa"])
    _assert_clean(detailed, out)
    assert vertex_count(out) * 5 < vertex_count(detailed)


def test_a_huge_tolerance_still_keeps_every_area_and_neighbour(demo_lsoas: GeoSeries) -> None:
    """Given a tolerance far larger than the areas, then conflicting arcs are simplified less rather
    than crossing: every area survives and neighbours stay neighbours."""
    detailed = _wiggled(demo_lsoas)
    _assert_clean(detailed, simplify_coverage(detailed, 5_000.0))


# -- real boundaries ---------------------------------------------------------------------------------
@pytest.mark.realdata
def test_hampshire_lsoa_2021(hampshire: GeoSeries) -> None:
    """Given Hampshire's 865 LSOAs (ONS generalised clipped, already 20 m), then the vertex count falls
    about 2x at the LSOA web tolerance and 4x at 200 m (ONS's super-generalised level), and the coverage
    stays clean at both."""
    assert len(hampshire) == 865
    before = vertex_count(hampshire)
    web = simplify_coverage(hampshire, web_tolerances()["lsoa"])
    _assert_clean(hampshire, web)
    assert vertex_count(web) * 1.8 < before
    coarse = simplify_coverage(hampshire, 200.0)
    _assert_clean(hampshire, coarse)
    assert vertex_count(coarse) * 4 < before


@pytest.mark.realdata
def test_hampshire_geojson_shrinks(hampshire: GeoSeries) -> None:
    """The web GeoJSON (WGS84, 6 decimals) of the simplified LSOAs is well under the original's size."""
    def size(geoms: GeoSeries) -> int:
        wgs = shapely.set_precision(np.asarray(geoms.to_crs(4326).values, dtype=object), 1e-6)
        return len(json.dumps([json.loads(g) for g in shapely.to_geojson(wgs)]))

    assert size(simplify_coverage(hampshire, web_tolerances()["lsoa"])) < 0.6 * size(hampshire)
