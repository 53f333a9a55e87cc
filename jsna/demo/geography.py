"""Synthetic areas: an outline, towns, Voronoi LSOAs and their MSOA, district, authority and region groups."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from jsna.demo import names
from jsna.demo.clustering import balanced_kmeans, relabel_by_position
from jsna.demo.spec import ScaleSpec

GRID = 1.0  # metres; every boundary vertex is snapped to this grid so neighbours share edges exactly
LA_NUMBERS = [*range(101, 200), *range(940, 1000)]  # old-style LA numbers no English authority uses


@dataclass
class Geography:
    """Every level of the synthetic geography; integer columns point at rows of the next level up."""

    outline: shapely.Polygon
    lsoa: pd.DataFrame  # code, name, x, y, msoa, lad
    lsoa_geom: np.ndarray
    msoa: pd.DataFrame  # code, name, lad
    msoa_geom: np.ndarray
    lad: pd.DataFrame  # code, name, utla, geography
    lad_geom: np.ndarray
    utla: pd.DataFrame  # code, name, region, is_county, la_number
    utla_geom: np.ndarray
    region: pd.DataFrame  # code, name
    region_geom: np.ndarray
    towns: pd.DataFrame  # name, x, y, sigma, university, lad

    @property
    def lsoa_utla(self) -> np.ndarray:
        return self.lad["utla"].to_numpy()[self.lsoa["lad"].to_numpy()]


# ---------------------------------------------------------------- outline, towns and seed points


def make_outline(spec: ScaleSpec, rng: np.random.Generator) -> shapely.Polygon:
    """A smooth irregular blob: a circle whose radius is perturbed by a few low harmonics."""
    theta = np.linspace(0.0, 2 * np.pi, 720, endpoint=False)
    r = np.ones_like(theta)
    for k in range(2, 9):
        r += rng.uniform(0.02, 0.09) / k**0.6 * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    stretch = rng.uniform(0.9, 1.1)
    x = spec.centre[0] + spec.radius * r * np.cos(theta) * stretch
    y = spec.centre[1] + spec.radius * r * np.sin(theta) / stretch
    return shapely.set_precision(shapely.Polygon(np.column_stack([x, y])), GRID)


def points_in(poly: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` uniform random points inside a polygon (rejection sampling)."""
    minx, miny, maxx, maxy = shapely.bounds(poly)
    shapely.prepare(poly)
    out = np.empty((0, 2))
    while len(out) < n:
        cand = rng.uniform((minx, miny), (maxx, maxy), size=(max(2 * (n - len(out)), 16), 2))
        out = np.vstack([out, cand[shapely.contains_xy(poly, cand[:, 0], cand[:, 1])]])
    return out[:n]


def make_towns(spec: ScaleSpec, rng: np.random.Generator, outline: shapely.Polygon) -> pd.DataFrame:
    """Town centres with a share of the urban LSOAs each and the spread (sigma) of their built-up area."""
    inner = shapely.buffer(outline, -spec.radius * 0.08)
    xy = points_in(inner, spec.n_towns, rng)
    size = (rng.pareto(1.3, spec.n_towns) + 1.0) ** 0.9
    size = np.minimum(size, np.sort(size)[-1] if spec.n_towns < 20 else 25.0)
    order = np.argsort(-size, kind="stable")
    xy, size = xy[order], size[order]
    n_urban = spec.urban_share * spec.n_lsoa
    n_pts = np.maximum(np.round(n_urban * size / size.sum()), 3)
    sigma = np.sqrt(n_pts * 0.45e6 / (2 * np.pi)) * rng.uniform(0.85, 1.2, spec.n_towns)
    university = np.zeros(spec.n_towns, dtype=bool)
    university[: spec.university_towns] = True
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "n_pts": n_pts.astype(int), "sigma": sigma,
                         "university": university})


def _draw_seeds(spec: ScaleSpec, rng: np.random.Generator, outline: shapely.Polygon,
                towns: pd.DataFrame, n: int) -> np.ndarray:
    weights = towns["n_pts"].to_numpy(float)
    n_urban = round(n * spec.urban_share)
    which = rng.choice(len(towns), size=n_urban, p=weights / weights.sum())
    urban = towns[["x", "y"]].to_numpy()[which] + rng.normal(size=(n_urban, 2)) * towns["sigma"].to_numpy()[
        which, None]
    urban = urban[shapely.contains_xy(outline, urban[:, 0], urban[:, 1])]
    rural = points_in(outline, n - len(urban), rng)
    return np.vstack([urban, rural])


