"""Simplifying a coverage (every polygon of one level, e.g. all LSOAs) for the web without slivers or gaps.

Simplifying each polygon on its own moves a shared boundary two different ways, one for each
neighbour, which opens gaps and overlaps between them. Here the boundaries are simplified once:

1. The coverage's rings are cut into *arcs*: stretches of boundary between *nodes*, the vertices
   where three or more edges meet (where three polygons meet, or where a ring's neighbour changes,
   including to "outside"). A ring that touches nothing (an island, or the hole it fills) gets one
   node, its lowest vertex, so that both sides cut it the same way. Vertices are matched by their
   exact coordinates, so the input must be a coverage whose neighbours share vertices (ONS boundary
   files are; `shapely.coverage_is_valid` tells).
2. Each arc is simplified once with Douglas-Peucker (`tolerance` in the CRS's units: metres in
   British National Grid), keeping its end nodes, and every ring is rebuilt from its simplified arcs,
   reversed where it runs the other way. Neighbours therefore still share their boundary exactly.
3. Douglas-Peucker can make an arc cross itself or another arc, or collapse a small ring. Arcs in
   such conflicts are simplified again with half the tolerance (and, after a few rounds, kept as
   they were), and so are the arcs of any output polygon that is invalid or whose interior falls in
   another polygon (a small island "jumping" across a simplified coastline). The input's topology is
   kept: no polygon disappears and neighbours stay neighbours.

Only numpy and shapely's vectorised functions are used: no loop over polygons, rings or vertices.
`shapely.coverage_simplify` (GEOS >= 3.12, Visvalingam-Whyatt) does the same job and serves to
cross-check this one in the tests.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import shapely
from geopandas import GeoSeries

HALVINGS = 6  # conflicting arcs are retried at tolerance/2 ... tolerance/64, then kept unsimplified
MAX_ROUNDS = 50

# Suggested tolerances (metres, British National Grid) for web maps of each level: about a pixel at
# the extent on which the level is usually shown (an LSOA map of a county or district, an MSOA or
# ward map of a county, districts and counties of a region, regions of England). For comparison ONS
# publishes "generalised" boundaries at 20 m, "super generalised" at 200 m, "ultra generalised" at 500 m.
WEB_TOLERANCES = {"lsoa": 50.0, "msoa": 100.0, "ward": 100.0, "lad": 250.0, "utla": 500.0, "region": 1000.0}


def web_tolerances() -> dict[str, float]:
    """Suggested simplification tolerance in metres per level (lsoa, msoa, ward, lad, utla, region)."""
    return dict(WEB_TOLERANCES)


@dataclass
class _Topology:
    """The coverage cut into arcs, and how its rings are rebuilt from them."""

    xy: np.ndarray  # (V, 2) distinct vertex coordinates
    arcs: np.ndarray  # original arcs, LineStrings in their canonical direction
    arc_ends: np.ndarray  # (A, 2) vertex ids of each arc's first and last node
    piece_arc: np.ndarray  # per piece (a ring's run along one arc, in ring order): the arc
    piece_forward: np.ndarray  # whether the piece runs along its arc's canonical direction
    piece_ring: np.ndarray  # ring of each piece
    ring_part: np.ndarray  # polygon part of each ring (rings of a part in order, shell first)
    part_geom: np.ndarray  # input geometry of each polygon part


def _rings(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Coordinates of every ring (closing coordinate and repeated vertices dropped), with the ring of
    each coordinate, the part of each ring and the geometry of each part. Degenerate rings (fewer than
    three distinct vertices) are dropped, with the part when its shell is degenerate."""
    parts, part_geom = shapely.get_parts(geoms, return_index=True)
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    parts, part_geom = parts[keep], part_geom[keep]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    closing = np.r_[ring[1:] != ring[:-1], True]
    xy, ring = xy[~closing], ring[~closing]
    start = np.searchsorted(ring, np.arange(len(rings)))
    prev = np.arange(len(ring)) - 1
    first = np.r_[True, ring[1:] != ring[:-1]]
    prev[first] = np.r_[start[1:], len(ring)][ring[first]] - 1  # a ring's first vertex follows its last
    repeated = (xy == xy[prev]).all(axis=1) & (prev != np.arange(len(ring)))
    xy, ring = xy[~repeated], ring[~repeated]
    count = np.bincount(ring, minlength=len(rings))
    shell = np.r_[True, ring_part[1:] != ring_part[:-1]]
    bad_part = np.zeros(len(parts), dtype=bool)
    bad_part[ring_part[shell & (count < 3)]] = True
    good_ring = (count >= 3) & ~bad_part[ring_part]
    new_ring = np.cumsum(good_ring) - 1
    keep_xy = good_ring[ring]
    good_part = ~bad_part
    new_part = np.cumsum(good_part) - 1
    return xy[keep_xy], new_ring[ring[keep_xy]], new_part[ring_part[good_ring]], part_geom[good_part]


