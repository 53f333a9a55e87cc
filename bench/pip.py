"""Points in polygons at England scale: jsna's `points_in_polygons` beside `geopandas.sjoin` and the
naive PostGIS join, all in one run on the same synthetic data.

The polygons are a Voronoi tessellation of random seeds (clustered like towns, sparse elsewhere) over
an England-sized extent in British National Grid, each shared edge densified and wiggled once so that
neighbours still share their boundary exactly (~100 vertices a polygon, like generalised LSOAs). The
points are spread like people, plus a few placed exactly on polygon vertices: those are the "edge
ties" where the three answers may rightly differ (ours gives the lowest index of the polygons
touching the point; `within` and `ST_Contains` give none, as the point is on the boundary).

Targets (issue): at least as fast as sjoin, at least 4x faster than the naive PostGIS join.
Usage: python -m bench.pip [--points N] [--polygons M]
"""

from __future__ import annotations

import argparse
import io
import os
import threading
import time
import tracemalloc
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import psutil
import shapely
import sqlalchemy as sa

from bench.common import save, scratch_database, timed
from jsna.geography.place import points_in_polygons
from jsna.warehouse.copy import copy_frame
from jsna.warehouse.engine import get_engine
from jsna.warehouse.sqlfiles import statement

BNG = 27700
EXTENT = (130_000.0, 10_000.0, 660_000.0, 660_000.0)  # roughly England's box in BNG metres
INTERIOR = 15  # points added to every Voronoi edge: ~6 edges a cell -> ~100 vertices a polygon


# -- synthetic coverage ------------------------------------------------------------------------------
def _seeds(n: int, rng: np.random.Generator) -> np.ndarray:
    """Seed points: 60% around 400 towns (dense, small cells), 40% uniform (large rural cells)."""
    x0, y0, x1, y1 = EXTENT
    n_town = int(n * 0.6)
    centres = rng.uniform((x0, y0), (x1, y1), size=(400, 2))
    weight = rng.pareto(1.2, 400) + 1
    which = rng.choice(400, n_town, p=weight / weight.sum())
    spread = rng.uniform(2_000, 12_000, 400)[which]
    town = centres[which] + rng.normal(size=(n_town, 2)) * spread[:, None]
    rural = rng.uniform((x0, y0), (x1, y1), size=(n - n_town, 2))
    pts = np.clip(np.vstack([town, rural]), (x0 + 1, y0 + 1), (x1 - 1, y1 - 1))
    return np.unique(np.round(pts), axis=0)


def _noise(key: np.ndarray, salt: float) -> np.ndarray:
    """A deterministic pseudo-random number in [0, 1) per row of integer-valued coordinates."""
    v = key @ np.array([12.9898, 78.233, 37.719, 4.581]) * 1e-3 + salt
    return np.modf(np.abs(np.sin(v)) * 43758.5453)[0]


def wiggle(cells: np.ndarray, interior: int = INTERIOR, amplitude: float = 0.04,
           straight: np.ndarray | None = None) -> np.ndarray:
    """Densify every edge of a polygon coverage (integer coordinates, no holes) with `interior` points
    displaced sideways by a smooth wiggle of up to `amplitude` x the edge's length (none on the edges
    of the cells flagged `straight`). Each edge is wiggled in one canonical direction from its own
    coordinates, so both neighbours get exactly the same points and the coverage stays a coverage."""
    rings = shapely.get_exterior_ring(cells)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    last = np.r_[ring[1:] != ring[:-1], True]  # closing coordinate of each ring
    a, b = xy[~last], xy[np.flatnonzero(~last) + 1]
    seg_ring = ring[~last]
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    p = np.where(swap[:, None], b, a)
    q = np.where(swap[:, None], a, b)
    key = np.hstack([p, q])
    amp = np.full(len(key), amplitude)
    if straight is not None and straight.any():
        _, edge = np.unique(key, axis=0, return_inverse=True)
        flat = np.zeros(edge.max() + 1, dtype=bool)
        flat[edge[straight[seg_ring]]] = True
        amp[flat[edge]] = 0.0
    ph1, ph2 = 2 * np.pi * _noise(key, 0.1), 2 * np.pi * _noise(key, 0.7)
    t = np.arange(1, interior + 1) / (interior + 1)  # canonical parameters along p -> q
    d = q - p
    normal = np.column_stack([-d[:, 1], d[:, 0]]) * amp[:, None]  # perpendicular, scaled by the edge length
    shape = np.sin(np.pi * t)[None, :] * (
        0.6 * np.sin(4 * np.pi * t[None, :] + ph1[:, None]) + 0.4 * np.sin(10 * np.pi * t[None, :] + ph2[:, None])
    )
    pts = p[:, None, :] + t[None, :, None] * d[:, None, :] + shape[:, :, None] * normal[:, None, :]
    pts = np.where(swap[:, None, None], pts[:, ::-1, :], pts)  # back to the ring's own direction
    out = np.concatenate([a[:, None, :], pts], axis=1).reshape(-1, 2)
    out_ring = np.repeat(seg_ring, interior + 1)
    return shapely.polygons(shapely.linearrings(out, indices=out_ring))