def make_seeds(spec: ScaleSpec, rng: np.random.Generator, outline: shapely.Polygon,
               towns: pd.DataFrame) -> np.ndarray:
    """Exactly `spec.n_lsoa` seed points, denser in towns, no two closer than 150 m."""
    shapely.prepare(outline)
    pts = _draw_seeds(spec, rng, outline, towns, spec.n_lsoa)
    for _ in range(50):
        pairs = cKDTree(pts).query_pairs(150.0, output_type="ndarray")
        drop = np.unique(pairs[:, 1]) if len(pairs) else np.empty(0, dtype=np.int64)
        pts = np.delete(pts, drop, axis=0)
        if len(pts) >= spec.n_lsoa and not len(drop):
            break
        if len(pts) < spec.n_lsoa:
            pts = np.vstack([pts, _draw_seeds(spec, rng, outline, towns, spec.n_lsoa - len(pts))])
    return pts[: spec.n_lsoa]


# ---------------------------------------------------------------- hierarchy of groups


@dataclass
class _Plan:
    """Planned authorities: region, LSOA count, county or unitary, number of districts."""

    region: np.ndarray
    size: np.ndarray
    is_county: np.ndarray
    districts: np.ndarray


def _plan_authorities(spec: ScaleSpec, rng: np.random.Generator) -> _Plan:
    reg_c = np.full(spec.n_regions, spec.n_counties // spec.n_regions)
    reg_c[: spec.n_counties % spec.n_regions] += 1
    reg_u = np.full(spec.n_regions, spec.n_unitaries // spec.n_regions)
    reg_u[: spec.n_unitaries % spec.n_regions] += 1
    region = np.concatenate([np.repeat(np.arange(spec.n_regions), reg_c),
                             np.repeat(np.arange(spec.n_regions), reg_u)])
    is_county = np.concatenate([np.ones(spec.n_counties, bool), np.zeros(spec.n_unitaries, bool)])
    size = np.where(is_county, rng.uniform(*spec.county_lsoas, len(region)),
                    rng.lognormal(np.log(150), 0.4, len(region)).clip(60, 400))
    districts = np.where(is_county, rng.integers(3, 13, len(region)), 1)
    size[0], districts[0] = spec.demoshire_lsoas, spec.demoshire_districts  # Demoshire comes first
    order = np.lexsort((~is_county, region))
    return _Plan(region[order], size[order] * spec.n_lsoa / size.sum(), is_county[order], districts[order])


def build_hierarchy(spec: ScaleSpec, rng: np.random.Generator, pts: np.ndarray) -> dict[str, np.ndarray]:
    """Region, authority, district and MSOA labels for each seed point (each level nested in the next)."""
    plan = _plan_authorities(spec, rng)
    n = len(pts)
    reg_targets = np.bincount(plan.region, weights=plan.size, minlength=spec.n_regions)
    region = relabel_by_position(balanced_kmeans(pts, reg_targets, rng), pts)
    auth = np.zeros(n, dtype=np.int64)
    for r in range(spec.n_regions):
        members = np.flatnonzero(plan.region == r)
        idx = np.flatnonzero(region == r)
        auth[idx] = members[balanced_kmeans(pts[idx], plan.size[members], rng)]  # cluster j has planned size j
    lad = np.zeros(n, dtype=np.int64)
    lad_auth: list[int] = []
    for a in range(len(plan.size)):
        idx = np.flatnonzero(auth == a)
        k = int(plan.districts[a])
        sizes = rng.uniform(0.75, 1.25, k)
        sub = relabel_by_position(balanced_kmeans(pts[idx], sizes, rng), pts[idx])
        lad[idx] = len(lad_auth) + sub
        lad_auth.extend([a] * (int(sub.max()) + 1))
    msoa = np.zeros(n, dtype=np.int64)
    next_id = 0
    for d in range(len(lad_auth)):
        idx = np.flatnonzero(lad == d)
        k = max(1, round(len(idx) / 4.9))
        sub = balanced_kmeans(pts[idx], np.ones(k), rng, iters=2) if k > 1 else np.zeros(len(idx), int)
        _, sub = np.unique(sub, return_inverse=True)
        msoa[idx] = next_id + sub
        next_id += int(sub.max()) + 1
    return {"region": region, "auth": auth, "auth_is_county": plan.is_county, "auth_region": plan.region,
            "lad": lad, "lad_auth": np.array(lad_auth), "msoa": msoa}


# ---------------------------------------------------------------- polygons


def voronoi_cells(pts: np.ndarray, outline: shapely.Polygon) -> np.ndarray:
    """Voronoi cells of the seed points clipped to the outline, snapped to a 1 m grid, as MultiPolygons."""
    env = shapely.buffer(shapely.envelope(outline), 10_000.0)
    vor = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=env, ordered=True)
    cells = shapely.get_parts(vor)
    clipped = shapely.intersection(cells, outline, grid_size=GRID)
    return as_multi(clipped)


def edge_neighbours(cells: np.ndarray) -> np.ndarray:
    """Pairs (i, j), i < j, of cells sharing a stretch of boundary (not just a corner)."""
    tree = shapely.STRtree(cells)
    i, j = tree.query(cells, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(cells[i]), shapely.boundary(cells[j])))
    return np.column_stack([i, j])[shared > 0]