def _topology(geoms: np.ndarray) -> _Topology:
    xy_all, ring, ring_part, part_geom = _rings(geoms)
    n_rings = len(ring_part)
    # Distinct vertices, matched by exact coordinates.
    flat = np.ascontiguousarray(xy_all).view(np.complex128).ravel()
    uniq, vid = np.unique(flat, return_inverse=True)
    xy = np.column_stack([uniq.real, uniq.imag])
    nv = len(uniq)
    start = np.searchsorted(ring, np.arange(n_rings))
    size = np.diff(np.r_[start, len(ring)])
    nxt = np.arange(len(ring)) + 1
    last = np.r_[ring[1:] != ring[:-1], True] if len(ring) else np.zeros(0, dtype=bool)
    nxt[last] = start[ring[last]]
    # Undirected edges, their use counts, and the degree of each vertex.
    a, b = vid, vid[nxt]
    key = np.minimum(a, b) * nv + np.maximum(a, b)
    ekey, uses = np.unique(key, return_counts=True)
    ea, eb = ekey // nv, ekey % nv
    degree = np.bincount(ea, minlength=nv) + np.bincount(eb, minlength=nv)
    hi = np.zeros(nv, dtype=np.int64)
    lo = np.full(nv, np.iinfo(np.int64).max)
    for ends in (ea, eb):
        np.maximum.at(hi, ends, uses)
        np.minimum.at(lo, ends, uses)
    node = (degree != 2) | (hi != lo)  # hi != lo: not a clean coverage there; cut to stay safe
    has_node = np.add.reduceat(node[vid].astype(np.int64), start) > 0
    if (~has_node).any():  # islands and the holes they fill: both sides pick the same lowest vertex
        node[np.minimum.reduceat(vid, start)[~has_node]] = True
    # Rotate each ring to start at a node, and close it: ring r spans closed[cstart[r]: cstart[r] + size[r] + 1].
    is_node = node[vid]
    node_pos = np.flatnonzero(is_node)
    first_node = node_pos[np.searchsorted(node_pos, start)]
    local = np.arange(len(ring)) - start[ring]
    rotated = (local - (first_node - start)[ring]) % size[ring]
    cstart = start + np.arange(n_rings)
    closed = np.empty(len(ring) + n_rings, dtype=np.int64)
    closed[cstart[ring] + rotated] = vid
    closed[cstart + size] = vid[first_node]
    # Pieces: runs of a ring from one node to the next.
    cnode = node[closed]
    cnode_pos = np.flatnonzero(cnode)
    is_end = np.zeros(len(closed), dtype=bool)
    is_end[cstart + size] = True
    starts = cnode_pos[~is_end[cnode_pos]]
    ends = cnode_pos[np.searchsorted(cnode_pos, starts, side="right")]
    piece_ring = np.searchsorted(cstart, starts, side="right") - 1
    # Each arc is named by its first edge in canonical direction (the smaller of the two end edges).
    a0, a1, b0, b1 = closed[starts], closed[starts + 1], closed[ends], closed[ends - 1]
    forward = (a0 < b0) | ((a0 == b0) & (a1 <= b1))
    akey = np.where(forward, a0 * nv + a1, b0 * nv + b1)
    _, rep, piece_arc = np.unique(akey, return_index=True, return_inverse=True)
    # The arcs' vertices in canonical direction, from each arc's first piece.
    s, e, fw = starts[rep], ends[rep], forward[rep]
    length = e - s + 1
    step = np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length)
    pos = np.where(np.repeat(fw, length), np.repeat(s, length) + step, np.repeat(e, length) - step)
    arc_idx = np.repeat(np.arange(len(rep)), length)
    arcs = shapely.linestrings(xy[closed[pos]], indices=arc_idx)
    arc_ends = np.column_stack([np.where(fw, a0[rep], b0[rep]), np.where(fw, b0[rep], a0[rep])])
    return _Topology(xy, arcs, arc_ends, piece_arc, forward, piece_ring, ring_part, part_geom)