def make_polygons(n: int, rng: np.random.Generator) -> np.ndarray:
    """About `n` valid polygons of ~100 vertices tiling the extent (a coverage)."""
    seeds = _seeds(n, rng)
    box = shapely.box(*EXTENT)
    vor = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=box)
    cells = shapely.intersection(shapely.get_parts(vor), box, grid_size=1.0)
    cells = cells[(shapely.get_type_id(cells) == 3) & (shapely.area(cells) > 0)]
    straight = np.zeros(len(cells), dtype=bool)
    for _ in range(5):  # a wiggle crossing a neighbouring edge at a sharp corner: keep that cell's edges straight
        out = wiggle(cells, straight=straight)
        bad = ~shapely.is_valid(out)
        if not bad.any():
            break
        straight |= bad
    return out


def make_points(n: int, polygons: np.ndarray, rng: np.random.Generator, on_vertices: int) -> np.ndarray:
    """Points spread like people (mostly near polygon centres of dense areas, some anywhere), plus
    `on_vertices` points exactly on polygon vertices. Returned in random order, shape (n, 2)."""
    x0, y0, x1, y1 = EXTENT
    n_any = n // 5
    n_near = n - n_any - on_vertices
    centres = shapely.get_coordinates(shapely.centroid(polygons))
    which = rng.integers(0, len(polygons), n_near)
    near = centres[which] + rng.normal(scale=400.0, size=(n_near, 2))
    anywhere = rng.uniform((x0, y0), (x1, y1), size=(n_any, 2))
    verts = shapely.get_coordinates(polygons)
    exact = verts[rng.integers(0, len(verts), on_vertices)]
    pts = np.vstack([near, anywhere, exact])
    return pts[rng.permutation(len(pts))]


# -- the three answers ------------------------------------------------------------------------------
def _sjoin(pts: gpd.GeoDataFrame, polys: gpd.GeoDataFrame) -> np.ndarray:
    joined = gpd.sjoin(pts, polys, predicate="within", how="inner")
    out = np.full(len(pts), -1, dtype=np.int64)
    first = ~joined.index.duplicated(keep="first")  # a point in two polygons (never in a coverage)
    out[joined.index[first]] = joined["index_right"].to_numpy()[first]
    return out