def _stray(pairs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Items outside the largest connected piece of their group."""
    n = len(labels)
    same = labels[pairs[:, 0]] == labels[pairs[:, 1]]
    p = pairs[same]
    graph = coo_matrix((np.ones(len(p)), (p[:, 0], p[:, 1])), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    size = np.bincount(comp)
    best = np.zeros(int(labels.max()) + 1, dtype=np.int64)
    order = np.lexsort((-size[comp], labels))  # per group, the item of the biggest component comes first
    first = np.unique(labels[order], return_index=True)[1]
    best[labels[order][first]] = comp[order][first]
    return np.flatnonzero(comp != best[labels])


def make_contiguous(pairs: np.ndarray, levels: list[np.ndarray]) -> None:
    """Move cells cut off from the rest of their group (at any level, coarse to fine) to a neighbour's
    groups at every level, in place, so that every group is one piece and the nesting is kept."""
    both = np.vstack([pairs, pairs[:, ::-1]])
    for level in levels:
        for _ in range(100):
            stray = _stray(pairs, level)
            if not len(stray):
                break
            is_stray = np.zeros(len(level), dtype=bool)
            is_stray[stray] = True
            cand = both[is_stray[both[:, 0]] & (level[both[:, 0]] != level[both[:, 1]])]
            if not len(cand):
                break
            first = np.unique(cand[:, 0], return_index=True)[1]
            src, dst = cand[first, 0], cand[first, 1]
            for lab in levels:
                lab[src] = lab[dst]


def as_multi(geoms: np.ndarray) -> np.ndarray:
    """Polygons and MultiPolygons as MultiPolygons (one per input)."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(parts) == 3
    return shapely.multipolygons(parts[keep], indices=index[keep])


def dissolve(geoms: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Exact union of each group of a polygon coverage."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    out = [shapely.coverage_union_all(geoms[order[bounds[j]: bounds[j + 1]]]) for j in range(k)]
    return as_multi(np.array(out, dtype=object))


# ---------------------------------------------------------------- codes, names and the assembled geography


def _codes(prefix: str, n: int) -> np.ndarray:
    return np.array([f"{prefix}{i:06d}" for i in range(1, n + 1)], dtype=object)


def _rank_within(groups: np.ndarray, key: np.ndarray) -> np.ndarray:
    """0-based rank of each item by `key` within its group."""
    order = np.lexsort((key, groups))
    rank = np.empty(len(groups), dtype=np.int64)
    starts = np.searchsorted(groups[order], groups[order], side="left")
    rank[order] = np.arange(len(groups)) - starts
    return rank


def _authority_tables(spec: ScaleSpec, rng: np.random.Generator, h: dict[str, np.ndarray]
                      ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    is_c = h["auth_is_county"]
    lad_auth = h["lad_auth"]
    n_auth, n_lad = len(is_c), len(lad_auth)
    ucode = np.empty(n_auth, dtype=object)
    ucode[is_c] = _codes("X10", int(is_c.sum()))
    ucode[~is_c] = _codes("X06", int((~is_c).sum()))
    lad_is_district = is_c[lad_auth]
    lcode = np.empty(n_lad, dtype=object)
    lcode[lad_is_district] = _codes("X07", int(lad_is_district.sum()))
    lcode[~lad_is_district] = ucode[lad_auth[~lad_is_district]]
    demo_lads = np.flatnonzero(lad_auth == 0)
    bases = names.place_names(rng, n_auth + n_lad + spec.n_towns)
    uname = np.array(bases[:n_auth], dtype=object)
    uname[is_c] = names.county_names(rng, int(is_c.sum()))
    uname[0] = names.DEMOSHIRE
    lname = np.array(names.district_names(rng, bases[n_auth: n_auth + n_lad]), dtype=object)
    lname[~lad_is_district] = uname[lad_auth[~lad_is_district]]
    if is_c[0]:
        lname[demo_lads] = names.DEMOSHIRE_DISTRICTS[: len(demo_lads)]
    region_names = ["Southdowns Demo"] if spec.n_regions == 1 else list(names.REGIONS[: spec.n_regions])
    region = pd.DataFrame({"code": _codes("X12", spec.n_regions), "name": region_names})
    la_number = np.array(LA_NUMBERS[:n_auth])[np.argsort(np.argsort(ucode, kind="stable"), kind="stable")]
    utla = pd.DataFrame({"code": ucode, "name": uname, "region": h["auth_region"], "is_county": is_c,
                         "la_number": la_number})
    geography = np.where(lad_is_district, "Non-metropolitan District", "Unitary Authority")
    lad = pd.DataFrame({"code": lcode, "name": lname, "utla": lad_auth, "geography": geography})
    return region, utla, lad, bases[n_auth + n_lad:]


def _order_areas(pts: np.ndarray, h: dict[str, np.ndarray], lad: pd.DataFrame
                 ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """LSOA and MSOA tables in code order; MSOAs numbered north to south within their district."""
    msoa_lab, lad_lab = h["msoa"], h["lad"]
    n_msoa = int(msoa_lab.max()) + 1
    counts = np.bincount(msoa_lab, minlength=n_msoa)
    msoa_y = np.bincount(msoa_lab, weights=pts[:, 1], minlength=n_msoa) / counts
    msoa_lad = np.zeros(n_msoa, dtype=np.int64)
    msoa_lad[msoa_lab] = lad_lab
    lad_rank = np.argsort(np.argsort(lad["code"].to_numpy(), kind="stable"), kind="stable")
    msoa_num = _rank_within(msoa_lad, -msoa_y) + 1
    msoa_order = np.lexsort((msoa_num, lad_rank[msoa_lad]))
    new_msoa = np.empty(n_msoa, dtype=np.int64)
    new_msoa[msoa_order] = np.arange(n_msoa)
    lad_names = lad["name"].to_numpy()
    msoa = pd.DataFrame({
        "code": _codes("X02", n_msoa),
        "name": [f"{lad_names[d]} {k:03d}" for d, k in zip(msoa_lad[msoa_order], msoa_num[msoa_order],
                                                            strict=True)],
        "lad": msoa_lad[msoa_order],
    })
    letter = _rank_within(msoa_lab, -pts[:, 1])
    order = np.lexsort((letter, new_msoa[msoa_lab]))
    m = new_msoa[msoa_lab][order]
    mnames = msoa["name"].to_numpy()
    lsoa = pd.DataFrame({
        "code": _codes("X01", len(pts)),
        "name": [f"{mnames[j]}{chr(65 + int(t)) if t < 26 else 'Z' + str(t)}"
                 for j, t in zip(m, letter[order], strict=True)],
        "x": pts[order, 0], "y": pts[order, 1], "msoa": m, "lad": lad_lab[order],
    })
    return lsoa, msoa, order


def _name_towns(towns: pd.DataFrame, pts: np.ndarray, lad_lab: np.ndarray, lad: pd.DataFrame,
                spare: list[str]) -> pd.DataFrame:
    _, nearest = cKDTree(pts).query(towns[["x", "y"]].to_numpy())
    town_lad = lad_lab[nearest]
    in_demo = lad["utla"].to_numpy()[town_lad] == 0
    demo_names = list(names.DEMOSHIRE_TOWNS)
    other = iter(spare)
    town_names = [demo_names.pop(0) if d and demo_names else next(other) for d in in_demo]
    out = towns.assign(name=town_names, lad=town_lad)
    return out[["name", "x", "y", "sigma", "n_pts", "university", "lad"]]


def build(spec: ScaleSpec, rng: np.random.Generator) -> Geography:
    """The whole synthetic geography for a scale."""
    outline = make_outline(spec, rng)
    towns = make_towns(spec, rng, outline)
    pts = make_seeds(spec, rng, outline, towns)
    h = build_hierarchy(spec, rng, pts)
    cells = voronoi_cells(pts, outline)
    make_contiguous(edge_neighbours(cells), [h["region"], h["auth"], h["lad"], h["msoa"]])
    region, utla, lad, spare = _authority_tables(spec, rng, h)
    towns = _name_towns(towns, pts, h["lad"], lad, spare)
    lsoa, msoa, order = _order_areas(pts, h, lad)
    lsoa_geom = cells[order]
    lsoa_utla = lad["utla"].to_numpy()[lsoa["lad"].to_numpy()]
    lsoa_region = utla["region"].to_numpy()[lsoa_utla]
    return Geography(
        outline=outline, lsoa=lsoa, lsoa_geom=lsoa_geom,
        msoa=msoa, msoa_geom=dissolve(lsoa_geom, lsoa["msoa"].to_numpy(), len(msoa)),
        lad=lad, lad_geom=dissolve(lsoa_geom, lsoa["lad"].to_numpy(), len(lad)),
        utla=utla, utla_geom=dissolve(lsoa_geom, lsoa_utla, len(utla)),
        region=region, region_geom=dissolve(lsoa_geom, lsoa_region, len(region)),
        towns=towns,
    )