def _arc_conflicts(topo: _Topology, simp: np.ndarray, check: np.ndarray) -> np.ndarray:
    """Arcs (among those `check`ed, and their partners) that cross themselves, collapse a closed ring,
    or meet another arc anywhere but at the nodes the two share."""
    bad = np.zeros(len(simp), dtype=bool)
    idx = np.flatnonzero(check)
    if len(idx) == 0:
        return bad
    mine = simp[idx]
    loop = topo.arc_ends[idx, 0] == topo.arc_ends[idx, 1]
    bad[idx[~shapely.is_simple(mine)]] = True
    bad[idx[loop & (shapely.get_num_coordinates(mine) < 4)]] = True
    tree = shapely.STRtree(simp)
    qi, j = tree.query(mine, predicate="intersects")
    i = idx[qi]
    keep = (i != j) & ~(check[j] & (j < i))  # each pair once
    i, j = i[keep], j[keep]
    if len(i) == 0:
        return bad
    inter = shapely.intersection(simp[i], simp[j])
    ends_i, ends_j = topo.arc_ends[i], topo.arc_ends[j]
    rows, nodes = [], []
    for c in range(2):  # shared nodes of the pair: each end of i that is an end of j
        shared = (ends_i[:, c, None] == ends_j).any(axis=1)
        if c == 1:
            shared &= ends_i[:, 1] != ends_i[:, 0]
        rows.append(np.flatnonzero(shared))
        nodes.append(ends_i[shared, c])
    r, nd = np.concatenate(rows), np.concatenate(nodes)
    extra = inter.copy()
    if len(r):
        order = np.argsort(r, kind="stable")
        r, nd = r[order], nd[order]
        pair_rows = np.unique(r)
        allowed = shapely.multipoints(topo.xy[nd], indices=np.searchsorted(pair_rows, r))
        extra[pair_rows] = shapely.difference(inter[pair_rows], allowed)
    clash = ~shapely.is_empty(extra)
    bad[i[clash]] = True
    bad[j[clash]] = True
    return bad


def _rebuild(topo: _Topology, simp: np.ndarray, n_geoms: int) -> np.ndarray:
    """The output geometries (MultiPolygons; None where nothing is left) rebuilt from the simplified arcs."""
    sxy, sarc = shapely.get_coordinates(simp, return_index=True)
    sstart = np.searchsorted(sarc, np.arange(len(simp)))
    slen = np.bincount(sarc, minlength=len(simp))
    take = slen[topo.piece_arc] - 1  # a piece gives all but its last vertex (the next piece's first)
    step = np.arange(int(take.sum())) - np.repeat(np.cumsum(take) - take, take)
    first = np.repeat(sstart[topo.piece_arc], take)
    fw = np.repeat(topo.piece_forward, take)
    last_of_arc = np.repeat(sstart[topo.piece_arc] + slen[topo.piece_arc] - 1, take)
    pos = np.where(fw, first + step, last_of_arc - step)
    ring_of = np.repeat(topo.piece_ring, take)
    n_rings = len(topo.ring_part)
    count = np.bincount(ring_of, minlength=n_rings)
    shell = np.r_[True, topo.ring_part[1:] != topo.ring_part[:-1]]
    dead_part = np.zeros(len(topo.part_geom), dtype=bool)
    dead_part[topo.ring_part[shell & (count < 3)]] = True
    good = (count >= 3) & ~dead_part[topo.ring_part]
    ring_id = np.cumsum(good) - 1
    keep = good[ring_of]
    rings = shapely.linearrings(sxy[pos[keep]], indices=ring_id[ring_of[keep]])
    part_of_ring = topo.ring_part[good]
    kept_parts, part_id = np.unique(part_of_ring, return_inverse=True)
    polys = shapely.polygons(rings, indices=part_id)
    out = np.empty(n_geoms, dtype=object)
    shapely.multipolygons(polys, indices=topo.part_geom[kept_parts], out=out)
    return out