def _load(url: str, pts: np.ndarray, polys: np.ndarray) -> None:
    engine = get_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_pts, bench_polys, bench_hits"))
        conn.execute(sa.text("CREATE TABLE bench_pts (id integer, geom geometry(Point, 27700))"))  # BNG
        conn.execute(sa.text("CREATE TABLE bench_polys (id integer, geom geometry(Polygon, 27700))"))
        copy_frame(conn, "bench_pts", gpd.GeoDataFrame(
            {"id": np.arange(len(pts))}, geometry=gpd.GeoSeries.from_xy(pts[:, 0], pts[:, 1], crs=BNG), crs=BNG
        ).rename_geometry("geom"))
        copy_frame(conn, "bench_polys", gpd.GeoDataFrame(
            {"id": np.arange(len(polys))}, geometry=gpd.GeoSeries(polys, crs=BNG), crs=BNG
        ).rename_geometry("geom"))
        conn.execute(sa.text("CREATE INDEX ON bench_pts USING gist (geom)"))
        conn.execute(sa.text("CREATE INDEX ON bench_polys USING gist (geom)"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE bench_pts"))
        conn.execute(sa.text("VACUUM ANALYZE bench_polys"))


def _postgis(url: str, n: int, times: dict[str, float], facts: dict[str, Any]) -> np.ndarray:
    """The naive join, timed server-side into a table (not counting the transfer of the answer)."""
    engine = get_engine(url)
    with engine.connect() as conn:
        plan = [row[0] for row in conn.execute(statement("bench/pip_plan"))]
    facts["postgis_plan"] = "\n".join(line.strip() for line in plan)
    with engine.begin() as conn, timed(times, "postgis_naive_join_s"):
        conn.execute(statement("bench/pip_hits"))
    with engine.connect() as conn, timed(times, "postgis_read_back_s"):
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy("COPY bench_hits TO STDOUT (FORMAT csv)") as copy:
            data = b"".join(bytes(chunk) for chunk in copy)
    hits = pd.read_csv(io.BytesIO(data), header=None, names=["pt", "poly"])
    out = np.full(n, -1, dtype=np.int64)
    hits = hits.sort_values(["pt", "poly"]).drop_duplicates("pt")
    out[hits["pt"].to_numpy()] = hits["poly"].to_numpy()
    return out


def _peak_memory(x: np.ndarray, y: np.ndarray, polys: gpd.GeoSeries) -> dict[str, float]:
    """Peak memory of one call: numpy/Python allocations (tracemalloc) and process RSS above the
    level before the call (sampled every millisecond; includes GEOS's prepared geometries)."""
    proc = psutil.Process()
    base = proc.memory_info().rss
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.001)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tracemalloc.start()
    try:
        points_in_polygons(x, y, polys)
        _, traced = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        done.set()
        sampler.join()
    return {"ours_peak_traced_mb": traced / 1e6, "ours_peak_rss_delta_mb": (peak[0] - base) / 1e6}


def _on_boundary(pts: np.ndarray, polys: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Which of the given points lie exactly on some polygon's boundary."""
    if len(rows) == 0:
        return np.zeros(0, dtype=bool)
    tree = shapely.STRtree(shapely.boundary(polys))
    p, _ = tree.query(shapely.points(pts[rows]), predicate="intersects")
    return np.isin(np.arange(len(rows)), p)


def _agreement(name: str, ours: np.ndarray, other: np.ndarray, pts: np.ndarray, polys: np.ndarray) -> dict[str, int]:
    differ = np.flatnonzero(ours != other)
    ties = _on_boundary(pts, polys, differ)
    return {f"{name}_differ": len(differ), f"{name}_differ_edge_ties": int(ties.sum()),
            f"{name}_differ_other": int((~ties).sum())}


def run(url: str, n_points: int = 1_000_000, n_polygons: int = 33_000, seed: int = 7) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    times: dict[str, float] = {}
    with timed(times, "make_polygons_s"):
        polys = make_polygons(n_polygons, rng)
    pts = make_points(n_points, polys, rng, on_vertices=max(n_points // 1000, 1))
    x, y = pts[:, 0].copy(), pts[:, 1].copy()
    series = gpd.GeoSeries(polys, crs=BNG)
    facts: dict[str, Any] = {
        "load_average_1m_at_start": os.getloadavg()[0],  # other work on the machine slows every timing
        "points": len(pts), "polygons": len(polys),
        "vertices_per_polygon": float(np.mean(shapely.get_num_coordinates(polys) - 1)),
        "polygons_valid": bool(shapely.is_valid(polys).all()),
        "coverage_valid": bool(shapely.coverage_is_valid(polys)),
        "points_on_vertices": max(n_points // 1000, 1),
    }

    points_in_polygons(x[:1000], y[:1000], series)  # warm up imports and thread pool
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        ours = points_in_polygons(x, y, series)
        runs.append(time.perf_counter() - start)
    times["ours_s"] = min(runs)
    times["ours_s_runs"] = runs  # type: ignore[assignment]

    with timed(times, "sjoin_build_points_s"):
        pt_frame = gpd.GeoDataFrame(geometry=gpd.GeoSeries.from_xy(x, y, crs=BNG), crs=BNG)
    poly_frame = gpd.GeoDataFrame(geometry=series, crs=BNG)
    runs = []
    for _ in range(3):
        pt_frame = gpd.GeoDataFrame(geometry=pt_frame.geometry.copy(), crs=BNG)  # no cached tree between runs
        start = time.perf_counter()
        by_sjoin = _sjoin(pt_frame, poly_frame)
        runs.append(time.perf_counter() - start)
    times["sjoin_s"] = min(runs)
    times["sjoin_s_runs"] = runs  # type: ignore[assignment]

    with timed(times, "postgis_load_s"):
        _load(url, pts, polys)
    by_postgis = _postgis(url, len(pts), times, facts)

    facts.update(times)
    facts["ours_vs_sjoin_speedup"] = times["sjoin_s"] / times["ours_s"]
    facts["ours_vs_sjoin_with_point_building_speedup"] = (times["sjoin_s"] + times["sjoin_build_points_s"]) / times[
        "ours_s"]
    facts["ours_vs_postgis_speedup"] = times["postgis_naive_join_s"] / times["ours_s"]
    facts["placed_ours"] = int((ours >= 0).sum())
    facts["placed_sjoin"] = int((by_sjoin >= 0).sum())
    facts["placed_postgis"] = int((by_postgis >= 0).sum())
    facts.update(_agreement("sjoin", ours, by_sjoin, pts, polys))
    facts.update(_agreement("postgis", ours, by_postgis, pts, polys))
    facts.update(_agreement("sjoin_vs_postgis", by_sjoin, by_postgis, pts, polys))
    facts.update(_peak_memory(x, y, series))
    facts["input_mb"] = (x.nbytes + y.nbytes) / 1e6
    return facts


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(prog="python -m bench.pip")
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--polygons", type=int, default=33_000)
    args = parser.parse_args()
    with scratch_database() as url:
        facts = run(url, args.points, args.polygons)
    title = f"points in polygons: {facts['points']:,} points, {facts['polygons']:,} polygons"
    table = Table("measure", "value", title=title)
    for key, value in facts.items():
        shown = f"{value:,.3f}" if isinstance(value, float) else (
            ", ".join(f"{v:.3f}" for v in value) if isinstance(value, list) else f"{value:,}" if isinstance(
                value, int) and not isinstance(value, bool) else str(value))
        table.add_row(key, shown)
    Console().print(table)
    Console().print(f"results saved to {save('pip', facts)}")


if __name__ == "__main__":
    main()