def _jumped(out: np.ndarray) -> np.ndarray:
    """Output geometries with a part whose interior lies in another output geometry (or that hold one)."""
    polys, geom = shapely.get_parts(out, return_index=True)
    inside = shapely.point_on_surface(polys)
    tree = shapely.STRtree(out)
    p, g = tree.query(inside, predicate="intersects")
    clash = geom[p] != g
    bad = np.zeros(len(out), dtype=bool)
    bad[geom[p[clash]]] = True
    bad[g[clash]] = True
    return bad


def simplify_coverage(geoms: GeoSeries, tolerance: float) -> GeoSeries:
    """Simplify every polygon of a coverage with shared boundaries simplified once (see module docs).

    `tolerance` is the Douglas-Peucker distance in the CRS's units (metres in British National Grid).
    Returns a GeoSeries with the same index and CRS; Polygons stay Polygons where they keep one part.
    """
    if geoms.crs is not None and geoms.crs.is_geographic:
        raise ValueError("simplify_coverage needs a projected CRS (e.g. EPSG:27700); reproject first.")
    arr = np.asarray(geoms.values, dtype=object)
    result = GeoSeries(arr.copy(), index=geoms.index, crs=geoms.crs)
    present = ~shapely.is_missing(arr) & ~shapely.is_empty(arr)
    if not np.isin(shapely.get_type_id(arr[present]), (3, 6)).all():
        raise ValueError("simplify_coverage takes Polygons and MultiPolygons only.")
    if tolerance <= 0 or not present.any():
        return result
    topo = _topology(arr)
    tol = np.full(len(topo.arcs), float(tolerance))
    simp = shapely.simplify(topo.arcs, tol, preserve_topology=False)
    piece_geom = topo.part_geom[topo.ring_part[topo.piece_ring]]
    check = np.ones(len(simp), dtype=bool)
    for _ in range(MAX_ROUNDS):
        # Arcs already back to their original shape cannot be helped (nor, in a valid coverage, be at fault).
        bad = _arc_conflicts(topo, simp, check) & (tol > 0)
        if not bad.any():
            out = _rebuild(topo, simp, len(arr))
            wrong = present & (shapely.is_missing(out) | ~shapely.is_valid(out))
            wrong |= _jumped(out)
            bad = np.bincount(topo.piece_arc[wrong[piece_geom]], minlength=len(simp)) > 0
            bad &= tol > 0
            if not bad.any():
                if wrong.any():
                    warnings.warn(f"simplify_coverage: {int(wrong.sum())} output(s) still invalid or overlapping "
                                  "with their boundaries unsimplified: is the input a valid coverage?",
                                  RuntimeWarning, stacklevel=2)
                break
        tol[bad] = np.where(tol[bad] > tolerance / 2**HALVINGS, tol[bad] / 2, 0.0)
        simp[bad] = np.where(tol[bad] > 0, shapely.simplify(topo.arcs[bad], tol[bad], preserve_topology=False),
                             topo.arcs[bad])
        check = bad
    else:
        warnings.warn("simplify_coverage: conflicts left after the last round; returning the input",
                      RuntimeWarning, stacklevel=2)
        return result
    single = shapely.get_type_id(arr) == 3
    n_parts = shapely.get_num_geometries(out)
    as_polygon = single & (n_parts == 1)
    out[as_polygon] = shapely.get_geometry(out[as_polygon], 0)
    out[~present] = arr[~present]
    return GeoSeries(out, index=geoms.index, crs=geoms.crs)


def vertex_count(geoms: GeoSeries) -> int:
    """Number of coordinates in a GeoSeries (closing coordinates included), for reporting reductions."""
    return int(shapely.get_num_coordinates(np.asarray(geoms.values, dtype=object)).sum())
